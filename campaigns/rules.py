"""The campaign rules as pure functions: how "30 字" is counted and whether a text
qualifies, each refusal named by a reason code. No database, no clock: the services
feed them facts and store the verdicts, and the tests read the shared cases file.
Each refusal's code, its name for staff and what the member is told are one table,
`Reason`.

Counting follows Chinese word processors' 字数: each CJK character is one unit, each
word of other scripts is one unit ("at least 30 words" in English), so an English and
a Chinese entry cost about the same effort.
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from django.db.models import TextChoices
from django.utils.translation import gettext, gettext_lazy

from square import text as square_text
from square.text import Kind


class Reason(TextChoices):
    """Why an entry does not count: the code stored on entries, the name staff read
    (dashboard, entry list, public exclusions) and, in `member_text`, what the author
    is told. In the order staff read them."""

    MISSING_HASHTAG = "missing_hashtag", gettext_lazy("missing hashtag")
    TOO_SHORT = "too_short", gettext_lazy("too short")
    LOW_VARIETY = "low_variety", gettext_lazy("too little variety")
    OUTSIDE_WINDOW = "outside_window", gettext_lazy("outside the window")
    DELETED = "deleted", gettext_lazy("post deleted")
    HIDDEN = "hidden", gettext_lazy("post hidden by staff")
    AUTHOR_INELIGIBLE = (
        "author_ineligible",
        gettext_lazy("author ineligible (staff or deactivated)"),
    )
    DUPLICATE_OF_OTHER = "duplicate_of_other", gettext_lazy("copy of someone else's post")
    REPEAT_OF_OWN = "repeat_of_own", gettext_lazy("repeat of the author's own post")
    AUTHOR_BANNED = "author_banned", gettext_lazy("author banned")

    def member_text(self, *, campaign, entry=None) -> str:
        """What the entry's author is told, in their words: with the campaign's tag and
        minimum, and for some codes what the entry itself shows (its count, when it
        was posted, whether staff still review it)."""
        if self == Reason.MISSING_HASHTAG:
            return gettext("no #%(tag)s") % {"tag": campaign.hashtag}
        if self == Reason.TOO_SHORT:
            counted = entry.counted_chars if entry is not None else 0
            return gettext("%(counted)s of %(min)s 字") % {
                "counted": counted,
                "min": campaign.min_chars,
            }
        if self == Reason.OUTSIDE_WINDOW:
            if entry is not None and entry.posted_at < campaign.starts_at:
                return gettext("posted before the campaign started")
            return gettext("posted after the campaign ended")
        if self == Reason.DUPLICATE_OF_OTHER:
            if entry is not None and entry.under_review:
                return gettext(
                    "it looks like a copy of someone else's earlier post; staff will review it"
                )
            return gettext("staff found it copies someone else's earlier post")
        return str(_MEMBER_TEXT[self])


# What the author is told for the codes whose words need no facts.
_MEMBER_TEXT = {
    Reason.LOW_VARIETY: gettext_lazy("too many repeated characters"),
    Reason.DELETED: gettext_lazy("deleted"),
    Reason.HIDDEN: gettext_lazy("hidden by staff"),
    Reason.AUTHOR_INELIGIBLE: gettext_lazy("your account cannot take part (staff or deactivated)"),
    Reason.REPEAT_OF_OWN: gettext_lazy(
        "it repeats one of your earlier posts, which already counts"
    ),
    Reason.AUTHOR_BANNED: gettext_lazy("your account is banned from the square"),
}

# The codes as the verdicts below write them: plain strings, stored in JSON.
MISSING_HASHTAG = Reason.MISSING_HASHTAG.value
TOO_SHORT = Reason.TOO_SHORT.value
LOW_VARIETY = Reason.LOW_VARIETY.value
OUTSIDE_WINDOW = Reason.OUTSIDE_WINDOW.value
DELETED = Reason.DELETED.value
HIDDEN = Reason.HIDDEN.value
AUTHOR_INELIGIBLE = Reason.AUTHOR_INELIGIBLE.value
DUPLICATE_OF_OTHER = Reason.DUPLICATE_OF_OTHER.value
REPEAT_OF_OWN = Reason.REPEAT_OF_OWN.value
AUTHOR_BANNED = Reason.AUTHOR_BANNED.value

# An @mention for counting purposes: `@` not right after an ASCII word character,
# then word characters of any script (wider than square's ASCII usernames on purpose:
# `@张三` is a mention to a reader even if no such account exists).
MENTION_RE = re.compile(r"(?<![A-Za-z0-9_])@\w+")
LINE_BREAKS = "\n\r\t\x0b\x0c\x85"  # control characters that part words
CJK_RANGES = (
    (0x3400, 0x4DBF),  # Han extension A
    (0x4E00, 0x9FFF),  # Han unified ideographs
    (0xF900, 0xFAFF),  # Han compatibility ideographs
    (0x20000, 0x323AF),  # Han extensions B–H
    (0x2F800, 0x2FA1F),  # Han compatibility supplement
    (0x3040, 0x309F),  # Hiragana
    (0x30A0, 0x30FF),  # Katakana
    (0x31F0, 0x31FF),  # Katakana phonetic extensions
    (0xAC00, 0xD7AF),  # Hangul syllables
)


# Characters are classified once per process (a few thousand distinct ones in practice):
# judging every entry of a large campaign at its close spent most of its time here.
@lru_cache(maxsize=65536)
def is_cjk(char: str) -> bool:
    """A character that counts as one 字 on its own: a CJK letter, or 〇."""
    if char == "〇":
        return True
    code = ord(char)
    in_range = any(lo <= code <= hi for lo, hi in CJK_RANGES)
    return in_range and unicodedata.category(char).startswith("L")


@lru_cache(maxsize=65536)
def _is_invisible(char: str) -> bool:
    category = unicodedata.category(char)
    if category == "Cc":
        return char not in LINE_BREAKS
    return category in {"Cf", "Mn", "Me"}


CJK, WORD, BREAK = 0, 1, 2


@lru_cache(maxsize=65536)
def _unit_kind(char: str) -> int:
    """CJK (a unit alone), WORD (part of a word: letters, digits, and the spacing marks
    Indic vowels are written with; other marks are dropped as invisible) or BREAK."""
    if is_cjk(char):
        return CJK
    category = unicodedata.category(char)
    return WORD if category[0] in "LN" or category == "Mc" else BREAK


def _glued_tag_length(value: str, tags: Iterable[str]) -> int | None:
    """If a hashtag is a campaign tag with CJK text glued to it (`#我的2026第一帖新的一年`),
    the length of that campaign tag; else None."""
    for tag in tags:
        if value.startswith(tag) and len(value) > len(tag) and is_cjk(value[len(tag)]):
            return len(tag)
    return None


def _strip_links_tags_mentions(text: str, tags: Iterable[str]) -> str:
    """NFKC text with URLs, hashtags and mentions replaced by a space (so they part the
    words around them); a campaign tag glued to CJK text loses only the tag."""
    norm, found = square_text.spans(text)
    pieces, pos = [], 0
    for kind, start, end, value in found:
        if kind is Kind.MENTION or kind is Kind.CASHTAG:
            continue  # mentions: found below by the counting rule's own pattern; a
            # cashtag ($BTC) counts as the word it is
        pieces.append(norm[pos:start])
        glued = _glued_tag_length(value, tags) if kind is Kind.TAG else None
        if glued is not None:
            # The stored key is case-folded; keep the original glued text after the tag.
            pieces.append(" " + norm[start + 1 + glued : end].rstrip("#"))
        else:
            pieces.append(" ")
        pos = end
    pieces.append(norm[pos:])
    return MENTION_RE.sub(" ", "".join(pieces))


def _joins(text: str, i: int) -> bool:
    """A middle dot, tsheg or geresh inside a word keeps it one word, as in hashtags
    (`square.text.joins_word`); before a CJK character it parts."""
    after = text[i + 1] if i + 1 < len(text) else ""
    return bool(after) and not is_cjk(after) and square_text.joins_word(text[i - 1], text[i], after)


def units(text: str, tags: Iterable[str] = ()) -> list[str]:
    """The counted units of `text`, in order: each CJK character, each word of other
    letters and digits. `tags` are the campaign's tag keys (see `_glued_tag_length`)."""
    cleaned = _strip_links_tags_mentions(text, tuple(tags))
    cleaned = "".join(c for c in cleaned if not _is_invisible(c))
    found, word = [], []
    for i, char in enumerate(cleaned):
        kind = _unit_kind(char)
        if kind == WORD or (word and _joins(cleaned, i)):
            word.append(char)
            continue
        if word:
            found.append("".join(word))
            word = []
        if kind == CJK:
            found.append(char)
    if word:
        found.append("".join(word))
    return found


