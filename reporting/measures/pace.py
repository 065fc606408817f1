"""骏马 / 蜗牛: the pace lists by size band, and the money view. Part of the figures layer: see `reporting.measures`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.db import models
from django.db.models import F, Q, Sum, Value
from django.db.models.functions import Cast, Round

from projects.models import AnnualPlan
from projects.money import ZERO, as_money
from projects.periods import month_end

from .basis import Basis, counted_values, growth
from .figures import (
    Figures,
    Sums,
    _figures_of,
    _money,
    _money_sum,
    _months_read,
    _paths,
    _plans,
    _project_filter,
    _value_sums,
    figures_by_project,
)
from .series import STRUCTURE_FLAGS, _series, _share

# --- 骏马 / 蜗牛 --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PaceEntry:
    project_id: int
    group: str  # its class: 重点项目 or a size band
    rank: int  # within the class, fastest first
    group_size: int
    vs_time_progress_pp: Decimal | None  # 超(+)/低于(−)时间进度
    completion_rate: Decimal | None
    figures: Figures | None = None  # filled in for the entries a list shows (fastest_and_slowest)


def size_band(annual_plan: Decimal, bands) -> str:
    """The class of a project by annual plan: `bands` is [(lower bound 万元, label)], largest first."""
    for lower, label in bands:
        if annual_plan >= Decimal(lower):
            return label
    return bands[-1][1]


def _div_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator (> 0) rounded half up, away from zero, to a whole number: exactly."""
    q, r = divmod(abs(numerator), denominator)
    if 2 * r >= denominator:
        q += 1
    return -q if numerator < 0 else q


def _half_up(numerator: int, denominator: int) -> Decimal:
    """numerator / (10·denominator) rounded half up to one decimal, in exact integer arithmetic: the
    same Decimal as `round_rate` of the quotient (for a positive denominator), "-0.0" included."""
    tenths = Decimal(abs(_div_half_up(numerator, denominator))).scaleb(-1)
    return tenths.copy_negate() if numerator < 0 else tenths


def _cents(amount: Decimal) -> int:
    """An amount in 万元 with two places as a whole number of hundredths."""
    return int(amount * 100)


def _in_cents(expression):
    """An amount (万元, two places) as a whole number of hundredths, computed by the database (rounded
    before the cast: SQLite sums amounts as floating point)."""
    return Cast(Round(expression * Value(100)), models.BigIntegerField())


def _pace_classes(projects, year: int, month: int, bands, as_of) -> dict[str, list[tuple]]:
    """Each class's members in ranking order, as `(−gap, −完成率, project id, gap numerator, 完成率
    numerator, base)`: the gap and 完成率 rounded to whole tenths of a point (as `_div_half_up`), and
    what `_half_up` turns into their Decimals. Two queries; amounts arrive as whole hundredths."""
    scope = _project_filter(projects)
    plans = (
        AnnualPlan.objects.filter(
            year=year, planned_investment__gt=0, project__actual_start__lte=month_end(year, month), **scope
        )
        .order_by()
        .values_list("project_id", _in_cents(F("planned_investment")), "project__key_level")
    )
    ytd = dict(
        counted_values(basis=Basis.APPROVED, as_of=as_of)
        .filter(year=year, month__lte=month, **scope)
        .order_by()
        .values_list("project_id")
        .annotate(total=_in_cents(Sum("invested")))
    )
    bounds = [(_cents(Decimal(lower)), label) for lower, label in bands]
    groups: dict[str, list[tuple]] = {}
    behind_time = month * 100
    for pid, base, key_level in plans:
        done = ytd.get(pid, 0)
        # (ytd·1200 − N·100·plan) / (12·plan) and ytd·100 / plan in tenths of a point, rounded half
        # up (away from zero): `_div_half_up` written out, as it runs for every project ranked.
        gap, gap_base = (done * 1200 - behind_time * base) * 10, 12 * base
        q, r = divmod(abs(gap), gap_base)
        gap_tenths = q + (2 * r >= gap_base)
        completion = done * 1000
        c, r = divmod(completion, base)
        completion_tenths = c + (2 * r >= base)
        if key_level:
            group = "重点项目"
        else:
            group = next((label for lower, label in bounds if base >= lower), bounds[-1][1])
        groups.setdefault(group, []).append(
            (gap_tenths if gap < 0 else -gap_tenths, -completion_tenths, pid, gap, completion, base)
        )
    for members in groups.values():
        members.sort()
    return groups


