"""Search terms: how a post's text is cut for the search index, and a query the same way.

Pure functions, no database (`square.services.search` stores the terms,
`square.selectors.search` queries them). The text is normalised as the near-duplicate
check does (`square.similarity.units`: NFKC, Traditional → Simplified, case folding,
links dropped, only letters and digits kept): each CJK character is a unit, each word
of another script is one.

- Terms: every CJK character, every pair of CJK characters that stand side by side in
  the text (so a Chinese word of any length is found without a dictionary: a
  two-character word is one pair, a longer one all its pairs), and every other word.
  A hashtag's text and a mention's name are runs of their own: nothing pairs across a
  link, a tag or punctuation.
- The normalised text (`Cut.norm`): the runs' units, a CJK run written solid, words
  and runs apart by one space, segments (text, each tag, each mention) apart by " | ",
  with a space at both ends. A query phrase normalised the same way is confirmed
  against it, so 新年快乐 does not match a post with 新年 and 快乐 far apart.
"""

import re
import unicodedata
from dataclasses import dataclass
from html import escape

from square import similarity
from square import text as square_text
from square.text import Kind

SEGMENT = " | "
QUERY_MAX = 100  # characters of a query
QUERY_TERMS_MAX = 24  # terms after cutting: longer queries are refused as too broad


def is_cjk(char: str) -> bool:
    return unicodedata.east_asian_width(char) in "WF"


@dataclass(frozen=True)
class Cut:
    terms: frozenset[str]
    norm: str  # see the module docstring


def _runs(units: list[similarity.Unit]) -> list[str]:
    """Units joined into runs: side-by-side CJK characters solid, everything else apart."""
    runs: list[str] = []
    previous = None
    for unit in units:
        cjk = is_cjk(unit.value[0])
        joined = (
            previous is not None
            and cjk
            and is_cjk(previous.value[0])
            and previous.end == unit.start
        )
        if joined:
            runs[-1] += unit.value
        else:
            runs.append(unit.value)
        previous = unit
    return runs


def run_terms(run: str) -> set[str]:
    """A word is its own term; a CJK run gives each character and each adjacent pair."""
    if not is_cjk(run[0]):
        return {run}
    return set(run) | {run[i : i + 2] for i in range(len(run) - 1)}


_OWN_RUNS = frozenset({Kind.TAG, Kind.MENTION})


def _segments(body: str) -> list[list[str]]:
    """The runs of the text around links and tags, then each tag's and mention's own."""
    names = (t.value for t in square_text.tokens(body) if t.kind in _OWN_RUNS)
    segments = [_runs(similarity.units(body))]
    segments += [_runs(similarity.units(name)) for name in dict.fromkeys(names) if name]
    return [s for s in segments if s]


def cut(body: str) -> Cut:
    """A post's terms and normalised text."""
    segments = _segments(body)
    terms: set[str] = set()
    for runs in segments:
        for run in runs:
            terms |= run_terms(run)
    norm = SEGMENT.join(" ".join(runs) for runs in segments)
    return Cut(frozenset(terms), f" {norm} " if norm else "")


def phrase_runs(phrase: str) -> list[str]:
    """A phrase of a query as runs (a URL or a tag inside it is read as plain text)."""
    return _runs(similarity.units(phrase.replace("#", " ").replace("＃", " ")))


def query_terms(runs: list[str]) -> set[str]:
    """What the index must hold for a phrase: a CJK run of one character is that
    character, a longer one its pairs (the characters add nothing); a word is itself."""
    terms: set[str] = set()
    for run in runs:
        if is_cjk(run[0]) and len(run) > 1:
            terms |= {run[i : i + 2] for i in range(len(run) - 1)}
        else:
            terms.add(run)
    return terms


