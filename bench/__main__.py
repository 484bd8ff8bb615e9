"""`python -m bench` (`make bench`): generate a preset's data once, load the site's
pages with wrk against `make serve`, time the work that has no page, and put the
report on top of docs/benchmarks.md. `python -m bench --help` lists the options."""

import argparse
import os
import shlex
import sys
from dataclasses import fields
from pathlib import Path

from bench import dataset
from bench.options import Options
from bench.presets import PRESETS

BASE_DIR = Path(__file__).resolve().parent.parent


def parse(argv: list[str]) -> Options:
    d = Options()
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    ap.add_argument(
        "--scale",
        choices=list(PRESETS),
        default=d.scale,
        help="data size (default 1m: 1,000,000 posts; tiny and small fit SQLite)",
    )
    ap.add_argument("--db", choices=["postgres", "sqlite"], default=d.db)
    ap.add_argument(
        "--pg",
        default=os.environ.get("BENCH_PG_URL", d.pg),
        help="PostgreSQL server URL without a database name",
    )
    ap.add_argument("--regenerate", action="store_true", help="drop and regenerate the data")
    ap.add_argument("--connections", type=int, default=d.connections)
    ap.add_argument("--duration", type=int, default=d.duration, help="seconds per page")
    ap.add_argument("--warmup", type=int, default=d.warmup, help="seconds before each page")
    ap.add_argument("--soak", type=int, default=d.soak, help="soak seconds (0: none)")
    ap.add_argument("--soak-connections", type=int, default=d.soak_connections)
    ap.add_argument(
        "--spike",
        type=int,
        default=d.spike,
        help="seconds of the announcement spike on the published results (0: none)",
    )
    ap.add_argument("--spike-connections", type=int, default=d.spike_connections)
    ap.add_argument("--port", type=int, default=d.port)
    ap.add_argument("--cache-db", type=int, default=d.cache_db, help="Redis database number")
    ap.add_argument("--docs", default=d.docs, help="the report file")
    ap.add_argument(
        "--no-docs", dest="write_docs", action="store_false", help="print the report only"
    )
    ap.add_argument(
        "--no-http", dest="http", action="store_false", help="skip the server and the load runs"
    )
    ap.add_argument(
        "--no-work",
        dest="work",
        action="store_false",
        help="skip the work without HTTP (and the published results page)",
    )
    ap.add_argument("--workers", type=int, default=None, help="generator processes")
    ap.add_argument("--generate-only", action="store_true", help="stop after the data")
    args = ap.parse_args(argv)  # fmt: skip
    names = {f.name for f in fields(Options)}
    opts = Options(**{k: v for k, v in vars(args).items() if k in names})
    opts.command = "python -m bench " + shlex.join(argv) if argv else "python -m bench"
    return opts


def main(argv: list[str]) -> int:
    opts = parse(argv)
    preset = PRESETS[opts.scale]
    if opts.db == "sqlite" and not preset.sqlite_ok:
        sys.exit(f"The {preset.name} preset needs PostgreSQL (--db postgres): SQLite is for "
                 "the smaller presets (tiny, small, 100k).")  # fmt: skip
    opts.url = dataset.database_url(preset.name, opts.db, opts.pg)
    opts.cache_url = f"redis://127.0.0.1:6379/{opts.cache_db}"
    os.chdir(BASE_DIR)
    os.environ.update(dataset.environment(opts.url, opts.cache_url))
    dataset.prepare(opts.url, fresh=opts.regenerate)

    import django

    django.setup()
    from bench import run

    if opts.generate_only:
        run.open_dataset(opts, preset)
        return 0
    report = run.main(opts, preset)
    text = run.section(report)
    print("\n" + text)
    if opts.write_docs:
        from bench.report import write

        write(text, BASE_DIR / opts.docs)
        print(f"Written to {opts.docs}.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
