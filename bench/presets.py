"""The data sizes the benchmark can generate. The 1m preset is the one the targets in
docs/benchmarks.md are stated for; the smaller ones keep the same proportions so a
run on a laptop (or in the test suite) exercises every code path in seconds."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Preset:
    name: str
    users: int
    posts: int  # originals with text (what the duplicate index holds)
    likes: int
    comments: int
    reposts: int  # plain reposts: extra Post rows without text
    hashtags: int
    entries: int  # campaign posts, all carrying the campaign tag
    follows: int
    draw_tickets: tuple[int, int]  # the draw is timed over both; the second is 10x
    dup_checks: int  # duplicate-check repetitions (p50/p95)
    creates: int  # posts created end to end
    sqlite_ok: bool = True
    campaign_days: int = 16


PRESETS = {
    p.name: p
    for p in (
        Preset("tiny", users=60, posts=400, likes=1_500, comments=200, reposts=60,
               hashtags=30, entries=120, follows=200, draw_tickets=(30, 300),
               dup_checks=5, creates=5),
        Preset("small", users=1_000, posts=10_000, likes=50_000, comments=5_000,
               reposts=2_000, hashtags=200, entries=3_000, follows=5_000,
               draw_tickets=(1_000, 10_000), dup_checks=50, creates=50),
        Preset("100k", users=10_000, posts=100_000, likes=500_000, comments=50_000,
               reposts=20_000, hashtags=2_000, entries=30_000, follows=50_000,
               draw_tickets=(10_000, 100_000), dup_checks=100, creates=100),
        Preset("1m", users=100_000, posts=1_000_000, likes=5_000_000, comments=500_000,
               reposts=200_000, hashtags=20_000, entries=300_000, follows=500_000,
               draw_tickets=(100_000, 1_000_000), dup_checks=200, creates=200,
               sqlite_ok=False),
    )
}  # fmt: skip
