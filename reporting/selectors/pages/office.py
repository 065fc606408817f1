"""The office's reporting-state page: every unit's progress for the month."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.models import Organisation
from accounts.scoping import project_scope_q
from projects.models import Project

from ... import measures
from ...measures import Basis, Figures
from ...models import MonthlyReport
from ..reports import owing_projects
from .units import due_date, reporting_units_for_user

# --- office overview -----------------------------------------------------------------------


class UnitState:
    NOT_STARTED = "not_started", gettext_lazy("未开始"), "text-bg-light border"
    DRAFT = "draft", gettext_lazy("草稿"), "text-bg-secondary"
    SUBMITTED = "submitted", gettext_lazy("已提交"), "text-bg-primary"
    APPROVED = "approved", gettext_lazy("已审核"), "text-bg-success"
    LATE = "late", gettext_lazy("逾期"), "text-bg-warning"
    MISSING = "missing", gettext_lazy("缺报"), "text-bg-danger"
    ALL = (NOT_STARTED, DRAFT, SUBMITTED, APPROVED, LATE, MISSING)


@dataclass
class UnitProgress:
    unit: Organisation
    required: int
    draft: int = 0
    submitted: int = 0
    approved: int = 0
    returned: int = 0
    last_submitted_at: dt.datetime | None = None
    state: tuple = UnitState.NOT_STARTED
    submitted_late: bool = False
    figures: Figures | None = None  # approved basis

    @property
    def missing(self) -> int:
        return self.required - self.draft - self.submitted - self.approved - self.returned

    @property
    def to_chase(self) -> bool:
        return self.state in (UnitState.LATE, UnitState.MISSING, UnitState.NOT_STARTED, UnitState.DRAFT)


@dataclass
class OfficeOverview:
    year: int
    month: int
    due: dt.date
    overdue: bool
    units: list[UnitProgress]
    figures: Figures | None = None  # the whole scope, approved basis

    @property
    def state_counts(self) -> list[tuple[tuple, int]]:
        return [(s, sum(1 for u in self.units if u.state == s)) for s in UnitState.ALL]

    @property
    def totals(self) -> dict:
        keys = ("required", "draft", "submitted", "approved", "returned", "missing")
        return {k: sum(getattr(u, k) for u in self.units) for k in keys}

    @property
    def to_chase(self) -> list[UnitProgress]:
        return [u for u in self.units if u.to_chase]


def _state(p: UnitProgress, overdue: bool) -> tuple:
    done = p.submitted + p.approved
    if p.required and p.approved == p.required:
        return UnitState.APPROVED
    if p.required and done == p.required:
        return UnitState.SUBMITTED
    started = p.draft + p.returned + done
    if overdue:
        return UnitState.LATE if started else UnitState.MISSING
    return UnitState.DRAFT if started else UnitState.NOT_STARTED


def office_overview(*, user, year: int, month: int, today: dt.date | None = None) -> OfficeOverview:
    """Each reporting unit's state for (year, month) against the due day, and its approved figures
    (and the whole scope's); six queries."""
    overview = unit_states(user=user, year=year, month=month, today=today)
    # Each unit's figures on the approved basis, for the projects whose reporting unit lies in its
    # subtree (what its grid's approved line shows), and the whole scope's.
    by_unit = measures.figures_by_subtree(
        units=[p.unit for p in overview.units],
        projects=Project.objects.filter(project_scope_q(user)),
        year=year,
        month=month,
        basis=Basis.APPROVED,
    )
    for p in overview.units:
        p.figures = by_unit[p.unit.pk]
    overview.figures = by_unit[None]
    return overview


def unit_states(*, user, year: int, month: int, today: dt.date | None = None) -> OfficeOverview:
    """Each reporting unit's state for (year, month) against the due day, without figures (three
    queries): the start page's list of units to chase."""
    today = today or timezone.localdate()
    due = due_date(year, month)
    overdue = today > due
    units = {u.pk: u for u in reporting_units_for_user(user)}
    # Who owes the month follows the stage history (a 前期 project offered in the grid owes nothing).
    owed = owing_projects(year=year, month=month)
    required = {
        row["reporting_unit_id"]: row["n"]
        for row in owed.filter(project_scope_q(user), reporting_unit_id__in=list(units))
        .order_by()
        .values("reporting_unit_id")
        .annotate(n=Count("pk"))
    }
    progress = {pk: UnitProgress(unit=units[pk], required=n) for pk, n in required.items()}
    rows = (
        MonthlyReport.objects.filter(
            year=year,
            month=month,
            project__in=owed.filter(reporting_unit_id__in=list(progress)).order_by().values("pk"),
        )
        .order_by()
        .values("project__reporting_unit_id", "status")
        .annotate(n=Count("pk"), last=Max("submitted_at"))
    )
    for row in rows:
        p = progress.get(row["project__reporting_unit_id"])
        if p is None:
            continue
        setattr(p, row["status"], getattr(p, row["status"]) + row["n"])
        if row["last"] and (p.last_submitted_at is None or row["last"] > p.last_submitted_at):
            p.last_submitted_at = row["last"]
    for p in progress.values():
        p.state = _state(p, overdue)
        p.submitted_late = bool(p.last_submitted_at and timezone.localtime(p.last_submitted_at).date() > due)
    ordered = sorted(progress.values(), key=lambda p: (p.unit.sort_order, p.unit.pk))
    return OfficeOverview(year=year, month=month, due=due, overdue=overdue, units=ordered)
