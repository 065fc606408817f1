"""The one figures layer (DOMAIN §3–4): every derived figure of monthly progress is computed here.

完成率, 1–N月累计, 开工累计, 时间进度 and the gap to it, 环比, 同比 — for one project, for any set of
projects, grouped by any project field (county, department, reporting unit, key level, industry,
a flag) — read from this module by the grid, its totals, the dossier, the office page, the home
page, the report API and the Excel exports. Nothing else divides, sums reports or rounds a rate.

Which values count is the *basis*:
- `Basis.APPROVED` (审核口径): the latest approved revision of each report. Drafts, submitted and
  returned values never count; an approved value stays until its correction is approved. With
  `as_of` (an aware datetime) the figures are those that were approved at that moment, so a
  published month can be reproduced later. Everything published or compared across units uses it.
- `Basis.WORKING` (填报口径): every report's current value, whatever its status. Only a unit's own
  grid shows it, labelled so, while the unit is typing. It has no `as_of`.

Rounding, one rule everywhere: money is `Decimal` in 万元 with two places (ROUND_HALF_UP);
percentages are ROUND_HALF_UP to one decimal; the gap to 时间进度 in percentage points is computed
from unrounded values in a single division, (ytd·1200 − N·100·plan) / (12·plan), then rounded once.
A rate whose base is zero (no annual plan, nothing last year) is None, shown as "—".

Query counts never depend on the number of projects: a set's figures take two queries (the plans,
the counted values), a grouped set's figures two, each further basis one more.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, models
from django.db.models import F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.expressions import Col
from django.db.models.functions import Cast, Coalesce, ExtractMonth, Round
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from config import compiled
from projects.models import AnnualPlan, Project, StageChange
from projects.money import ZERO, as_money
from projects.periods import iter_months, month_end, previous_month

from .models import MonthlyReport, ReportRevision

ONE_DP = Decimal("0.1")
MONEY = models.DecimalField(max_digits=16, decimal_places=2)


class Basis(models.TextChoices):
    APPROVED = "approved", _("审核口径")
    WORKING = "working", _("填报口径")


# --- rounding -------------------------------------------------------------------------------


def round_rate(value: Decimal) -> Decimal:
    return Decimal(value).quantize(ONE_DP, rounding=ROUND_HALF_UP)


def rate(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    """`numerator / denominator` in percent, one decimal (ROUND_HALF_UP); None when the base is zero."""
    if numerator is None or not denominator:
        return None
    return round_rate(Decimal(numerator) * 100 / Decimal(denominator))


def growth(current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    """Growth of `current` over `previous` in percent, one decimal; None when `previous` is zero."""
    if current is None or not previous:
        return None
    return round_rate((Decimal(current) - Decimal(previous)) * 100 / Decimal(previous))


def time_progress(month: int) -> Decimal:
    """时间进度 after month N: N/12 in percent, one decimal."""
    return round_rate(Decimal(month) * 100 / 12)


def gap_to_time_progress(ytd: Decimal | None, plan: Decimal | None, month: int) -> Decimal | None:
    """超(+)/低于(−)时间进度 in percentage points: (ytd·1200 − N·100·plan) / (12·plan), rounded once."""
    if ytd is None or not plan:
        return None
    ytd, plan = Decimal(ytd), Decimal(plan)
    return round_rate((ytd * 1200 - Decimal(month) * 100 * plan) / (12 * plan))


# --- which values count ---------------------------------------------------------------------


def counted_values(*, basis: str = Basis.APPROVED, as_of: dt.datetime | None = None) -> QuerySet:
    """The report values that count on `basis`: rows with `project_id`, `year`, `month`, `invested`.

    Approved: the revision in force (approved at or before `as_of`, not yet superseded then).
    Working: every report's current value.
    """
    if Basis(basis) == Basis.WORKING:
        return MonthlyReport.objects.all()
    qs = ReportRevision.objects.all()
    if as_of is None:
        return qs.filter(superseded_at__isnull=True)
    return qs.filter(approved_at__lte=as_of).filter(
        Q(superseded_at__isnull=True) | Q(superseded_at__gt=as_of)
    )


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
    # The ids inside a scalar subquery (as config.compiled.AnyId): planned once, not id by id.
    where = f'"project_id" = ANY(CAST((SELECT %(ids)s) AS bigint[])) AND {months}'
    parts = "".join(
        f", ({_BASIS_SQL[b].format(sums=sums, where=where)}) AS b{i}" for i, b in enumerate(bases)
    )
    sql = (
        'SELECT * FROM (SELECT COALESCE(SUM("planned_investment"), 0) FROM "projects_annualplan" '
        f'WHERE "year" = %(year)s AND "project_id" = ANY(CAST((SELECT %(ids)s) AS bigint[]))) AS plan{parts}'
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


# --- per-project running totals -------------------------------------------------------------


def _per_project(project_ids, condition: Q, basis: str, as_of) -> dict[int, Decimal]:
    ids = list(project_ids)
    rows = (
        counted_values(basis=basis, as_of=as_of)
        .filter(condition, project_id__in=ids)
        .order_by()
        .values("project_id")
        .annotate(total=_money_sum("invested"))
    )
    sums = {r["project_id"]: as_money(r["total"]) for r in rows}
    return {pid: sums.get(pid, ZERO) for pid in ids}


def completed_before_month(
    project_ids, year: int, month: int, *, basis: str = Basis.APPROVED, as_of=None
) -> dict[int, tuple[Decimal, Decimal]]:
    """Per project, `(1–(N−1)月累计, 开工累计 before month N)`: what a grid adds this month's value
    to. One query for both (the grid's running totals); every project asked for is present."""
    ids = list(project_ids)
    # Compiled once per set of projects and month (config.compiled): the grid reads it on every load.
    rows = compiled.values(
        ("completed_before_month", tuple(ids), year, month, basis, as_of),
        lambda: (
            counted_values(basis=basis, as_of=as_of)
            .filter(Q(year__lt=year) | Q(year=year, month__lt=month), compiled.AnyId("project_id", ids))
            .order_by()
            .values("project_id")
            .annotate(ytd=_money_sum("invested", Q(year=year)), since=_money_sum("invested"))
        ),
    )
    sums = {r["project_id"]: (as_money(r["ytd"]), as_money(r["since"])) for r in rows}
    return {pid: sums.get(pid, (ZERO, ZERO)) for pid in ids}


def ytd_completed(
    project_ids, year: int, month: int, *, basis: str = Basis.APPROVED, as_of=None
) -> dict[int, Decimal]:
    """1–N月累计 of each project (every project asked for; zero if none). One query."""
    return _per_project(project_ids, Q(year=year, month__lte=month), basis, as_of)


def since_start_completed(
    project_ids, year: int, month: int, *, basis: str = Basis.APPROVED, as_of=None
) -> dict[int, Decimal]:
    """开工累计 of each project: everything counted up to and including `year`/`month`. One query."""
    return _per_project(project_ids, Q(year__lt=year) | Q(year=year, month__lte=month), basis, as_of)


def completed_by_project(
    *, projects, year: int, month: int, basis: str = Basis.APPROVED, as_of=None
) -> dict[int, tuple[Decimal, Decimal]]:
    """`{project_id: (1–N月累计, 开工累计)}` for the projects in `projects` (a queryset or ids) as of
    `year`/`month`: one query however many projects (a 20,000-row export passes a queryset, not ids).
    Projects with nothing counted are absent (read them as zero)."""
    rows = (
        counted_values(basis=basis, as_of=as_of)
        .filter(Q(year__lt=year) | Q(year=year, month__lte=month), **_project_filter(projects))
        .order_by()
        .values("project_id")
        .annotate(
            ytd=_money_sum("invested", Q(year=year)),
            since_start=_money_sum("invested"),
        )
    )
    return {r["project_id"]: (as_money(r["ytd"]), as_money(r["since_start"])) for r in rows}


def annotate_ytd_completed(queryset, *, basis: str = Basis.APPROVED, name: str = "ytd_completed"):
    """Annotate each report of `queryset` with its project's 1–N月累计 on `basis`, in the same query."""
    ytd = (
        counted_values(basis=basis)
        .filter(project=OuterRef("project"), year=OuterRef("year"), month__lte=OuterRef("month"))
        .order_by()
        .values("project")
        .annotate(total=Sum("invested"))
        .values("total")
    )
    return queryset.annotate(
        **{name: Coalesce(Subquery(ytd, output_field=MONEY), Value(ZERO), output_field=MONEY)}
    )


def project_series(
    *,
    project: Project,
    basis: str = Basis.APPROVED,
    months: int = 60,
    until: tuple[int, int] | None = None,
    today: dt.date | None = None,
) -> list[dict]:
    """Month by month from the project's start (or first report) to `until` (default: this month),
    the last `months` of them, oldest first: what the dossier table and chart show.

    Each row: year, month, invested (on `basis`; None when nothing counts), ytd, cumulative,
    annual_plan, completion_rate, and the current report's status, revision, working value and id
    (so a page can say a correction is pending). Three queries.
    """
    current = {
        (r.year, r.month): r
        for r in MonthlyReport.objects.filter(project=project).only(
            "id", "year", "month", "invested", "status", "revision"
        )
    }
    counted = {
        (r["year"], r["month"]): r["invested"]
        for r in counted_values(basis=basis).filter(project=project).values("year", "month", "invested")
    }
    plans = dict(AnnualPlan.objects.filter(project=project).values_list("year", "planned_investment"))
    today = today or timezone.localdate()
    end = until or (today.year, today.month)
    starts = list(current) + list(counted)
    if project.actual_start:
        starts.append((project.actual_start.year, project.actual_start.month))
    if not starts:
        return []
    series = []
    cumulative = ytd = ZERO
    for y, m in iter_months(min(starts), end):
        if m == 1:
            ytd = ZERO
        invested = counted.get((y, m))
        cumulative += invested or ZERO
        ytd += invested or ZERO
        report = current.get((y, m))
        plan = plans.get(y)
        series.append(
            {
                "year": y,
                "month": m,
                "invested": invested,
                "ytd": ytd,
                "cumulative": cumulative,
                "annual_plan": plan,
                "completion_rate": rate(ytd, plan),
                "report_id": report.pk if report else None,
                "status": report.status if report else None,
                "revision": report.revision if report else None,
                "working_invested": report.invested if report else None,
            }
        )
    return series[-months:] if months else series


# === Dashboards, bulletins and the 赛马 (DOMAIN §4–5) ==========================================
#
# Counts of project *sets* (开工, 复工, 竣工, 储备转化) are defined once as conditions on Project
# (`project_set_q`): the count on a dashboard and the list behind it (`set_projects`) come from
# the same condition, so a figure and its drill-down always agree.

RESERVE_STAGES = ("reserve", "prework")  # 储备库: projects not yet started (谋划 and 前期)


def _plan_exists(year: int, **conditions) -> models.Exists:
    return models.Exists(AnnualPlan.objects.filter(project=OuterRef("pk"), year=year, **conditions))


def _started_within(year: int, month: int) -> Q:
    return Q(actual_start__gte=dt.date(year, 1, 1), actual_start__lte=month_end(year, month))


def _stage_on(day: dt.date, stages) -> models.Exists:
    """The project's governing stage-history row on `day` is one of `stages` (the row that took
    effect by then and was not replaced before the next day; see projects.history)."""
    rows = StageChange.objects.filter(
        project=OuterRef("pk"), to_stage__in=stages, effective_date__lte=day
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day))
    return models.Exists(rows)


