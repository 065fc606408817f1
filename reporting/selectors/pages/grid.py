"""A unit's month as the grid shows it, and what 全部提交 left behind."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, Subquery
from django.utils.functional import cached_property

from accounts.models import AuditLog, Organisation
from accounts.scoping import subtree_ids
from config import compiled
from projects import periods
from projects.choices import Stage
from projects.models import AnnualPlan, Project
from projects.money import ZERO, as_money
from projects.parsing import CellError, parse_money
from projects.selectors.projects import MONEY

from ... import measures
from ...choices import EDITABLE_REPORT_STATUSES, ReportStatus
from ...measures import Basis, Figures
from ...models import MonthlyReport, ReportPhoto
from ..reports import in_grid_q, owing_projects, reporting_projects

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
