"""Per-project running totals (the grid's, the dossier's) and a project's month series. Part of the figures layer: see `reporting.measures`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from config import compiled
from projects.models import AnnualPlan, Project
from projects.money import ZERO, as_money
from projects.periods import iter_months

from ..models import MonthlyReport
from .basis import MONEY, Basis, counted_values, rate
from .figures import _money_sum, _project_filter

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
