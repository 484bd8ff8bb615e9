"""Pure text rules for post bodies: hashtags, mentions, links. No Django imports.

Everything starts from one tokenizer over the NFKC-normalised text, so the hashtags a
campaign counts (`hashtags`) and the links a reader sees (`tokens`) can never disagree.
Tokens carry their span in the *original* text, so a post is shown as it was written
(full-width punctuation and all) while its tags are found on the normalised form.
"""

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

MAX_TAG_LENGTH = 64

URL_RE = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
# Where a tag may start: `#` not right after an ASCII letter/digit, `_`, `&` or `/`.
# What follows is read by `tag_length` (Unicode's hashtag identifiers, UAX #31); the
# whole run is taken, and a run that is too long is no tag at all (not a truncated one).
TAG_START_RE = re.compile(r"(?<![A-Za-z0-9_&/])#")
# `#http://…` is a link written after a hash sign, not a tag.
SCHEME_AFTER_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
# A mention: `@` not inside an ASCII word or an e-mail address, then a username.
# Usernames are ASCII, so `感谢@alice的分享` mentions alice: Chinese is written unspaced.
MENTION_RE = re.compile(r"(?<![A-Za-z0-9_.@+-])@([A-Za-z0-9_.+-]{1,150})")
# A cashtag ($BTC): `$` not right after an ASCII letter or digit, `$`, `_` or `/` (so
# `买入$SOL了` has one: Chinese text may touch it), 1–10 ASCII letters, optionally `.` or
# `_` and 1–2 letters (`$BRK.B`), and no ASCII letter or digit right after (`$100`,
# `$1k`, `US$5` are prices; a longer run is no cashtag). A trailing `.` or `_` is text.
CASHTAG_RE = re.compile(
    r"(?<![A-Za-z0-9$_/])\$([A-Za-z]{1,10}(?:[._][A-Za-z]{1,2})?)(?![A-Za-z0-9])"
)
# Characters trimmed from the end of a link target: closing punctuation that people
# type right after a URL. They stay in the text, just outside the link.
URL_TRAILING = ".,;:!?'\")]}>。，、；：！？」』）】》"


class Kind(StrEnum):
    TEXT = "text"
    URL = "url"
    TAG = "tag"
    MENTION = "mention"
    CASHTAG = "cashtag"


@dataclass(frozen=True, slots=True)
class Token:
    kind: Kind
    text: str  # the slice of the original text
    value: str = ""  # tag key, username or link target


# Characters that change the direction of the text around them: marks, embeddings,
# overrides and isolates (U+202E, RIGHT-TO-LEFT OVERRIDE, makes "gpj.exe" read "exe.jpg").
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
# Letters and symbols that draw nothing (Hangul fillers, the blank Braille pattern).
BLANKS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def is_invisible(char: str) -> bool:
    """A character that shows nothing by itself: white space, a format character
    (zero-width space and joiners, BOM, direction controls, …) or a blank letter."""
    return char.isspace() or unicodedata.category(char) == "Cf" or char in BLANKS


def has_visible(text: str) -> bool:
    """True if `text` shows anything at all (a body of only zero-width padding does not)."""
    return any(not is_invisible(char) for char in text)


def without_bidi_controls(text: str) -> str:
    return "".join(char for char in text if char not in BIDI_CONTROLS)


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def tag_key(tag: str) -> str:
    """The canonical key of a tag (without `#`): NFKC, then case-folded."""
    return nfkc(nfkc(tag).casefold())


# --- the characters of a word (tags, and the campaign's 字数 words) -----------------------
#
# After Unicode's hashtag identifiers (UAX #31 §5, as large platforms apply it): letters
# of every script, letter numbers and decimal digits, the combining marks that vowels and
# viramas are written with (Mn, Mc), connector punctuation; and, only between two such
# characters, the zero-width (non-)joiner (Sinhala ශ්‍රී, Persian می‌خواهم); between two
# letters, the middle dot (Catalan il·lusió), the Tibetan tsheg and the Hebrew geresh and
# gershayim; the ideographic repetition mark 〃; and, between two Japanese
# characters, the wave dash 〜 and the full-width tilde (～, which NFKC makes ~).

