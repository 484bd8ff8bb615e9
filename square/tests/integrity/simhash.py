"""SimHash on the same shingles, for measurement only (the product uses MinHash).

A 64-bit SimHash: each shingle is hashed to 64 bits (BLAKE2b); bit i of the
fingerprint is set when more shingles have bit i set than not. Two texts are called
duplicates when their fingerprints differ in at most `k` bits. For each length band
(of the new text, as for MinHash) `k` is the largest distance that keeps the false
flags on same-topic pairs and on all pairs of originals at or under 0.5%.
"""

import hashlib
from dataclasses import dataclass
from functools import cache

import numpy as np

from square import similarity
from square.tests.integrity import evaluate, labelled

MAX_FALSE_FLAGS = 0.005


@cache
def fingerprint(text: str) -> int:
    shingle_set = evaluate.signature(text).shingles
    if not shingle_set:
        return 0
    words = np.array(
        [int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8).digest()) for s in shingle_set],
        dtype=np.uint64,
    )
    bits = (words[:, None] >> np.arange(64, dtype=np.uint64)) & np.uint64(1)
    votes = bits.sum(axis=0) * 2 > len(words)
    return sum(1 << int(i) for i in np.flatnonzero(votes))


def distance(a: str, b: str) -> int | None:
    """Hamming distance, or None when either text is too short to be indexed."""
    sa, sb = evaluate.signature(a), evaluate.signature(b)
    if min(sa.unit_count, sb.unit_count) < similarity.MIN_UNITS:
        return None
    return (fingerprint(a) ^ fingerprint(b)).bit_count()


@dataclass(frozen=True)
class BandResult:
    band: str
    k: int  # chosen Hamming threshold
    copies: tuple[int, int]  # (flagged, n), copies by the copied post's band
    spins: tuple[int, int]
    same_topic: tuple[int, int]  # (flagged, pairs), by the new post's band
    all_pairs: tuple[int, int]

    def rate(self, pair: tuple[int, int]) -> float:
        return pair[0] / pair[1] if pair[1] else 0.0


@cache
def run() -> tuple[BandResult, ...]:
    positives = [
        (p.original.band, p.kind, evaluate.band_of(p.text), distance(p.text, p.original.text))
        for p in labelled.positives()
    ]
    negatives = [
        (evaluate.band_of(n.text), n.topic == o.topic, distance(n.text, o.text))
        for n, o in labelled.all_pairs()
    ]

    def hit(d: int | None, k: int) -> bool:
        return d is not None and d <= k

    results = []
    for band in labelled.BANDS:
        negs = [(same, d) for b, same, d in negatives if b == band]
        same_n = sum(same for same, _d in negs)

        def counts(k: int, negs=negs, same_n=same_n) -> tuple[tuple[int, int], tuple[int, int]]:
            same = sum(same and hit(d, k) for same, d in negs)
            return (same, same_n), (sum(hit(d, k) for _s, d in negs), len(negs))

        def ok(k: int, counts=counts) -> bool:
            return all(f <= MAX_FALSE_FLAGS * n for f, n in counts(k))

        k = max((k for k in range(65) if ok(k)), default=-1)
        # The threshold applies by the new text's band; recall is counted by the
        # copied post's band, with each positive judged by its own new band's k.
        same, every = counts(k)
        results.append(BandResult(band, k, (0, 0), (0, 0), same, every))
    by_band = {r.band: r.k for r in results}
    final = []
    for r in results:
        mine = [(kind, new_band, d) for b, kind, new_band, d in positives if b == r.band]
        copies = [hit(d, by_band.get(nb, -1)) for kind, nb, d in mine if kind != "spin"]
        spins = [hit(d, by_band.get(nb, -1)) for kind, nb, d in mine if kind == "spin"]
        final.append(
            BandResult(
                r.band,
                r.k,
                (sum(copies), len(copies)),
                (sum(spins), len(spins)),
                r.same_topic,
                r.all_pairs,
            )
        )
    return tuple(final)


def table(results: tuple[BandResult, ...]) -> list[str]:
    lines = [
        "SimHash (64-bit, same shingles; largest k with <= 0.5% false flags per band):",
        f"{'band':8}{'k':>4}{'copies':>16}{'spins':>16}{'same-topic':>14}{'all pairs':>14}",
    ]
    for r in results:
        lines.append(
            f"{r.band:8}{r.k:>4}"
            f"{r.copies[0]:>6}/{r.copies[1]:<3}{100 * r.rate(r.copies):5.1f}%"
            f"{r.spins[0]:>6}/{r.spins[1]:<3}{100 * r.rate(r.spins):5.1f}%"
            f"{r.same_topic[0]:>7}/{r.same_topic[1]:<6}"
            f"{r.all_pairs[0]:>7}/{r.all_pairs[1]:<6}"
        )
    return lines
