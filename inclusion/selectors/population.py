"""The rules in force and the population they screen."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from accounts.scoping import project_scope_q
from projects.choices import Stage
from projects.models import Project

from ..choices import InclusionStatus, RuleKind
from ..models import (
    EvidenceKind,
    InclusionRule,
)
from ..rules import STARTED_STAGES, RuleSpec

WORKED_ON = (InclusionStatus.DECLARED, InclusionStatus.INCLUDED, InclusionStatus.RETURNED)


# --- rules ---------------------------------------------------------------------------------


def active_rules() -> list[RuleSpec]:
    """The rules in force, in the bureau's order (one query)."""
    return [
        RuleSpec(
            id=r.pk,
            kind=r.kind,
            name=r.name,
            threshold=r.threshold,
            evidence_kind_id=r.evidence_kind_id,
            evidence_kind_name=r.evidence_kind.name if r.evidence_kind_id else "",
        )
        for r in InclusionRule.objects.filter(is_active=True).select_related("evidence_kind")
        if r.kind != RuleKind.EVIDENCE or (r.evidence_kind and r.evidence_kind.is_active)
    ]


def rule_list():
    return InclusionRule.objects.select_related("evidence_kind").order_by("sort_order", "id")


def evidence_kinds():
    return EvidenceKind.objects.filter(is_active=True)


def eligibility_q(rules: list[RuleSpec], today: dt.date) -> Q:
    """The eligibility rules as a filter, so the database hands over only the projects that count."""
    q = Q()
    for rule in rules:
        if rule.kind == RuleKind.MIN_INVESTMENT:
            q &= Q(total_investment__gte=rule.min_investment)
        elif rule.kind == RuleKind.STARTED:
            q &= Q(actual_start__isnull=False, actual_start__lte=today, stage__in=STARTED_STAGES)
    return q


def population(user, rules: list[RuleSpec], today: dt.date):
    """The projects the bureau screens: those meeting the eligibility rules (应入) and those already
    declared, included or returned, in the user's scope, cancelled projects left out."""
    projects = Project.objects.filter(project_scope_q(user)).exclude(stage=Stage.CANCELLED)
    conditions = eligibility_q(rules, today)
    if not conditions:  # no eligibility rule in force: every live project counts (Q() | x would be x)
        return projects
    return projects.filter(conditions | Q(inclusion_record__status__in=WORKED_ON))