def counted_length(text: str, tags: Iterable[str] = ()) -> int:
    """How many 字 the rules count in `text` (see the module docstring)."""
    return len(units(text, tags))


def distinct_count(text: str, tags: Iterable[str] = ()) -> int:
    """How many different units, case-folded: "哈" forty times is one."""
    return len({u.casefold() for u in units(text, tags)})


def carries_tag(text: str, tags: Iterable[str]) -> bool:
    """True if a hashtag of `text` is one of `tags`, or begins with one directly followed
    by a CJK character (the campaign tag typed without a space before the text)."""
    tags = tuple(tags)
    return any(
        key in tags or _glued_tag_length(key, tags) is not None
        for key in square_text.hashtags(text)
    )


@dataclass(frozen=True)
class TextVerdict:
    valid: bool
    reasons: list[str]
    counted: int
    distinct: int


def judge_text(text: str, *, tags: Iterable[str], min_chars: int, min_distinct: int) -> TextVerdict:
    """The text rules with every figure, for services that store them."""
    tags = tuple(tags)
    found = units(text, tags)
    counted, distinct = len(found), len({u.casefold() for u in found})
    reasons = []
    if not carries_tag(text, tags):
        reasons.append(MISSING_HASHTAG)
    if counted < min_chars:
        reasons.append(TOO_SHORT)
    elif distinct < min_distinct:
        reasons.append(LOW_VARIETY)
    return TextVerdict(not reasons, reasons, counted, distinct)