def _pace_entry(group: str, rank: int, size: int, member: tuple) -> PaceEntry:
    _, _, pid, gap, completion, base = member
    return PaceEntry(pid, group, rank, size, _half_up(gap, 12 * base), _half_up(completion, base))


def pace_ranking(
    *, projects, year: int, month: int, bands, as_of: dt.datetime | None = None
) -> dict[str, list[PaceEntry]]:
    """Projects with an annual plan that have started by month N, ranked within their class (key
    projects together, the rest by size band) by the gap to 时间进度, fastest first; ties by 完成率
    then id. Two queries (the plans, the year's counted values), whatever the number of projects.

    Every started project of the plan is ranked (thousands in a city), so the gap and 完成率 are worked
    out in whole hundredths of 万元 (`_half_up`): the same numbers as `gap_to_time_progress` and
    `rate`, without a Decimal division per project."""
    return {
        group: [_pace_entry(group, i + 1, len(members), m) for i, m in enumerate(members)]
        for group, members in _pace_classes(projects, year, month, bands, as_of).items()
    }


def pace_lists(
    *,
    projects,
    year: int,
    month: int,
    bands,
    top: int,
    fast_min_pp: Decimal,
    slow_max_pp: Decimal,
    behind_limit: int,
    as_of: dt.datetime | None = None,
) -> tuple[list[PaceEntry], list[PaceEntry], list[PaceEntry]]:
    """What a dashboard lists of the ranking: 骏马 and 蜗牛 (`fastest_and_slowest` of `pace_ranking`)
    and the key projects behind 时间进度, slowest first (at most `behind_limit`) — the same entries,
    made only for the projects listed rather than for every project ranked. Two queries."""
    fast_min, slow_max = Decimal(fast_min_pp) * 10, Decimal(slow_max_pp) * 10  # in tenths
    fast, slow, behind = [], [], []
    for group, members in _pace_classes(projects, year, month, bands, as_of).items():
        size = len(members)
        fast += [_pace_entry(group, i + 1, size, m) for i, m in enumerate(members[:top]) if -m[0] >= fast_min]
        tail = [(size - i, m) for i, m in enumerate(reversed(members)) if -m[0] <= slow_max][:top]
        slow += [_pace_entry(group, rank, size, m) for rank, m in tail]
        if group == "重点项目":
            late = [(rank, m) for rank, m in enumerate(members, 1) if m[0] > 0]
            late.sort(key=lambda r: (-r[1][0], r[1][2]))
            behind = [_pace_entry(group, rank, size, m) for rank, m in late[:behind_limit]]
    fast.sort(key=lambda e: (-e.vs_time_progress_pp, e.project_id))
    slow.sort(key=lambda e: (e.vs_time_progress_pp, e.project_id))
    return fast, slow, behind


def fastest_and_slowest(
    ranking: dict[str, list[PaceEntry]], *, top: int, fast_min_pp: Decimal, slow_max_pp: Decimal
) -> tuple[list[PaceEntry], list[PaceEntry]]:
    """骏马: each class's first `top` that are at least `fast_min_pp` ahead of 时间进度; 蜗牛: each
    class's last `top` at least `-slow_max_pp` behind (slowest first). `with_figures` adds their figures."""
    fast, slow = [], []
    for entries in ranking.values():
        fast += [
            e
            for e in entries[:top]
            if e.vs_time_progress_pp is not None and e.vs_time_progress_pp >= fast_min_pp
        ]
        tail = [
            e
            for e in reversed(entries)
            if e.vs_time_progress_pp is not None and e.vs_time_progress_pp <= slow_max_pp
        ]
        slow += tail[:top]
    fast.sort(key=lambda e: (-e.vs_time_progress_pp, e.project_id))
    slow.sort(key=lambda e: (e.vs_time_progress_pp, e.project_id))
    return fast, slow


def with_figures(entries: list[PaceEntry], *, year: int, month: int, as_of=None) -> list[PaceEntry]:
    """The entries with each project's full figures (two queries for all of them)."""
    if not entries:
        return []
    figs = figures_by_project(
        project_ids=[e.project_id for e in entries], year=year, month=month, as_of=as_of
    )
    return [replace(e, figures=figs[e.project_id]) for e in entries]


@dataclass(frozen=True)
class MoneyView:
    """Everything a dashboard shows about money, from one scan of the counted values (see `money_view`)."""

    figures: Figures
    groups: dict  # {dim: {key: Figures}}
    structure: dict  # {flag: Share}
    series: list  # monthly_completion rows
    yoy: tuple  # (this year's plan list 1–N月, last year's plan list 1–N月, 同比 %)
    group_yoy: dict = field(default_factory=dict)  # {dim: {key: (this, last, 同比 %)}} as yoy_on_plan_sets_by
    group_structure: dict = field(default_factory=dict)  # {dim: {key: {flag: Share}}} as structure_by


