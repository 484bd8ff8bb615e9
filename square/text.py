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
# A tag: `#` not right after an ASCII letter/digit, `_`, `&` or `/`, then a run of word
# characters of any script. The whole run is taken; length and all-digits are checked
# afterwards, because a run that is too long is no tag at all (not a truncated one).
TAG_RE = re.compile(r"(?<![A-Za-z0-9_&/])#(\w+)(#?)")
# A mention: `@` not inside an ASCII word or an e-mail address, then a username.
# Usernames are ASCII, so `感谢@alice的分享` mentions alice: Chinese is written unspaced.
MENTION_RE = re.compile(r"(?<![A-Za-z0-9_.@+-])@([A-Za-z0-9_.+-]{1,150})")
# Characters trimmed from the end of a link target: closing punctuation that people
# type right after a URL. They stay in the text, just outside the link.
URL_TRAILING = ".,;:!?'\")]}>。，、；：！？」』）】》"


class Kind(StrEnum):
    TEXT = "text"
    URL = "url"
    TAG = "tag"
    MENTION = "mention"


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


def is_valid_tag(word: str) -> bool:
    """True if `word` (NFKC, without `#`) is a whole tag by the length and digit rules."""
    return (
        0 < len(word) <= MAX_TAG_LENGTH
        and re.fullmatch(r"\w+", word) is not None
        and not word.isdigit()
    )


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

    for m in TAG_RE.finditer(norm):
        word = m.group(1)
        if in_url(m.start()) or not is_valid_tag(word):
            continue
        found.append((m.start(), m.end(), Kind.TAG, tag_key(word), word))
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
