"""Reads behind the monthly-progress pages: the grid, the review list, the office overview.

Every function runs a fixed number of queries whatever the number of projects (the grid of a
unit with 500 projects is one page), and reads only what `accounts.scoping` lets the user see.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, Max, OuterRef, Q, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext, gettext_lazy

from accounts.models import AuditLog, Organisation
from accounts.scoping import organisation_scope_q, project_scope_q, subtree_ids
from config import compiled
from projects import periods
from projects.choices import Stage
from projects.models import AnnualPlan, Project
from projects.money import ZERO, as_money
from projects.parsing import CellError, parse_money
from projects.selectors.projects import MONEY

from .. import measures, permissions
from ..choices import EDITABLE_REPORT_STATUSES, ReportStatus
from ..measures import Basis, Figures
from ..models import MonthlyReport, ReportPhoto
from .reports import ReportTrail, in_grid_q, owing_projects, report_trails, reporting_projects

# --- periods (re-exported for the views: the arithmetic lives in projects.periods) -------------

default_period = periods.default_period
due_date = periods.due_date
parse_period = periods.parse_period
period_choices = periods.period_choices


# --- units ---------------------------------------------------------------------------------


def reporting_units_for_user(user):
    """Units the user may open a grid for: reporting units of projects in its scope, inside its subtree."""
    unit_ids = Project.objects.filter(project_scope_q(user)).order_by().values("reporting_unit_id")
    return Organisation.objects.filter(organisation_scope_q(user), pk__in=unit_ids, is_active=True).order_by(
        "sort_order", "id"
    )


def unit_for_user(user, unit_id) -> Organisation:
    """The unit a page is about: the given one if the user may see it (404 otherwise), else the user's own."""
    if unit_id in (None, ""):
        if user.organisation_id and not user.sees_all_projects:
            return user.organisation
        first = reporting_units_for_user(user).first()
        if first is None:
            if user.organisation_id:
                return user.organisation
            raise Http404(gettext_lazy("没有可填报的单位。"))
        return first
    try:
        pk = int(unit_id)
    except (TypeError, ValueError):
        raise Http404(gettext_lazy("单位不存在。")) from None
    if pk == user.organisation_id:
        return user.organisation  # the user's own unit: no query, and its subtree is read once
    unit = Organisation.objects.filter(organisation_scope_q(user), pk=pk).first()
    if unit is None:
        raise Http404(gettext_lazy("单位不存在。"))
    return unit


# --- the grid ------------------------------------------------------------------------------


@dataclass(slots=True)
class GridRow:
    project_id: int
    code: str
    name: str
    stage: str
    total_investment: Decimal
    annual_plan: Decimal | None
    last_month: Decimal | None
    ytd_before: Decimal
    since_start_before: Decimal
    actual_start: dt.date | None
    report: GridReport | None = None
    # the user's input when a POST is re-rendered with errors
    posted: dict | None = None
    errors: dict = field(default_factory=dict)

    @property
    def row_errors(self) -> list[str]:
        """Errors about the row as a whole (not one cell)."""
        return self.errors.get("__all__", [])

    @property
    def is_prework(self) -> bool:
        return self.stage == Stage.PREWORK

    @property
    def remaining(self) -> Decimal:
        return max(self.total_investment - self.since_start_before, ZERO)

    @property
    def status(self) -> str:
        return self.report.status if self.report else ""

    @property
    def editable(self) -> bool:
        return self.report is None or self.report.status in EDITABLE_REPORT_STATUSES

    @property
    def returned_unchanged(self) -> bool:
        return self.report is not None and self.report.returned_unchanged

    @property
    def version(self):
        return self.report.version if self.report else ""

    @property
    def inputs(self) -> dict:
        """The six input values as the page shows them (posted text after an error)."""
        if self.posted is not None:
            return self.posted
        r = self.report
        if r is None:
            return {"actual_start": self.actual_start.isoformat() if self.actual_start else ""}
        return {
            "invested": r.invested,
            "image_progress": r.image_progress,
            "percent_complete": "" if r.percent_complete is None else r.percent_complete,
            "problems": r.problems,
            "explanation": r.explanation,
            "actual_start": self.actual_start.isoformat() if self.actual_start else "",
        }

    @property
    def needs_explanation(self) -> bool:
        if self.posted is None:  # the saved amount: a Decimal already, nothing to parse
            return self.report is not None and self.report.invested > self.remaining
        try:
            invested = parse_money(self.posted.get("invested"))
        except CellError:
            return False
        return invested is not None and invested > self.remaining

    @property
    def invested(self) -> Decimal | None:
        return self.report.invested if self.report else None

    @property
    def ytd(self) -> Decimal:
        return self.ytd_before + (self.invested or ZERO)

    @property
    def completion_rate(self) -> Decimal | None:
        return measures.rate(self.ytd, self.annual_plan)


# Up to this many projects a unit's figures name them by id (index lookups); beyond it, by subquery.
IDS_INLINE_LIMIT = 800


