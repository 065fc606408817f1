"""入库纳统 as a 赛马 indicator: who is due and who is included, by group."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q

from projects.choices import Stage

from ..choices import InclusionStatus
from ..rules import RuleSpec
from .population import active_rules, eligibility_q

# --- 入库纳统 as a 赛马 indicator ------------------------------------------------------------------

# The project sets behind the indicator's figures (the ranking's drill-down; see `inclusion_set`).
INCLUSION_SETS = {"inclusion_due": "应入库项目", "inclusion_included": "已入库项目"}


def _included_by(day: dt.date) -> Q:
    """已入库 on `day`: the record says so and was included that day or before (an inclusion without a
    date counts as soon as it is recorded)."""
    return Q(inclusion_record__status=InclusionStatus.INCLUDED) & (
        Q(inclusion_record__included_on__isnull=True) | Q(inclusion_record__included_on__lte=day)
    )


def _due(projects, day: dt.date, rules: list[RuleSpec] | None):
    """应入 on `day`, cancelled projects left out: meets the bureau's eligibility rules in force
    (planned total investment at the threshold, started by that day), or is already included by then."""
    conditions = eligibility_q(active_rules() if rules is None else rules, day)
    projects = projects.exclude(stage=Stage.CANCELLED)
    return projects.filter(conditions | _included_by(day)) if conditions else projects


def inclusion_counts_by(*, projects, by: str, day: dt.date, rules: list[RuleSpec] | None = None) -> dict:
    """`{key: (已入库, 应入库)}` per value of the project field `by` ("county", "department") among
    `projects`, as of `day`: what the 赛马's 入库纳统 indicator rates (`reporting.measures.inclusion_rate`).
    Two queries (the rules, the counts)."""
    rows = (
        _due(projects, day, rules)
        .order_by()
        .values(by)
        .annotate(included=Count("pk", filter=_included_by(day)), due=Count("pk"))
    )
    return {row[by]: (row["included"], row["due"]) for row in rows}


def inclusion_set(code: str, *, projects, day: dt.date, rules: list[RuleSpec] | None = None):
    """The projects of `projects` behind the indicator: 应入库 (`inclusion_due`) or 已入库 on `day`."""
    due = _due(projects, day, rules)
    return due.filter(_included_by(day)) if code == "inclusion_included" else due
