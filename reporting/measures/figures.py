"""Sums and figures of a set of projects, on one or more bases, grouped or not. Part of the figures layer: see `reporting.measures`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from decimal import Decimal

from django.db import connection
from django.db.models import Q, QuerySet, Sum, Value
from django.db.models.expressions import Col
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact

from accounts.models import Organisation
from config import compiled
from projects.models import AnnualPlan, Project
from projects.money import ZERO, as_money
from projects.periods import previous_month

from .basis import MONEY, Basis, counted_values, gap_to_time_progress, growth, rate, time_progress

# --- figures --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sums:
    """The raw money behind a set's figures for one month (万元); sums of sets add up."""

    annual_plan: Decimal = ZERO
    ytd_completed: Decimal = ZERO
    month_invested: Decimal = ZERO
    prev_month_invested: Decimal = ZERO
    last_year_ytd: Decimal = ZERO

    def __add__(self, other: Sums) -> Sums:
        return Sums(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))


@dataclass(frozen=True)
class Figures:
    """The bulletin measures of a set of projects for one month (DOMAIN §4). Money in 万元."""

    year: int
    month: int
    basis: str
    as_of: dt.datetime | None
    annual_plan: Decimal
    ytd_completed: Decimal
    completion_rate: Decimal | None  # 完成率 % of the annual plan
    time_progress: Decimal  # 时间进度 N/12 %
    vs_time_progress_pp: Decimal | None  # 超(+)/低于(−)时间进度，百分点
    month_invested: Decimal
    prev_month_invested: Decimal
    mom_rate: Decimal | None  # 环比 %
    last_year_ytd: Decimal
    yoy_rate: Decimal | None  # 同比 %

    @property
    def ahead_of_time(self) -> bool | None:
        return None if self.vs_time_progress_pp is None else self.vs_time_progress_pp >= 0

    @property
    def gap_points(self) -> Decimal | None:
        """The size of the gap, for "超过/低于时间进度 N 个百分点" (the sign is in the words)."""
        return None if self.vs_time_progress_pp is None else abs(self.vs_time_progress_pp)

    @classmethod
    def from_sums(
        cls, sums: Sums, *, year: int, month: int, basis: str, as_of: dt.datetime | None = None
    ) -> Figures:
        return cls(
            year=year,
            month=month,
            basis=str(Basis(basis).value),
            as_of=as_of,
            annual_plan=sums.annual_plan,
            ytd_completed=sums.ytd_completed,
            completion_rate=rate(sums.ytd_completed, sums.annual_plan),
            time_progress=time_progress(month),
            vs_time_progress_pp=gap_to_time_progress(sums.ytd_completed, sums.annual_plan, month),
            month_invested=sums.month_invested,
            prev_month_invested=sums.prev_month_invested,
            mom_rate=growth(sums.month_invested, sums.prev_month_invested),
            last_year_ytd=sums.last_year_ytd,
            yoy_rate=growth(sums.ytd_completed, sums.last_year_ytd),
        )


def _money_sum(field: str, condition: Q | None = None):
    return Coalesce(Sum(field, filter=condition), Value(ZERO), output_field=MONEY)


def _value_sums(year: int, month: int) -> dict:
    """The conditional sums of one month's figures over counted values."""
    py, pm = previous_month(year, month)
    return {
        "ytd_completed": _money_sum("invested", Q(year=year, month__lte=month)),
        "month_invested": _money_sum("invested", Q(year=year, month=month)),
        "prev_month_invested": _money_sum("invested", Q(year=py, month=pm)),
        "last_year_ytd": _money_sum("invested", Q(year=year - 1, month__lte=month)),
    }