WORD_CATEGORIES = frozenset({"Lu", "Ll", "Lt", "Lm", "Lo", "Nl", "Nd", "Mn", "Mc", "Pc"})
JOINERS = frozenset("\u200c\u200d")
MIDDLE_DOT = "\u00b7"
# Also only between letters: the Tibetan tsheg, the Hebrew geresh and gershayim (צה״ל).
BETWEEN_LETTERS = frozenset("\u0f0b\u05f3\u05f4")
REPETITION_MARKS = frozenset("\u3003")
WAVE_MARKS = frozenset("\u301c~\uff5e")
_JAPANESE = ((0x3040, 0x30FF), (0x31F0, 0x31FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF),
             (0xF900, 0xFAFF), (0xFF66, 0xFF9F), (0x20000, 0x3134F))  # fmt: skip


def is_word_char(char: str) -> bool:
    """A character that is part of a word wherever it stands."""
    return unicodedata.category(char) in WORD_CATEGORIES or char in REPETITION_MARKS


def _is_japanese(char: str) -> bool:
    code = ord(char)
    return any(lo <= code <= hi for lo, hi in _JAPANESE)


def joins_word(before: str, char: str, after: str) -> bool:
    """Whether `char`, standing between `before` and `after`, keeps one word whole."""
    if char in JOINERS:
        return is_word_char(before) and is_word_char(after)
    if char == MIDDLE_DOT or char in BETWEEN_LETTERS:
        return unicodedata.category(before)[0] == "L" and unicodedata.category(after)[0] == "L"
    if char in WAVE_MARKS:
        return _is_japanese(before) and _is_japanese(after)
    return False


def word_length(text: str, start: int = 0) -> int:
    """How many characters from `start` form one word (0 if none starts there). A word
    does not start with a mark, a joiner or a dot."""
    end = start
    while end < len(text) and _continues(text, start, end):
        end += 1
    return end - start


def _continues(text: str, start: int, i: int) -> bool:
    """Whether text[i] belongs to the word that began at `start`."""
    char = text[i]
    if is_word_char(char):
        return i > start or unicodedata.category(char)[0] != "M"
    return start < i < len(text) - 1 and joins_word(text[i - 1], char, text[i + 1])


def is_valid_tag(word: str) -> bool:
    """True if `word` (NFKC, without `#`) is a whole tag: one word of at most
    `MAX_TAG_LENGTH` characters with at least one letter."""
    return (
        0 < len(word) <= MAX_TAG_LENGTH
        and word_length(word) == len(word)
        and any(unicodedata.category(c)[0] == "L" for c in word)
    )


def _tags(norm: str, in_url):
    """(start, end, key, word) of each tag in the normalised text; `end` takes a
    Weibo-style closing `#` in."""
    for m in TAG_START_RE.finditer(norm):
        body = m.end()
        length = word_length(norm, body)
        word = norm[body : body + length]
        if in_url(m.start()) or not is_valid_tag(word):
            continue
        if SCHEME_AFTER_RE.match(norm, body):  # `#http://…`
            continue
        end = body + length + (1 if norm[body + length : body + length + 1] == "#" else 0)
        yield m.start(), end, tag_key(word), word


def _segments(text: str) -> tuple[str, list[int]]:
    """NFKC-normalise `text`, keeping for each normalised offset its original offset.

    A base character and the combining marks after it are normalised together (that is
    where NFKC composes), so the joined pieces equal the NFKC of the whole text.
    """
    pieces: list[str] = []
    origin: list[int] = []
    start = 0
    n = len(text)
    while start < n:
        end = start + 1
        while end < n and unicodedata.category(text[end]).startswith("M"):
            end += 1
        piece = nfkc(text[start:end])
        pieces.append(piece)
        origin.extend([start] * len(piece))
        start = end
    origin.append(n)
    return "".join(pieces), origin


