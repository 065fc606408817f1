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
from dataclasses import dataclass, fields, replace
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.db.models import OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from projects.models import AnnualPlan, Project
from projects.money import ZERO, as_money
from projects.periods import iter_months, previous_month

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
    all for an unfiltered queryset, so the city's figures do not join every project for nothing."""
    if isinstance(projects, QuerySet):
        if projects.model is Project and not projects.query.where and not projects.query.is_sliced:
            return {}
        return {"project__in": projects.order_by().values("pk")}
    return {"project__in": list(projects)}


def _paths(by) -> tuple[str, ...]:
    fields_ = (by,) if isinstance(by, str) else tuple(by)
    return tuple("project_id" if f in ("id", "pk") else f"project__{f}" for f in fields_)


def _plans(projects, year: int):
    return AnnualPlan.objects.filter(year=year, **_project_filter(projects)).order_by()


def _values(projects, year: int, month: int, basis: str, as_of):
    py, _pm = previous_month(year, month)
    return (
        counted_values(basis=basis, as_of=as_of)
        .filter(year__in={year, year - 1, py}, **_project_filter(projects))
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
    plan is read once, then one query per basis."""
    plan = as_money(_plans(projects, year).aggregate(total=_money_sum("planned_investment"))["total"])
    result = {}
    for basis in bases:
        values = _values(projects, year, month, basis, as_of).aggregate(**_value_sums(year, month))
        sums = Sums(annual_plan=plan, **_money(values))
        result[Basis(basis).value] = Figures.from_sums(sums, year=year, month=month, basis=basis, as_of=as_of)
    return result


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
    rows = (
        counted_values(basis=basis, as_of=as_of)
        .filter(Q(year__lt=year) | Q(year=year, month__lt=month), project_id__in=ids)
        .order_by()
        .values("project_id")
        .annotate(ytd=_money_sum("invested", Q(year=year)), since=_money_sum("invested"))
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