@dataclass(frozen=True)
class Query:
    """A search as typed: `kind` "posts", "tag" (#…), "people" (@…) or "cashtag" ($…)."""

    kind: str
    text: str  # stripped; for tags and people without the sign
    terms: frozenset[str]  # posts: every one must be indexed for the post
    phrases: tuple[str, ...]  # posts: normalised phrases of two runs or more, confirmed

    @property
    def empty(self) -> bool:
        return not self.text or (self.kind == "posts" and not self.terms)


def parse(query: str) -> Query:
    """Cut a query as the posts were: words the user separated by spaces are separate
    phrases (each must match, in any order); one phrase must match as written."""
    q = " ".join(query.split())
    if q[:1] in ("#", "＃") and " " not in q:
        return Query("tag", q[1:].strip("#＃"), frozenset(), ())
    if q[:1] in ("@", "＠") and " " not in q:
        return Query("people", q[1:], frozenset(), ())
    if q[:1] in ("$", "＄") and " " not in q and square_text.is_valid_cashtag(q[1:]):
        return Query("cashtag", q[1:].upper(), frozenset(), ())
    terms: set[str] = set()
    phrases: list[str] = []
    for word in q.split(" "):
        runs = phrase_runs(word)
        if not runs:
            continue
        terms |= query_terms(runs)
        if len(runs) > 1 or (is_cjk(runs[0][0]) and len(runs[0]) > 2):
            phrases.append(" ".join(runs))
    return Query("posts", q, frozenset(terms), tuple(dict.fromkeys(phrases)))


def like_pattern(phrase: str) -> str:
    """A LIKE pattern finding `phrase` in a normalised text: a word at either end must
    be whole (spaces around it), a CJK end may sit inside a longer run."""
    escaped = phrase.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    start = "%" if is_cjk(phrase[0]) else "% "
    end = "%" if is_cjk(phrase[-1]) else " %"
    return f"{start}{escaped}{end}"


def highlight_spans(body: str, query: Query) -> list[tuple[int, int]]:
    """Where the query's runs appear in the original text (offsets), for marking."""
    if query.kind != "posts" or not query.text:
        return []
    wanted = {run for word in query.text.split(" ") for run in phrase_runs(word)}
    units = similarity.units(body)
    spans: list[tuple[int, int]] = []
    for i, unit in enumerate(units):
        for run in wanted:
            end = _match_at(units, i, run)
            if end is not None:
                spans.append((unit.start, end))
    return _merged(spans)


def _match_at(units: list[similarity.Unit], i: int, run: str) -> int | None:
    """The original end offset if `run` starts at unit i (CJK runs across adjacent
    characters), else None."""
    if not is_cjk(run[0]):
        return units[i].end if units[i].value == run else None
    pos, j, end = 0, i, None
    while pos < len(run):
        if j >= len(units) or units[j].value != run[pos]:
            return None
        if j > i and units[j - 1].end != units[j].start:
            return None
        end, pos, j = units[j].end, pos + 1, j + 1
    return end


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out


EXCERPT_CHARS = 60  # around the first match
EXCERPT_LEAD = 240  # characters looked at first


def excerpt_html(body: str, query: Query) -> str:
    """A line of the post around its first match, escaped, the matches in <mark>: shown
    above the card, whose own text is the same for every search. "" without a match."""
    # Most matches are near the start: look there first, the whole text only if not.
    lead = body[:EXCERPT_LEAD]
    if len(body) > EXCERPT_LEAD and body[EXCERPT_LEAD].isalnum():
        lead = re.sub(r"\w+$", "", lead)  # no word cut in two at the window's end
    spans = highlight_spans(lead, query) or highlight_spans(body, query)
    if not spans:
        return ""
    start = max(spans[0][0] - EXCERPT_CHARS // 3, 0)
    end = min(start + EXCERPT_CHARS, len(body))
    parts = ["…" if start else ""]
    pos = start
    for a, b in spans:
        if a >= end:
            break
        parts += [escape(body[pos:a]), "<mark>", escape(body[a : min(b, end)]), "</mark>"]
        pos = min(b, end)
    parts += [escape(body[pos:end]), "…" if end < len(body) else ""]
    return " ".join("".join(parts).split())