def _project_filter(projects) -> dict:
    """The filter restricting plans and values to `projects` (a Project queryset or ids); none at
    all for an unfiltered queryset, so the city's figures do not join every project for nothing; the
    same conditions on the joined project for a queryset of plain equalities (a county's or a
    department's projects), so the project table is read once rather than again for an id list."""
    if isinstance(projects, QuerySet):
        if projects.model is Project and not projects.query.where and not projects.query.is_sliced:
            return {}
        plain = _plain_equalities(projects)
        if plain is not None:
            return plain
        return {"project__in": projects.order_by().values("pk")}
    return {"project__in": list(projects)}


def _plain_equalities(projects: QuerySet) -> dict | None:
    """`{"project__county": 6, …}` when `projects` is Project filtered by `field=value` conditions on
    its own columns only (no join, OR, negation, expression, slice or distinct); None otherwise."""
    query = projects.query
    if (
        projects.model is not Project
        or query.is_sliced
        or query.distinct
        or query.combinator
        or sum(1 for alias in query.alias_map if query.alias_refcount[alias]) != 1  # a join
        or query.where.connector != "AND"
        or query.where.negated
        or not query.where.children
    ):
        return None
    conditions = {}
    for lookup in query.where.children:
        if not (isinstance(lookup, Exact) and isinstance(lookup.lhs, Col)):
            return None
        if lookup.lhs.target.model is not Project or hasattr(lookup.rhs, "resolve_expression"):
            return None
        if lookup.rhs is None or lookup.lhs.target.name in conditions:
            return None
        conditions[f"project__{lookup.lhs.target.name}"] = lookup.rhs
    return conditions


def _paths(by) -> tuple[str, ...]:
    fields_ = (by,) if isinstance(by, str) else tuple(by)
    return tuple("project_id" if f in ("id", "pk") else f"project__{f}" for f in fields_)


def _plans(projects, year: int):
    return AnnualPlan.objects.filter(year=year, **_project_filter(projects)).order_by()


def _months_read(year: int, month: int) -> Q:
    """The months a month's figures read: 1–N of this year and last, and the previous month. After
    January the previous month is among 1–N, so the condition is one range of the (year, month)
    index (an OR would make PostgreSQL scan the table instead)."""
    if month > 1:
        return Q(year__in=(year, year - 1), month__lte=month)
    return Q(year__in=(year, year - 1), month__lte=1) | Q(year=year - 1, month=12)


def _values(projects, year: int, month: int, basis: str, as_of):
    """Only the months a month's figures read (see `_months_read`)."""
    return (
        counted_values(basis=basis, as_of=as_of)
        .filter(_months_read(year, month), **_project_filter(projects))
        .order_by()
    )


def _money(row: dict) -> dict:
    return {key: as_money(value) for key, value in row.items()}


def sums_by(
    *,
    projects,
    by,
    year: int,
    month: int,
    basis: str = Basis.APPROVED,
    as_of: dt.datetime | None = None,
) -> dict:
    """`Sums` per value of the project field `by` ("county", "department", "reporting_unit",
    "key_level", "industry", "is_industrial", "id" …), or per tuple of values when `by` names several
    fields, for the projects in `projects` (a queryset or ids). Two queries. Groups with neither plan
    nor reports are absent."""
    paths = _paths(by)

    def key(row):
        values = tuple(row.pop(p) for p in paths)
        return values[0] if isinstance(by, str) else values

    plans = _plans(projects, year).values(*paths).annotate(annual_plan=_money_sum("planned_investment"))
    result: dict = {key(row): Sums(**_money(row)) for row in plans}
    values = _values(projects, year, month, basis, as_of).values(*paths).annotate(**_value_sums(year, month))
    for row in values:
        k = key(row)
        result[k] = replace(result.get(k, Sums()), **_money(row))
    return result


