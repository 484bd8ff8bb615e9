"""Near-duplicate text: normalisation, shingles, MinHash band keys and the verdict.

Pure functions, no database: `square.services.duplicates` stores the band keys and
flags, the tests measure the thresholds on a labelled set (see docs/integrity.md).

- Normalised units: each character is NFKC-normalised, converted from Traditional to
  Simplified Chinese (OpenCC), case-folded; links, hashtags and @mentions are dropped,
  and so is everything that is not a letter or digit (spaces, punctuation, emoji,
  invisible characters). Each CJK character is one unit, each word of other scripts one.
- Shingles are 3-grams of units: character 3-grams in Chinese, word 3-grams in English.
- MinHash with `PERMUTATIONS` multiply-shift hashes; `BANDS` bands of `ROWS` values
  each give the LSH keys stored in the database, and an earlier post is a candidate
  when it shares at least `MIN_SHARED` keys: for two texts with Jaccard similarity s,
  each key is shared with probability p = s^ROWS, so they become candidates with
  probability P(Binomial(BANDS, p) >= MIN_SHARED) (`candidate_probability`).
- The verdict compares the exact shingle sets: Jaccard, and containment — how much of
  one text reappears inside the other: the new text lifted from a longer old one (an
  excerpt), or a whole old post inside a new one padded with the copier's own
  sentences. The second only counts at the copy level and only for old posts of at
  least `WHOLE_POST_UNITS`, so a greeting or boilerplate inside a long post is no copy.
- Stored shingles: each indexed post keeps its shingles as sorted 64-bit hashes
  (`shingle_hashes`), so a check counts the shared shingles of a candidate without
  normalising its text again (`verdict` takes the counts; `compare` the sets).
"""

import hashlib
import math
import unicodedata
import zlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import opencc

from square import text as square_text
from square.text import Kind

SHINGLE = 3
# 44 keys of one MinHash value each, 3 of them shared: the spins of the labelled set
# (Jaccard 0.15-0.3) become candidates more often than with the first scheme's 64 keys
# of two values and one shared (docs/integrity.md), from 31% fewer keys to look up and
# store; and a post that shares a common trigram or two with the new one, the bulk of
# the candidates at 1,000,000 posts, is no longer read and compared.
BANDS, ROWS, MIN_SHARED = 44, 1, 3
PERMUTATIONS = BANDS * ROWS
# Bump when anything above, the normalisation or `shingle_hashes` changes; then rebuild
# the index (stored shingles of another version are ignored and computed again).
SIGNATURE_VERSION = 3

# Length bands by units of the new text: thresholds were chosen on the labelled set in
# square/tests/integrity/ (see docs/integrity.md for the measured precision and recall).
MIN_UNITS = 15  # below this a text is a phrase, not a work: never flagged or indexed
WHOLE_POST_UNITS = 40  # an old post this long found whole inside a new one is copied


@dataclass(frozen=True)
class Band:
    name: str
    min_units: int
    copy_jaccard: float  # at least this Jaccard → copy
    copy_containment: float  # or at least this much of one text is inside the other
    spin_jaccard: float | None  # at least this (below copy) → suspected spin
    spin_containment: float | None


BANDS_BY_LENGTH = (
    Band("long", 100, copy_jaccard=0.45, copy_containment=0.8, spin_jaccard=0.15,
         spin_containment=0.3),
    Band("medium", 40, copy_jaccard=0.45, copy_containment=0.85, spin_jaccard=0.25,
         spin_containment=0.45),
    Band("short", MIN_UNITS, copy_jaccard=0.85, copy_containment=0.95, spin_jaccard=None,
         spin_containment=None),
)  # fmt: skip

# The draws of the first scheme (128 permutations, 64 bands of 2 rows), kept as they
# were: the keys take the first PERMUTATIONS, ROWS and BANDS of them.
_rng = np.random.default_rng(20260101)
_A = _rng.integers(1, 2**63, size=128, dtype=np.uint64)[:PERMUTATIONS] * np.uint64(2) + np.uint64(1)
_B = _rng.integers(0, 2**63, size=128, dtype=np.uint64)[:PERMUTATIONS]
_ROW_MIX = _rng.integers(1, 2**63, size=2, dtype=np.uint64)[:ROWS] * np.uint64(2) + np.uint64(1)
_BAND_SALT = _rng.integers(0, 2**63, size=64, dtype=np.uint64)[:BANDS]
_converter = opencc.OpenCC("t2s")
# One odd multiplier per position of a shingle (a separate generator: the draws above
# define the stored band keys and must not move).
_SHINGLE_MIX = np.random.default_rng(20260102).integers(
    1, 2**63, size=SHINGLE, dtype=np.uint64
) * np.uint64(2) + np.uint64(1)