def _resumed_q(year: int, month: int, as_of) -> models.Exists:
    """Completed investment > 0 in `year` by `month` on the approved basis (as of the cut-off)."""
    values = counted_values(basis=Basis.APPROVED, as_of=as_of).filter(
        project=OuterRef("pk"), year=year, month__lte=month, invested__gt=0
    )
    return models.Exists(values)


# code → (label, condition builder(year, month, as_of) → Q on Project)
def _set_conditions(year: int, month: int, as_of) -> dict[str, Q]:
    last = month_end(year, month)
    new = Q(_plan_exists(year, is_new=True))
    started = new & _started_within(year, month)
    continuing = Q(_plan_exists(year, is_new=False))
    completion_planned = Q(_plan_exists(year, completes_this_year=True))
    completed = completion_planned & Q(
        actual_completion__gte=dt.date(year, 1, 1), actual_completion__lte=last
    )
    reserve_at_start = Q(_stage_on(dt.date(year - 1, 12, 31), RESERVE_STAGES))
    return {
        "planned": Q(_plan_exists(year)),
        "new_planned": new,
        "new_planned_by": Q(_plan_exists(year, is_new=True, planned_start_month__lte=month)),
        "started": started,
        "started_early": started
        & Q(_plan_exists(year, is_new=True, planned_start_month__gt=ExtractMonth(OuterRef("actual_start")))),
        "not_started_on_plan": Q(_plan_exists(year, is_new=True, planned_start_month__lte=month))
        & ~_started_within(year, month),
        "continuing": continuing,
        "resumed": continuing & Q(_resumed_q(year, month, as_of)),
        "completion_planned": completion_planned,
        "completed": completed,
        "completed_early": completed
        & Q(planned_completion__isnull=False, planned_completion__gt=F("actual_completion")),
        "completion_late": completion_planned
        & Q(planned_completion__lte=last)
        & ~Q(actual_completion__isnull=False, actual_completion__lte=last),
        "reserve_at_start": reserve_at_start,
        "reserve_converted": reserve_at_start & _started_within(year, month),
        "in_reserve": Q(_stage_on(last, RESERVE_STAGES)),
    }


