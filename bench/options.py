"""The command line's choices, free of Django so `python -m bench` can read them
before it knows which database to set up."""

from dataclasses import dataclass


@dataclass
class Options:
    scale: str = "1m"
    db: str = "postgres"
    pg: str = "postgres://postgres@127.0.0.1:5432"
    regenerate: bool = False
    connections: int = 16
    duration: int = 15
    warmup: int = 3
    soak: int = 60
    soak_connections: int = 64
    spike: int = 30  # the announcement spike on the published results page, seconds
    spike_connections: int = 256
    port: int = 8123
    cache_db: int = 13
    url: str = ""  # the preset's database, filled in by __main__
    cache_url: str = ""
    docs: str = "docs/benchmarks.md"
    write_docs: bool = True
    http: bool = True
    work: bool = True
    workers: int | None = None
    generate_only: bool = False
    command: str = "python -m bench"
