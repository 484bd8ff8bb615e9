"""Real drand beacons recorded in `relay/` (laid out like a relay, sources in its
SOURCES.md): the demo's announced campaign and the tests draw with them, and `make run`
lists the folder as a last relay, so a draw works on a machine without network."""

from datetime import datetime, timedelta
from pathlib import Path

from campaigns import draw

RELAY_DIR = Path(__file__).resolve().with_name("relay")
# The round the announced campaign's demo pins: quicknet, 2026-01-20 11:24:48 (UTC+8).
DEMO_CHAIN, DEMO_ROUND = "quicknet", 25358708


def recorded(chain_name: str = DEMO_CHAIN, round_number: int = DEMO_ROUND) -> str:
    """The recorded beacon's JSON, exactly as the relay served it."""
    chain = draw.CHAINS[chain_name]
    return (RELAY_DIR / chain.chain_hash / "public" / str(round_number)).read_text()


def delay_to(
    ends_at: datetime, chain_name: str = DEMO_CHAIN, round_number: int = DEMO_ROUND
) -> timedelta | None:
    """The delay after `ends_at` that makes the rules pin this round, or None if the
    round was published before the end."""
    chain = draw.CHAINS[chain_name]
    seconds = draw.round_time(chain, round_number) - int(ends_at.timestamp())
    return timedelta(seconds=seconds) if seconds > 0 else None


def relay_url() -> str:
    return RELAY_DIR.as_uri()