def ytd_completed_by(
    *,
    projects,
    by,
    year: int,
    month: int,
    basis: str = Basis.APPROVED,
    as_of: dt.datetime | None = None,
) -> dict:
    """1–N月累计 (万元) per value of the project field(s) `by`, equal to `sums_by(...)[key].ytd_completed`,
    for a page that shows that figure alone: one query reading only this year's months 1–N (no
    plans, no last year). Groups with no counted value are absent (read them as zero)."""
    paths = _paths(by)
    rows = (
        counted_values(basis=basis, as_of=as_of)
        .filter(year=year, month__lte=month, **_project_filter(projects))
        .order_by()
        .values(*paths)
        .annotate(ytd_completed=_money_sum("invested"))
    )
    result = {}
    for row in rows:
        values = tuple(row[p] for p in paths)
        result[values[0] if isinstance(by, str) else values] = as_money(row["ytd_completed"])
    return result


def _figures_of(sums: dict, keys, **period) -> dict:
    return {key: Figures.from_sums(sums.get(key, Sums()), **period) for key in keys}


def figures_by(
    *,
    projects,
    by,
    year: int,
    month: int,
    basis: str = Basis.APPROVED,
    as_of: dt.datetime | None = None,
    keys: Iterable | None = None,
) -> dict:
    """`Figures` per value of `by` (see `sums_by`); every key in `keys` is present (zero if idle)."""
    sums = sums_by(projects=projects, by=by, year=year, month=month, basis=basis, as_of=as_of)
    wanted = list(keys) if keys is not None else list(sums)
    return _figures_of(sums, wanted, year=year, month=month, basis=basis, as_of=as_of)


def figures_by_each(
    *,
    projects,
    dims: Iterable[str],
    year: int,
    month: int,
    basis: str = Basis.APPROVED,
    as_of: dt.datetime | None = None,
) -> dict[str, dict]:
    """`{dim: {value: Figures}}` for several groupings at once (e.g. county and department): one pass
    grouped by all of them together, rolled up to each — two queries instead of two per grouping."""
    dims = tuple(dims)
    combined = sums_by(projects=projects, by=dims, year=year, month=month, basis=basis, as_of=as_of)
    result = {}
    for i, dim in enumerate(dims):
        rolled: dict = {}
        for key, sums in combined.items():
            rolled[key[i]] = rolled.get(key[i], Sums()) + sums
        result[dim] = _figures_of(rolled, rolled, year=year, month=month, basis=basis, as_of=as_of)
    return result


def figures_by_project(
    *, project_ids, year: int, month: int, basis: str = Basis.APPROVED, as_of: dt.datetime | None = None
) -> dict[int, Figures]:
    """The figures of many projects at once (grids, rankings): two queries whatever their number."""
    ids = list(project_ids)
    return figures_by(projects=ids, by="id", year=year, month=month, basis=basis, as_of=as_of, keys=ids)


def figures_on_bases(
    *, projects, year: int, month: int, bases=(Basis.WORKING, Basis.APPROVED), as_of=None
) -> dict[str, Figures]:
    """The figures of one project set on several bases (a grid's working and approved lines): the
    plan is read once, then one query per basis — or, for a list of ids on PostgreSQL (every grid
    page a clerk opens), all of it in one statement (`_sums_on_bases_sql`)."""
    bases = tuple(Basis(b).value for b in bases)
    if (
        connection.vendor == "postgresql"
        and as_of is None
        and not isinstance(projects, QuerySet)
        and set(bases) <= {Basis.WORKING.value, Basis.APPROVED.value}
    ):
        found = _sums_on_bases_sql([int(getattr(p, "pk", p)) for p in projects], year, month, bases)
    else:
        plan = as_money(_plans(projects, year).aggregate(total=_money_sum("planned_investment"))["total"])
        found = {}
        for basis in bases:
            values = _values(projects, year, month, basis, as_of).aggregate(**_value_sums(year, month))
            found[basis] = Sums(annual_plan=plan, **_money(values))
    return {
        basis: Figures.from_sums(found[basis], year=year, month=month, basis=basis, as_of=as_of)
        for basis in bases
    }


