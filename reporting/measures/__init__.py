"""The one figures layer (DOMAIN §3–4): every derived figure of monthly progress is computed here.

完成率, 1–N月累计, 开工累计, 时间进度 and the gap to it, 环比, 同比 — for one project, for any set of
projects, grouped by any project field (county, department, reporting unit, key level, industry,
a flag) — read from this module by the grid, its totals, the dossier, the office page, the home
page, the report API and the Excel exports. Nothing else divides, sums reports or rounds a rate.

Which values count is the *basis*:
- `Basis.APPROVED` (审核口径): the latest approved revision of each report. Drafts, submitted and
  returned values never count; an approved value stays until its correction is approved. With
  `as_of` (an aware datetime) the figures are those that were approved at that moment, so a
  published month can be reproduced later. Everything published or compared across units uses it.
- `Basis.WORKING` (填报口径): every report's current value, whatever its status. Only a unit's own
  grid shows it, labelled so, while the unit is typing. It has no `as_of`.

Rounding, one rule everywhere: money is `Decimal` in 万元 with two places (ROUND_HALF_UP);
percentages are ROUND_HALF_UP to one decimal; the gap to 时间进度 in percentage points is computed
from unrounded values in a single division, (ytd·1200 − N·100·plan) / (12·plan), then rounded once.
A rate whose base is zero (no annual plan, nothing last year) is None, shown as "—".

Query counts never depend on the number of projects: a set's figures take two queries (the plans,
the counted values), a grouped set's figures two, each further basis one more.

The layer is a package (STYLE: a module past ~500 lines): `basis` (which values count, rounding),
`figures` (sums and figures of a set, grouped, on one or more bases), `projects` (per-project running
totals and series), `series` (month by month, 同比, structure), `sets` (the dashboards' project sets
and counts), `pace` (骏马 / 蜗牛, the money view), `race` (赛马 indicators, points, ranks). Read it
as `reporting.measures.<name>`: every name is exported here.
"""

from .basis import (
    MONEY,
    ONE_DP,
    Basis,
    counted_values,
    gap_to_time_progress,
    growth,
    rate,
    round_rate,
    time_progress,
)
from .figures import (
    Figures,
    Sums,
    _project_filter,
    figures,
    figures_by,
    figures_by_each,
    figures_by_project,
    figures_by_subtree,
    figures_on_bases,
    project_figures,
    sums_by,
    ytd_completed_by,
)
from .pace import (
    MoneyView,
    PaceEntry,
    _half_up,
    fastest_and_slowest,
    money_view,
    pace_lists,
    pace_ranking,
    size_band,
    with_figures,
)
from .projects import (
    annotate_ytd_completed,
    completed_before_month,
    completed_by_project,
    project_series,
    since_start_completed,
    ytd_completed,
)
from .race import (
    INDICATORS,
    TWO_DP,
    Rule,
    Score,
    ScoreLine,
    competition_ranks,
    inclusion_rate,
    indicator_values,
    race_scores,
    rule_points,
)
from .series import (
    STRUCTURE_FLAGS,
    Share,
    monthly_completion,
    quarter_slogan,
    structure_by,
    yoy_on_plan_sets_by,
)
from .sets import (
    DRILL_SETS,
    PROJECT_SETS,
    RESERVE_STAGES,
    SET_UNIONS,
    Counts,
    counts,
    counts_by,
    counts_by_each,
    project_set_q,
    set_projects,
    to_yi,
)

__all__ = [
    "ONE_DP",
    "MONEY",
    "Basis",
    "round_rate",
    "rate",
    "growth",
    "time_progress",
    "gap_to_time_progress",
    "counted_values",
    "Sums",
    "Figures",
    "_project_filter",
    "sums_by",
    "ytd_completed_by",
    "figures_by",
    "figures_by_each",
    "figures_by_project",
    "figures_on_bases",
    "figures",
    "project_figures",
    "figures_by_subtree",
    "completed_before_month",
    "ytd_completed",
    "since_start_completed",
    "completed_by_project",
    "annotate_ytd_completed",
    "project_series",
    "monthly_completion",
    "yoy_on_plan_sets_by",
    "STRUCTURE_FLAGS",
    "Share",
    "structure_by",
    "quarter_slogan",
    "RESERVE_STAGES",
    "PROJECT_SETS",
    "project_set_q",
    "SET_UNIONS",
    "DRILL_SETS",
    "set_projects",
    "Counts",
    "to_yi",
    "counts_by",
    "counts_by_each",
    "counts",
    "PaceEntry",
    "size_band",
    "_half_up",
    "pace_ranking",
    "pace_lists",
    "fastest_and_slowest",
    "with_figures",
    "MoneyView",
    "money_view",
    "TWO_DP",
    "competition_ranks",
    "Rule",
    "rule_points",
    "ScoreLine",
    "Score",
    "race_scores",
    "INDICATORS",
    "inclusion_rate",
    "indicator_values",
]