# The tokens whose text is compared: plain text, and cashtags ($BTC reads as the word
# btc, as it did before cashtags were tokens of their own).
_COMPARED = frozenset({Kind.TEXT, Kind.CASHTAG})


@lru_cache(maxsize=65536)
def fold(char: str) -> str:
    """One original character as it is compared: "" for what never counts."""
    folded = _converter.convert(unicodedata.normalize("NFKC", char)).casefold()
    return "".join(c for c in folded if unicodedata.category(c)[0] in "LN")


def _is_cjk(char: str) -> bool:
    return unicodedata.east_asian_width(char) in "WF"


@lru_cache(maxsize=65536)
def _fold_in_word(char: str) -> tuple[str, bool]:
    """`fold(char)`, and whether it continues a word (a letter or digit not CJK)."""
    folded = fold(char)
    return folded, bool(folded) and not _is_cjk(folded[0])


@dataclass(frozen=True)
class Unit:
    value: str
    start: int  # offsets in the original text, for highlighting
    end: int


def units(text: str) -> list[Unit]:
    """The compared units of `text` with their original offsets (see module docstring)."""
    found: list[Unit] = []
    pos = 0
    for token in square_text.tokens(text):
        start, pos = pos, pos + len(token.text)
        if token.kind not in _COMPARED:
            continue
        word, word_start = [], 0
        for offset, char in enumerate(token.text, start):
            folded = fold(char)
            if folded and not _is_cjk(folded[0]):
                if not word:
                    word_start = offset
                word.append(folded)
                continue
            if word:
                found.append(Unit("".join(word), word_start, offset))
                word = []
            found.extend(Unit(c, offset, offset + 1) for c in folded)
        if word:
            found.append(Unit("".join(word), word_start, pos))
    return found


def unit_values(text: str) -> list[str]:
    """`[u.value for u in units(text)]`, without the offsets: what the check needs,
    at a third of the cost (the tests hold the two equal)."""
    values: list[str] = []
    for token in square_text.tokens(text):
        if token.kind not in _COMPARED:
            continue
        word: list[str] = []
        for char in token.text:
            folded, in_word = _fold_in_word(char)
            if in_word:
                word.append(folded)
                continue
            if word:
                values.append("".join(word))
                word = []
            values.extend(folded)
        if word:
            values.append("".join(word))
    return values


def shingles_of(values: list[str]) -> set[str]:
    if len(values) < SHINGLE:
        return {"\x1f".join(values)} if values else set()
    return {"\x1f".join(values[i : i + SHINGLE]) for i in range(len(values) - SHINGLE + 1)}


def shingles(text: str) -> set[str]:
    return shingles_of([u.value for u in units(text)])


def candidate_probability(s: float) -> float:
    """The chance that two texts with Jaccard similarity `s` share at least MIN_SHARED
    band keys, so that the later one reads the earlier one as a candidate."""
    p = s**ROWS
    below = sum(math.comb(BANDS, k) * p**k * (1 - p) ** (BANDS - k) for k in range(MIN_SHARED))
    return 1 - below


def band_keys(shingle_set: set[str]) -> list[int]:
    """The LSH keys of a shingle set: BANDS signed 64-bit integers (one per band)."""
    hashes = np.fromiter(
        (zlib.crc32(s.encode()) for s in shingle_set), dtype=np.uint64, count=len(shingle_set)
    )
    with np.errstate(over="ignore"):
        # In place: one (shingles × permutations) array instead of three temporaries.
        mixed = np.multiply(hashes[:, None], _A[None, :])
        mixed += _B[None, :]
        mixed >>= np.uint64(32)
        mins = mixed.min(axis=0)
        rows = mins.reshape(BANDS, ROWS) * _ROW_MIX[None, :]
        keys = rows.sum(axis=1, dtype=np.uint64) ^ _BAND_SALT
    return [int(k) for k in keys.view(np.int64)]


@lru_cache(maxsize=65536)
def _unit_hash(value: str) -> int:
    return int.from_bytes(hashlib.blake2b(value.encode(), digest_size=8).digest(), "little")


