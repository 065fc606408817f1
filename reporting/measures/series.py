"""Month by month, 同比 on the office's basis, and the structure of investment. Part of the figures layer: see `reporting.measures`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from projects.models import AnnualPlan
from projects.money import ZERO, as_money

from .basis import Basis, counted_values, gap_to_time_progress, growth, rate, round_rate, time_progress
from .figures import Sums, _money_sum, _paths, _plans, _project_filter, sums_by

# --- month by month, 同比 on the office's basis, structure --------------------------------------


def monthly_completion(
    *, projects, year: int, month: int, basis: str = Basis.APPROVED, as_of: dt.datetime | None = None
) -> list[dict]:
    """1..N: each month's invested, 1–N月累计, 完成率 and 时间进度 (the dashboard's line). Two queries."""
    plan = as_money(_plans(projects, year).aggregate(total=_money_sum("planned_investment"))["total"])
    by_month = dict(
        counted_values(basis=basis, as_of=as_of)
        .filter(year=year, month__lte=month, **_project_filter(projects))
        .order_by()
        .values_list("month")
        .annotate(total=_money_sum("invested"))
    )
    return _series(by_month, plan, month)


def _series(by_month: dict, plan: Decimal, month: int) -> list[dict]:
    rows, ytd = [], ZERO
    for m in range(1, month + 1):
        invested = as_money(by_month.get(m))
        ytd += invested
        rows.append(
            {
                "month": m,
                "invested": invested,
                "ytd": ytd,
                "completion_rate": rate(ytd, plan),
                "time_progress": time_progress(m),
                "vs_time_progress_pp": gap_to_time_progress(ytd, plan, m),
            }
        )
    return rows


def yoy_on_plan_sets_by(
    *, projects, by: str | None, year: int, month: int, as_of: dt.datetime | None = None
) -> dict:
    """同比 as the office computes it: 1–N月累计 of the projects in year Y's plan against 1–N月累计 of
    year Y−1 of the projects in Y−1's plan (each year its own list). `{key: (ytd, last_year, rate)}`;
    one query."""
    path = _paths(by)[0] if by else None

    # Each year's plan list as a hashed id set inside the sum's filter: one scan of the values.
    def in_plan(y):
        return Q(year=y, project_id__in=AnnualPlan.objects.filter(year=y).values("project_id"))

    qs = (
        counted_values(basis=Basis.APPROVED, as_of=as_of)
        .filter(year__in=(year, year - 1), month__lte=month, **_project_filter(projects))
        .order_by()
    )
    sums = {"this": _money_sum("invested", in_plan(year)), "last": _money_sum("invested", in_plan(year - 1))}
    rows = qs.values(path).annotate(**sums) if path else [qs.aggregate(**sums)]
    acc: dict = {}
    for row in rows:
        key = row[path] if path else None
        this, last = acc.get(key, (ZERO, ZERO))
        acc[key] = (this + as_money(row["this"]), last + as_money(row["last"]))
    return {key: (this, last, growth(this, last)) for key, (this, last) in acc.items()}


STRUCTURE_FLAGS = {
    "is_industrial": _("工业"),
    "is_private": _("民间"),
    "is_high_tech": _("高技术产业"),
    "is_six_new": _("六新"),
}


@dataclass(frozen=True)
class Share:
    """One part of a set (工业, 民间 …): its 1–N月累计, share of the whole, 同比 and the share's change."""

    ytd: Decimal
    share: Decimal | None  # % of the set's 1–N月累计
    last_year_ytd: Decimal
    yoy_rate: Decimal | None
    share_change_pp: Decimal | None  # share now − share a year ago, percentage points


def _share(part: Sums, whole: Sums) -> Share:
    share_change = None
    if whole.ytd_completed and whole.last_year_ytd:
        now = Decimal(part.ytd_completed) * 100 / whole.ytd_completed
        before = Decimal(part.last_year_ytd) * 100 / whole.last_year_ytd
        share_change = round_rate(now - before)
    return Share(
        ytd=part.ytd_completed,
        share=rate(part.ytd_completed, whole.ytd_completed),
        last_year_ytd=part.last_year_ytd,
        yoy_rate=growth(part.ytd_completed, part.last_year_ytd),
        share_change_pp=share_change,
    )


def structure_by(
    *, projects, by: str | None, year: int, month: int, as_of: dt.datetime | None = None
) -> dict:
    """`{key: {flag: Share}}`: the industrial, private, high-tech and 六新 parts of each group's
    1–N月累计 (approved basis). Two queries."""
    flags = tuple(STRUCTURE_FLAGS)
    dims = ((by,) if by else ()) + flags
    sums = sums_by(projects=projects, by=dims, year=year, month=month, basis=Basis.APPROVED, as_of=as_of)
    wholes: dict = {}
    parts: dict = {}
    for key, s in sums.items():
        group = key[0] if by else None
        marks = key[1:] if by else key
        wholes[group] = wholes.get(group, Sums()) + s
        for flag, marked in zip(flags, marks, strict=True):
            if marked:
                parts[(group, flag)] = parts.get((group, flag), Sums()) + s
    return {
        group: {flag: _share(parts.get((group, flag), Sums()), whole) for flag in flags}
        for group, whole in wholes.items()
    }


def quarter_slogan(month: int, completion_rate: Decimal | None) -> tuple[str, bool | None]:
    """The quarter's slogan and whether the set meets it after month N (DOMAIN §4): 开门红 (Q1) and
    超时序 (Q3) need 完成率 at or above 时间进度; 双过半 (Q2) at the end of June 完成率 ≥ 50% (before
    June: keeping pace); 收好官 (Q4) keeping pace, and in December the whole plan done."""
    quarter = (month - 1) // 3 + 1
    label = {1: "开门红", 2: "双过半", 3: "超时序", 4: "收好官"}[quarter]
    if completion_rate is None:
        return label, None
    if quarter == 3:
        return label, completion_rate > time_progress(month)
    return label, completion_rate >= time_progress(month)