# The tables each basis counts (see `counted_values` with no cut-off: the working basis is every
# report's current value, the approved basis the revisions in force).
_BASIS_SQL = {
    Basis.WORKING.value: 'SELECT {sums} FROM "projects_monthlyreport" WHERE {where}',
    Basis.APPROVED.value: (
        'SELECT {sums} FROM "projects_reportrevision" WHERE "superseded_at" IS NULL AND {where}'
    ),
}


def _sums_on_bases_sql(ids: list[int], year: int, month: int, bases) -> dict[str, Sums]:
    """`figures_on_bases` for a list of project ids on PostgreSQL, as one statement: the same sums
    as `_plans` and `_values` with `_value_sums` (tests hold the two to the same answers), without
    building three ORM queries for every page a clerk opens."""
    py, pm = previous_month(year, month)
    sums = ", ".join(
        f'COALESCE(SUM("invested") FILTER (WHERE {cond}), 0)'
        for cond in (
            '"year" = %(year)s AND "month" <= %(month)s',
            '"year" = %(year)s AND "month" = %(month)s',
            '"year" = %(py)s AND "month" = %(pm)s',
            '"year" = %(last_year)s AND "month" <= %(month)s',
        )
    )
    months = '"year" IN (%(year)s, %(last_year)s) AND "month" <= %(month)s'
    if month == 1:
        months = f'(({months}) OR ("year" = %(last_year)s AND "month" = 12))'
    # The ids as one array (config.compiled.AnyId): planned once, not id by id.
    in_ids = compiled.any_id_sql('"project_id"', "%(ids)s")
    where = f"{in_ids} AND {months}"
    parts = "".join(
        f", ({_BASIS_SQL[b].format(sums=sums, where=where)}) AS b{i}" for i, b in enumerate(bases)
    )
    sql = (
        'SELECT * FROM (SELECT COALESCE(SUM("planned_investment"), 0) FROM "projects_annualplan" '
        f'WHERE "year" = %(year)s AND {in_ids}) AS plan{parts}'
    )
    params = {"ids": ids, "year": year, "month": month, "py": py, "pm": pm, "last_year": year - 1}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        plan, *values = cursor.fetchone()
    names = ("ytd_completed", "month_invested", "prev_month_invested", "last_year_ytd")
    return {
        basis: Sums(
            annual_plan=as_money(plan),
            **{n: as_money(v) for n, v in zip(names, values[4 * i : 4 * i + 4], strict=True)},
        )
        for i, basis in enumerate(bases)
    }


def figures(
    *, projects, year: int, month: int, basis: str = Basis.APPROVED, as_of: dt.datetime | None = None
) -> Figures:
    """The figures of any project set (city, county, department, key list, a unit): two queries."""
    return figures_on_bases(projects=projects, year=year, month=month, bases=(basis,), as_of=as_of)[
        Basis(basis).value
    ]


def project_figures(
    *, project, year: int, month: int, basis: str = Basis.APPROVED, as_of: dt.datetime | None = None
) -> Figures:
    return figures(projects=[project.pk], year=year, month=month, basis=basis, as_of=as_of)


def figures_by_subtree(
    *,
    units,
    projects,
    year: int,
    month: int,
    basis: str = Basis.APPROVED,
    as_of: dt.datetime | None = None,
) -> dict:
    """Per organisation in `units`: the figures of the projects whose reporting unit lies in its
    subtree (a county includes its towns), as each unit's grid shows them; under the key None, the
    figures of all of `projects`. Three queries."""
    exact = sums_by(projects=projects, by="reporting_unit", year=year, month=month, basis=basis, as_of=as_of)
    paths = dict(Organisation.objects.filter(pk__in=list(exact)).values_list("pk", "path"))
    totals: dict = {None: sum(exact.values(), Sums())}
    for unit in units:
        totals[unit.pk] = sum(
            (sums for unit_id, sums in exact.items() if paths.get(unit_id, "").startswith(unit.path)), Sums()
        )
    return _figures_of(totals, totals, year=year, month=month, basis=basis, as_of=as_of)
