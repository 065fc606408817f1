"""The bureau's rules as database conditions: the same answers as `inclusion.rules`, asked of SQL.

`inclusion.rules` answers each rule in words for the projects a page shows; this module answers the
same rules with a yes or no for every project at once, inside the query, so the screening counts by
county, department and status, and filters, orders and pages its lists in the database instead of
checking 20,000 projects in Python for a 50-row page. Tests hold the two to the same answers
(tests/inclusion/test_screening_sql.py).
"""

from __future__ import annotations

import datetime as dt
import functools
import operator

from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce, Replace, Upper

from projects.models import Project

from .choices import InclusionStatus, RuleGroup, RuleKind
from .models import DirectoryEntry, EvidenceFile
from .rules import STARTED_STAGES, RuleSpec, legal_entity_answer

# Always true / always false, written so that SQL has something to say (an empty IN list has not).
ALWAYS = Q(pk__isnull=False)
NEVER = Q(pk__isnull=True)


def status_expression():
    """The project's inclusion status; a project without a record is 待申报."""
    return Coalesce(F("inclusion_record__status"), Value(InclusionStatus.PENDING.value))


class RuleConditions:
    """The rules in force on `today`, each as a `Q` that is true where a project passes it.

    Use on a queryset carrying `aliases()`. The legal-entity check (a GB 32100 check digit) depends
    on the credit code alone: it is answered in Python once per distinct code (`legal_entity_answer`,
    the very function the words come from) and asked of SQL as the list of codes that fail — one
    small query, instead of a 17-term checksum computed for every project in every query. The
    directory and the evidence are `IN (subquery)`, not correlated EXISTS: inside the counts' FILTER
    clauses PostgreSQL hashes each subquery once, and the cost estimate stays low enough not to
    compile the query (JIT), which alone took longer than the whole screening."""

    def __init__(self, rules: list[RuleSpec], today: dt.date):
        self.rules = rules
        self.today = today
        self._failing: list[str] | None = None

    @staticmethod
    def aliases() -> dict:
        # `normalise_credit_code`: upper case, spaces removed (stored codes are already normalised).
        return {"_code": Replace(Upper("credit_code"), Value(" "), Value(""))}

    def failing_credit_codes(self) -> list[str]:
        """Every distinct credit code of a project that is not a legal entity's (one query)."""
        if self._failing is None:
            codes = Project.objects.order_by("credit_code").values_list("credit_code", flat=True).distinct()
            self._failing = [c for c in codes if not legal_entity_answer(c)[0]]
        return self._failing

    def passes(self, rule: RuleSpec) -> Q:
        kind = rule.kind
        if kind == RuleKind.MIN_INVESTMENT:
            return Q(total_investment__gte=rule.min_investment)
        if kind == RuleKind.STARTED:
            return Q(actual_start__isnull=False, actual_start__lte=self.today, stage__in=STARTED_STAGES)
        if kind == RuleKind.LEGAL_ENTITY:
            failing = self.failing_credit_codes()
            return ~Q(credit_code__in=failing) if failing else ALWAYS
        if kind == RuleKind.IN_DIRECTORY:
            # The 名录库 is read under the project's code as stored, as the selectors read it.
            return ~Q(_code="") & Q(credit_code__in=DirectoryEntry.objects.values("credit_code"))
        if kind == RuleKind.EVIDENCE:
            return Q(pk__in=EvidenceFile.objects.filter(kind_id=rule.evidence_kind_id).values("project_id"))
        raise ValueError(f"unknown rule kind {kind}")

    def fails(self, rule: RuleSpec) -> Q:
        passes = self.passes(rule)
        return NEVER if passes is ALWAYS else ~passes

    def _group(self, group: str) -> Q | None:
        parts = [self.passes(r) for r in self.rules if r.group == group]
        return functools.reduce(operator.and_, parts) if parts else None

    def eligible(self) -> Q | None:
        """True where a project meets every eligibility rule; None when none is in force."""
        return self._group(RuleGroup.ELIGIBILITY)

    def ready(self) -> Q | None:
        """True where a project has every readiness rule; None when none is in force."""
        return self._group(RuleGroup.READINESS)