@dataclass
class Grid:
    unit: Organisation
    year: int
    month: int
    rows: list[GridRow]

    # Every project of the unit (those completed earlier in the year included): the figures below
    # are theirs, against the year's whole plan.
    unit_project_ids: list[int] = field(default_factory=list)

    @cached_property
    def lines(self) -> dict[str, Figures]:
        """The unit's figures for the month: the working line as typed, and the approved line as
        the office and the leaders see it, both from `reporting.measures`. Read only when the page
        is drawn (a save that succeeds redirects without them)."""
        projects = self.unit_project_ids
        if len(projects) > IDS_INLINE_LIMIT:
            # A large unit: a subquery on the indexed reporting unit beats thousands of bound ids.
            projects = Project.objects.filter(reporting_unit_id__in=subtree_ids(self.unit))
        return measures.figures_on_bases(projects=projects, year=self.year, month=self.month)

    @property
    def working(self) -> Figures:
        return self.lines[Basis.WORKING]

    @property
    def approved(self) -> Figures:
        return self.lines[Basis.APPROVED]

    @property
    def totals(self) -> dict:
        """The columns' sums over the rows shown (本月 and 上月 as typed)."""
        return {
            "last_month": sum((r.last_month or ZERO for r in self.rows), ZERO),
            "invested": sum((r.invested or ZERO for r in self.rows), ZERO),
        }

    @property
    def working_base(self) -> Decimal:
        """The unit's working 1–N月 total less this month's saved values of the rows shown: the
        page adds what is typed in the rows to it (static/js/report_grid.js)."""
        return self.working.ytd_completed - sum((r.invested or ZERO for r in self.rows), ZERO)

    @cached_property
    def counts(self) -> dict:
        """Rows by status; "none" is owed and not yet entered, as the office page counts it, and
        "may_start" the 前期 rows offered to start this month (owed only once started). Computed
        once: the page reads it a dozen times."""
        result = {"total": len(self.rows), "none": 0, "may_start": 0}
        for s in ReportStatus:
            result[s.value] = 0
        for r in self.rows:
            result[r.status or ("may_start" if r.is_prework else "none")] += 1
        return result

    @property
    def any_editable(self) -> bool:
        return any(r.editable for r in self.rows)

    @property
    def has_prework(self) -> bool:
        return any(r.is_prework for r in self.rows)

    def by_project(self) -> dict[int, GridRow]:
        return {r.project_id: r for r in self.rows}


@dataclass(slots=True)
class GridReport:
    """What the grid shows of a report (read as plain values: a unit's month is hundreds of rows)."""

    pk: int
    project_id: int
    invested: Decimal
    image_progress: str
    percent_complete: Decimal | None
    problems: str
    explanation: str
    status: str
    version: int
    revision: int
    return_reason: str
    returned_version: int | None

    @property
    def returned_unchanged(self) -> bool:
        return self.status == ReportStatus.RETURNED and self.returned_version == self.version


GRID_REPORT_VALUES = (
    "pk",
    "project_id",
    "invested",
    "image_progress",
    "percent_complete",
    "problems",
    "explanation",
    "status",
    "version",
    "revision",
    "return_reason",
    "returned_version",
)


# A row's running totals when they are not read (a save) or the project has none.
NOTHING_BEFORE = (ZERO, ZERO)


