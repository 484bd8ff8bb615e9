"""Pure rules for the names people go by: usernames and display names. No Django imports.

A name is how a reader decides who is speaking, so these rules stop a member from
passing as someone else: as staff (reserved words), as another member (look-alike
usernames), or with characters a reader cannot see. The services in
`square.services.identity` turn the answers into translated messages and add the
checks that need the database.
"""

import re
import unicodedata
from functools import lru_cache

from square.confusables import LOOKALIKES
from square.similarity import fold

# The part of Unicode's confusables table (UTS #39, confusables.txt, the table behind
# the "skeleton" of section 4) whose *source* is a character allowed in a username
# (ASCII letters, digits and @ . + - _). Every other username character is its own
# prototype. Source: https://www.unicode.org/Public/security/latest/confusables.txt
# (lines `0030 ; 004F`, `0031 ; 006C`, `0049 ; 006C`, `006D ; 0072 006E`); checked
# against the table shipped by confusable-homoglyphs 3.3.1.
ASCII_CONFUSABLES = {"0": "O", "1": "l", "I": "l", "m": "rn"}


def _map(text: str) -> str:
    return "".join(ASCII_CONFUSABLES.get(char, char) for char in text)


def username_skeleton(username: str) -> str:
    """The TR39 skeleton of an ASCII username, case-insensitive like usernames are.

    TR39 keeps case (`0` → `O`, `o` stays), while usernames are unique regardless of
    case, so the mapped text is lower-cased and mapped again: `Iin_xiaoyu`, `lin_xiaoyu`
    and `1in_xiaoyu` share one skeleton, as do `M` and `rn`, `0` and `o`.
    """
    text = unicodedata.normalize("NFD", username)
    return _map(_map(text).lower()).lower()


def username_breaks_urls(username: str) -> bool:
    """True for a username that cannot be its own path segment in `/u/<username>/`.

    `.` and `..` are removed from paths by browsers and servers (`/u/../` is `/`); a
    leading dot is a hidden file to many proxies; a trailing dot is cut off an @mention
    ("谢谢@lin." mentions lin). Django's username validator allows all of them."""
    return username.startswith(".") or username.endswith(".")


# Words that say "this account speaks for Square". Members may not use them anywhere in
# a username or display name, in any disguise (see `name_key`). Pinyin too, as
# usernames are ASCII. Staff and official accounts are exempt.
RESERVED_WORDS = (
    "官方", "运营", "客服", "管理员", "工作人员", "版主", "管理团队",
    "admin", "official", "staff", "support", "moderator", "sysop", "webmaster",
    "guanfang", "yunying", "kefu", "guanliyuan",
)  # fmt: skip
# The product's own name, reserved at the start of a name: "广场运营小组", "Square Team",
# "广场小助手" speak as Square; "人民广场", "Times Square" and "SpongeBob SquarePants" do not.
RESERVED_PREFIXES = ("广场", "square")
# Ordinary words that contain a reserved one, taken out before looking.
ALLOWED_WORDS = ("广场舞", "badminton", "supporter", "supportive")

# Digits and symbols written for letters ("4dmin", "$taff", "adm!n").
_LEET = {"4": "a", "@": "a", "3": "e", "$": "s", "5": "s", "7": "t", "!": "i", "|": "i"}
# Letters drawn in boxes and circles, and regional indicators: 🅰dmin, 🄰🄳🄼🄸🄽, 🇦🇩🇲🇮🇳.
_BOXED_LETTERS = (0x1F130, 0x1F150, 0x1F170, 0x1F1E6)
# Letters too alike to tell apart in a name: one class each (ASCII after the steps above).
_CLASSES = str.maketrans({"l": "i", "1": "i", "0": "o"})
_MULTI = (("rn", "m"), ("vv", "w"))


@lru_cache(maxsize=4096)
def _char_key(char: str) -> str:
    """One character of `name_key`: look-alikes to ASCII (before and after case
    folding, as the table lists both cases), Traditional to Simplified, accents off."""
    out = []
    for c in unicodedata.normalize("NFKC", char):
        boxed = [ord(c) - start for start in _BOXED_LETTERS if 0 <= ord(c) - start < 26]
        if c in _LEET or boxed:
            out.append(_LEET[c] if c in _LEET else chr(ord("a") + boxed[0]))
            continue
        for folded in fold(LOOKALIKES.get(c, c)):  # NFKC, t2s, casefold, letters/digits
            folded = LOOKALIKES.get(folded, folded).lower()
            base = unicodedata.normalize("NFD", folded)
            out.append("".join(b for b in base if not unicodedata.category(b).startswith("M")))
    return "".join(out).translate(_CLASSES)


def name_key(name: str) -> str:
    """What a name reads as, for comparing: letters and digits only (spaces, punctuation,
    emoji and invisible characters dropped), NFKC, case-folded, Traditional → Simplified,
    accents dropped, look-alikes of other scripts and digits-for-letters mapped to ASCII,
    and letters hard to tell apart (l/1/I/i, 0/o, rn/m) made one. "Ａ d m 1 n", "4dmin"
    and Cyrillic "аdmin" all read "admin"; "廣場 運營" reads "广场运营"."""
    key = "".join(_char_key(char) for char in name)
    for many, one in _MULTI:
        key = key.replace(many, one)
    return key


_RESERVED_KEYS = tuple(name_key(word) for word in RESERVED_WORDS)
_PREFIX_KEYS = tuple(name_key(word) for word in RESERVED_PREFIXES)
_ALLOWED_KEYS = tuple(name_key(word) for word in ALLOWED_WORDS)