def money_view(
    *, projects, dims: Iterable[str] = (), year: int, month: int, as_of: dt.datetime | None = None
) -> MoneyView:
    """A dashboard's money in three queries (the plans and the values, each grouped by `dims` and the
    structure flags; the values by month): the same numbers as `figures_by`, `monthly_completion`,
    `yoy_on_plan_sets_by` and `structure_by` (for the whole set and by each of `dims`), from one scan
    of the values instead of one each (and an index-only pass for the monthly line)."""
    dims = tuple(dims)
    flags = tuple(STRUCTURE_FLAGS)
    scope = _project_filter(projects)
    paths = _paths(dims + flags)
    period = {"year": year, "month": month, "basis": Basis.APPROVED, "as_of": as_of}

    def in_plan(y):
        return Q(project_id__in=AnnualPlan.objects.filter(year=y).values("project_id"))

    plans = _plans(projects, year).values(*paths).annotate(total=_money_sum("planned_investment"))
    sums: dict = {tuple(row[p] for p in paths): Sums(annual_plan=as_money(row["total"])) for row in plans}
    counted = counted_values(basis=Basis.APPROVED, as_of=as_of)
    # Each group's sums as conditional sums over the rows (a few hundred groups for a city): the
    # office's 同比 counts each year's values of the projects in that year's plan only.
    aggregates = {
        **_value_sums(year, month),
        "this_list": _money_sum("invested", Q(year=year, month__lte=month) & in_plan(year)),
        "last_list": _money_sum("invested", Q(year=year - 1, month__lte=month) & in_plan(year - 1)),
    }
    if month == 1:  # the values read include last December's, which 同比 does not look at
        aggregates["in_yoy"] = models.Count("pk", filter=Q(month__lte=month))
    values = (
        counted.filter(_months_read(year, month), **scope).order_by().values(*paths).annotate(**aggregates)
    )
    listed: dict = {}  # key → (this year's list 1–N月, last year's list 1–N月), keys with values 1–N月
    for row in values:
        key = tuple(row.pop(p) for p in paths)
        this_list, last_list = as_money(row.pop("this_list")), as_money(row.pop("last_list"))
        if row.pop("in_yoy", 1):
            listed[key] = (this_list, last_list)
        sums[key] = replace(sums.get(key, Sums()), **_money(row))
    by_month = dict(
        counted.filter(year=year, month__lte=month, **scope)
        .order_by()
        .values_list("month")
        .annotate(total=_money_sum("invested"))
    )

    def yoy_of(pairs) -> dict:
        rolled: dict = {}
        for group, (this, last) in pairs:
            before = rolled.get(group, (ZERO, ZERO))
            rolled[group] = (before[0] + this, before[1] + last)
        return {group: (this, last, growth(this, last)) for group, (this, last) in rolled.items()}

    def structure_of(pairs) -> dict:
        wholes: dict = {}
        parts: dict = {}
        for group, key, part in pairs:
            wholes[group] = wholes.get(group, Sums()) + part
            for flag, marked in zip(flags, key[len(dims) :], strict=True):
                if marked:
                    parts[(group, flag)] = parts.get((group, flag), Sums()) + part
        return {
            group: {flag: _share(parts.get((group, flag), Sums()), whole) for flag in flags}
            for group, whole in wholes.items()
        }

    total = sum(sums.values(), Sums())
    groups, group_yoy, group_structure = {}, {}, {}
    for i, dim in enumerate(dims):
        rolled: dict = {}
        for key, part in sums.items():
            rolled[key[i]] = rolled.get(key[i], Sums()) + part
        groups[dim] = _figures_of(rolled, rolled, **period)
        group_yoy[dim] = yoy_of((key[i], pair) for key, pair in listed.items())
        group_structure[dim] = structure_of((key[i], key, part) for key, part in sums.items())
    whole = structure_of((None, key, part) for key, part in sums.items()).get(None, {})
    this_list, last_list = yoy_of((None, pair) for pair in listed.values()).get(None, (ZERO, ZERO, None))[:2]
    return MoneyView(
        figures=Figures.from_sums(total, **period),
        groups=groups,
        structure=whole,
        series=_series(by_month, total.annual_plan, month),
        yoy=(this_list, last_list, growth(this_list, last_list)),
        group_yoy=group_yoy,
        group_structure=group_structure,
    )
