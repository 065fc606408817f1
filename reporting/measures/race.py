"""赛马: indicators, points and ranks. Part of the figures layer: see `reporting.measures`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from projects.money import ZERO

from .basis import Basis, rate
from .figures import Figures, Sums
from .pace import money_view
from .series import Share
from .sets import Counts, counts_by

# --- 赛马: indicators, points, ranks -------------------------------------------------------------

TWO_DP = Decimal("0.01")


def _points(value: Decimal) -> Decimal:
    return Decimal(value).quantize(TWO_DP, rounding=ROUND_HALF_UP)


def competition_ranks(values: dict, *, higher_is_better: bool = True) -> dict:
    """Ranks "1, 1, 3": equal values share a rank, the next rank skips; None ranks after all (None)."""
    present = [v for v in values.values() if v is not None]
    ordered = sorted(present, reverse=higher_is_better)
    ranks = {}
    for key, value in values.items():
        ranks[key] = None if value is None else ordered.index(value) + 1
    return ranks


@dataclass(frozen=True)
class Rule:
    """How one indicator becomes points (configured by the office per year, see dashboards)."""

    code: str
    label: str
    dimension: str
    weight: Decimal  # full points
    method: str  # "rank" | "linear" | "threshold"
    floor: Decimal | None = None  # linear: value giving 0 points
    target: Decimal | None = None  # linear: value giving full points; also red/green
    thresholds: tuple = ()  # threshold: ((value at least, points), …)
    higher_is_better: bool = True


def rule_points(rule: Rule, value: Decimal | None, rank: int | None, n: int) -> Decimal:
    """Points of one indicator value.

    rank: first gets the full weight, each rank below loses weight/n (ties share the rank);
    linear: 0 at or below `floor`, full at or above `target`, in proportion between;
    threshold: the points of the highest threshold reached (0 below all).
    A missing value (no base: no plan, nothing last year) scores 0.
    """
    weight = Decimal(rule.weight)
    if value is None:
        return _points(0)
    if rule.method == "rank":
        if rank is None or not n:
            return _points(0)
        return _points(weight * (n - rank + 1) / n)
    if rule.method == "linear":
        floor, target = Decimal(rule.floor or 0), Decimal(rule.target or 0)
        if not rule.higher_is_better:
            value, floor, target = -value, -floor, -target
        if value >= target:
            return _points(weight)
        if value <= floor or target == floor:
            return _points(0)
        return _points(weight * (value - floor) / (target - floor))
    if rule.method == "threshold":
        best = Decimal(0)
        for at_least, pts in rule.thresholds:
            if value >= Decimal(str(at_least)):
                best = max(best, Decimal(str(pts)))
        return _points(min(best, weight))
    raise ValueError(f"unknown method {rule.method}")


@dataclass(frozen=True)
class ScoreLine:
    rule: Rule
    value: Decimal | None
    rank: int | None
    points: Decimal

    @property
    def met(self) -> bool | None:
        """Green (True) / red (False) against the rule's target; None when either is missing."""
        if self.value is None or self.rule.target is None:
            return None
        return (
            self.value >= self.rule.target if self.rule.higher_is_better else self.value <= self.rule.target
        )


@dataclass(frozen=True)
class Score:
    key: object
    total: Decimal
    rank: int
    lines: tuple[ScoreLine, ...]

    def dimension_points(self) -> dict[str, Decimal]:
        result: dict[str, Decimal] = {}
        for line in self.lines:
            result[line.rule.dimension] = result.get(line.rule.dimension, Decimal("0.00")) + line.points
        return result


def race_scores(values: dict, rules: list[Rule]) -> list[Score]:
    """Score every competitor: `values` is `{key: {indicator code: value}}`. Each indicator's points by
    its rule, the total, and the rank by total (ties share a rank). Ordered by rank, then key order."""
    keys = list(values)
    n = len(keys)
    ranks = {
        rule.code: competition_ranks(
            {k: values[k].get(rule.code) for k in keys}, higher_is_better=rule.higher_is_better
        )
        for rule in rules
    }
    scored = []
    for key in keys:
        lines = tuple(
            ScoreLine(
                rule=rule,
                value=values[key].get(rule.code),
                rank=ranks[rule.code][key],
                points=rule_points(rule, values[key].get(rule.code), ranks[rule.code][key], n),
            )
            for rule in rules
        )
        scored.append((key, sum((line.points for line in lines), Decimal("0.00")), lines))
    totals = competition_ranks({key: total for key, total, _ in scored})
    result = [Score(key=key, total=total, rank=totals[key], lines=lines) for key, total, lines in scored]
    order = {key: i for i, key in enumerate(keys)}
    result.sort(key=lambda s: (s.rank, order[s.key]))
    return result