PROJECT_SETS = {
    "planned": _("年度计划项目"),
    "new_planned": _("计划新开工项目"),
    "new_planned_by": _("计划截至本月开工项目"),
    "started": _("已开工新建项目"),
    "started_early": _("提前开工项目"),
    "not_started_on_plan": _("未按计划开工项目"),
    "continuing": _("续建项目"),
    "resumed": _("已复工续建项目"),
    "completion_planned": _("计划当年竣工项目"),
    "completed": _("已竣工项目"),
    "completed_early": _("提前竣工项目"),
    "completion_late": _("逾期未竣工项目"),
    "reserve_at_start": _("年初储备项目"),
    "reserve_converted": _("储备转化开工项目"),
    "in_reserve": _("储备库项目"),
}


def project_set_q(code: str, *, year: int, month: int, as_of: dt.datetime | None = None) -> Q:
    """The condition on Project of one named set (see PROJECT_SETS) for `year` by `month`."""
    return _set_conditions(year, month, as_of)[code]


# Lists behind a figure that is not one set: 开复工 (started or resumed), and the structure parts
# (the projects of the year's plan carrying the flag).
SET_UNIONS = {"started_or_resumed": ("started", "resumed")}
DRILL_SETS = {
    **PROJECT_SETS,
    "started_or_resumed": _("已开复工项目"),
    "is_industrial": _("工业项目"),
    "is_private": _("民间投资项目"),
    "is_high_tech": _("高技术产业项目"),
    "is_six_new": _("六新项目"),
}


def set_projects(code: str, *, projects, year: int, month: int, as_of: dt.datetime | None = None) -> QuerySet:
    """The projects of `projects` behind a figure (any key of DRILL_SETS): the drill-down of every
    count, rate and share on a dashboard or in a bulletin. KeyError for an unknown code."""
    conditions = _set_conditions(year, month, as_of)
    if code in SET_UNIONS:
        condition = Q()
        for part in SET_UNIONS[code]:
            condition |= conditions[part]
        return projects.filter(condition)
    if code in STRUCTURE_FLAGS:
        return projects.filter(conditions["planned"], **{code: True})
    return projects.filter(conditions[code])


@dataclass(frozen=True)
class Counts:
    """How many projects of a set fall in each named set (see PROJECT_SETS), with the rates of §4."""

    planned: int = 0
    new_planned: int = 0
    new_planned_by: int = 0
    started: int = 0
    started_early: int = 0
    not_started_on_plan: int = 0
    continuing: int = 0
    resumed: int = 0
    completion_planned: int = 0
    completed: int = 0
    completed_early: int = 0
    completion_late: int = 0
    reserve_at_start: int = 0
    reserve_converted: int = 0
    in_reserve: int = 0
    reserve_investment: Decimal = ZERO  # 总投资 of the projects in the reserve at month end
    planned_total: Decimal = ZERO  # 总投资 of the projects in the year's plan

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    @property
    def start_rate(self) -> Decimal | None:
        """开工率: started / new projects planned for the year."""
        return rate(self.started, self.new_planned)

    @property
    def start_rate_by_month(self) -> Decimal | None:
        """开工率 against the projects planned to start by month N."""
        return rate(self.started, self.new_planned_by)

    @property
    def resume_rate(self) -> Decimal | None:
        """复工率: resumed / continuing projects."""
        return rate(self.resumed, self.continuing)

    @property
    def start_resume_count(self) -> int:
        return self.started + self.resumed

    @property
    def start_resume_base(self) -> int:
        return self.new_planned + self.continuing

    @property
    def start_resume_rate(self) -> Decimal | None:
        """开复工率: (started + resumed) / (new + continuing)."""
        return rate(self.start_resume_count, self.start_resume_base)

    @property
    def completion_rate_count(self) -> Decimal | None:
        """竣工率: completed / planned to complete this year."""
        return rate(self.completed, self.completion_planned)

    @property
    def reserve_conversion(self) -> Decimal | None:
        """储备转化率: reserve projects at the year's start that started this year."""
        return rate(self.reserve_converted, self.reserve_at_start)


def to_yi(amount: Decimal | None, places: int = 1) -> Decimal | None:
    """万元 as 亿元, as bulletins print them ("629.0亿元"): one decimal by default, half up."""
    if amount is None:
        return None
    return (Decimal(amount) / 10000).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _plan_counts(projects, year: int, month: int, as_of) -> dict:
    """The plan-based sets as column conditions on the year's plan rows (one row per project): no
    correlated subquery but the resumption check (an index-only probe per plan row: see the
    `revision_in_force_by_project` index). Same definitions as `_set_conditions`."""
    first, last = dt.date(year, 1, 1), month_end(year, month)
    started = Q(is_new=True, project__actual_start__gte=first, project__actual_start__lte=last)
    completed = Q(
        completes_this_year=True, project__actual_completion__gte=first, project__actual_completion__lte=last
    )
    resumed = models.Exists(
        counted_values(basis=Basis.APPROVED, as_of=as_of).filter(
            project=OuterRef("project"), year=year, month__lte=month, invested__gt=0
        )
    )
    return {
        "planned": models.Count("pk"),
        "planned_total": _money_sum("project__total_investment"),
        "new_planned": models.Count("pk", filter=Q(is_new=True)),
        "new_planned_by": models.Count("pk", filter=Q(is_new=True, planned_start_month__lte=month)),
        "started": models.Count("pk", filter=started),
        "started_early": models.Count(
            "pk", filter=started & Q(planned_start_month__gt=ExtractMonth("project__actual_start"))
        ),
        "not_started_on_plan": models.Count(
            "pk",
            filter=Q(is_new=True, planned_start_month__lte=month)
            & ~Q(project__actual_start__gte=first, project__actual_start__lte=last)
            | Q(is_new=True, planned_start_month__lte=month, project__actual_start__isnull=True),
        ),
        "continuing": models.Count("pk", filter=Q(is_new=False)),
        "resumed": models.Count("pk", filter=Q(is_new=False) & Q(resumed)),
        "completion_planned": models.Count("pk", filter=Q(completes_this_year=True)),
        "completed": models.Count("pk", filter=completed),
        "completed_early": models.Count(
            "pk",
            filter=completed
            & Q(
                project__planned_completion__isnull=False,
                project__planned_completion__gt=F("project__actual_completion"),
            ),
        ),
        "completion_late": models.Count(
            "pk",
            filter=Q(completes_this_year=True, project__planned_completion__lte=last)
            & ~Q(project__actual_completion__isnull=False, project__actual_completion__lte=last)
            | Q(
                completes_this_year=True,
                project__planned_completion__lte=last,
                project__actual_completion__isnull=True,
            ),
        ),
    }


