"""Square's benchmark suite (`make bench`, `python -m bench`): a program that measures
and reports, not a timed test.

1. `generate` — a preset's data (1m: 1,000,000 posts …) written fast into its own
   database, once (`plan` decides who does what when, `bodies` writes the texts and
   their index keys with the app's own functions, `loader` does COPY / executemany);
2. `pages` + `wrk` + `server` — query counts in-process, then wrk against `make serve`;
3. `work` (in fresh processes via `child`) — close and draw, the draw over 1,000,000
   tickets, the leaderboard, the duplicate check, creating posts;
4. `report` + `targets` — the Markdown on top of docs/benchmarks.md.

docs/benchmarks.md explains the method; square/tests/test_bench.py runs the tiny preset.
"""
