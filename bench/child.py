"""`python -m bench.child NAME '{"arg": …}'`: one measurement of bench/work.py in a
fresh process (so its peak memory is its own), printed as one JSON line. The
environment (database, cache, settings) comes from the parent."""

import json
import sys

import django


def main(argv: list[str]) -> int:
    django.setup()
    from bench.meter import Meter
    from bench.work import MEASURES

    name, kwargs = argv[1], json.loads(argv[2])
    result = MEASURES[name](Meter("rss"), **kwargs)
    print("BENCHWORK " + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