def shingle_hashes(values: list[str]) -> np.ndarray:
    """The shingles of `values` (as `shingles_of`) as sorted distinct 64-bit hashes.

    A shingle's hash is the sum of its units' BLAKE2b hashes times one odd multiplier
    per position, modulo 2**64: two different shingles share a hash with probability
    at most 2**-59, so counting shared hashes counts shared shingles — for two texts of
    1,000 characters (about 700 shingles each) a count is off with probability 10**-12.
    """
    if not values:
        return np.empty(0, dtype=np.uint64)
    if len(values) < SHINGLE:  # the one shingle of a short text, as `shingles_of`
        values = [*values, *[""] * (SHINGLE - len(values))]
    units_ = np.fromiter(map(_unit_hash, values), dtype=np.uint64, count=len(values))
    n = len(values) - SHINGLE + 1
    hashes = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for i in range(SHINGLE):
            hashes += units_[i : i + n] * _SHINGLE_MIX[i]
    return np.unique(hashes)


def hashes_to_bytes(hashes: np.ndarray) -> bytes:
    return hashes.astype("<u8", copy=False).tobytes()


def hashes_from_bytes(data: bytes | memoryview) -> np.ndarray:
    return np.frombuffer(data, dtype="<u8").astype(np.uint64, copy=False)


def text_digest(text: str) -> int:
    """A signed 64-bit digest of a text: stored shingles belong to the text it matches."""
    digest = hashlib.blake2b(text.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


def shared_count(new: np.ndarray, old: np.ndarray) -> int:
    """How many hashes two sorted arrays of distinct hashes share."""
    return int(np.intersect1d(new, old, assume_unique=True).size)


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def containment(new: set, old: set) -> float:
    """How much of the new text reappears in the old one (an excerpt)."""
    return len(new & old) / len(new) if new and old else 0.0


def whole_post_inside(new: set, old: set) -> float:
    """How much of the old text reappears in the new one (a copy padded with one's own
    sentences) — 0 for old texts shorter than WHOLE_POST_UNITS (a greeting or a
    campaign's boilerplate inside a long post is not a copy)."""
    if not new or len(old) < WHOLE_POST_UNITS - SHINGLE + 1:
        return 0.0
    return len(new & old) / len(old)


def band_for(unit_count: int) -> Band | None:
    return next((b for b in BANDS_BY_LENGTH if unit_count >= b.min_units), None)


COPY, SPIN = "copy", "spin"


@dataclass(frozen=True)
class Match:
    level: str | None  # COPY, SPIN or None
    jaccard: float
    containment: float
    band: str


def compare(new_units: int, new: set[str], old: set[str]) -> Match:
    """How `new` (with `new_units` units) relates to an earlier text's shingles."""
    return verdict(new_units, len(new), len(old), len(new & old))


def verdict(new_units: int, new_count: int, old_count: int, shared: int) -> Match:
    """`compare` from the sizes of the two shingle sets and of their intersection (the
    check counts them on stored hashes). A whole earlier post found inside the new one
    is a copy; it never makes a spin on its own, since shared boilerplate would then
    flag honest posts. The figures are those of `jaccard`, `containment` and
    `whole_post_inside` on the sets."""
    both = new_count > 0 and old_count > 0
    j = shared / (new_count + old_count - shared) if both else 0.0
    c = shared / new_count if both else 0.0
    whole = new_count > 0 and old_count >= WHOLE_POST_UNITS - SHINGLE + 1
    inside = shared / old_count if whole else 0.0
    band = band_for(new_units)
    shown = max(c, inside)
    if band is None:
        return Match(None, j, shown, "tiny")
    if j >= band.copy_jaccard or max(c, inside) >= band.copy_containment:
        return Match(COPY, j, shown, band.name)
    spin = band.spin_jaccard is not None and (j >= band.spin_jaccard or c >= band.spin_containment)
    return Match(SPIN if spin else None, j, shown, band.name)


def shared_spans(text: str, other_shingles: set[str]) -> list[tuple[int, int]]:
    """Original-offset spans of `text` covered by shingles it shares with the other
    text, merged — what the moderation queue highlights."""
    found = units(text)
    values = [u.value for u in found]
    spans: list[tuple[int, int]] = []
    for i in range(max(len(found) - SHINGLE + 1, 0)):
        if "\x1f".join(values[i : i + SHINGLE]) in other_shingles:
            start, end = found[i].start, found[i + SHINGLE - 1].end
            if spans and start <= spans[-1][1]:
                spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
            else:
                spans.append((start, end))
    return spans
