#!/usr/bin/env python3
"""The draw, in the Python standard library only, so that anyone can redo it.

This file is both the code the server draws with and the verifier people run:

    python3 campaigns/draw.py https://square.example/campaigns/my-2026-first-post/results.json

downloads the published results and every ticket list, and checks the commitment,
each list's digest and every winner; it prints what it checked and exits non-zero on
any mismatch. It needs no Django and no third-party package.

The algorithm (square-draw v1):
- digest(list) = SHA-256 (hex) of the ids written in ASCII decimal, each followed by "\\n";
- block_i = HMAC-SHA256(key = seed, message = UTF-8 of "{entropy}|{tier}|{digest}|{i}"),
  i = 0, 1, 2, …; each block gives four unsigned 64-bit integers (bytes 0–7, 8–15,
  16–23, 24–31, big-endian), used in order;
- pick: on a copy `a` of the list (n tickets), for j = 0 … m−1: span = n − j; take the
  next integer r, skipping any r ≥ 2^64 − (2^64 mod span) (so every k is equally
  likely); k = j + (r mod span); swap a[j] and a[k]; a[j] is pick j.
"""

import hashlib
import hmac
import json
import os
import sys
import urllib.parse
from collections.abc import Iterable, Iterator, Sequence

ALGORITHM = "square-draw v1 (HMAC-SHA256 stream, Fisher-Yates with rejection sampling)"
TWO_64 = 2**64


def list_bytes(ids: Iterable[int]) -> bytes:
    """The exact bytes a list's digest covers (and its download serves)."""
    return "".join(f"{int(i)}\n" for i in ids).encode("ascii")


def digest(ids: Iterable[int]) -> str:
    return hashlib.sha256(list_bytes(ids)).hexdigest()


def commitment(seed_hex: str) -> str:
    """What is published at creation: SHA-256 of the seed's 32 bytes, in hex."""
    return hashlib.sha256(bytes.fromhex(seed_hex)).hexdigest()


def stream(seed_hex: str, entropy: str, tier: str, list_digest: str) -> Iterator[int]:
    """The endless sequence of 64-bit integers for one tier's draw."""
    key = bytes.fromhex(seed_hex)
    i = 0
    while True:
        message = f"{entropy}|{tier}|{list_digest}|{i}".encode()
        block = hmac.new(key, message, hashlib.sha256).digest()
        for offset in range(0, 32, 8):
            yield int.from_bytes(block[offset : offset + 8], "big")
        i += 1


def pick(tickets: Sequence[int], m: int, numbers: Iterator[int]) -> list[int]:
    """The first `m` picks (at most all tickets) of a partial Fisher–Yates shuffle."""
    a = list(tickets)
    n = len(a)
    picks = []
    for j in range(min(m, n)):
        span = n - j
        limit = TWO_64 - (TWO_64 % span)
        r = next(numbers)
        while r >= limit:
            r = next(numbers)
        k = j + r % span
        a[j], a[k] = a[k], a[j]
        picks.append(a[j])
    return picks


def draw(seed_hex: str, entropy: str, tier: str, tickets: Sequence[int], m: int) -> list[int]:
    """Everything together: the picks of one tier from its frozen ticket list."""
    numbers = stream(seed_hex, entropy, tier, digest(tickets))
    return pick(tickets, m, numbers)


# --- the verifier ------------------------------------------------------------------------


def _fetch(url: str) -> bytes:
    if "://" not in url:
        with open(url, "rb") as handle:
            return handle.read()
    import urllib.request

    with urllib.request.urlopen(url, timeout=60) as response:
        return response.read()


def _ids(raw: bytes) -> list[int]:
    return [int(line) for line in raw.decode("ascii").splitlines() if line]


def sequence(tier: dict, ids: list[int], seed: str, entropy: str) -> list[int]:
    """The ordered list a tier's winners are taken from: the draw's picks (winners then
    alternates) for a draw tier, the frozen list itself for the leaderboard (ranked
    order) and for newcomers (everyone)."""
    if tier["kind"] in ("lucky_post_draw", "participant_draw"):
        slots = max((w["position"] for w in tier["winners"]), default=-1) + 1
        m = max(slots, tier.get("drawn", 0))
        return draw(seed, entropy, tier["slug"], ids, m)
    return ids


def verify(results: dict, fetch=_fetch, base: str = "") -> list[str]:
    """Every check on published results; returns the problems found (empty: all good).

    Each winner names its `position` in the tier's sequence (a winner who was later
    disqualified is replaced by the next position), so the check is exact either way.
    """
    problems = []
    seed, entropy = results.get("seed") or "", results.get("entropy") or ""
    if not seed or commitment(seed) != results["commitment"]:
        problems.append("the seed does not match the commitment")
        return problems
    for tier in results["tiers"]:
        raw = fetch(urllib.parse.urljoin(base, tier["list_url"]))
        if hashlib.sha256(raw).hexdigest() != tier["list_digest"]:
            problems.append(f"{tier['slug']}: the downloaded list does not match its digest")
            continue
        order = sequence(tier, _ids(raw), seed, entropy)
        key = "post_id" if tier["kind"] == "lucky_post_draw" else "user_id"
        for winner in tier["winners"]:
            position = winner["position"]
            if position >= len(order) or order[position] != winner[key]:
                problems.append(f"{tier['slug']}: winner at position {position} is not the draw's")
        drawn_alternates = order[len(order) - len(tier.get("alternates", [])) :]
        if tier.get("alternates") and drawn_alternates != tier["alternates"]:
            problems.append(f"{tier['slug']}: the alternates are not the draw's")
    return problems


def _safe_path() -> None:
    """Run as `python3 campaigns/draw.py`, Python puts this folder first on the path,
    and its `selectors` package would shadow the standard library's (which urllib needs)."""
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != here]


def main(argv: list[str]) -> int:
    _safe_path()
    if len(argv) != 2:
        print("usage: python3 draw.py <results.json URL or file>", file=sys.stderr)
        return 2
    source = argv[1]
    results = json.loads(_fetch(source))
    problems = verify(results, base=source)
    for tier in results["tiers"]:
        print(f"{tier['slug']}: {len(tier['winners'])} winners, list {tier['list_digest']}")
    for problem in problems:
        print("MISMATCH:", problem)
    print("all checks passed" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