# The indicators a scheme may use, each computed for every competitor (county/zone or department)
# by `indicator_values`; `drill` names the project set behind it (PROJECT_SETS, or a flag).
INDICATORS = {
    "completion_rate": {"label": "年度投资完成率(%)", "dimension": "scale", "drill": "planned"},
    "vs_time_progress": {"label": "超时间进度(百分点)", "dimension": "scale", "drill": "planned"},
    "yoy_rate": {"label": "投资同比增速(%)", "dimension": "scale", "drill": "planned"},
    "industrial_share": {"label": "工业投资占比(%)", "dimension": "structure", "drill": "is_industrial"},
    "industrial_yoy": {"label": "工业投资增速(%)", "dimension": "structure", "drill": "is_industrial"},
    "private_share": {"label": "民间投资占比(%)", "dimension": "structure", "drill": "is_private"},
    "private_share_change": {
        "label": "民间投资占比变化(百分点)",
        "dimension": "structure",
        "drill": "is_private",
    },
    "high_tech_yoy": {"label": "高技术产业投资增速(%)", "dimension": "structure", "drill": "is_high_tech"},
    "start_rate": {"label": "新建项目开工率(%)", "dimension": "start", "drill": "started"},
    "resume_rate": {"label": "续建项目复工率(%)", "dimension": "start", "drill": "resumed"},
    "start_resume_rate": {"label": "开复工率(%)", "dimension": "start", "drill": "started"},
    "reserve_multiple": {
        "label": "储备项目总投资/固定资产投资目标(倍)",
        "dimension": "reserve",
        "drill": "in_reserve",
    },
    "reserve_conversion": {"label": "储备转化率(%)", "dimension": "reserve", "drill": "reserve_converted"},
    # 入库纳统 (DOMAIN §8): the counts come from the statistics bureau's records (the caller passes
    # them, see `indicator_values`); the drill sets are the inclusion app's.
    "inclusion_rate": {"label": "入库纳统率(%)", "dimension": "start", "drill": "inclusion_due"},
}


def inclusion_rate(included: int, due: int) -> Decimal | None:
    """入库纳统率: projects included in the statistics database / projects that should be (应入: meeting
    the bureau's conditions, or already included), in percent, one decimal; None when none is due."""
    return rate(Decimal(included), Decimal(due))


def indicator_values(
    *,
    projects,
    by: str,
    keys,
    year: int,
    month: int,
    as_of: dt.datetime | None = None,
    fai_targets: dict | None = None,
    inclusion: dict | None = None,
) -> dict:
    """`{key: {indicator code: value}}` for every key of `keys` (county ids or department ids), from
    the figures, counts, 同比 and structure of each group (`money_view`, `counts_by`). Five queries
    whatever the number of projects. `fai_targets` ({key: 万元}) is each area's fixed-asset investment target, the base of
    the reserve multiple; `inclusion` ({key: (已入库, 应入库)}, counted by the inclusion app as of the
    period's cut-off) the base of 入库纳统率."""
    keys = list(keys)
    money = money_view(projects=projects, dims=(by,), year=year, month=month, as_of=as_of)
    empty_figures = Figures.from_sums(Sums(), year=year, month=month, basis=Basis.APPROVED, as_of=as_of)
    figs = {key: money.groups[by].get(key, empty_figures) for key in keys}
    cnt = counts_by(projects=projects, by=by, year=year, month=month, as_of=as_of)
    yoy = money.group_yoy[by]
    struct = money.group_structure[by]
    fai_targets = fai_targets or {}
    inclusion = inclusion or {}
    result = {}
    for key in keys:
        f, c, s = figs[key], cnt.get(key, Counts()), struct.get(key, {})
        target = fai_targets.get(key)
        empty = Share(ZERO, None, ZERO, None, None)
        result[key] = {
            "completion_rate": f.completion_rate,
            "vs_time_progress": f.vs_time_progress_pp,
            "yoy_rate": yoy.get(key, (ZERO, ZERO, None))[2],
            "industrial_share": s.get("is_industrial", empty).share,
            "industrial_yoy": s.get("is_industrial", empty).yoy_rate,
            "private_share": s.get("is_private", empty).share,
            "private_share_change": s.get("is_private", empty).share_change_pp,
            "high_tech_yoy": s.get("is_high_tech", empty).yoy_rate,
            "start_rate": c.start_rate,
            "resume_rate": c.resume_rate,
            "start_resume_rate": c.start_resume_rate,
            "reserve_multiple": (
                (c.reserve_investment / Decimal(target)).quantize(TWO_DP, rounding=ROUND_HALF_UP)
                if target
                else None
            ),
            "reserve_conversion": c.reserve_conversion,
            "inclusion_rate": inclusion_rate(*inclusion.get(key, (0, 0))),
        }
    return result
