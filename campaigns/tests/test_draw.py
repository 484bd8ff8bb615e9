"""The draw: a fixed test vector, an independent re-implementation, rejection sampling,
an unbiasedness check, and the verifier catching every kind of tampering."""

import hashlib
import hmac
import json
import random
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from campaigns import draw

SEED = "5eed" * 16  # 32 bytes
ENTROPY = "00000000000000000001a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7"
TICKETS = [3, 8, 15, 16, 23, 42, 108, 4815, 162342, 999999]

# The vector below was computed once and is cross-checked by `reference_draw`; if it
# ever changes, every draw published before would stop verifying.
VECTOR_DIGEST = hashlib.sha256(b"3\n8\n15\n16\n23\n42\n108\n4815\n162342\n999999\n").hexdigest()


def reference_draw(seed_hex, entropy, tier, tickets, m):
    """Written straight from the published description, sharing no code with draw.py."""
    body = "".join(str(t) + "\n" for t in tickets).encode()
    list_digest = hashlib.sha256(body).hexdigest()
    numbers, i = [], 0
    a, n, out = list(tickets), len(tickets), []
    for j in range(min(m, n)):
        span = n - j
        while True:
            if not numbers:
                msg = "|".join((entropy, tier, list_digest, str(i))).encode("utf-8")
                block = hmac.new(bytes.fromhex(seed_hex), msg, hashlib.sha256).digest()
                numbers = [int.from_bytes(block[x : x + 8], "big") for x in (0, 8, 16, 24)]
                i += 1
            r = numbers.pop(0)
            if r < 2**64 - (2**64 % span):
                break
        k = j + r % span
        a[j], a[k] = a[k], a[j]
        out.append(a[j])
    return out


def test_digest_is_sha256_of_decimal_lines():
    assert draw.list_bytes([1, 22, 333]) == b"1\n22\n333\n"
    assert draw.digest(TICKETS) == VECTOR_DIGEST
    assert draw.digest([]) == hashlib.sha256(b"").hexdigest()


def test_fixed_vector():
    picks = draw.draw(SEED, ENTROPY, "lucky", TICKETS, 4)
    assert picks == [3, 23, 999999, 15]
    assert picks == reference_draw(SEED, ENTROPY, "lucky", TICKETS, 4)


@pytest.mark.parametrize("tier", ["lucky", "participation", "新手"])
@pytest.mark.parametrize("m", [0, 1, 5, 10, 25])
def test_matches_the_reference_implementation(tier, m):
    tickets = list(range(100, 137))
    assert draw.draw(SEED, ENTROPY, tier, tickets, m) == reference_draw(
        SEED, ENTROPY, tier, tickets, m
    )


def test_picks_are_distinct_and_at_most_all_tickets():
    picks = draw.draw(SEED, ENTROPY, "t", TICKETS, 50)
    assert sorted(picks) == sorted(TICKETS)


def test_every_input_changes_the_result():
    base = draw.draw(SEED, ENTROPY, "t", list(range(1000)), 5)
    assert draw.draw("ab" * 32, ENTROPY, "t", list(range(1000)), 5) != base
    assert draw.draw(SEED, ENTROPY + "0", "t", list(range(1000)), 5) != base
    assert draw.draw(SEED, ENTROPY, "u", list(range(1000)), 5) != base
    assert draw.draw(SEED, ENTROPY, "t", list(range(1001)), 5) != base


def test_numbers_at_or_above_the_limit_are_skipped():
    """With span 3, 2^64 − (2^64 mod 3) and above would favour small k: skipped."""
    limit = 2**64 - (2**64 % 3)
    numbers = iter([limit, 2**64 - 1, 4, 0])
    assert draw.pick([10, 20, 30], 1, numbers) == [20]  # 4 mod 3 = 1


def test_stream_blocks_are_big_endian_quarters():
    numbers = draw.stream(SEED, ENTROPY, "t", "d")
    first = [next(numbers) for _ in range(4)]
    block = hmac.new(bytes.fromhex(SEED), f"{ENTROPY}|t|d|0".encode(), hashlib.sha256).digest()
    assert first == [int.from_bytes(block[i : i + 8], "big") for i in (0, 8, 16, 24)]


def test_no_ticket_is_favoured():
    """Chi-square over 6,000 draws of 1 from 6 tickets (5 degrees of freedom): the
    statistic stays under 20.5, the 0.1 % critical value. Entropies are fixed, so the
    test is deterministic, not flaky."""
    tickets = [1, 2, 3, 4, 5, 6]
    counts = dict.fromkeys(tickets, 0)
    rng = random.Random(2026)
    trials = 6000
    for _ in range(trials):
        entropy = f"{rng.getrandbits(64):016x}"
        counts[draw.draw(SEED, entropy, "t", tickets, 1)[0]] += 1
    expected = trials / len(tickets)
    chi2 = sum((c - expected) ** 2 / expected for c in counts.values())
    assert chi2 < 20.5, counts


