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

The entropy is a drand beacon pinned by the rules before the campaign starts: the first
round of the campaign's chain at or after `ends_at + entropy_delay_seconds`. The
verifier checks that the published round is that one, that its randomness is SHA-256 of
its signature (the entropy the draws used), and — when the `py_ecc` package is
installed — the BLS signature against the chain's public key, which is written below.
Without `py_ecc` it says so and prints where anyone can compare the round's signature.
"""

import hashlib
import hmac
import json
import os
import sys
import urllib.parse
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from types import SimpleNamespace
from typing import NamedTuple

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


# --- the drand beacon --------------------------------------------------------------------


class Chain(NamedTuple):
    """A drand chain's public parameters, as its relays serve them at /<chain_hash>/info."""

    name: str
    chain_hash: str
    public_key: str
    scheme: str
    genesis_time: int
    period: int


# From https://api.drand.sh/<chain_hash>/info (League of Entropy mainnet), as published
# by drand (docs.drand.love); each chain's parameters never change.
CHAINS = {
    "quicknet": Chain(
        "quicknet",
        "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971",
        "83cf0f2896adee7eb8b5f01fcad3912212c437e0073e911fb90022d3e760183c"
        "8c4b450b6a0a6c3ac6a5776a2d1064510d1fec758c921cc22b0e17e63aaf4bcb"
        "5ed66304de9cf809bd274ca73bab4af5a6e9c76a4bc09e76eae8991ef5ece45a",
        "bls-unchained-g1-rfc9380",
        1692803367,
        3,
    ),
    "default": Chain(
        "default",
        "8990e7a9aaed2ffed73dbd7092123d6f289930540d7651336225dc172e51b2ce",
        "868f005eb8e6e4ca0a47c8a77ceaa5309a47978a7c71bc5cce96366b5d7a5699"
        "37c529eeda66c7293784a9402801af31",
        "pedersen-bls-chained",
        1595431050,
        30,
    ),
}
RELAYS = (
    "https://api.drand.sh",
    "https://api2.drand.sh",
    "https://api3.drand.sh",
    "https://drand.cloudflare.com",
)
DST_G1 = b"BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_"


def chain_by_hash(chain_hash: str) -> Chain | None:
    return next((c for c in CHAINS.values() if c.chain_hash == chain_hash), None)


