"""The hot reads' SQL compiled once per process (issue 14: the month-end rush).

For a small read such as a unit's grid, building a queryset (filters, subqueries, annotations) and
compiling it to SQL costs the web process several times what PostgreSQL spends running it. The
reads made on every grid load and every save are the same SQL for the same inputs, so each is
compiled the first time and its SQL, parameters and column converters are remembered on the
thread's database connection, under a key that names every input the query's SQL depends on. The
queryset stays the one definition of the read: on a miss it is built and compiled as usual, and a
hit runs exactly the SQL it compiled to, with the same converters.

A read whose SQL is the same for every value of its parameters (the session by its key, the user
by id) is remembered once, not once per value: the caller passes `params`, which must be exactly
the parameters the queryset compiles to (checked when it is compiled), and a hit runs the remembered
SQL with them. So a stranger's made-up session keys cannot fill the memory.

The memory is per connection wrapper (one per thread and database alias), so no lock is needed and
a compiler is never shared between threads; it is bounded (least recently used entries go first).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import BooleanField, Expression, F, QuerySet
from django.db.models.query import ValuesIterable

# Entries per thread's connection: a month-end round touches ~4 per unit and ~2 per user.
MEMO_SIZE = 4096


def _memo(connection) -> OrderedDict:
    memo = getattr(connection, "_portal_compiled", None)
    if memo is None:
        memo = connection._portal_compiled = OrderedDict()
    return memo


@dataclass(frozen=True, slots=True)
class _Compiled:
    """What a read compiles to, without the queryset (a compiled grid read weighs ~25 KB with it,
    ~3 KB without): the SQL and parameters, the column names, and the converters Django would
    apply to each column (e.g. SQLite's decimals), by position."""

    sql: str
    params: tuple
    names: tuple[str, ...]
    width: int  # columns to keep (ordering may add some after the selected ones)
    converters: tuple[tuple[int, tuple, object], ...]  # (position, converters, expression)


def values(
    key: tuple[Hashable, ...],
    build: Callable[[], QuerySet],
    *,
    params: tuple | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> list[dict]:
    """The rows of `build()` — a `.values(...)` queryset — as dicts, as iterating it would give.

    `key` must name the read (first item) and every input its SQL depends on (ids as a tuple, the
    period, the basis …): two calls with equal keys must build the same SQL. `build` is called only
    on a miss. With `params`, the key leaves out the values that are only parameters: `params` are
    what the queryset compiles to, in order, and they are what each call runs with."""
    connection = connections[using]
    memo = _memo(connection)
    entry = memo.get(key)
    if entry is None:
        qs = build()
        if qs._iterable_class is not ValuesIterable:
            raise TypeError("config.compiled.values needs a .values(...) queryset")
        if qs.db != using:
            return list(qs)  # routed elsewhere: read it plainly
        entry = _compile(qs, using)
        if params is not None and entry is not _NO_ROWS and entry.params != tuple(params):
            raise ValueError(
                f"config.compiled: {key[0]} compiles to parameters {entry.params!r}, not {tuple(params)!r}"
            )
        memo[key] = entry
        while len(memo) > MEMO_SIZE:
            memo.popitem(last=False)
    else:
        memo.move_to_end(key)
    if entry is _NO_ROWS:
        return []  # nothing can match (e.g. no ids): no query, as Django does
    with connection.cursor() as cursor:
        cursor.execute(entry.sql, entry.params if params is None else tuple(params))
        fetched = cursor.fetchall()
    names, width = entry.names, entry.width
    if not entry.converters:
        return [dict(zip(names, row[:width], strict=True)) for row in fetched]
    result = []
    for row in fetched:
        row = list(row[:width])
        for position, converters, expression in entry.converters:
            value = row[position]
            for converter in converters:
                value = converter(value, expression, connection)
            row[position] = value
        result.append(dict(zip(names, row, strict=True)))
    return result


_NO_ROWS = object()


def _compile(qs: QuerySet, using: str):
    """The `_Compiled` of a values queryset, or `_NO_ROWS` when nothing can match."""
    compiler = qs.query.get_compiler(using=using)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return _NO_ROWS
    query = qs.query
    names = (
        tuple(query.selected)
        if query.selected
        else (*query.extra_select, *query.values_select, *query.annotation_select)
    )
    fields = [s[0] for s in compiler.select[: compiler.col_count]]
    if compiler.has_composite_fields(fields):
        raise TypeError("config.compiled.values does not read composite fields")
    converters = tuple(
        (position, tuple(convs), expression)
        for position, (convs, expression) in compiler.get_converters(fields).items()
    )
    return _Compiled(sql, tuple(params), names, compiler.col_count, converters)


def any_id_sql(column: str, placeholder: str = "%s") -> str:
    """PostgreSQL's `column` is one of the ids bound at `placeholder` (a list): the array inside a
    scalar subquery, so the planner does not estimate id by id and still looks each up by index."""
    return f"{column} = ANY(CAST((SELECT {placeholder}) AS bigint[]))"


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
            return any_id_sql(column), (*params, self.ids)
        return f"{column} IN ({', '.join(['%s'] * len(self.ids))})", (*params, *self.ids)
