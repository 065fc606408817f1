"""The hot reads' SQL compiled once per process (issue 14: the month-end rush).

For a small read such as a unit's grid, building a queryset (filters, subqueries, annotations) and
compiling it to SQL costs the web process several times what PostgreSQL spends running it. The
reads made on every grid load and every save are the same SQL for the same inputs, so each is
compiled the first time and its SQL, parameters and compiler (for the column converters) are
remembered on the thread's database connection, under a key that names every input the query
depends on. The queryset stays the one definition of the read: on a miss it is built and compiled
as usual, and a hit runs exactly the SQL it compiled to, with the same converters.

The memory is per connection wrapper (one per thread and database alias), so no lock is needed and
a compiler is never shared between threads; it is bounded (least recently used entries go first).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import BooleanField, Expression, F, QuerySet
from django.db.models.query import ValuesIterable

MEMO_SIZE = 512


def _memo(connection) -> OrderedDict:
    memo = getattr(connection, "_portal_compiled", None)
    if memo is None:
        memo = connection._portal_compiled = OrderedDict()
    return memo


def values(
    key: tuple[Hashable, ...], build: Callable[[], QuerySet], *, using: str = DEFAULT_DB_ALIAS
) -> list[dict]:
    """The rows of `build()` — a `.values(...)` queryset — as dicts, as iterating it would give.

    `key` must name the read (first item) and every input its SQL depends on (ids as a tuple, the
    period, the basis …): two calls with equal keys must build the same SQL. `build` is called only
    on a miss."""
    connection = connections[using]
    memo = _memo(connection)
    entry = memo.get(key)
    if entry is None:
        qs = build()
        if qs._iterable_class is not ValuesIterable:
            raise TypeError("config.compiled.values needs a .values(...) queryset")
        if qs.db != using:
            return list(qs)  # routed elsewhere: read it plainly
        compiler = qs.query.get_compiler(using=using)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            entry = (None, "", (), [])
        else:
            query = qs.query
            names = (
                list(query.selected)
                if query.selected
                else [*query.extra_select, *query.values_select, *query.annotation_select]
            )
            entry = (compiler, sql, tuple(params), names)
        memo[key] = entry
        while len(memo) > MEMO_SIZE:
            memo.popitem(last=False)
    else:
        memo.move_to_end(key)
    compiler, sql, params, names = entry
    if compiler is None:
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    if compiler.has_extra_select:
        fetched = [row[: compiler.col_count] for row in fetched]
    return [
        dict(zip(names, row, strict=True))
        for row in compiler.results_iter(results=[fetched], tuple_expected=True)
    ]


class AnyId(Expression):
    """`field` is one of `ids`, for a filter: `qs.filter(AnyId("project_id", ids))`.

    On PostgreSQL the ids go in as one array inside a scalar subquery, `= ANY(CAST((SELECT %s) AS
    bigint[]))`: the planner then does not estimate each of hundreds of ids (planning a grid's
    200-id `IN (…)` cost more than running it) and still looks each up by index. Elsewhere it is
    `IN (…)`. No ids match nothing, as `__in=[]` does."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, field: str | F, ids):
        super().__init__()
        self.column_expr = F(field) if isinstance(field, str) else field
        self.ids = [int(i) for i in ids]

    def get_source_expressions(self):
        return [self.column_expr]

    def set_source_expressions(self, exprs):
        (self.column_expr,) = exprs

    def as_sql(self, compiler, connection):
        if not self.ids:
            raise EmptyResultSet
        column, params = compiler.compile(self.column_expr)
        if connection.vendor == "postgresql":
            return f"{column} = ANY(CAST((SELECT %s) AS bigint[]))", (*params, self.ids)
        return f"{column} IN ({', '.join(['%s'] * len(self.ids))})", (*params, *self.ids)