def _governing_on(day: dt.date, stages) -> Q:
    """On StageChange rows: the row of one of `stages` governing the project on `day`."""
    return Q(to_stage__in=stages, effective_date__lte=day) & (Q(ended_on__isnull=True) | Q(ended_on__gt=day))


def counts_by(*, projects, by, year: int, month: int, as_of: dt.datetime | None = None) -> dict:
    """`Counts` per value of the project field `by`, or per tuple of values when `by` names several
    fields (None: the whole set under the key None). Two
    queries, each one pass: the year's plan rows, and the stage-history rows of the reserve at the
    year's start and at month end. (`set_projects` lists the same sets as conditions on projects.)"""
    project_filter = _project_filter(projects)
    fields_ = () if by is None else (by,) if isinstance(by, str) else tuple(by)
    paths = tuple(f"project__{f}" for f in fields_)
    result: dict = {}

    def add(rows):
        for row in rows:
            values = tuple(row.pop(p) for p in paths)
            key = None if not paths else values[0] if isinstance(by, str) else values
            current = result.get(key, Counts())
            result[key] = replace(
                current, **{k: (as_money(v) if isinstance(v, Decimal) else v) for k, v in row.items()}
            )

    def grouped(qs, aggregates):
        if paths:
            return qs.values(*paths).annotate(**aggregates)
        return [qs.aggregate(**aggregates)]

    plans = AnnualPlan.objects.filter(year=year, **project_filter).order_by()
    add(grouped(plans, _plan_counts(projects, year, month, as_of)))
    first, last = dt.date(year, 1, 1), month_end(year, month)
    # The reserve at the year's start and at month end: one pass over the stage-history rows governing
    # either day, each count over its own rows.
    at_start = _governing_on(dt.date(year - 1, 12, 31), RESERVE_STAGES)
    at_end = _governing_on(last, RESERVE_STAGES)
    history = StageChange.objects.filter(at_start | at_end, **project_filter).order_by()
    add(
        grouped(
            history,
            {
                "reserve_at_start": models.Count("project", distinct=True, filter=at_start),
                "reserve_converted": models.Count(
                    "project",
                    distinct=True,
                    filter=at_start & Q(project__actual_start__gte=first, project__actual_start__lte=last),
                ),
                "in_reserve": models.Count("project", distinct=True, filter=at_end),
                "reserve_investment": _money_sum("project__total_investment", at_end),
            },
        )
    )
    if by is None:
        result.setdefault(None, Counts())
    return result


def counts_by_each(
    *, projects, dims: Iterable[str], year: int, month: int, as_of: dt.datetime | None = None
) -> tuple[Counts, dict[str, dict]]:
    """The set's `Counts` and its counts by each of `dims`, from one grouping by all of them: two queries."""
    dims = tuple(dims)
    combined = counts_by(projects=projects, by=dims or None, year=year, month=month, as_of=as_of)
    if not dims:
        return combined.get(None, Counts()), {}
    groups: dict[str, dict] = {}
    for i, dim in enumerate(dims):
        rolled: dict = {}
        for key, c in combined.items():
            rolled[key[i]] = rolled.get(key[i], Counts()) + c
        groups[dim] = rolled
    return sum(combined.values(), Counts()), groups


def counts(*, projects, year: int, month: int, as_of: dt.datetime | None = None) -> Counts:
    return counts_by(projects=projects, by=None, year=year, month=month, as_of=as_of)[None]


# --- month by month, 同比 on the office's basis, structure --------------------------------------


def monthly_completion(
    *, projects, year: int, month: int, basis: str = Basis.APPROVED, as_of: dt.datetime | None = None
) -> list[dict]:
    """1..N: each month's invested, 1–N月累计, 完成率 and 时间进度 (the dashboard's line). Two queries."""
    plan = as_money(_plans(projects, year).aggregate(total=_money_sum("planned_investment"))["total"])
    by_month = dict(
        counted_values(basis=basis, as_of=as_of)
        .filter(year=year, month__lte=month, **_project_filter(projects))
        .order_by()
        .values_list("month")
        .annotate(total=_money_sum("invested"))
    )
    return _series(by_month, plan, month)


def _series(by_month: dict, plan: Decimal, month: int) -> list[dict]:
    rows, ytd = [], ZERO
    for m in range(1, month + 1):
        invested = as_money(by_month.get(m))
        ytd += invested
        rows.append(
            {
                "month": m,
                "invested": invested,
                "ytd": ytd,
                "completion_rate": rate(ytd, plan),
                "time_progress": time_progress(m),
                "vs_time_progress_pp": gap_to_time_progress(ytd, plan, m),
            }
        )
    return rows