def text_verdict(campaign, text: str) -> tuple[bool, list[str]]:
    """(valid, reasons) of `text` for `campaign` (anything with `tag_keys`, `min_chars`
    and `min_distinct_chars`)."""
    verdict = judge_text(
        text,
        tags=campaign.tag_keys,
        min_chars=campaign.min_chars,
        min_distinct=campaign.min_distinct_chars,
    )
    return verdict.valid, verdict.reasons


def text_at(body: str, edited_at, revisions: Iterable[tuple[str, object, object]], moment) -> str:
    """The text a post showed at `moment`: its current body unless it was edited after
    then, in which case the revision that was current at `moment`. `revisions` are
    (body, written_at, replaced_at) — an entry is judged on its text as of the end."""
    if edited_at is None or edited_at <= moment:
        return body
    for old_body, written_at, replaced_at in revisions:
        if written_at <= moment < replaced_at:
            return old_body
    return body  # written after `moment` altogether: only the window rule can refuse it


def integrity_reasons(flags: Iterable[tuple[str, str]]) -> tuple[list[str], bool]:
    """(reason codes, under review) from a post's duplicate flags as (kind, status):
    - a copy of someone else's post stops counting from the moment it is found, until
      staff clear it (pending is "under review" and does not count);
    - a suspected rewording counts while under review, and stops once confirmed;
    - a repeat of one's own post is a fine post but not one more entry."""
    reasons, under_review = [], False
    for kind, status in flags:
        if status == "cleared":
            continue
        if kind == "copy_of_other" or (kind == "suspected_spin" and status == "confirmed"):
            reasons.append(DUPLICATE_OF_OTHER)
        elif kind == "self_repeat":
            reasons.append(REPEAT_OF_OWN)
        under_review = under_review or (status == "pending" and kind != "self_repeat")
    return sorted(set(reasons)), under_review


def entry_verdict(
    campaign,
    *,
    text: str,
    created_at,
    status: str,
    author_active: bool,
    author_staff: bool,
    author_banned: bool = False,
    flags: Iterable[tuple[str, str]] = (),
) -> tuple[TextVerdict, list[str]]:
    """Every rule for one post: the text rules, then the window, the post's status,
    its author, and its duplicate flags. Returns the text figures and the full list of
    reason codes."""
    verdict = judge_text(
        text,
        tags=campaign.tag_keys,
        min_chars=campaign.min_chars,
        min_distinct=campaign.min_distinct_chars,
    )
    reasons = list(verdict.reasons)
    if not campaign.in_window(created_at):
        reasons.append(OUTSIDE_WINDOW)
    if status == "deleted":
        reasons.append(DELETED)
    elif status == "hidden":
        reasons.append(HIDDEN)
    if not author_active or (campaign.exclude_staff and author_staff):
        reasons.append(AUTHOR_INELIGIBLE)
    if author_banned:
        reasons.append(AUTHOR_BANNED)
    reasons += integrity_reasons(flags)[0]
    return verdict, reasons
