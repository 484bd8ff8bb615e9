"""The per-post cost of the signature the check computes of the new text: `unit_values`
+ `shingles_of` + `band_keys` + `shingle_hashes` on a 1,000-character Chinese text (the
brief's article, its first 1,000 characters with line breaks removed), median of 200
runs. Run: python -m square.tests.integrity.cost
"""

import statistics
import time

from square import similarity
from square.tests.integrity import labelled

RUNS = 200


def sample_text(chars: int = 1000) -> str:
    text = labelled.BRIEF_ARTICLE.read_text(encoding="utf-8").replace("\n", "")
    return text[:chars]


def signature(text: str) -> None:
    values = similarity.unit_values(text)
    similarity.band_keys(similarity.shingles_of(values))
    similarity.shingle_hashes(values)


def signature_cost(text: str, runs: int = RUNS) -> tuple[float, float]:
    """(median seconds of one signature with the character caches warm, seconds of the
    first one with them cleared)."""
    for cache in (similarity.fold, similarity._fold_in_word, similarity._unit_hash):
        cache.cache_clear()
    start = time.perf_counter()
    signature(text)
    cold = time.perf_counter() - start
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        signature(text)
        times.append(time.perf_counter() - start)
    return statistics.median(times), cold


def report() -> str:
    text = sample_text()
    median, cold = signature_cost(text)
    return (
        f"Per-post cost: {len(text)} characters, {len(similarity.units(text))} units, "
        f"{len(similarity.shingles(text))} shingles, {similarity.BANDS}x{similarity.ROWS} "
        f"keys and shingle hashes: median {1000 * median:.2f} ms of {RUNS} runs "
        f"({1000 * cold:.2f} ms cold)"
    )


if __name__ == "__main__":
    print(report())