def _original_end(origin: list[int], norm_end: int) -> int:
    """Map a normalised end offset to an original one, rounding up to a whole character.

    `origin` ends with a sentinel (the original length), so the loop always stops.
    """
    while 0 < norm_end < len(origin) - 1 and origin[norm_end] == origin[norm_end - 1]:
        norm_end += 1
    return origin[norm_end]


def _matches(norm: str):
    """Yield (start, end, kind, value, word) over the normalised text, in order.

    `value` is the tag key, username or link target; `word` the tag as written.
    """
    url_spans = [(m.start(), m.end()) for m in URL_RE.finditer(norm)]
    found = []
    for start, end in url_spans:
        target = norm[start:end].rstrip(URL_TRAILING)
        found.append((start, start + len(target), Kind.URL, target, target))

    def in_url(pos: int) -> bool:
        return any(s <= pos < e for s, e in url_spans)

    for start, end, key, word in _tags(norm, in_url):
        found.append((start, end, Kind.TAG, key, word))
    for m in CASHTAG_RE.finditer(norm):
        if not in_url(m.start()):
            symbol = m.group(1)
            found.append((m.start(), m.end(), Kind.CASHTAG, symbol.upper(), symbol))
    for m in MENTION_RE.finditer(norm):
        name = m.group(1).rstrip(".")
        if in_url(m.start()) or not name:
            continue
        found.append((m.start(), m.start() + 1 + len(name), Kind.MENTION, name, name))
    found.sort()
    last_end = 0
    for match in found:
        if match[0] >= last_end:  # a mention inside a tag and the like: first wins
            yield match
            last_end = match[1]


def tokens(text: str) -> list[Token]:
    """Split `text` into plain text, URLs, hashtags and mentions (original slices)."""
    norm, origin = _segments(text)
    out: list[Token] = []
    pos = 0
    for start, end, kind, value, _word in _matches(norm):
        o_start = origin[start]
        o_end = _original_end(origin, end)
        if o_start > pos:
            out.append(Token(Kind.TEXT, text[pos:o_start]))
        original = text[o_start:o_end]
        out.append(Token(kind, original, original if kind is Kind.URL else value))
        pos = o_end
    if pos < len(text):
        out.append(Token(Kind.TEXT, text[pos:]))
    return out


def hashtags(text: str) -> list[str]:
    """The normalised hashtag keys of `text`, in order of first appearance, no repeats."""
    return list(hashtag_displays(text))


def hashtag_displays(text: str) -> dict[str, str]:
    """Map each tag key to the tag as first written (NFKC, case kept, without `#`)."""
    displays: dict[str, str] = {}
    for _, _, kind, key, word in _matches(nfkc(text)):
        if kind is Kind.TAG:
            displays.setdefault(key, word)
    return displays


def cashtags(text: str) -> list[str]:
    """The cashtag keys of `text` (upper-case symbols: `$btc` is BTC), in order of first
    appearance, no repeats."""
    norm = nfkc(text)
    keys = [value for _, _, kind, value, _ in _matches(norm) if kind is Kind.CASHTAG]
    return list(dict.fromkeys(keys))


def is_valid_cashtag(symbol: str) -> bool:
    """True if `symbol` (without `$`) is a whole cashtag symbol."""
    return CASHTAG_RE.fullmatch("$" + symbol) is not None


def mentions(text: str) -> list[str]:
    """The usernames mentioned in `text` (as written), in order, no repeats."""
    norm = nfkc(text)
    names = [value for _, _, kind, value, _ in _matches(norm) if kind is Kind.MENTION]
    return list(dict.fromkeys(names))


def spans(text: str) -> tuple[str, list[tuple[Kind, int, int, str]]]:
    """The NFKC form of `text` and its URL, tag and mention spans on that form:
    (kind, start, end, value), in order, never overlapping. For rules that measure
    what is left once links, tags and mentions are taken out (campaign 字数)."""
    norm = nfkc(text)
    return norm, [(kind, start, end, value) for start, end, kind, value, _ in _matches(norm)]
