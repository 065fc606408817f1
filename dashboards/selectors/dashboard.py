"""The dashboard of a scope for a month: everything a leader reads on Monday, from the figures layer,
cached per (scope, month, basis) until a report of that year is approved or corrected.

Published figures are on the approved basis (审核口径) only; the page says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache

from projects.models import Project
from reporting import figures_cache, measures
from reporting.measures import Basis, Counts, Figures

from ..models import Target
from .scopes import CITY, Scope, areas, departments

BEHIND_LIMIT = 15


@dataclass(frozen=True)
class PaceLine:
    """A 骏马/蜗牛 entry or a key project behind time, with the sentence saying why."""

    project_id: int
    name: str
    area: str
    group: str
    rank: int
    group_size: int
    figures: Figures
    why: str


@dataclass(frozen=True)
class GroupLine:
    org_id: int
    name: str
    figures: Figures
    counts: Counts


@dataclass
class Dashboard:
    scope_kind: str
    scope_id: int | None
    scope_name: str
    year: int
    month: int
    basis: str
    figures: Figures
    counts: Counts
    series: list
    yoy: tuple  # (this year's list 1–N月, last year's list 1–N月, 同比 %)
    structure: dict
    slogan: tuple
    target: dict | None
    by_area: list[GroupLine] = field(default_factory=list)
    by_department: list[GroupLine] = field(default_factory=list)
    fast: list[PaceLine] = field(default_factory=list)
    slow: list[PaceLine] = field(default_factory=list)
    behind: list[PaceLine] = field(default_factory=list)


def _why(f: Figures, group: str, rank: int, size: int) -> str:
    gap = f.vs_time_progress_pp
    words = "—" if gap is None else f"{'超过' if gap >= 0 else '低于'}时间进度{abs(gap)}个百分点"
    rate = "—" if f.completion_rate is None else f"{f.completion_rate}%"
    return (
        f"1-{f.month}月完成投资{f.ytd_completed:,.2f}万元，占年度计划{f.annual_plan:,.2f}万元的{rate}，"
        f"{words}；在“{group}”{size}个项目中排第{rank}位"
    )


def _pace(scope: Scope, year: int, month: int):
    ranking = measures.pace_ranking(
        projects=scope.projects(), year=year, month=month, bands=settings.PACE_BANDS
    )
    fast, slow = measures.fastest_and_slowest(
        ranking,
        top=settings.PACE_TOP,
        fast_min_pp=Decimal(settings.PACE_FAST_MIN_PP),
        slow_max_pp=Decimal(settings.PACE_SLOW_MAX_PP),
    )
    key_entries = sorted(
        (
            e
            for e in ranking.get("重点项目", [])
            if e.vs_time_progress_pp is not None and e.vs_time_progress_pp < 0
        ),
        key=lambda e: (e.vs_time_progress_pp, e.project_id),
    )[:BEHIND_LIMIT]
    # Full figures for every listed project at once (two queries).
    listed = {
        e.project_id: e for e in measures.with_figures([*fast, *slow, *key_entries], year=year, month=month)
    }
    fast, slow, key_entries = ([listed[e.project_id] for e in group] for group in (fast, slow, key_entries))
    wanted = {e.project_id for e in (*fast, *slow, *key_entries)}
    names = {
        row["pk"]: row
        for row in Project.objects.filter(pk__in=wanted).values(
            "pk", "name", "county__short_name", "county__name"
        )
    }

    def line(e):
        row = names[e.project_id]
        return PaceLine(
            project_id=e.project_id,
            name=row["name"],
            area=row["county__short_name"] or row["county__name"],
            group=e.group,
            rank=e.rank,
            group_size=e.group_size,
            figures=e.figures,
            why=_why(e.figures, e.group, e.rank, e.group_size),
        )

    return [line(e) for e in fast], [line(e) for e in slow], [line(e) for e in key_entries]


def _target(scope: Scope, year: int) -> dict | None:
    row = (
        (
            Target.objects.filter(year=year, organisation__kind="city")
            if scope.org is None
            else Target.objects.filter(year=year, organisation=scope.org)
        )
        .values()
        .first()
    )
    return row


def compute_dashboard(scope: Scope, year: int, month: int) -> Dashboard:
    """Everything on one scope's dashboard. The city's figures and counts are the sums of its
    counties' (one pass each for the city, its counties and its departments)."""
    projects = scope.projects()
    period = {"year": year, "month": month}
    by_area, by_department = [], []
    dims = ("county", "department") if scope.kind == "city" else ()
    money = measures.money_view(projects=projects, dims=dims, **period)
    figures, groups = money.figures, money.groups
    counts, count_groups = measures.counts_by_each(projects=projects, dims=dims, **period)
    if scope.kind == "city":
        empty = Figures.from_sums(measures.Sums(), basis=Basis.APPROVED, **period)
        by_area = [
            GroupLine(
                o.pk,
                o.display_name,
                groups["county"].get(o.pk, empty),
                count_groups["county"].get(o.pk, Counts()),
            )
            for o in areas()
        ]
        by_department = [
            GroupLine(
                o.pk,
                o.display_name,
                groups["department"][o.pk],
                count_groups["department"].get(o.pk, Counts()),
            )
            for o in departments()
            if o.pk in groups["department"] and groups["department"][o.pk].annual_plan
        ]
    fast, slow, behind = _pace(scope, year, month)
    return Dashboard(
        scope_kind=scope.kind,
        scope_id=scope.org_id,
        scope_name=scope.name,
        year=year,
        month=month,
        basis=Basis.APPROVED.value,
        figures=figures,
        counts=counts,
        series=money.series,
        yoy=money.yoy,
        structure=money.structure,
        slogan=measures.quarter_slogan(month, figures.completion_rate),
        target=_target(scope, year),
        by_area=by_area,
        by_department=by_department,
        fast=fast,
        slow=slow,
        behind=behind,
    )


def dashboard_for(scope: Scope, year: int, month: int) -> Dashboard:
    """The scope's dashboard, from the cache when the figures of that year have not changed since."""
    key = figures_cache.key("dashboard", year, month, scope.key, Basis.APPROVED.value)
    dash = cache.get(key)
    if dash is None:
        dash = compute_dashboard(scope, year, month)
        cache.set(key, dash, figures_cache.seconds())
    return dash


def city_dashboard(year: int, month: int) -> Dashboard:
    return dashboard_for(CITY, year, month)
