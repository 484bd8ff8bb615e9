"""Fast writes through the Django connection, so one generator serves both databases.

- PostgreSQL: COPY (psycopg 3 `cursor.copy`); tables whose columns are all integers
  or times (likes, band keys, tag links, follows) go in COPY's binary format built
  with NumPy — no Python object per row. Big tables lose their secondary indexes and
  foreign keys while they load and get them back afterwards (one sort per index
  instead of millions of random B-tree inserts), then VACUUM ANALYZE sets the
  visibility map the index-only scans of the duplicate index need.
- SQLite: executemany inside one transaction per batch.

Times travel as int64 microseconds since the Unix epoch until the last moment.
"""

import struct
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

import numpy as np
from django.core.management.color import no_style
from django.db import connection, transaction

PG_EPOCH_US = 946_684_800_000_000  # 2000-01-01 in Unix microseconds
_HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)
_TRAILER = struct.pack(">h", -1)
BATCH = 5000


def is_pg() -> bool:
    return connection.vendor == "postgresql"


def to_datetime(us: int) -> datetime:
    return datetime.fromtimestamp(int(us) / 1_000_000, tz=UTC)


def _sqlite_times(us: np.ndarray) -> list[str]:
    """As Django writes aware datetimes to SQLite: UTC, naive, space-separated."""
    text = np.datetime_as_string(us.astype("datetime64[us]"), unit="us")
    return [t.replace("T", " ") for t in text]


def insert_rows(table: str, columns: Sequence[str], rows: Iterable[tuple]) -> int:
    """Rows of Python values (str, int, bool, None, aware datetime, JSON as str)."""
    q = connection.ops.quote_name
    cols = ", ".join(q(c) for c in columns)
    n = 0
    with connection.cursor() as cursor:
        if is_pg():
            with cursor.cursor.copy(f"COPY {q(table)} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    n += 1
            return n
        sql = f"INSERT INTO {q(table)} ({cols}) VALUES ({', '.join(['%s'] * len(columns))})"
        batch = []
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                n += _sqlite_batch(cursor, sql, batch)
                batch = []
        return n + _sqlite_batch(cursor, sql, batch)


def _sqlite_batch(cursor, sql: str, batch: list) -> int:
    if batch:
        with transaction.atomic():
            cursor.executemany(sql, batch)
    return len(batch)


def insert_ints(table: str, columns: dict[str, np.ndarray], times: Sequence[str] = ()) -> int:
    """Columns of int64 arrays (ids, keys; `times` in Unix microseconds), no NULLs."""
    names = list(columns)
    n = len(columns[names[0]])
    if not is_pg():
        values = [_sqlite_times(columns[c]) if c in times else columns[c].tolist() for c in names]
        return insert_rows(table, names, zip(*values, strict=True))
    fields = [("n", ">i2")]
    for i in range(len(names)):
        fields += [(f"l{i}", ">i4"), (f"v{i}", ">i8")]
    rec = np.empty(n, dtype=np.dtype(fields))
    rec["n"] = len(names)
    for i, name in enumerate(names):
        rec[f"l{i}"] = 8
        rec[f"v{i}"] = columns[name] - PG_EPOCH_US if name in times else columns[name]
    q = connection.ops.quote_name
    cols = ", ".join(q(c) for c in names)
    with connection.cursor() as cursor:
        sql = f"COPY {q(table)} ({cols}) FROM STDIN (FORMAT BINARY)"
        with cursor.cursor.copy(sql) as copy:
            copy.write(_HEADER + rec.tobytes() + _TRAILER)
    return n


def _pg_defs(table: str) -> tuple[list[str], list[str]]:
    """(drop statements, create statements) for the secondary indexes, unique
    constraints and foreign keys of `table` (the primary key stays)."""
    drops, creates = [], []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid), contype FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('u', 'f') ORDER BY contype DESC",
            [table],
        )
        for name, definition, _kind in cursor.fetchall():
            drops.append(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
            creates.append(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
            [table],
        )
        for name, definition in cursor.fetchall():
            drops.append(f'DROP INDEX "{name}"')
            creates.insert(0, definition)  # plain indexes before the foreign keys
    return drops, creates


class BulkLoad:
    """While inside: the big tables have no secondary indexes or foreign keys (PostgreSQL,
    outside a transaction only). `restore()` rebuilds them and analyses the tables."""

    def __init__(self, tables: Sequence[str]):
        self.tables = list(tables)
        self.pending: list[str] = []
        self.active = is_pg() and not connection.in_atomic_block

    def strip(self) -> None:
        if not self.active:
            return
        with connection.cursor() as cursor:
            for table in self.tables:
                drops, creates = _pg_defs(table)
                for sql in drops:
                    cursor.execute(sql)
                self.pending += creates

    def restore(self, progress=None) -> None:
        if self.active:
            with connection.cursor() as cursor:
                cursor.execute("SET maintenance_work_mem = '1GB'")
                cursor.execute("SET max_parallel_maintenance_workers = 2")
                for sql in sorted(self.pending, key=lambda s: "FOREIGN KEY" in s):
                    cursor.execute(sql)
                    if progress:
                        progress(sql)
        self.pending = []


def finish(models) -> None:
    """Sequences past the explicit ids, then fresh planner statistics."""
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
        vacuum = is_pg() and not connection.in_atomic_block  # VACUUM needs autocommit
        cursor.execute("VACUUM (ANALYZE)" if vacuum else "ANALYZE")
