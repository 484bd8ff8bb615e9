"""The drand beacon a draw takes: read from what staff paste or upload (or fetched from
the relays), then checked against the round the rules pinned — the round, randomness =
SHA-256(signature), and the BLS signature against the chain's public key. Each refusal is
a ValidationError whose `code` names the check that failed, so the audit log can say it.

The checks themselves are the public verifier's (`campaigns.draw`), so the server and
anyone running the script agree by construction.
"""

import hashlib
import json
import urllib.error
import urllib.request
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from campaigns import draw

MAX_BEACON_BYTES = 4096  # a relay's answer is about 300 bytes
HEX_LENGTHS = {"signature": (96, 192), "previous_signature": (192,), "randomness": (64,)}


def _hex(value, lengths) -> str | None:
    if not isinstance(value, str) or len(value) not in lengths:
        return None
    try:
        bytes.fromhex(value)
    except ValueError:
        return None
    return value.lower()


def beacon_parse(raw: str | bytes) -> dict:
    """The beacon in a relay's JSON (`round`, `randomness`, `signature`, and on a chained
    scheme `previous_signature`), normalised; anything else is refused as malformed."""
    malformed = ValidationError(
        _(
            "This is not a drand beacon. Paste the JSON a relay serves for the pinned round: "
            "its round, randomness and signature."
        ),
        code="malformed",
    )
    if len(raw) > MAX_BEACON_BYTES:
        raise malformed
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise malformed from None
    if not isinstance(data, dict) or type(data.get("round")) is not int or data["round"] < 1:
        raise malformed
    beacon = {"round": data["round"]}
    for name in ("signature", "randomness", "previous_signature"):
        if name == "previous_signature" and not data.get(name):
            continue
        beacon[name] = _hex(data.get(name), HEX_LENGTHS[name])
        if beacon[name] is None:
            raise malformed
    return beacon


@lru_cache(maxsize=64)
def _signature_verifies(chain_name: str, round_number: int, signature: str, previous: str) -> bool:
    beacon = {"round": round_number, "signature": signature, "previous_signature": previous}
    return draw.bls_verify(draw.CHAINS[chain_name], beacon) is True


def signature_verifies(*, chain: draw.Chain, beacon: dict) -> bool:
    """The BLS check, once per distinct beacon per process: the pairing takes most of a
    second, and the draw, the verification page and the command ask about the same one."""
    previous = beacon.get("previous_signature") or ""
    return _signature_verifies(chain.name, beacon["round"], beacon["signature"], previous)


def beacon_check(*, chain: draw.Chain, round_number: int, beacon: dict) -> dict:
    """The beacon if it is the pinned round's, signed by the chain; else the refusal."""
    if beacon["round"] != round_number:
        raise ValidationError(
            _("This beacon is round %(got)s; the rules pinned this draw to round %(round)s.")
            % {"got": beacon["round"], "round": round_number},
            code="round",
        )
    if hashlib.sha256(bytes.fromhex(beacon["signature"])).hexdigest() != beacon["randomness"]:
        raise ValidationError(
            _("The beacon's randomness is not the SHA-256 of its signature."), code="randomness"
        )
    chained = chain.scheme.endswith("-chained")
    previous = beacon.get("previous_signature", "")
    if chained and not previous:
        raise ValidationError(
            _("A beacon of the %(chain)s chain needs its previous_signature.")
            % {"chain": chain.name},
            code="malformed",
        )
    if not signature_verifies(chain=chain, beacon=beacon):
        raise ValidationError(
            _("The beacon's signature does not verify against the %(chain)s public key.")
            % {"chain": chain.name},
            code="signature",
        )
    return beacon


def relays() -> list[str]:
    """The relays to ask, from SQUARE_DRAND_RELAYS, else drand's public ones."""
    return list(getattr(settings, "SQUARE_DRAND_RELAYS", None) or draw.RELAYS)


def beacon_fetch(*, chain: draw.Chain, round_number: int, timeout: float = 3.0) -> tuple[str, str]:
    """Ask each relay in turn for the round; the first answer's text and the relay's URL.
    Nothing is trusted here: the draw checks what staff confirm."""
    for relay in relays():
        url = f"{relay.rstrip('/')}/{chain.chain_hash}/public/{round_number}"
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response:
                text = response.read(MAX_BEACON_BYTES + 1).decode("utf-8", "replace")
        except (urllib.error.URLError, OSError, ValueError):
            continue
        return text, url
    raise ValidationError(
        _("No relay answered for round %(round)s. Paste the beacon instead.")
        % {"round": round_number},
        code="unreachable",
    )
