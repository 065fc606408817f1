"""The head's review page: submitted rows with last month, 累计, plan and trail."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy

from accounts.models import Organisation
from projects import periods
from projects.models import AnnualPlan
from projects.money import ZERO, as_money

from ... import measures, permissions
from ...choices import ReportStatus
from ...measures import Basis
from ...models import MonthlyReport
from ..reports import ReportTrail, report_trails, reporting_projects

# --- review --------------------------------------------------------------------------------


@dataclass
class ReviewRow:
    """One submitted report on the review page, with what the head needs beside it."""

    report: MonthlyReport
    last_month: Decimal | None
    ytd: Decimal  # 1–N月累计 including this report's submitted value (working basis)
    annual_plan: Decimal | None
    completion_rate: Decimal | None
    gap: Decimal | None  # to 时间进度, percentage points
    trail: ReportTrail
    may_approve: bool

    @property
    def changes_since_return(self) -> list[tuple[str, object, object]]:
        labels = dict(REVIEW_FIELD_LABELS)
        return [
            (labels.get(name, name), old, new)
            for name, (old, new) in sorted(self.trail.changed_since_return.items())
        ]


REVIEW_FIELD_LABELS = (
    ("invested", gettext_lazy("本月完成投资")),
    ("image_progress", gettext_lazy("形象进度")),
    ("percent_complete", gettext_lazy("完成比例")),
    ("problems", gettext_lazy("存在问题")),
    ("explanation", gettext_lazy("超出说明")),
)


def review_rows(*, user, unit: Organisation, year: int, month: int) -> list[ReviewRow]:
    """The submitted reports of `unit`'s month, each with last month, 1–N月累计 (as submitted),
    the annual plan, 完成率 and the gap to 时间进度 (all from `reporting.measures`), whether it was
    returned before and what changed since, and whether `user` may approve it (four eyes).
    Six queries for any number of rows."""
    reports = submitted_reports(unit=unit, year=year, month=month)
    ids = [r.project_id for r in reports]
    if not ids:
        return []
    py, pm = periods.previous_month(year, month)
    last = dict(
        MonthlyReport.objects.filter(project_id__in=ids, year=py, month=pm).values_list(
            "project_id", "invested"
        )
    )
    plans = dict(
        AnnualPlan.objects.filter(project_id__in=ids, year=year).values_list(
            "project_id", "planned_investment"
        )
    )
    ytd = measures.ytd_completed(ids, year, month, basis=Basis.WORKING)
    trails = report_trails(reports)
    rows = []
    for r in reports:
        plan = None if plans.get(r.project_id) is None else as_money(plans[r.project_id])
        value = ytd.get(r.project_id) or ZERO
        trail = trails[r.pk]
        rows.append(
            ReviewRow(
                report=r,
                last_month=last.get(r.project_id),
                ytd=value,
                annual_plan=plan,
                completion_rate=measures.rate(value, plan),
                gap=measures.gap_to_time_progress(value, plan, month),
                trail=trail,
                may_approve=permissions.can_approve_report(user, r, trail.editors),
            )
        )
    return rows


def submitted_reports(*, unit: Organisation, year: int, month: int) -> list[MonthlyReport]:
    ids = reporting_projects(unit=unit, year=year, month=month).order_by().values("pk")
    return list(
        MonthlyReport.objects.filter(project__in=ids, year=year, month=month, status=ReportStatus.SUBMITTED)
        .select_related("project", "project__reporting_unit", "submitted_by")
        .order_by("project_id")
    )