def reserved_word(name: str) -> str | None:
    """The reserved word `name` contains, in any disguise, or None."""
    key = name_key(name)
    for allowed in _ALLOWED_KEYS:
        key = key.replace(allowed, " ")
    for word, reserved in zip(RESERVED_WORDS, _RESERVED_KEYS, strict=True):
        if reserved in key:
            return word
    for word, reserved in zip(RESERVED_PREFIXES, _PREFIX_KEYS, strict=True):
        if key.startswith(reserved):
            return word
    return None


_USERNAME_SHAPE = re.compile(r"[A-Za-z0-9_.+-]+")


def as_username(display_name: str) -> str | None:
    """The username a display name passes for, if it looks like one: "@lin_xiaoyu",
    "ｌｉｎ＿ｘｉａｏｙｕ" or Cyrillic look-alikes read as lin_xiaoyu; "林小雨" is none."""
    text = unicodedata.normalize("NFKC", display_name).strip().removeprefix("@")
    text = "".join(LOOKALIKES.get(char, char) for char in text)
    return text if _USERNAME_SHAPE.fullmatch(text) else None


# Characters that draw nothing but are not spaces and not format characters (category
# Cf, which `square.text.is_invisible` covers): the combining grapheme joiner, Khmer
# and Mongolian vowel and variation selectors, the variation selectors (outside the
# emoji they belong to, below), and unassigned, private-use and surrogate code points,
# which show as nothing, as a box or as whatever a font puts there.
_ALSO_HIDDEN = frozenset("\u034f\u17b4\u17b5\u180b\u180c\u180d\u180e\u180f")
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cn", "Co", "Cs", "Zl", "Zp"})
ZWJ = "\u200d"
_EMOJI_STYLE = "\ufe0e\ufe0f"  # text and emoji presentation selectors
_SKIN_TONES = range(0x1F3FB, 0x1F400)
_KEYCAP_BASES = frozenset("0123456789#*")
# Emoji outside those blocks (©️ ®️ ‼️ ⁉️ ™️ ℹ️ Ⓜ️ 〰️ 〽️ ㊗️ ㊙️), some not even symbols.
_EMOJI_ELSEWHERE = frozenset("\u00a9\u00ae\u203c\u2049\u2122\u2139\u24c2\u3030\u303d\u3297\u3299")
# The subdivision flags of Unicode's recommended set (England, Scotland, Wales): U+1F3F4
# WAVING BLACK FLAG, tag letters spelling the region, U+E007F CANCEL TAG. Tag characters
# anywhere else are invisible text: "林小雨" + U+E0041 looks like 林小雨.
FLAG_TAG_SEQUENCES = frozenset(
    "\U0001f3f4" + "".join(chr(0xE0000 + ord(c)) for c in region) + "\U000e007f"
    for region in ("gbeng", "gbsct", "gbwls")
)
_FLAG_RE = re.compile("|".join(re.escape(flag) for flag in FLAG_TAG_SEQUENCES))


def is_emoji(char: str) -> bool:
    """A pictographic emoji (the parts of ZWJ sequences like 👨‍👩‍👧 and 🏳️‍🌈): a symbol in
    the emoji blocks. Python has no Extended_Pictographic property; these ranges hold
    every character of Unicode's recommended ZWJ sequences."""
    code = ord(char)
    in_blocks = 0x1F000 <= code <= 0x1FAFF or 0x2190 <= code <= 0x2BFF
    return (in_blocks and unicodedata.category(char) == "So") or char in _EMOJI_ELSEWHERE


def _emoji_before(name: str, index: int) -> bool:
    """Whether the character before `index`, skipping a presentation selector and a
    skin tone, is an emoji."""
    index -= 1
    if index >= 0 and name[index] in _EMOJI_STYLE:
        index -= 1
    if index >= 0 and ord(name[index]) in _SKIN_TONES:
        index -= 1
    return index >= 0 and is_emoji(name[index])


def _allowed_here(name: str, index: int) -> bool:
    char = name[index]
    if char == ZWJ:  # only inside an emoji sequence: an emoji on each side
        return _emoji_before(name, index) and index + 1 < len(name) and is_emoji(name[index + 1])
    if char in _EMOJI_STYLE:  # once, right after an emoji or a keycap's base
        before = name[index - 1] if index else ""
        return bool(before) and (is_emoji(before) or before in _KEYCAP_BASES)
    return False


def hidden_characters(name: str) -> list[str]:
    """The characters of `name` a reader cannot see, in order: format characters (zero-
    width spaces and joiners, direction controls, tags), fillers, variation selectors,
    controls and line breaks, unassigned and private-use code points. Spaces are fine,
    and so are a ZWJ between two emoji, an emoji presentation selector after an emoji
    and the tags of the flags of England, Scotland and Wales."""
    name = _FLAG_RE.sub("\U0001f3f4", name)
    found = []
    for index, char in enumerate(name):
        category = unicodedata.category(char)
        hidden = (
            category in _HIDDEN_CATEGORIES
            or char in _ALSO_HIDDEN
            or char in _EMOJI_STYLE
            or "\ufe00" <= char <= "\ufe0d"
            or "\U000e0100" <= char <= "\U000e01ef"
            or char in ("\u115f", "\u1160", "\u3164", "\uffa0", "\u2800")
        )
        if hidden and not _allowed_here(name, index):
            found.append(char)
    return found
