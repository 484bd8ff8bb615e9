"""One database per preset (`square_bench_<preset>` on PostgreSQL, a file under
bench/data/ for SQLite), generated once and reused: a marker row says which preset
and generator version it holds and when it was made."""

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.db import connection

DATA_DIR = Path(__file__).resolve().parent / "data"
MARKER_TABLE = "bench_dataset"


def database_url(preset: str, backend: str, server: str) -> str:
    """`server` is a PostgreSQL URL without a database name."""
    name = f"square_bench_{preset}"
    if backend == "sqlite":
        return f"sqlite:///{DATA_DIR / (name + '.sqlite3')}"
    parts = urlsplit(server)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, "", ""))


def prepare(url: str, *, fresh: bool) -> None:
    """Create the database (dropping it first when `fresh`), before Django connects."""
    parts = urlsplit(url)
    if parts.scheme.startswith("sqlite"):
        path = Path(parts.path)
        path.parent.mkdir(parents=True, exist_ok=True)
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    name = parts.path.lstrip("/")
    admin = urlunsplit((parts.scheme, parts.netloc, "/postgres", "", ""))
    with psycopg.connect(admin, autocommit=True) as conn:
        if fresh:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def marker_read() -> dict | None:
    if MARKER_TABLE not in connection.introspection.table_names():
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {MARKER_TABLE} WHERE name = %s", ["dataset"])
        row = cursor.fetchone()
    return json.loads(row[0]) if row else None


def marker_write(data: dict) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} (name varchar(40) PRIMARY KEY, value text)"
        )
        cursor.execute(f"DELETE FROM {MARKER_TABLE} WHERE name = %s", ["dataset"])
        cursor.execute(
            f"INSERT INTO {MARKER_TABLE} (name, value) VALUES (%s, %s)",
            ["dataset", json.dumps(data, default=str)],
        )


def stamp() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def environment(url: str, cache_url: str) -> dict[str, str]:
    """The settings every process of a run shares (this one, the server, workers)."""
    return {
        "DJANGO_SETTINGS_MODULE": "square.project.settings",
        "DATABASE_URL": url,
        "CACHE_URL": cache_url,
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY", "bench-only-secret-key-0123456789"),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "0",  # plain HTTP on loopback
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SQUARE_BENCH_URLS": "1",
        "SQUARE_SERVER_TIMING": "1",  # each answer says where its time went
        "LOG_LEVEL": "WARNING",
        # wrk is one member at one address: the search pages are loaded past the limits
        # that stop a person or a script typing searches (the limits are tested, not timed).
        "SQUARE_RATE_SEARCHES_PER_MINUTE": "100000000",
        "SQUARE_RATE_SEARCHES_PER_ADDRESS_PER_MINUTE": "100000000",
        # As production: background work goes through the database queue (`make
        # worker`), not inline in the request that asked for it.
        "TASKS_BACKEND": "database" if url.startswith("postgres") else "immediate",
    }
