"""The start page: what each role has to do this month."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from accounts.models import Organisation
from accounts.scoping import project_scope_q
from projects import periods

from ... import permissions
from ...choices import EDITABLE_REPORT_STATUSES, ReportStatus
from ...models import MonthlyReport
from ..reports import owing_projects, reporting_projects
from .office import unit_states
from .units import due_date

# --- the start page: what each role has to do this month ------------------------------------------


@dataclass
class EntryTodo:
    """A reporting unit's month as its clerk sees it on the start page."""

    unit: Organisation
    owed: int
    none: int  # owed and no report yet (未填报)
    draft: int
    returned: list[tuple[str, str]]  # (project name, reason), every returned row

    @property
    def done(self) -> bool:
        return not (self.none or self.draft or self.returned)


def start_page_tasks(*, user, today: dt.date | None = None) -> dict:
    """What the start page tells each role to do for the month being reported (the previous one):
    the clerk's rows 未填报 / 草稿 / 已退回 with the due date and days left, the head's rows waiting
    for review, the office's units to chase. A fixed number of queries for any number of rows."""
    today = today or timezone.localdate()
    year, month = periods.default_period(today)
    due = due_date(year, month)
    days_left = (due - today).days
    tasks: dict = {
        "year": year,
        "month": month,
        "due": due,
        "days_left": days_left,
        "days_overdue": max(0, -days_left),
    }
    org = user.organisation if user.organisation_id else None
    if permissions.can_enter_reports(user) and org is not None and not user.sees_all_projects:
        if permissions.may_enter_unit(user, org):
            tasks["entry"] = entry_todo(unit=org, year=year, month=month)
    if permissions.can_review_reports(user):
        waiting = (
            MonthlyReport.objects.filter(
                project_scope_q(user, "project"),
                permissions.review_q(user, "project"),
                status=ReportStatus.SUBMITTED,
            )
            .order_by()
            .values("year", "month")
            .annotate(n=Count("pk"))
        )
        by_month = sorted(((w["year"], w["month"], w["n"]) for w in waiting), reverse=True)
        tasks["review"] = {"total": sum(n for _, _, n in by_month), "by_month": by_month}
    if permissions.acts_citywide(user):
        states = unit_states(user=user, year=year, month=month, today=today)
        tasks["office"] = {
            "overdue": states.overdue,
            "to_chase": states.to_chase,
            "units": len(states.units),
        }
    return tasks


def entry_todo(*, unit: Organisation, year: int, month: int) -> EntryTodo:
    """The unit's owed rows without a report, its drafts and its returned rows (three queries)."""
    owed = owing_projects(unit=unit, year=year, month=month)
    has_report = MonthlyReport.objects.filter(project=OuterRef("pk"), year=year, month=month)
    counts = owed.order_by().aggregate(owed=Count("pk"), none=Count("pk", filter=~Q(Exists(has_report))))
    shown = reporting_projects(unit=unit, year=year, month=month).order_by().values("pk")
    reports = list(
        MonthlyReport.objects.filter(
            project__in=shown, year=year, month=month, status__in=EDITABLE_REPORT_STATUSES
        )
        .select_related("project")
        .only("status", "return_reason", "project__name")
        .order_by("project_id")
    )
    return EntryTodo(
        unit=unit,
        owed=counts["owed"],
        none=counts["none"],
        draft=sum(1 for r in reports if r.status == ReportStatus.DRAFT),
        returned=[(r.project.name, r.return_reason) for r in reports if r.status == ReportStatus.RETURNED],
    )
