"""The check's fast path gives what the rules on shingle sets give (docs/integrity.md):
`unit_values` is the values of `units`, `band_keys` still the stored keys, and counting
shared 64-bit shingle hashes (`shingle_hashes`, `verdict`) gives the same verdict as
`compare` on the sets of shingle strings — on every pair of the labelled set."""

import zlib

import numpy as np
import pytest

from square import similarity
from square.tests.integrity import labelled

TRICKY = [
    "",
    "新年快乐",
    "ＦＵＬＬ－ｗｉｄｔｈ ２０２６ 和 ＡＢＣ：全角",
    "ﬁne ligatures ﬂow, ㍿ and ① count",
    "Café naïve e\u0301 a\u0308 — combining marks",
    "emoji 🎉🧧 between 字 and words, zero\u200bwidth\u200djoiner",
    "網路上的繁體字與简体字混在一起",
    "#新年快乐 @alice https://example.com/a?b=c www.example.org 以及 #2026 标签",
    "mixed中文and English单词123数字",
    "  \n\t 只有 空白 \n ",
]


def texts() -> list[str]:
    originals = [o.text for o in labelled.originals()]
    return [*TRICKY, *originals, *(p.text for p in labelled.positives())]


def reference_band_keys(shingle_set: set[str]) -> list[int]:
    """`band_keys` as it was first written (the keys stored in every index)."""
    s = similarity
    hashes = np.fromiter((zlib.crc32(x.encode()) for x in shingle_set), np.uint64, len(shingle_set))
    with np.errstate(over="ignore"):
        mins = ((hashes[:, None] * s._A[None, :] + s._B[None, :]) >> np.uint64(32)).min(axis=0)
        rows = mins.reshape(s.BANDS, s.ROWS) * s._ROW_MIX[None, :]
        keys = rows.sum(axis=1, dtype=np.uint64) ^ s._BAND_SALT
    return [int(k) for k in keys.view(np.int64)]


def test_unit_values_are_the_values_of_units():
    for text in texts():
        assert similarity.unit_values(text) == [u.value for u in similarity.units(text)], text


def test_band_keys_are_unchanged():
    for text in texts()[:200]:
        shingle_set = similarity.shingles(text)
        if shingle_set:
            assert similarity.band_keys(shingle_set) == reference_band_keys(shingle_set)


def test_shingle_hashes_are_one_sorted_distinct_hash_per_shingle():
    for values in ([], ["新"], ["新", "年"], ["a", "b", "a", "b", "a", "b"]):
        hashes = similarity.shingle_hashes(values)
        assert len(hashes) == len(similarity.shingles_of(values))
    for text in texts():
        values = similarity.unit_values(text)
        hashes = similarity.shingle_hashes(values)
        assert hashes.dtype == np.uint64 and len(hashes) == len(similarity.shingles_of(values))
        assert np.all(hashes[1:] > hashes[:-1])  # sorted, distinct
        stored = similarity.hashes_to_bytes(hashes)
        assert len(stored) == 8 * len(hashes)
        assert np.array_equal(similarity.hashes_from_bytes(stored), hashes)


@pytest.mark.parametrize("side", ["positives", "originals"])
def test_counting_shared_hashes_gives_the_verdict_of_the_shingle_sets(side):
    """Every positive and every original against every original: the same shared count
    (no two different shingles share a hash) and the same Match, figures included."""
    originals = [o.text for o in labelled.originals()]
    news = [p.text for p in labelled.positives()] if side == "positives" else originals
    olds = [(similarity.shingles(t), _hashes(t)) for t in originals]
    pairs = 0
    for new_text in news:
        values = similarity.unit_values(new_text)
        new_set, new_hashes = similarity.shingles_of(values), similarity.shingle_hashes(values)
        for old_set, old_hashes in olds:
            shared = similarity.shared_count(new_hashes, old_hashes)
            assert shared == len(new_set & old_set)
            expected = similarity.compare(len(values), new_set, old_set)
            assert similarity.verdict(len(values), len(new_hashes), len(old_hashes), shared) == (
                expected
            )
            pairs += 1
    assert pairs >= 89 * 89


def test_the_verdict_figures_are_those_of_the_set_functions():
    a, b = similarity.shingles(labelled.originals()[0].text), similarity.shingles("无关的一句话")
    for new, old in ((a, a), (a, b), (b, a), (a, set()), (set(), a)):
        match = similarity.verdict(100, len(new), len(old), len(new & old))
        assert match.jaccard == similarity.jaccard(new, old)
        inside = similarity.whole_post_inside(new, old)
        assert match.containment == max(similarity.containment(new, old), inside)


def test_the_digest_tells_texts_apart():
    assert similarity.text_digest("新年快乐") == similarity.text_digest("新年快乐")
    assert similarity.text_digest("新年快乐") != similarity.text_digest("新年快乐！")
    assert -(2**63) <= similarity.text_digest("x") < 2**63  # a signed 64-bit column


def _hashes(text: str) -> np.ndarray:
    return similarity.shingle_hashes(similarity.unit_values(text))