def test_second_pick_is_unbiased_too():
    tickets = [1, 2, 3, 4]
    counts = {}
    for i in range(4000):
        second = draw.draw(SEED, str(i), "t", tickets, 2)[1]
        counts[second] = counts.get(second, 0) + 1
    expected = 1000
    chi2 = sum((c - expected) ** 2 / expected for c in counts.values())
    assert chi2 < 16.3, counts  # 3 degrees of freedom, 0.1 %


# --- the verifier ------------------------------------------------------------------------

QUICKNET = draw.CHAINS["quicknet"]
# Real beacons recorded from a drand relay (campaigns/demo/relay/, read without Django).
RELAY = Path(draw.__file__).with_name("demo") / "relay" / QUICKNET.chain_hash / "public"
PINNED, LATER = 25358708, 25563182
ENDS_AT = "2026-01-15T23:59:59+08:00"
# The delay that makes the rules pin PINNED: from the end to the round's publication.
DELAY = draw.round_time(QUICKNET, PINNED) - int(datetime.fromisoformat(ENDS_AT).timestamp())


def relay_beacon(round_number: int) -> dict:
    return json.loads((RELAY / str(round_number)).read_text())


def with_randomness(signature: str) -> dict:
    """A beacon of the pinned round with this signature and its SHA-256 as randomness:
    consistent, except that the chain never signed it."""
    randomness = hashlib.sha256(bytes.fromhex(signature)).hexdigest()
    return {"round": PINNED, "signature": signature, "randomness": randomness}


def beacon_data(beacon: dict) -> dict:
    """The results' `beacon`, as the site publishes it after the draw."""
    moment = datetime.fromtimestamp(draw.round_time(QUICKNET, beacon["round"]), UTC)
    return {
        "chain": QUICKNET.name,
        "chain_hash": QUICKNET.chain_hash,
        "public_key": QUICKNET.public_key,
        "scheme": QUICKNET.scheme,
        "genesis_time": QUICKNET.genesis_time,
        "period": QUICKNET.period,
        "round": beacon["round"],
        "round_time": moment.isoformat(),
        "relay_urls": draw.relay_urls(QUICKNET, beacon["round"]),
        "signature": beacon["signature"],
        "randomness": beacon["randomness"],
    }


def published(tickets=TICKETS, winners=2, alternates=3, beacon=None):
    """Honest results drawn with `beacon`'s randomness (by default the pinned round's
    real beacon): a different beacon gives results consistent with it in every other way."""
    beacon = beacon or relay_beacon(PINNED)
    entropy = beacon["randomness"]
    picks = draw.draw(SEED, entropy, "lucky", tickets, winners + alternates)
    results = {
        "campaign": "demo",
        "commitment": draw.commitment(SEED),
        "seed": SEED,
        "entropy": entropy,
        "ends_at": ENDS_AT,
        "entropy_delay_seconds": DELAY,
        "beacon": beacon_data(beacon),
        "algorithm": draw.ALGORITHM,
        "tiers": [
            {
                "slug": "lucky",
                "kind": "lucky_post_draw",
                "list_digest": draw.digest(tickets),
                "list_url": "lucky.txt",
                "drawn": winners + alternates,
                "winners": [
                    {"user_id": 1, "post_id": p, "position": i}
                    for i, p in enumerate(picks[:winners])
                ],
                "alternates": picks[winners:],
            },
            {
                "slug": "top",
                "kind": "leaderboard",
                "list_digest": draw.digest([7, 5, 9]),
                "list_url": "top.txt",
                "winners": [
                    {"user_id": u, "post_id": None, "position": i} for i, u in enumerate([7, 5])
                ],
                "alternates": [],
            },
        ],
    }
    files = {"lucky.txt": draw.list_bytes(tickets), "top.txt": draw.list_bytes([7, 5, 9])}
    return results, files


def test_verify_accepts_honest_results():
    results, files = published()
    assert draw.pinned_round(QUICKNET, ENDS_AT, DELAY) == PINNED
    assert results["entropy"] == relay_beacon(PINNED)["randomness"]
    assert draw.verify(results, fetch=files.__getitem__) == []


def test_the_recorded_beacons_signatures_verify():
    for round_number in (PINNED, LATER):
        assert draw.bls_verify(QUICKNET, relay_beacon(round_number)) is True
    assert draw.bls_verify(QUICKNET, with_randomness(relay_beacon(LATER)["signature"])) is False


def test_verify_accepts_a_replaced_winner_at_the_next_position():
    results, files = published()
    tier = results["tiers"][0]
    replacement = tier["alternates"][0]
    tier["winners"][1] = {"user_id": 1, "post_id": replacement, "position": 2}
    assert draw.verify(results, fetch=files.__getitem__) == []


