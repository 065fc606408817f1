"""The project sets the dashboards count (开工, 复工, 竣工 …) and their counts by group. Part of the figures layer: see `reporting.measures`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.db.models import F, OuterRef, Q, QuerySet
from django.db.models.functions import ExtractMonth
from django.utils.translation import gettext_lazy as _

from projects.models import AnnualPlan, StageChange
from projects.money import ZERO, as_money
from projects.periods import month_end

from .basis import Basis, counted_values, rate
from .figures import _money_sum, _project_filter
from .series import STRUCTURE_FLAGS

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
