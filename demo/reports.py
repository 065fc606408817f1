"""Two years of monthly progress for the demo projects, with the seasons of a northern building site:
little in January and February (frost, the Spring Festival), most mid-year, a rush in December."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from projects.choices import Stage
from projects.models import Project
from projects.money import ZERO, as_money
from reporting.choices import ReportStatus
from reporting.models import MonthlyReport, ReportRevision

from .catalogue import CORRECTION_REASONS, PROBLEMS, PROGRESS, RETURN_REASONS
from .fastinsert import row
from .projects import ProjectMeta, aware

# Share of a year's plan done in each month (sums to 1).
_RAW_WEIGHTS = (3.5, 3.5, 7.0, 8.0, 9.0, 10.0, 10.0, 9.0, 9.0, 8.5, 8.5, 14.0)
SEASONAL_WEIGHTS = tuple(w / sum(_RAW_WEIGHTS) for w in _RAW_WEIGHTS)
WINDOW_MONTHS = 24
DUE_DAY = 5
# The month just closed: how its reports stand on the demo's "today".
LAST_MONTH_MIX = (
    ("approved", 0.60),
    ("submitted", 0.15),
    ("draft", 0.10),
    ("returned", 0.05),
    ("missing", 0.10),
)
CORRECTED_SHARE = 0.02
CURRENT_MONTH_DRAFT_SHARE = 0.2


def month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def year_month(index: int) -> tuple[int, int]:
    year, month0 = divmod(index, 12)
    return year, month0 + 1


def image_progress(kind: str, percent: float) -> str:
    """The phrase for the phase the project is in; {p} is how far that phase has got."""
    lower = 0
    for bound, phrase in PROGRESS[kind]:
        if percent <= bound:
            within = (percent - lower) / max(1, bound - lower) * 100
            return phrase.format(p=min(100, max(5, int(within))), n=max(1, int(percent / 4)))
        lower = bound
    return PROGRESS[kind][-1][1].format(p=100, n=25)


class ReportBuilder:
    def __init__(
        self, *, today: dt.date, seed: int, reporter_for, reviewer_for, current_month_drafts: bool = True
    ):
        self.today = today
        self.seed = seed
        self.reporter_for = reporter_for
        self.reviewer_for = reviewer_for
        self.now = aware(today, 9)
        self.current = month_index(today)
        self.first = self.current - WINDOW_MONTHS
        self.current_month_drafts = current_month_drafts
        # 泽州县 keeps this month's grid empty so the browser demo can fill it in.
        self.empty_current_month_counties = {"zezhou"}

    def _at(self, day: dt.date, rng: random.Random) -> dt.datetime:
        moment = aware(day, rng.randint(8, 18), rng.randrange(60))
        return min(moment, self.now)

    def build(self, project: Project, meta: ProjectMeta, index: int):
        """(reports, revisions-by-report) for one project; revisions get their report after insert."""
        start = project.actual_start
        if start is None:
            return [], []
        rng = random.Random(self.seed * 100_003 + index)
        first = max(self.first, month_index(start))
        end = meta.end_date
        last = self.current if end is None else min(self.current, month_index(end))
        if project.stage == Stage.SUSPENDED and end is not None:
            last = min(last, month_index(end) - 1)
        if last < first:
            return [], []
        total = project.total_investment
        reporter, reviewer = self.reporter_for(project), self.reviewer_for(project)
        reporter = reporter.pk if reporter else None
        reviewer = reviewer.pk if reviewer else None
        start_index = month_index(start)
        percent_prev = 0.0
        spent = ZERO
        reports, revisions = [], []
        for period in range(first, last + 1):
            year, month = year_month(period)
            completes_now = end is not None and project.actual_completion and period == month_index(end)
            if period == self.current:
                if not self.current_month_drafts or meta.area_key in self.empty_current_month_counties:
                    continue
                if rng.random() >= CURRENT_MONTH_DRAFT_SHARE:
                    continue
                status = "draft"
            elif period == self.current - 1:
                status = rng.choices([s for s, _ in LAST_MONTH_MIX], [w for _, w in LAST_MONTH_MIX])[0]
            else:
                status = "approved"
            invested = self._invested(meta, year, month, start, end, rng)
            invested = min(invested, max(ZERO, total - spent))
            spent += invested
            elapsed = (period - start_index + 1) / meta.duration_months * 100 * meta.performance**0.5
            percent = 100.0 if completes_now else min(99.0, max(percent_prev, elapsed, 1.0))
            percent_prev = percent
            if status == "missing":
                continue
            report = row(
                MonthlyReport,
                project_id=project.pk,
                year=year,
                month=month,
                invested=invested,
                image_progress=image_progress(meta.profile_progress, percent),
                percent_complete=Decimal(f"{percent:.2f}"),
                problems=rng.choice(PROBLEMS) if rng.random() < 0.08 else "",
                updated_by_id=reporter,
            )
            self._workflow(report, status, period, rng, reporter, reviewer, revisions)
            reports.append(report)
        return reports, revisions

    def _invested(self, meta: ProjectMeta, year, month, start, end, rng) -> Decimal:
        plan = meta.plans.get(year)
        if not plan:
            return ZERO
        first_month = start.month if start.year == year else 1
        last_month = end.month if end and end.year == year else 12
        active = sum(SEASONAL_WEIGHTS[m - 1] for m in range(first_month, last_month + 1)) or 1.0
        share = SEASONAL_WEIGHTS[month - 1] / active
        value = plan * share * meta.performance * rng.uniform(0.6, 1.4)
        if rng.random() < 0.03:
            value = 0  # a month with nothing done: winter stop, a dispute
        return as_money(round(value, 2))

    def _workflow(self, report, status, period, rng, reporter, reviewer, revisions):
        # Reports are made in the following month; this month's early drafts in this month.
        made_in = min(period + 1, self.current)
        year, month = year_month(made_in)
        days_in_window = self.today.day if made_in == self.current else 28
        report.created_at = self._at(dt.date(year, month, 1), rng)
        if status == "draft":
            day = dt.date(year, month, 1) + dt.timedelta(days=rng.randrange(max(1, days_in_window)))
            report.status = ReportStatus.DRAFT
            report.updated_at = self._at(min(day, self.today), rng)
            report.version = rng.randint(1, 3)
            if report.updated_at < report.created_at:
                report.created_at = report.updated_at
            return
        late = rng.random() < 0.12
        latest = min(days_in_window, 12)
        day_no = (
            rng.randint(DUE_DAY + 1, max(DUE_DAY + 1, latest))
            if late and latest > DUE_DAY
            else rng.randint(1, min(DUE_DAY, max(1, latest)))
        )
        submitted = self._at(dt.date(year, month, day_no), rng)
        report.created_at = min(report.created_at, submitted)
        report.submitted_at, report.submitted_by_id = submitted, reporter
        report.updated_at = submitted
        report.version = 2
        if status == "submitted":
            report.status = ReportStatus.SUBMITTED
            return
        reviewed = min(self.now, submitted + dt.timedelta(days=rng.randint(0, 3), hours=rng.randint(1, 6)))
        report.reviewed_at, report.reviewed_by_id = reviewed, reviewer
        report.updated_at = reviewed
        report.version = 3
        if status == "returned":
            report.status = ReportStatus.RETURNED
            report.return_reason = rng.choice(RETURN_REASONS)
            report.returned_version = report.version  # returned and not yet reworked
            return
        report.status = ReportStatus.APPROVED
        # As `reports_approve` does: each approval freezes the report under its current revision
        # number, 0 for the first approval, n after the n-th correction.
        first = _frozen_copy(report, revision=0, approved_at=reviewed, approved_by_id=reviewer)
        revisions.append(first)
        if period <= self.current - 2 and rng.random() < CORRECTED_SHARE:
            corrected_at = min(self.now, reviewed + dt.timedelta(days=rng.randint(7, 40)))
            first.invested = as_money(report.invested * Decimal(str(round(rng.uniform(0.7, 1.3), 2))))
            first.superseded_at = corrected_at
            report.revision = 1
            report.version = 6
            report.correction_reason = rng.choice(CORRECTION_REASONS)
            report.updated_at = corrected_at
            report.reviewed_at = corrected_at
            revisions.append(
                _frozen_copy(
                    report,
                    revision=1,
                    correction_reason=report.correction_reason,
                    approved_at=corrected_at,
                    approved_by_id=reviewer,
                )
            )


def _frozen_copy(report, *, revision: int, **approval):
    """The ReportRevision an approval leaves behind: the report's figures as they stand, and who approved."""
    return row(
        ReportRevision,
        report=report,
        project_id=report.project_id,
        year=report.year,
        month=report.month,
        revision=revision,
        invested=report.invested,
        image_progress=report.image_progress,
        percent_complete=report.percent_complete,
        problems=report.problems,
        **approval,
    )