def yoy_on_plan_sets_by(
    *, projects, by: str | None, year: int, month: int, as_of: dt.datetime | None = None
) -> dict:
    """同比 as the office computes it: 1–N月累计 of the projects in year Y's plan against 1–N月累计 of
    year Y−1 of the projects in Y−1's plan (each year its own list). `{key: (ytd, last_year, rate)}`;
    one query."""
    path = _paths(by)[0] if by else None

    # Each year's plan list as a hashed id set inside the sum's filter: one scan of the values.
    def in_plan(y):
        return Q(year=y, project_id__in=AnnualPlan.objects.filter(year=y).values("project_id"))

    qs = (
        counted_values(basis=Basis.APPROVED, as_of=as_of)
        .filter(year__in=(year, year - 1), month__lte=month, **_project_filter(projects))
        .order_by()
    )
    sums = {"this": _money_sum("invested", in_plan(year)), "last": _money_sum("invested", in_plan(year - 1))}
    rows = qs.values(path).annotate(**sums) if path else [qs.aggregate(**sums)]
    acc: dict = {}
    for row in rows:
        key = row[path] if path else None
        this, last = acc.get(key, (ZERO, ZERO))
        acc[key] = (this + as_money(row["this"]), last + as_money(row["last"]))
    return {key: (this, last, growth(this, last)) for key, (this, last) in acc.items()}


STRUCTURE_FLAGS = {
    "is_industrial": _("工业"),
    "is_private": _("民间"),
    "is_high_tech": _("高技术产业"),
    "is_six_new": _("六新"),
}


@dataclass(frozen=True)
class Share:
    """One part of a set (工业, 民间 …): its 1–N月累计, share of the whole, 同比 and the share's change."""

    ytd: Decimal
    share: Decimal | None  # % of the set's 1–N月累计
    last_year_ytd: Decimal
    yoy_rate: Decimal | None
    share_change_pp: Decimal | None  # share now − share a year ago, percentage points


def _share(part: Sums, whole: Sums) -> Share:
    share_change = None
    if whole.ytd_completed and whole.last_year_ytd:
        now = Decimal(part.ytd_completed) * 100 / whole.ytd_completed
        before = Decimal(part.last_year_ytd) * 100 / whole.last_year_ytd
        share_change = round_rate(now - before)
    return Share(
        ytd=part.ytd_completed,
        share=rate(part.ytd_completed, whole.ytd_completed),
        last_year_ytd=part.last_year_ytd,
        yoy_rate=growth(part.ytd_completed, part.last_year_ytd),
        share_change_pp=share_change,
    )


def structure_by(
    *, projects, by: str | None, year: int, month: int, as_of: dt.datetime | None = None
) -> dict:
    """`{key: {flag: Share}}`: the industrial, private, high-tech and 六新 parts of each group's
    1–N月累计 (approved basis). Two queries."""
    flags = tuple(STRUCTURE_FLAGS)
    dims = ((by,) if by else ()) + flags
    sums = sums_by(projects=projects, by=dims, year=year, month=month, basis=Basis.APPROVED, as_of=as_of)
    wholes: dict = {}
    parts: dict = {}
    for key, s in sums.items():
        group = key[0] if by else None
        marks = key[1:] if by else key
        wholes[group] = wholes.get(group, Sums()) + s
        for flag, marked in zip(flags, marks, strict=True):
            if marked:
                parts[(group, flag)] = parts.get((group, flag), Sums()) + s
    return {
        group: {flag: _share(parts.get((group, flag), Sums()), whole) for flag in flags}
        for group, whole in wholes.items()
    }


def quarter_slogan(month: int, completion_rate: Decimal | None) -> tuple[str, bool | None]:
    """The quarter's slogan and whether the set meets it after month N (DOMAIN §4): 开门红 (Q1) and
    超时序 (Q3) need 完成率 at or above 时间进度; 双过半 (Q2) at the end of June 完成率 ≥ 50% (before
    June: keeping pace); 收好官 (Q4) keeping pace, and in December the whole plan done."""
    quarter = (month - 1) // 3 + 1
    label = {1: "开门红", 2: "双过半", 3: "超时序", 4: "收好官"}[quarter]
    if completion_rate is None:
        return label, None
    if quarter == 3:
        return label, completion_rate > time_progress(month)
    return label, completion_rate >= time_progress(month)


# --- 骏马 / 蜗牛 --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PaceEntry:
    project_id: int
    group: str  # its class: 重点项目 or a size band
    rank: int  # within the class, fastest first
    group_size: int
    vs_time_progress_pp: Decimal | None  # 超(+)/低于(−)时间进度
    completion_rate: Decimal | None
    figures: Figures | None = None  # filled in for the entries a list shows (fastest_and_slowest)


def size_band(annual_plan: Decimal, bands) -> str:
    """The class of a project by annual plan: `bands` is [(lower bound 万元, label)], largest first."""
    for lower, label in bands:
        if annual_plan >= Decimal(lower):
            return label
    return bands[-1][1]