@pytest.mark.parametrize(
    "tamper",
    ["seed", "commitment", "entropy", "ticket", "winner", "order", "alternate", "leader"],
)
def test_verify_catches_tampering(tamper):
    results, files = published()
    lucky = results["tiers"][0]
    if tamper == "seed":
        results["seed"] = "ab" * 32
    elif tamper == "commitment":
        results["commitment"] = draw.commitment("ab" * 32)
    elif tamper == "entropy":
        results["entropy"] = "something else"
    elif tamper == "ticket":
        files["lucky.txt"] = files["lucky.txt"].replace(b"42\n", b"43\n")
    elif tamper == "winner":
        lucky["winners"][0]["post_id"] = 3 if lucky["winners"][0]["post_id"] != 3 else 8
    elif tamper == "order":
        lucky["winners"][0]["position"], lucky["winners"][1]["position"] = 1, 0
    elif tamper == "alternate":
        lucky["alternates"].reverse()
    else:
        results["tiers"][1]["winners"][0]["user_id"] = 9
    assert draw.verify(results, fetch=files.__getitem__)


def _flip_last_byte(signature: str) -> str:
    return signature[:-2] + f"{int(signature[-2:], 16) ^ 1:02x}"


# Each makes results whose winners follow from the published entropy, so only the
# beacon's checks can tell: the problem they must report.
BEACON_TAMPERING = {
    # another real, correctly signed round than the one the rules pinned
    "another round": (
        lambda r: published(beacon=relay_beacon(LATER)),
        f"the beacon is round {LATER}, the rules pin {PINNED}",
    ),
    # a later delay (or end) would pin another round than the published one
    "the delay": (
        lambda r: r["results"].update(entropy_delay_seconds=DELAY + 3),
        f"the beacon is round {PINNED}, the rules pin {PINNED + 1}",
    ),
    "the end": (
        lambda r: r["results"].update(ends_at="2026-01-15T22:59:59+08:00"),
        f"the beacon is round {PINNED}, the rules pin {PINNED - 1200}",
    ),
    # a chosen randomness under the real signature
    "the randomness": (
        lambda r: published(
            beacon={**relay_beacon(PINNED), "randomness": hashlib.sha256(b"mine").hexdigest()}
        ),
        "the beacon's randomness is not SHA-256 of its signature",
    ),
    "a signature byte": (
        lambda r: r["results"]["beacon"].update(
            signature=_flip_last_byte(relay_beacon(PINNED)["signature"])
        ),
        "the beacon's randomness is not SHA-256 of its signature",
    ),
    "no signature": (
        lambda r: r["results"]["beacon"].update(signature=None),
        "the beacon's randomness is not SHA-256 of its signature",
    ),
    "the entropy": (
        lambda r: r["results"].update(entropy=relay_beacon(LATER)["randomness"]),
        "the draws' entropy is not the beacon's randomness",
    ),
    "the public key": (
        lambda r: r["results"]["beacon"].update(public_key=draw.CHAINS["default"].public_key),
        "the beacon's chain is not a known drand chain with its public key",
    ),
    "the chain": (
        lambda r: r["results"]["beacon"].update(chain_hash="00" * 32),
        "the beacon's chain is not a known drand chain with its public key",
    ),
}


@pytest.mark.parametrize("tamper", BEACON_TAMPERING)
def test_verify_catches_a_tampered_beacon(tamper):
    change, problem = BEACON_TAMPERING[tamper]
    results, files = published()
    changed = change({"results": results})
    if changed is not None:  # results made afresh with another beacon
        results, files = changed
    assert problem in draw.verify(results, fetch=files.__getitem__)


def test_the_shipped_script_runs_without_django(tmp_path):
    """`python3 campaigns/draw.py results.json` with plain files, in a bare interpreter."""
    results, files = published()
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    (tmp_path / "results.json").write_text(json.dumps(results))
    script = Path(draw.__file__)
    ok = subprocess.run(
        [sys.executable, str(script), str(tmp_path / "results.json")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "all checks passed" in ok.stdout
    assert f"beacon: drand quicknet round {PINNED}" in ok.stdout
    assert "BLS signature verified" in ok.stdout  # py_ecc is installed in the venv
    (tmp_path / "lucky.txt").write_bytes(files["lucky.txt"] + b"1000000\n")
    bad = subprocess.run(
        [sys.executable, str(script), str(tmp_path / "results.json")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 1
    assert "MISMATCH" in bad.stdout


def test_the_script_refuses_a_beacon_the_chain_did_not_sign(tmp_path):
    """Another round's real signature under the pinned round, its SHA-256 as randomness
    and the winners drawn with it: every check but the BLS signature passes."""
    results, files = published(beacon=with_randomness(relay_beacon(LATER)["signature"]))
    assert draw.verify(results, fetch=files.__getitem__) == []
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    (tmp_path / "results.json").write_text(json.dumps(results))
    run = subprocess.run(
        [sys.executable, str(Path(draw.__file__)), str(tmp_path / "results.json")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert "MISMATCH: the beacon's BLS signature does not verify" in run.stdout
    assert "BLS signature verified" not in run.stdout
