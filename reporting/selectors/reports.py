"""Reads of monthly progress and the figures derived from it (DOMAIN §3–4).

Which values count: every figure here sums the CURRENT value of every existing report, whatever
its status (draft, submitted, returned or approved). A unit sees its own progress the moment it
saves, and the office sees the same numbers the unit sees; a report being corrected counts with
its corrected value. Months without a report count as zero.

Percentages are `Decimal` with one decimal place (ROUND_HALF_UP); "pp" are percentage points.
A rate whose base is zero (no annual plan, nothing last year) is None, shown as "—".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import django_filters as df
from django.db.models import Exists, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404, QueryDict
from django.utils import timezone

from accounts.choices import AREA_KINDS, OrgKind
from accounts.models import Organisation
from accounts.scoping import project_scope_q
from projects.choices import Stage
from projects.models import AnnualPlan, Project
from projects.money import ZERO, as_money
from projects.selectors.projects import MONEY

from ..choices import ReportStatus
from ..models import MonthlyReport, ReportRevision
from ..services import month_end

ONE_DP = Decimal("0.1")


def pct(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    """`numerator / denominator` in percent, one decimal; None when the base is zero or missing."""
    if numerator is None or not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(ONE_DP, rounding=ROUND_HALF_UP)


def growth(current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    """Growth of `current` over `previous` in percent, one decimal; None when `previous` is zero."""
    if current is None or not previous:
        return None
    return ((Decimal(current) - Decimal(previous)) * 100 / Decimal(previous)).quantize(
        ONE_DP, rounding=ROUND_HALF_UP
    )


def time_progress(month: int) -> Decimal:
    """时间进度 after month N: N/12, in percent with one decimal."""
    return (Decimal(month) * 100 / 12).quantize(ONE_DP, rounding=ROUND_HALF_UP)


def previous_month(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


# --- lists -----------------------------------------------------------------------------------


def _orgs(*kinds):
    return Organisation.objects.filter(kind__in=kinds, is_active=True)


class ReportFilterSet(df.FilterSet):
    """One FilterSet for the HTML report lists and `/api/v1/reports/` (same query parameters)."""

    project = df.NumberFilter(field_name="project_id", label="项目")
    county = df.ModelChoiceFilter(
        queryset=_orgs(OrgKind.CITY, *AREA_KINDS),
        field_name="project__county",
        method="filter_county",
        label="县（市、区）",
    )
    department = df.ModelChoiceFilter(
        queryset=_orgs(OrgKind.DEPARTMENT),
        field_name="project__department",
        method="filter_department",
        label="责任单位",
    )
    unit = df.ModelChoiceFilter(
        queryset=Organisation.objects.all(),
        field_name="project__reporting_unit",
        method="filter_unit",
        label="填报单位",
    )
    year = df.NumberFilter(field_name="year", label="年度")
    month = df.NumberFilter(field_name="month", label="月份")
    status = df.MultipleChoiceFilter(choices=ReportStatus.choices, label="状态")
    ordering = df.OrderingFilter(
        fields=(
            ("year", "year"),
            ("month", "month"),
            ("invested", "invested"),
            ("updated_at", "updated_at"),
            ("id", "id"),
        ),
        label="排序",
    )

    class Meta:
        model = MonthlyReport
        fields = ["project", "county", "department", "unit", "year", "month", "status"]

    def filter_county(self, queryset, name, value):
        return queryset.filter(
            Q(project__county__path__startswith=value.path) | Q(project__town__path__startswith=value.path)
        )

    def filter_department(self, queryset, name, value):
        return queryset.filter(
            Q(project__department__path__startswith=value.path)
            | Q(project__reporting_unit__path__startswith=value.path)
        )

    def filter_unit(self, queryset, name, value):
        return queryset.filter(project__reporting_unit__path__startswith=value.path)


def reports_for_user(user):
    """The base queryset of every report read: only reports of projects `user` may see."""
    return MonthlyReport.objects.filter(project_scope_q(user, "project"))


def with_ytd_completed(queryset):
    """Annotate each report with `ytd_completed`: 1–N月累计 of its project and year, in the same query."""
    ytd = (
        MonthlyReport.objects.filter(
            project=OuterRef("project"), year=OuterRef("year"), month__lte=OuterRef("month")
        )
        .order_by()
        .values("project")
        .annotate(total=Sum("invested"))
        .values("total")
    )
    return queryset.annotate(
        ytd_completed=Coalesce(Subquery(ytd, output_field=MONEY), Value(ZERO), output_field=MONEY)
    )


def _as_querydict(filters) -> QueryDict:
    """Accept request.GET as it is and plain dicts from code (a list value: several choices)."""
    if isinstance(filters, QueryDict):
        return filters
    result = QueryDict(mutable=True)
    for key, value in (filters or {}).items():
        if isinstance(value, list | tuple):
            result.setlist(key, [str(v) for v in value])
        elif value is not None:
            result[key] = str(value)
    return result


def report_list(*, user, filters=None, request=None):
    """`(filterset, queryset)`: the scoped, filtered reports, each with `ytd_completed`."""
    base = reports_for_user(user)
    filters = _as_querydict(filters)
    filterset = ReportFilterSet(filters, queryset=base, request=request)
    qs = filterset.qs if filterset.is_valid() else base.none()
    qs = with_ytd_completed(qs).select_related(
        "project", "project__county", "updated_by", "submitted_by", "reviewed_by"
    )
    if not (filters or {}).get("ordering"):
        qs = qs.order_by("-year", "-month", "project_id")
    return filterset, qs


def report_get_for_user(*, user, pk) -> MonthlyReport:
    """One report with its project, revisions and photos; 404 when out of scope (no existence leak)."""
    qs = (
        with_ytd_completed(reports_for_user(user))
        .select_related(
            "project",
            "project__county",
            "project__reporting_unit",
            "updated_by",
            "submitted_by",
            "reviewed_by",
        )
        .prefetch_related("revisions__approved_by", "photos")
    )
    try:
        return qs.get(pk=pk)
    except (MonthlyReport.DoesNotExist, ValueError, TypeError):
        raise Http404("月度进展不存在或不在您的管辖范围内。") from None


def report_revisions(report: MonthlyReport):
    """Every approved version of a report, oldest first (the current values are the report itself)."""
    return ReportRevision.objects.filter(report=report).select_related("approved_by").order_by("revision")


# --- which projects must report ----------------------------------------------------------------


def reporting_projects(*, unit=None, year: int, month: int):
    """Projects of `unit` (reporting unit in its subtree; None: all) that must report for `year`/`month`.

    - 在建 projects started by the end of the month;
    - projects started within the month (whatever their stage now);
    - projects completed in or after the month (they report their last months);
    - 前期 projects planned as new this year with a planned start month ≤ month (they may start now:
      reporting a first investment starts them).
    """
    first = dt.date(year, month, 1)
    last = month_end(year, month)
    may_start = AnnualPlan.objects.filter(
        project=OuterRef("pk"), year=year, is_new=True, planned_start_month__lte=month
    )
    qs = Project.objects.all()
    if unit is not None:
        qs = qs.filter(reporting_unit__path__startswith=unit.path)
    return qs.filter(
        Q(stage=Stage.CONSTRUCTION, actual_start__lte=last)
        | Q(actual_start__gte=first, actual_start__lte=last)
        | Q(
            stage__in=[Stage.COMPLETED, Stage.OPERATION], actual_start__lte=last, actual_completion__gte=first
        )
        | Q(Exists(may_start), stage=Stage.PREWORK)
    ).order_by("id")


# --- derived figures -------------------------------------------------------------------------


def _sum_by_project(qs) -> dict[int, Decimal]:
    rows = qs.order_by().values("project_id").annotate(total=Sum("invested"))
    return {r["project_id"]: as_money(r["total"]) for r in rows}


def ytd_completed(project_ids, year: int, month: int) -> dict[int, Decimal]:
    """1–N月累计: Jan..`month` of `year` per project (every project asked for, zero if none)."""
    ids = list(project_ids)
    sums = _sum_by_project(MonthlyReport.objects.filter(project_id__in=ids, year=year, month__lte=month))
    return {pid: sums.get(pid, ZERO) for pid in ids}


def since_start_completed(project_ids, year: int, month: int) -> dict[int, Decimal]:
    """开工累计: everything reported up to and including `year`/`month`, per project."""
    ids = list(project_ids)
    sums = _sum_by_project(
        MonthlyReport.objects.filter(project_id__in=ids).filter(
            Q(year__lt=year) | Q(year=year, month__lte=month)
        )
    )
    return {pid: sums.get(pid, ZERO) for pid in ids}


@dataclass(frozen=True)
class Figures:
    """The bulletin measures of a set of projects for one month (DOMAIN §4). Money in 万元."""

    year: int
    month: int
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


def _figures(year, month, plan, ytd, month_inv, prev_inv, last_ytd) -> Figures:
    plan, ytd, month_inv, prev_inv, last_ytd = (v or ZERO for v in (plan, ytd, month_inv, prev_inv, last_ytd))
    rate = pct(ytd, plan)
    tp = time_progress(month)
    # The gap uses the unrounded rates, then rounds once (250/1200 → 20.83% − 25% = −4.2 pp).
    gap = None
    if plan:
        gap = (ytd * 100 / plan - Decimal(month) * 100 / 12).quantize(ONE_DP, rounding=ROUND_HALF_UP)
    return Figures(
        year=year,
        month=month,
        annual_plan=plan,
        ytd_completed=ytd,
        completion_rate=rate,
        time_progress=tp,
        vs_time_progress_pp=gap,
        month_invested=month_inv,
        prev_month_invested=prev_inv,
        mom_rate=growth(month_inv, prev_inv),
        last_year_ytd=last_ytd,
        yoy_rate=growth(ytd, last_ytd),
    )


def _report_sums(reports_qs, year: int, month: int) -> dict:
    py, pm = previous_month(year, month)

    def total(q):
        return Coalesce(Sum("invested", filter=q), Value(ZERO), output_field=MONEY)

    sums = reports_qs.order_by().aggregate(
        ytd=total(Q(year=year, month__lte=month)),
        month_inv=total(Q(year=year, month=month)),
        prev_inv=total(Q(year=py, month=pm)),
        last_ytd=total(Q(year=year - 1, month__lte=month)),
    )
    return {key: as_money(value) for key, value in sums.items()}


def figures_for(*, projects_qs, year: int, month: int) -> Figures:
    """The figures of any project set (city, county, department, key list): two queries."""
    ids = projects_qs.order_by().values("pk")
    plan = as_money(
        AnnualPlan.objects.filter(project__in=ids, year=year).aggregate(
            total=Coalesce(Sum("planned_investment"), Value(ZERO), output_field=MONEY)
        )["total"]
    )
    py, _ = previous_month(year, month)
    sums = _report_sums(
        MonthlyReport.objects.filter(project__in=ids, year__in={year, year - 1, py}), year, month
    )
    return _figures(year, month, plan, sums["ytd"], sums["month_inv"], sums["prev_inv"], sums["last_ytd"])


def project_figures(*, project, year: int, month: int) -> Figures:
    """The figures of one project for `year`/`month`."""
    return figures_for(projects_qs=Project.objects.filter(pk=project.pk), year=year, month=month)


def figures_by_project(*, project_ids, year: int, month: int) -> dict[int, Figures]:
    """The figures of many projects at once (grids, rankings): two queries whatever their number."""
    ids = list(project_ids)
    plans = dict(
        AnnualPlan.objects.filter(project_id__in=ids, year=year).values_list(
            "project_id", "planned_investment"
        )
    )
    py, pm = previous_month(year, month)

    def total(q):
        return Coalesce(Sum("invested", filter=q), Value(ZERO), output_field=MONEY)

    rows = (
        MonthlyReport.objects.filter(project_id__in=ids, year__in={year, year - 1, py})
        .order_by()
        .values("project_id")
        .annotate(
            ytd=total(Q(year=year, month__lte=month)),
            month_inv=total(Q(year=year, month=month)),
            prev_inv=total(Q(year=py, month=pm)),
            last_ytd=total(Q(year=year - 1, month__lte=month)),
        )
    )
    sums = {r["project_id"]: {k: as_money(v) for k, v in r.items() if k != "project_id"} for r in rows}
    empty = {"ytd": ZERO, "month_inv": ZERO, "prev_inv": ZERO, "last_ytd": ZERO}
    result = {}
    for pid in ids:
        s = sums.get(pid, empty)
        result[pid] = _figures(
            year, month, plans.get(pid), s["ytd"], s["month_inv"], s["prev_inv"], s["last_ytd"]
        )
    return result


def project_monthly_series(*, project, months: int = 60, until: tuple[int, int] | None = None) -> list[dict]:
    """Month by month from the project's start (or first report) to `until` (default: this month),
    the last `months` of them, oldest first: what the dossier table and chart show.

    Each row: year, month, invested (None when not reported), ytd, cumulative, annual_plan, status,
    revision. Two queries.
    """
    reports = {
        (r.year, r.month): r
        for r in MonthlyReport.objects.filter(project=project).only(
            "year", "month", "invested", "status", "revision"
        )
    }
    plans = dict(AnnualPlan.objects.filter(project=project).values_list("year", "planned_investment"))
    today = timezone.localdate()
    end = until or (today.year, today.month)
    starts = [k for k in reports]
    if project.actual_start:
        starts.append((project.actual_start.year, project.actual_start.month))
    if not starts:
        return []
    start = min(starts)
    if start > end:
        return []
    periods = []
    y, m = start
    while (y, m) <= end:
        periods.append((y, m))
        y, m = next_month(y, m)
    series = []
    cumulative = ZERO
    ytd = ZERO
    for y, m in periods:
        if m == 1:
            ytd = ZERO
        report = reports.get((y, m))
        invested = report.invested if report else None
        cumulative += invested or ZERO
        ytd += invested or ZERO
        series.append(
            {
                "year": y,
                "month": m,
                "invested": invested,
                "ytd": ytd,
                "cumulative": cumulative,
                "annual_plan": plans.get(y),
                "status": report.status if report else None,
                "revision": report.revision if report else None,
            }
        )
    return series[-months:] if months else series