def _div_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator (> 0) rounded half up, away from zero, to a whole number: exactly."""
    q, r = divmod(abs(numerator), denominator)
    if 2 * r >= denominator:
        q += 1
    return -q if numerator < 0 else q


def _half_up(numerator: int, denominator: int) -> Decimal:
    """numerator / (10·denominator) rounded half up to one decimal, in exact integer arithmetic: the
    same Decimal as `round_rate` of the quotient (for a positive denominator), "-0.0" included."""
    tenths = Decimal(abs(_div_half_up(numerator, denominator))).scaleb(-1)
    return tenths.copy_negate() if numerator < 0 else tenths


def _cents(amount: Decimal) -> int:
    """An amount in 万元 with two places as a whole number of hundredths."""
    return int(amount * 100)


def _in_cents(expression):
    """An amount (万元, two places) as a whole number of hundredths, computed by the database (rounded
    before the cast: SQLite sums amounts as floating point)."""
    return Cast(Round(expression * Value(100)), models.BigIntegerField())


def _pace_classes(projects, year: int, month: int, bands, as_of) -> dict[str, list[tuple]]:
    """Each class's members in ranking order, as `(−gap, −完成率, project id, gap numerator, 完成率
    numerator, base)`: the gap and 完成率 rounded to whole tenths of a point (as `_div_half_up`), and
    what `_half_up` turns into their Decimals. Two queries; amounts arrive as whole hundredths."""
    scope = _project_filter(projects)
    plans = (
        AnnualPlan.objects.filter(
            year=year, planned_investment__gt=0, project__actual_start__lte=month_end(year, month), **scope
        )
        .order_by()
        .values_list("project_id", _in_cents(F("planned_investment")), "project__key_level")
    )
    ytd = dict(
        counted_values(basis=Basis.APPROVED, as_of=as_of)
        .filter(year=year, month__lte=month, **scope)
        .order_by()
        .values_list("project_id")
        .annotate(total=_in_cents(Sum("invested")))
    )
    bounds = [(_cents(Decimal(lower)), label) for lower, label in bands]
    groups: dict[str, list[tuple]] = {}
    behind_time = month * 100
    for pid, base, key_level in plans:
        done = ytd.get(pid, 0)
        # (ytd·1200 − N·100·plan) / (12·plan) and ytd·100 / plan in tenths of a point, rounded half
        # up (away from zero): `_div_half_up` written out, as it runs for every project ranked.
        gap, gap_base = (done * 1200 - behind_time * base) * 10, 12 * base
        q, r = divmod(abs(gap), gap_base)
        gap_tenths = q + (2 * r >= gap_base)
        completion = done * 1000
        c, r = divmod(completion, base)
        completion_tenths = c + (2 * r >= base)
        if key_level:
            group = "重点项目"
        else:
            group = next((label for lower, label in bounds if base >= lower), bounds[-1][1])
        groups.setdefault(group, []).append(
            (gap_tenths if gap < 0 else -gap_tenths, -completion_tenths, pid, gap, completion, base)
        )
    for members in groups.values():
        members.sort()
    return groups


def _pace_entry(group: str, rank: int, size: int, member: tuple) -> PaceEntry:
    _, _, pid, gap, completion, base = member
    return PaceEntry(pid, group, rank, size, _half_up(gap, 12 * base), _half_up(completion, base))


def pace_ranking(
    *, projects, year: int, month: int, bands, as_of: dt.datetime | None = None
) -> dict[str, list[PaceEntry]]:
    """Projects with an annual plan that have started by month N, ranked within their class (key
    projects together, the rest by size band) by the gap to 时间进度, fastest first; ties by 完成率
    then id. Two queries (the plans, the year's counted values), whatever the number of projects.

    Every started project of the plan is ranked (thousands in a city), so the gap and 完成率 are worked
    out in whole hundredths of 万元 (`_half_up`): the same numbers as `gap_to_time_progress` and
    `rate`, without a Decimal division per project."""
    return {
        group: [_pace_entry(group, i + 1, len(members), m) for i, m in enumerate(members)]
        for group, members in _pace_classes(projects, year, month, bands, as_of).items()
    }


def pace_lists(
    *,
    projects,
    year: int,
    month: int,
    bands,
    top: int,
    fast_min_pp: Decimal,
    slow_max_pp: Decimal,
    behind_limit: int,
    as_of: dt.datetime | None = None,
) -> tuple[list[PaceEntry], list[PaceEntry], list[PaceEntry]]:
    """What a dashboard lists of the ranking: 骏马 and 蜗牛 (`fastest_and_slowest` of `pace_ranking`)
    and the key projects behind 时间进度, slowest first (at most `behind_limit`) — the same entries,
    made only for the projects listed rather than for every project ranked. Two queries."""
    fast_min, slow_max = Decimal(fast_min_pp) * 10, Decimal(slow_max_pp) * 10  # in tenths
    fast, slow, behind = [], [], []
    for group, members in _pace_classes(projects, year, month, bands, as_of).items():
        size = len(members)
        fast += [_pace_entry(group, i + 1, size, m) for i, m in enumerate(members[:top]) if -m[0] >= fast_min]
        tail = [(size - i, m) for i, m in enumerate(reversed(members)) if -m[0] <= slow_max][:top]
        slow += [_pace_entry(group, rank, size, m) for rank, m in tail]
        if group == "重点项目":
            late = [(rank, m) for rank, m in enumerate(members, 1) if m[0] > 0]
            late.sort(key=lambda r: (-r[1][0], r[1][2]))
            behind = [_pace_entry(group, rank, size, m) for rank, m in late[:behind_limit]]
    fast.sort(key=lambda e: (-e.vs_time_progress_pp, e.project_id))
    slow.sort(key=lambda e: (e.vs_time_progress_pp, e.project_id))
    return fast, slow, behind


def fastest_and_slowest(
    ranking: dict[str, list[PaceEntry]], *, top: int, fast_min_pp: Decimal, slow_max_pp: Decimal
) -> tuple[list[PaceEntry], list[PaceEntry]]:
    """骏马: each class's first `top` that are at least `fast_min_pp` ahead of 时间进度; 蜗牛: each
    class's last `top` at least `-slow_max_pp` behind (slowest first). `with_figures` adds their figures."""
    fast, slow = [], []
    for entries in ranking.values():
        fast += [
            e
            for e in entries[:top]
            if e.vs_time_progress_pp is not None and e.vs_time_progress_pp >= fast_min_pp
        ]
        tail = [
            e
            for e in reversed(entries)
            if e.vs_time_progress_pp is not None and e.vs_time_progress_pp <= slow_max_pp
        ]
        slow += tail[:top]
    fast.sort(key=lambda e: (-e.vs_time_progress_pp, e.project_id))
    slow.sort(key=lambda e: (e.vs_time_progress_pp, e.project_id))
    return fast, slow


def with_figures(entries: list[PaceEntry], *, year: int, month: int, as_of=None) -> list[PaceEntry]:
    """The entries with each project's full figures (two queries for all of them)."""
    if not entries:
        return []
    figs = figures_by_project(
        project_ids=[e.project_id for e in entries], year=year, month=month, as_of=as_of
    )
    return [replace(e, figures=figs[e.project_id]) for e in entries]


@dataclass(frozen=True)
class MoneyView:
    """Everything a dashboard shows about money, from one scan of the counted values (see `money_view`)."""

    figures: Figures
    groups: dict  # {dim: {key: Figures}}
    structure: dict  # {flag: Share}
    series: list  # monthly_completion rows
    yoy: tuple  # (this year's plan list 1–N月, last year's plan list 1–N月, 同比 %)
    group_yoy: dict = field(default_factory=dict)  # {dim: {key: (this, last, 同比 %)}} as yoy_on_plan_sets_by
    group_structure: dict = field(default_factory=dict)  # {dim: {key: {flag: Share}}} as structure_by


def money_view(
    *, projects, dims: Iterable[str] = (), year: int, month: int, as_of: dt.datetime | None = None
) -> MoneyView:
    """A dashboard's money in three queries (the plans and the values, each grouped by `dims` and the
    structure flags; the values by month): the same numbers as `figures_by`, `monthly_completion`,
    `yoy_on_plan_sets_by` and `structure_by` (for the whole set and by each of `dims`), from one scan
    of the values instead of one each (and an index-only pass for the monthly line)."""
    dims = tuple(dims)
    flags = tuple(STRUCTURE_FLAGS)
    scope = _project_filter(projects)
    paths = _paths(dims + flags)
    period = {"year": year, "month": month, "basis": Basis.APPROVED, "as_of": as_of}

    def in_plan(y):
        return Q(project_id__in=AnnualPlan.objects.filter(year=y).values("project_id"))

    plans = _plans(projects, year).values(*paths).annotate(total=_money_sum("planned_investment"))
    sums: dict = {tuple(row[p] for p in paths): Sums(annual_plan=as_money(row["total"])) for row in plans}
    counted = counted_values(basis=Basis.APPROVED, as_of=as_of)
    # Each group's sums as conditional sums over the rows (a few hundred groups for a city): the
    # office's 同比 counts each year's values of the projects in that year's plan only.
    aggregates = {
        **_value_sums(year, month),
        "this_list": _money_sum("invested", Q(year=year, month__lte=month) & in_plan(year)),
        "last_list": _money_sum("invested", Q(year=year - 1, month__lte=month) & in_plan(year - 1)),
    }
    if month == 1:  # the values read include last December's, which 同比 does not look at
        aggregates["in_yoy"] = models.Count("pk", filter=Q(month__lte=month))
    values = (
        counted.filter(_months_read(year, month), **scope).order_by().values(*paths).annotate(**aggregates)
    )
    listed: dict = {}  # key → (this year's list 1–N月, last year's list 1–N月), keys with values 1–N月
    for row in values:
        key = tuple(row.pop(p) for p in paths)
        this_list, last_list = as_money(row.pop("this_list")), as_money(row.pop("last_list"))
        if row.pop("in_yoy", 1):
            listed[key] = (this_list, last_list)
        sums[key] = replace(sums.get(key, Sums()), **_money(row))
    by_month = dict(
        counted.filter(year=year, month__lte=month, **scope)
        .order_by()
        .values_list("month")
        .annotate(total=_money_sum("invested"))
    )

    def yoy_of(pairs) -> dict:
        rolled: dict = {}
        for group, (this, last) in pairs:
            before = rolled.get(group, (ZERO, ZERO))
            rolled[group] = (before[0] + this, before[1] + last)
        return {group: (this, last, growth(this, last)) for group, (this, last) in rolled.items()}

    def structure_of(pairs) -> dict:
        wholes: dict = {}
        parts: dict = {}
        for group, key, part in pairs:
            wholes[group] = wholes.get(group, Sums()) + part
            for flag, marked in zip(flags, key[len(dims) :], strict=True):
                if marked:
                    parts[(group, flag)] = parts.get((group, flag), Sums()) + part
        return {
            group: {flag: _share(parts.get((group, flag), Sums()), whole) for flag in flags}
            for group, whole in wholes.items()
        }

    total = sum(sums.values(), Sums())
    groups, group_yoy, group_structure = {}, {}, {}
    for i, dim in enumerate(dims):
        rolled: dict = {}
        for key, part in sums.items():
            rolled[key[i]] = rolled.get(key[i], Sums()) + part
        groups[dim] = _figures_of(rolled, rolled, **period)
        group_yoy[dim] = yoy_of((key[i], pair) for key, pair in listed.items())
        group_structure[dim] = structure_of((key[i], key, part) for key, part in sums.items())
    whole = structure_of((None, key, part) for key, part in sums.items()).get(None, {})
    this_list, last_list = yoy_of((None, pair) for pair in listed.values()).get(None, (ZERO, ZERO, None))[:2]
    return MoneyView(
        figures=Figures.from_sums(total, **period),
        groups=groups,
        structure=whole,
        series=_series(by_month, total.annual_plan, month),
        yoy=(this_list, last_list, growth(this_list, last_list)),
        group_yoy=group_yoy,
        group_structure=group_structure,
    )


# --- 赛马: indicators, points, ranks -------------------------------------------------------------

TWO_DP = Decimal("0.01")


def _points(value: Decimal) -> Decimal:
    return Decimal(value).quantize(TWO_DP, rounding=ROUND_HALF_UP)


def competition_ranks(values: dict, *, higher_is_better: bool = True) -> dict:
    """Ranks "1, 1, 3": equal values share a rank, the next rank skips; None ranks after all (None)."""
    present = [v for v in values.values() if v is not None]
    ordered = sorted(present, reverse=higher_is_better)
    ranks = {}
    for key, value in values.items():
        ranks[key] = None if value is None else ordered.index(value) + 1
    return ranks


@dataclass(frozen=True)
class Rule:
    """How one indicator becomes points (configured by the office per year, see dashboards)."""

    code: str
    label: str
    dimension: str
    weight: Decimal  # full points
    method: str  # "rank" | "linear" | "threshold"
    floor: Decimal | None = None  # linear: value giving 0 points
    target: Decimal | None = None  # linear: value giving full points; also red/green
    thresholds: tuple = ()  # threshold: ((value at least, points), …)
    higher_is_better: bool = True


def rule_points(rule: Rule, value: Decimal | None, rank: int | None, n: int) -> Decimal:
    """Points of one indicator value.

    rank: first gets the full weight, each rank below loses weight/n (ties share the rank);
    linear: 0 at or below `floor`, full at or above `target`, in proportion between;
    threshold: the points of the highest threshold reached (0 below all).
    A missing value (no base: no plan, nothing last year) scores 0.
    """
    weight = Decimal(rule.weight)
    if value is None:
        return _points(0)
    if rule.method == "rank":
        if rank is None or not n:
            return _points(0)
        return _points(weight * (n - rank + 1) / n)
    if rule.method == "linear":
        floor, target = Decimal(rule.floor or 0), Decimal(rule.target or 0)
        if not rule.higher_is_better:
            value, floor, target = -value, -floor, -target
        if value >= target:
            return _points(weight)
        if value <= floor or target == floor:
            return _points(0)
        return _points(weight * (value - floor) / (target - floor))
    if rule.method == "threshold":
        best = Decimal(0)
        for at_least, pts in rule.thresholds:
            if value >= Decimal(str(at_least)):
                best = max(best, Decimal(str(pts)))
        return _points(min(best, weight))
    raise ValueError(f"unknown method {rule.method}")


@dataclass(frozen=True)
class ScoreLine:
    rule: Rule
    value: Decimal | None
    rank: int | None
    points: Decimal

    @property
    def met(self) -> bool | None:
        """Green (True) / red (False) against the rule's target; None when either is missing."""
        if self.value is None or self.rule.target is None:
            return None
        return (
            self.value >= self.rule.target if self.rule.higher_is_better else self.value <= self.rule.target
        )


@dataclass(frozen=True)
class Score:
    key: object
    total: Decimal
    rank: int
    lines: tuple[ScoreLine, ...]

    def dimension_points(self) -> dict[str, Decimal]:
        result: dict[str, Decimal] = {}
        for line in self.lines:
            result[line.rule.dimension] = result.get(line.rule.dimension, Decimal("0.00")) + line.points
        return result


def race_scores(values: dict, rules: list[Rule]) -> list[Score]:
    """Score every competitor: `values` is `{key: {indicator code: value}}`. Each indicator's points by
    its rule, the total, and the rank by total (ties share a rank). Ordered by rank, then key order."""
    keys = list(values)
    n = len(keys)
    ranks = {
        rule.code: competition_ranks(
            {k: values[k].get(rule.code) for k in keys}, higher_is_better=rule.higher_is_better
        )
        for rule in rules
    }
    scored = []
    for key in keys:
        lines = tuple(
            ScoreLine(
                rule=rule,
                value=values[key].get(rule.code),
                rank=ranks[rule.code][key],
                points=rule_points(rule, values[key].get(rule.code), ranks[rule.code][key], n),
            )
            for rule in rules
        )
        scored.append((key, sum((line.points for line in lines), Decimal("0.00")), lines))
    totals = competition_ranks({key: total for key, total, _ in scored})
    result = [Score(key=key, total=total, rank=totals[key], lines=lines) for key, total, lines in scored]
    order = {key: i for i, key in enumerate(keys)}
    result.sort(key=lambda s: (s.rank, order[s.key]))
    return result


# The indicators a scheme may use, each computed for every competitor (county/zone or department)
# by `indicator_values`; `drill` names the project set behind it (PROJECT_SETS, or a flag).
INDICATORS = {
    "completion_rate": {"label": "年度投资完成率(%)", "dimension": "scale", "drill": "planned"},
    "vs_time_progress": {"label": "超时间进度(百分点)", "dimension": "scale", "drill": "planned"},
    "yoy_rate": {"label": "投资同比增速(%)", "dimension": "scale", "drill": "planned"},
    "industrial_share": {"label": "工业投资占比(%)", "dimension": "structure", "drill": "is_industrial"},
    "industrial_yoy": {"label": "工业投资增速(%)", "dimension": "structure", "drill": "is_industrial"},
    "private_share": {"label": "民间投资占比(%)", "dimension": "structure", "drill": "is_private"},
    "private_share_change": {
        "label": "民间投资占比变化(百分点)",
        "dimension": "structure",
        "drill": "is_private",
    },
    "high_tech_yoy": {"label": "高技术产业投资增速(%)", "dimension": "structure", "drill": "is_high_tech"},
    "start_rate": {"label": "新建项目开工率(%)", "dimension": "start", "drill": "started"},
    "resume_rate": {"label": "续建项目复工率(%)", "dimension": "start", "drill": "resumed"},
    "start_resume_rate": {"label": "开复工率(%)", "dimension": "start", "drill": "started"},
    "reserve_multiple": {
        "label": "储备项目总投资/固定资产投资目标(倍)",
        "dimension": "reserve",
        "drill": "in_reserve",
    },
    "reserve_conversion": {"label": "储备转化率(%)", "dimension": "reserve", "drill": "reserve_converted"},
    # 入库纳统 (DOMAIN §8): the counts come from the statistics bureau's records (the caller passes
    # them, see `indicator_values`); the drill sets are the inclusion app's.
    "inclusion_rate": {"label": "入库纳统率(%)", "dimension": "start", "drill": "inclusion_due"},
}


def inclusion_rate(included: int, due: int) -> Decimal | None:
    """入库纳统率: projects included in the statistics database / projects that should be (应入: meeting
    the bureau's conditions, or already included), in percent, one decimal; None when none is due."""
    return rate(Decimal(included), Decimal(due))


def indicator_values(
    *,
    projects,
    by: str,
    keys,
    year: int,
    month: int,
    as_of: dt.datetime | None = None,
    fai_targets: dict | None = None,
    inclusion: dict | None = None,
) -> dict:
    """`{key: {indicator code: value}}` for every key of `keys` (county ids or department ids), from
    the figures, counts, 同比 and structure of each group (`money_view`, `counts_by`). Five queries
    whatever the number of projects. `fai_targets` ({key: 万元}) is each area's fixed-asset investment target, the base of
    the reserve multiple; `inclusion` ({key: (已入库, 应入库)}, counted by the inclusion app as of the
    period's cut-off) the base of 入库纳统率."""
    keys = list(keys)
    money = money_view(projects=projects, dims=(by,), year=year, month=month, as_of=as_of)
    empty_figures = Figures.from_sums(Sums(), year=year, month=month, basis=Basis.APPROVED, as_of=as_of)
    figs = {key: money.groups[by].get(key, empty_figures) for key in keys}
    cnt = counts_by(projects=projects, by=by, year=year, month=month, as_of=as_of)
    yoy = money.group_yoy[by]
    struct = money.group_structure[by]
    fai_targets = fai_targets or {}
    inclusion = inclusion or {}
    result = {}
    for key in keys:
        f, c, s = figs[key], cnt.get(key, Counts()), struct.get(key, {})
        target = fai_targets.get(key)
        empty = Share(ZERO, None, ZERO, None, None)
        result[key] = {
            "completion_rate": f.completion_rate,
            "vs_time_progress": f.vs_time_progress_pp,
            "yoy_rate": yoy.get(key, (ZERO, ZERO, None))[2],
            "industrial_share": s.get("is_industrial", empty).share,
            "industrial_yoy": s.get("is_industrial", empty).yoy_rate,
            "private_share": s.get("is_private", empty).share,
            "private_share_change": s.get("is_private", empty).share_change_pp,
            "high_tech_yoy": s.get("is_high_tech", empty).yoy_rate,
            "start_rate": c.start_rate,
            "resume_rate": c.resume_rate,
            "start_resume_rate": c.start_resume_rate,
            "reserve_multiple": (
                (c.reserve_investment / Decimal(target)).quantize(TWO_DP, rounding=ROUND_HALF_UP)
                if target
                else None
            ),
            "reserve_conversion": c.reserve_conversion,
            "inclusion_rate": inclusion_rate(*inclusion.get(key, (0, 0))),
        }
    return result