def round_at_or_after(chain: Chain, unix_seconds: int) -> int:
    """The first round published at or after a moment (round r is published at
    genesis_time + (r − 1) · period)."""
    if unix_seconds <= chain.genesis_time:
        return 1
    return -(-(unix_seconds - chain.genesis_time) // chain.period) + 1


def round_time(chain: Chain, round_number: int) -> int:
    return chain.genesis_time + (round_number - 1) * chain.period


def pinned_round(chain: Chain, ends_at_iso: str, delay_seconds: int) -> int:
    """The rule: the first round at or after the campaign's end plus the delay."""
    ends = int(datetime.fromisoformat(ends_at_iso).timestamp())
    return round_at_or_after(chain, ends + int(delay_seconds))


def relay_urls(chain: Chain, round_number: int) -> list[str]:
    return [f"{relay}/{chain.chain_hash}/public/{round_number}" for relay in RELAYS]


def beacon_message(chain: Chain, round_number: int, previous_signature: str = "") -> bytes:
    """What the chain signs: SHA-256 of the round (8 bytes, big-endian), preceded by the
    previous round's signature on a chained scheme."""
    prefix = bytes.fromhex(previous_signature) if chain.scheme.endswith("-chained") else b""
    return hashlib.sha256(prefix + int(round_number).to_bytes(8, "big")).digest()


def _pairing() -> SimpleNamespace | None:
    """py_ecc's BLS12-381 (pure Python, the Ethereum Foundation's), if installed. Imported
    on the first check only: it is optional here and takes a while to load."""
    try:
        from py_ecc.bls import G2Basic
        from py_ecc.bls.hash_to_curve import hash_to_G1
        from py_ecc.bls.point_compression import decompress_G1, decompress_G2
        from py_ecc.fields import optimized_bls12_381_FQ12 as FQ12
        from py_ecc.optimized_bls12_381 import G2, final_exponentiate, neg
        from py_ecc.optimized_bls12_381.optimized_pairing import miller_loop
    except ImportError:
        return None
    return SimpleNamespace(
        G2Basic=G2Basic,
        hash_to_G1=hash_to_G1,
        decompress_G1=decompress_G1,
        decompress_G2=decompress_G2,
        FQ12=FQ12,
        G2=G2,
        final_exponentiate=final_exponentiate,
        neg=neg,
        miller_loop=miller_loop,
    )


def _g1_signature_verifies(bls: SimpleNamespace, chain: Chain, message: bytes, sig: bytes) -> bool:
    """quicknet: e(signature, g2) == e(H(m), public key), as one product of two Miller
    loops (signature on G1, RFC 9380 hash-to-curve, public key on G2)."""
    key = bytes.fromhex(chain.public_key)
    public = bls.decompress_G2((int.from_bytes(key[:48], "big"), int.from_bytes(key[48:], "big")))
    point = bls.decompress_G1(int.from_bytes(sig, "big"))
    hashed = bls.hash_to_G1(message, DST_G1, hashlib.sha256)
    product = bls.miller_loop(bls.neg(bls.G2), point) * bls.miller_loop(public, hashed)
    return bls.final_exponentiate(product) == bls.FQ12.one()


def bls_verify(chain: Chain, beacon: dict) -> bool | None:
    """Whether the beacon's BLS signature verifies against the chain's public key; None
    when `py_ecc` is not installed."""
    bls = _pairing()
    if bls is None:
        return None
    try:
        signature = bytes.fromhex(beacon["signature"])
        message = beacon_message(chain, beacon["round"], beacon.get("previous_signature") or "")
        if chain.scheme == "pedersen-bls-chained":
            return bool(bls.G2Basic.Verify(bytes.fromhex(chain.public_key), message, signature))
        if chain.scheme != "bls-unchained-g1-rfc9380" or len(signature) != 48:
            return False
        return _g1_signature_verifies(bls, chain, message, signature)
    except (ValueError, TypeError, KeyError, AssertionError):
        return False


def beacon_problems(results: dict) -> list[str]:
    """The beacon's checks that need no BLS library: a known chain with its own key, the
    pinned round, randomness = SHA-256(signature), and the draws' entropy = randomness."""
    beacon = results.get("beacon") or {}
    chain = chain_by_hash(beacon.get("chain_hash", ""))
    if chain is None or beacon.get("public_key") != chain.public_key:
        return ["the beacon's chain is not a known drand chain with its public key"]
    problems = []
    expected = pinned_round(chain, results["ends_at"], results["entropy_delay_seconds"])
    if beacon.get("round") != expected:
        problems.append(f"the beacon is round {beacon.get('round')}, the rules pin {expected}")
    signature, randomness = beacon.get("signature") or "", beacon.get("randomness") or ""
    try:
        hashed = hashlib.sha256(bytes.fromhex(signature)).hexdigest()
    except ValueError:
        hashed = None
    if not signature or hashed != randomness:
        problems.append("the beacon's randomness is not SHA-256 of its signature")
    if results.get("entropy") != randomness:
        problems.append("the draws' entropy is not the beacon's randomness")
    return problems


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


def tier_problems(tier: dict, seed: str, entropy: str, fetch=None, base: str = "") -> list[str]:
    """One tier's checks: its downloaded list against its digest, and each winner and the
    alternates against the recomputed sequence."""
    raw = (fetch or _fetch)(urllib.parse.urljoin(base, tier["list_url"]))
    if hashlib.sha256(raw).hexdigest() != tier["list_digest"]:
        return [f"{tier['slug']}: the downloaded list does not match its digest"]
    problems = []
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


def verify(results: dict, fetch=_fetch, base: str = "") -> list[str]:
    """Every check on published results but the BLS signature (`bls_verify`); returns
    the problems found (empty: all good).

    Each winner names its `position` in the tier's sequence (a winner who was later
    disqualified is replaced by the next position), so the check is exact either way.
    """
    seed, entropy = results.get("seed") or "", results.get("entropy") or ""
    if not seed or commitment(seed) != results["commitment"]:
        return ["the seed does not match the commitment"]
    problems = beacon_problems(results)
    for tier in results["tiers"]:
        problems += tier_problems(tier, seed, entropy, fetch, base)
    return problems


def _safe_path() -> None:
    """Run as `python3 campaigns/draw.py`, Python puts this folder first on the path,
    and its `selectors` package would shadow the standard library's (which urllib needs)."""
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != here]


def _print_beacon(results: dict) -> list[str]:
    """Say which beacon the draws used and check its signature when py_ecc is here;
    returns a problem if the signature does not verify."""
    beacon = results.get("beacon") or {}
    chain = chain_by_hash(beacon.get("chain_hash", ""))
    if chain is None or not beacon.get("signature"):
        return []
    print(f"beacon: drand {chain.name} round {beacon['round']}, randomness {beacon['randomness']}")
    verified = bls_verify(chain, beacon)
    if verified is None:
        print("BLS signature not checked here (pip install py_ecc to check it); compare it at:")
        for url in relay_urls(chain, beacon["round"]):
            print(f"  {url}")
        return []
    if not verified:
        return ["the beacon's BLS signature does not verify against the chain's public key"]
    print("beacon: BLS signature verified against the chain's public key")
    return []


def main(argv: list[str]) -> int:
    _safe_path()
    if len(argv) != 2:
        print("usage: python3 draw.py <results.json URL or file>", file=sys.stderr)
        return 2
    source = argv[1]
    results = json.loads(_fetch(source))
    problems = verify(results, base=source)
    problems += _print_beacon(results)
    for tier in results["tiers"]:
        print(f"{tier['slug']}: {len(tier['winners'])} winners, list {tier['list_digest']}")
    for problem in problems:
        print("MISMATCH:", problem)
    print("all checks passed" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
