"""The drand beacon checks (`campaigns.draw`, `campaigns.beacons`) on real recorded
beacons (campaigns/demo/relay/, sources in its SOURCES.md): every one verifies against
its chain's public key, and every way of bending one is refused with its own check."""

import hashlib
import json
from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError

from campaigns import draw
from campaigns.beacons import beacon_check, beacon_parse
from campaigns.demo.beacons import RELAY_DIR, recorded

QUICKNET, DEFAULT = draw.CHAINS["quicknet"], draw.CHAINS["default"]
RECORDED = [
    (chain, int(path.name))
    for chain in (QUICKNET, DEFAULT)
    for path in sorted((RELAY_DIR / chain.chain_hash / "public").iterdir())
]


def tampered_signature(signature: str) -> str:
    """One byte of the signature changed (its last: still a valid encoding prefix)."""
    last = int(signature[-2:], 16) ^ 0x01
    return signature[:-2] + f"{last:02x}"


def test_the_recorded_relay_holds_both_chains():
    assert {(c.name, r) for c, r in RECORDED} >= {("quicknet", 25358708), ("default", 4)}
    assert len(RECORDED) >= 6


@pytest.mark.parametrize(
    ("chain", "round_number"), RECORDED, ids=lambda v: str(getattr(v, "name", v))
)
def test_every_recorded_beacon_verifies_and_its_randomness_is_the_signature_hash(
    chain, round_number
):
    beacon = beacon_parse(recorded(chain.name, round_number))
    assert beacon["round"] == round_number
    assert hashlib.sha256(bytes.fromhex(beacon["signature"])).hexdigest() == beacon["randomness"]
    assert draw.bls_verify(chain, beacon) is True
    assert beacon_check(chain=chain, round_number=round_number, beacon=beacon) == beacon


def test_a_signature_with_one_byte_changed_or_another_rounds_does_not_verify():
    beacon = beacon_parse(recorded("quicknet", 25358708))
    assert (
        draw.bls_verify(QUICKNET, {**beacon, "signature": tampered_signature(beacon["signature"])})
        is False
    )
    other = beacon_parse(recorded("quicknet", 25563182))
    assert draw.bls_verify(QUICKNET, {**other, "round": 25358708}) is False
    chained = beacon_parse(recorded("default", 4))
    assert draw.bls_verify(DEFAULT, {**chained, "previous_signature": "00" * 96}) is False


def test_the_chains_parameters_are_drands():
    assert QUICKNET.chain_hash == "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971"
    assert (QUICKNET.genesis_time, QUICKNET.period, QUICKNET.scheme) == (
        1692803367,
        3,
        "bls-unchained-g1-rfc9380",
    )
    assert len(bytes.fromhex(QUICKNET.public_key)) == 96  # a G2 point
    assert len(bytes.fromhex(DEFAULT.public_key)) == 48  # a G1 point
    assert draw.chain_by_hash(DEFAULT.chain_hash) is DEFAULT


def test_the_round_arithmetic():
    # Round r is published at genesis + (r - 1) * period; the rule takes the first at or after.
    assert draw.round_time(QUICKNET, 1) == QUICKNET.genesis_time
    moment = draw.round_time(QUICKNET, 25358708)
    assert datetime.fromtimestamp(moment, UTC) == datetime(2026, 1, 20, 3, 24, 48, tzinfo=UTC)
    assert draw.round_at_or_after(QUICKNET, moment) == 25358708
    assert draw.round_at_or_after(QUICKNET, moment - 1) == 25358708
    assert draw.round_at_or_after(QUICKNET, moment + 1) == 25358709
    assert draw.round_at_or_after(QUICKNET, 0) == 1
    assert draw.pinned_round(QUICKNET, "2026-01-15T23:59:59+08:00", 3600) == draw.round_at_or_after(
        QUICKNET, 1768492799 + 3600
    )


@pytest.mark.parametrize(
    "text",
    [
        "hello",
        "a" * 64,
        "",
        "[]",
        '{"round": "25358708", "signature": "00", "randomness": "00"}',
        '{"round": 0, "signature": "' + "00" * 48 + '", "randomness": "' + "00" * 32 + '"}',
        '{"round": 5, "signature": "zz", "randomness": "' + "00" * 32 + '"}',
        '{"round": 5, "randomness": "' + "00" * 32 + '"}',
        '{"round": 5, "signature": "' + "00" * 48 + '", "randomness": "00"}',
        '{"round": 1, "signature": "' + "ab" * 5000 + '"}',
        b"\xff\xfe not utf-8",
    ],
    ids=[
        "hello", "64-hex", "empty", "a-list", "round-as-text", "round-0", "signature-not-hex",
        "no-signature", "short-randomness", "too-large", "not-utf8",
    ],
)  # fmt: skip
def test_anything_but_a_beacon_is_malformed(text):
    with pytest.raises(ValidationError) as refused:
        beacon_parse(text)
    assert refused.value.code == "malformed"


def test_each_check_names_itself():
    good = json.loads(recorded("quicknet", 25358708))
    cases = {
        "round": (25358709, good),
        "randomness": (25358708, {**good, "randomness": "00" * 32}),
        "signature": (25358708, {**good, "signature": (s := tampered_signature(good["signature"])),
                                 "randomness": hashlib.sha256(bytes.fromhex(s)).hexdigest()}),
    }  # fmt: skip
    for code, (pinned, beacon) in cases.items():
        with pytest.raises(ValidationError) as refused:
            beacon_check(
                chain=QUICKNET, round_number=pinned, beacon=beacon_parse(json.dumps(beacon))
            )
        assert refused.value.code == code


def test_a_chained_beacon_needs_its_previous_signature():
    beacon = json.loads(recorded("default", 4))
    del beacon["previous_signature"]
    with pytest.raises(ValidationError) as refused:
        beacon_check(chain=DEFAULT, round_number=4, beacon=beacon_parse(json.dumps(beacon)))
    assert refused.value.code == "malformed"