def grid_for(*, unit: Organisation, year: int, month: int, running_totals: bool = True) -> Grid:
    """Every project `unit` must report for (year, month), with last month and the totals before it,
    and the unit's working and approved figures (`Grid.lines`, three queries when the page reads
    them). Three queries for any number of projects: the unit's projects are read once (each marked
    whether the grid shows it), and every later query names them by id, so PostgreSQL looks them up
    by index instead of scanning the report tables."""
    unit_ids = tuple(subtree_ids(unit))

    def unit_projects_qs():
        # One plan per project and year: no order (the model's ordering would join the project table).
        plan = (
            AnnualPlan.objects.filter(project=OuterRef("pk"), year=year)
            .order_by()
            .values("planned_investment")[:1]
        )
        return (
            Project.objects.filter(reporting_unit_id__in=unit_ids)
            .annotate(
                grid_annual_plan=Subquery(plan, output_field=MONEY),
                grid_shown=ExpressionWrapper(in_grid_q(year, month), output_field=BooleanField()),
            )
            .order_by("id")
            .values(
                "id",
                "code",
                "name",
                "stage",
                "total_investment",
                "actual_start",
                "grid_annual_plan",
                "grid_shown",
            )
        )

    # Compiled once per unit and month (config.compiled): on a grid load and a save the ORM's
    # building of these reads cost more than PostgreSQL's running them.
    unit_projects = compiled.values(("grid_projects", unit_ids, year, month), unit_projects_qs)
    projects = [p for p in unit_projects if p["grid_shown"]]
    ids = [p["id"] for p in projects]
    py, pm = periods.previous_month(year, month)
    reports: dict[int, GridReport] = {}
    last: dict[int, Decimal] = {}
    if ids:
        rows = compiled.values(
            ("grid_reports", tuple(ids), year, month),
            lambda: (
                MonthlyReport.objects.filter(
                    Q(year=year, month=month) | Q(year=py, month=pm), compiled.AnyId("project_id", ids)
                )
                .order_by()
                .values("year", "month", *GRID_REPORT_VALUES)
            ),
        )
        for row in rows:
            if (row["year"], row["month"]) == (year, month):
                report = GridReport(*[row[name] for name in GRID_REPORT_VALUES])
                reports[report.project_id] = report
            else:
                last[row["project_id"]] = row["invested"]
    # The unit types on the working basis: its own current values count in its running totals. A
    # save reads only which rows it may write (`running_totals=False`): the page it redirects to
    # reads them again, and a save that fails redraws the grid in full.
    before = (
        measures.completed_before_month(ids, year, month, basis=Basis.WORKING)
        if ids and running_totals
        else {}
    )
    rows = [
        GridRow(
            project_id=p["id"],
            code=p["code"],
            name=p["name"],
            stage=p["stage"],
            total_investment=p["total_investment"] or ZERO,
            annual_plan=None if p["grid_annual_plan"] is None else as_money(p["grid_annual_plan"]),
            last_month=last.get(p["id"]),
            ytd_before=before.get(p["id"], NOTHING_BEFORE)[0],
            since_start_before=before.get(p["id"], NOTHING_BEFORE)[1],
            actual_start=p["actual_start"],
            report=reports.get(p["id"]),
        )
        for p in projects
    ]
    return Grid(
        unit=unit, year=year, month=month, rows=rows, unit_project_ids=[p["id"] for p in unit_projects]
    )


def grid_leftovers(*, unit: Organisation, year: int, month: int) -> dict:
    """What 全部提交 left behind in `unit`'s month: the returned reports nobody changed since their
    return (name and reason), and how many owed projects have no report yet (two queries)."""
    projects = reporting_projects(unit=unit, year=year, month=month).order_by().values("pk")
    returned = [
        r
        for r in MonthlyReport.objects.filter(
            project__in=projects, year=year, month=month, status=ReportStatus.RETURNED
        )
        .select_related("project")
        .only("status", "version", "returned_version", "return_reason", "project__name")
        .order_by("project_id")
        if r.returned_unchanged
    ]
    missing = (
        owing_projects(unit=unit, year=year, month=month)
        .filter(~Exists(MonthlyReport.objects.filter(project=OuterRef("pk"), year=year, month=month)))
        .count()
    )
    return {"returned": [(r.project.name, r.return_reason) for r in returned], "missing": missing}


def report_history(report: MonthlyReport, limit: int = 100):
    """Every recorded step of one report and its photos, newest first (one query)."""
    report_type = ContentType.objects.get_for_model(MonthlyReport)
    photo_type = ContentType.objects.get_for_model(ReportPhoto)
    photo_ids = [str(p.pk) for p in report.photos.all()]
    return (
        AuditLog.objects.filter(
            Q(content_type=report_type, object_id=str(report.pk))
            | Q(content_type=photo_type, object_id__in=photo_ids)
        )
        .select_related("actor", "content_type")
        .order_by("-at", "-id")[:limit]
    )


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


# --- the dossier's progress card -------------------------------------------------------------

DOSSIER_MONTHS = 24


def _num(value):
    return None if value is None else float(value)


def dossier_progress(*, project, months: int = DOSSIER_MONTHS) -> dict:
    """The dossier's month-by-month table and chart (three queries whatever the project's age)."""
    series = measures.project_series(project=project, basis=Basis.APPROVED, months=0)
    for row in series:
        row["pk"] = row["report_id"]
    shown = list(reversed(series[-months:]))
    chart = {
        "labels": [f"{r['year']}-{r['month']:02d}" for r in series[-months:]],
        "invested": [_num(r["invested"]) for r in series[-months:]],
        "ytd": [_num(r["ytd"]) for r in series[-months:]],
        "plan": [_num(r["annual_plan"]) for r in series[-months:]],
        # The legend and axis in the reader's language (the script has no words of its own).
        "names": {
            "invested": gettext("本月完成投资"),
            "ytd": gettext("本年累计"),
            "plan": gettext("年度计划"),
            "unit": gettext("万元"),
        },
    }
    year, month = default_period()
    reported = [r for r in series if r["status"]]
    latest = reported[-1] if reported else (series[-1] if series else None)
    return {
        "project": project,
        "rows": shown,
        "has_more": len(series) > months,
        "all_rows": list(reversed(series)) if len(series) > months else [],
        "chart": chart,
        "latest": latest,
        "since_start": series[-1]["cumulative"] if series else ZERO,
        "grid_year": year,
        "grid_month": month,
        "unit_id": project.reporting_unit_id,
    }
