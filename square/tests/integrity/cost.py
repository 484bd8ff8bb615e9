"""The per-post cost of the signature: `units` + `shingles` + `band_keys` on a
1,000-character Chinese text (the brief's article, its first 1,000 characters with
line breaks removed), median of 200 runs. Run: python -m square.tests.integrity.cost
"""

import statistics
import time

from square import similarity
from square.tests.integrity import labelled

RUNS = 200


def sample_text(chars: int = 1000) -> str:
    text = labelled.BRIEF_ARTICLE.read_text(encoding="utf-8").replace("\n", "")
    return text[:chars]


def signature_cost(text: str, runs: int = RUNS) -> tuple[float, float]:
    """(median seconds of one signature with the character cache warm, seconds of the
    first one with the cache cleared)."""
    similarity.fold.cache_clear()
    start = time.perf_counter()
    similarity.band_keys(similarity.shingles_of([u.value for u in similarity.units(text)]))
    cold = time.perf_counter() - start
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        similarity.band_keys(similarity.shingles_of([u.value for u in similarity.units(text)]))
        times.append(time.perf_counter() - start)
    return statistics.median(times), cold


def report() -> str:
    text = sample_text()
    median, cold = signature_cost(text)
    return (
        f"Per-post cost: {len(text)} characters, {len(similarity.units(text))} units, "
        f"{len(similarity.shingles(text))} shingles, {similarity.BANDS}x{similarity.ROWS} "
        f"keys: median {1000 * median:.2f} ms of {RUNS} runs ({1000 * cold:.2f} ms cold)"
    )


if __name__ == "__main__":
    print(report())
