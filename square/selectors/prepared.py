"""Queries compiled once and run again with other ids.

Turning a QuerySet into SQL costs the ORM about a millisecond for a page's card rows
(thirty columns over four joined tables) and a few tenths for a like or badge lookup —
more than PostgreSQL takes to answer them, on every signed-in page. The statements a
warm page runs differ only in their ids (the page's posts, the viewer), so each is
compiled once per shape and thread: the QuerySet is built by the selector as always,
with stand-in ids, and each run puts the real ids where the stand-ins were. Rows go
through the compiler's own converters (SQLite's datetimes and booleans), so they are
what the QuerySet itself would have returned.
"""

import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from django.db import connections
from django.db.models import QuerySet
from django.db.models.utils import create_namedtuple_class

# Stand-ins: ids far below any id and moments long before the site, so no other
# parameter of a statement equals one.
_STAND_IN = -(10**15)
_MOMENT = datetime(1901, 2, 3, 4, 5, 6, tzinfo=UTC)
_compiled = threading.local()


class _Prepared:
    def __init__(self, qs: QuerySet, stand_ins: dict):
        self.using = qs.db
        self.compiler = qs.query.get_compiler(qs.db)
        self.sql, params = self.compiler.as_sql()
        # Each parameter: its own value, or (list, index) of the value that replaces it.
        self.params = [(p, stand_ins.get(p) if type(p) in _KINDS else None) for p in params]
        names = [alias for _expr, _sql, alias in self.compiler.select]
        self.row_class = create_namedtuple_class(*names)

    def rows(self, lists: Sequence[Sequence]) -> list:
        params = [value if at is None else lists[at[0]][at[1]] for value, at in self.params]
        with connections[self.using].cursor() as cursor:
            cursor.execute(self.sql, params)
            fetched = cursor.fetchall()
        new, row_class = tuple.__new__, self.row_class
        rows = self.compiler.results_iter(results=[fetched], tuple_expected=True)
        return [new(row_class, row) for row in rows]


_KINDS = (int, str, datetime)


def prepared_rows(
    shape: str, build: Callable[..., QuerySet], *id_lists: Sequence[int], moments=()
) -> list:
    """The rows of `build(*id_lists)` (and `moments`, a list of datetimes, as the last
    argument when given) as named tuples — attributes named as the columns, as
    `values_list(named=True)` gives — compiled once per `shape`, number of values in
    each list and thread. `build` must put each value into the statement as a
    parameter, and nothing else in it may depend on the values, the clock or settings
    that change while the process runs: the statement is kept as first compiled."""
    lists = [*id_lists, moments] if moments else list(id_lists)
    key = (shape, tuple(len(values) for values in lists), bool(moments))
    cache = _compiled.__dict__.setdefault("prepared", {})
    prepared = cache.get(key)
    if prepared is None:
        prepared = cache[key] = _compile(build, id_lists, moments)
    if moments:
        adapt = connections[prepared.using].ops.adapt_datetimefield_value
        lists[-1] = [adapt(moment) for moment in moments]
    return prepared.rows(lists)


def _compile(build, id_lists, moments) -> _Prepared:
    """The statement of `build` over stand-in values, and where each one went."""
    stand_ins, args = {}, []
    for n, ids in enumerate(id_lists):
        args.append([_STAND_IN - n * 10**6 - i for i in range(len(ids))])
        stand_ins.update({value: (n, i) for i, value in enumerate(args[-1])})
    if moments:
        args.append([_MOMENT + timedelta(microseconds=i) for i in range(len(moments))])
        qs = build(*args)
        adapt = connections[qs.db].ops.adapt_datetimefield_value
        for i, moment in enumerate(args[-1]):  # as the statement holds it (SQLite: text)
            stand_ins[moment] = stand_ins[adapt(moment)] = (len(id_lists), i)
        return _Prepared(qs, stand_ins)
    return _Prepared(build(*args), stand_ins)
