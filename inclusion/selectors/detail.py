"""One project's inclusion record, facts and evidence, scoped to the user."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404
from django.utils import timezone

from accounts.scoping import project_scope_q
from projects.models import Project
from projects.money import ZERO

from ..choices import InclusionStatus, RuleKind
from ..duplicates import find_duplicates
from ..models import (
    DirectoryEntry,
    EvidenceFile,
    EvidenceRequest,
    InclusionEvent,
    InclusionRecord,
)
from ..rules import Check, Facts, check_all
from .population import active_rules
from .screening import ScreeningRow

# --- one project ---------------------------------------------------------------------------


@dataclass
class InclusionDetail:
    project: Project
    record: InclusionRecord | None
    row: ScreeningRow | None  # None when the project is outside the screened population
    checks: list[Check]
    events: list[InclusionEvent]
    evidence: list[EvidenceFile]
    requests: list[EvidenceRequest]
    duplicates: list[dict]

    @property
    def status(self) -> str:
        return self.record.status if self.record else InclusionStatus.PENDING

    @property
    def status_label(self) -> str:
        return str(InclusionStatus(self.status).label)

    @property
    def open_requests(self) -> list[EvidenceRequest]:
        return [r for r in self.requests if r.resolved_at is None]

    @property
    def missing_kinds(self) -> list[int]:
        return [c.rule_id for c in self.checks if c.kind == RuleKind.EVIDENCE and not c.passed]


def project_for_user(*, user, pk) -> Project:
    try:
        return (
            Project.objects.filter(project_scope_q(user))
            .select_related("county", "department", "reporting_unit")
            .get(pk=pk)
        )
    except (Project.DoesNotExist, ValueError, TypeError):
        raise Http404("项目不存在或不在您的管辖范围内。") from None


def project_facts(project: Project) -> Facts:
    directory = DirectoryEntry.objects.filter(credit_code=project.credit_code.upper()).first()
    return Facts(
        total_investment=project.total_investment or ZERO,
        stage=project.stage,
        actual_start=project.actual_start,
        construction_unit=project.construction_unit,
        credit_code=project.credit_code,
        directory_name=directory.name if directory else None,
        evidence_kind_ids=set(
            EvidenceFile.objects.filter(project=project).values_list("kind_id", flat=True).distinct()
        ),
    )


def inclusion_detail(*, user, pk, today=None) -> InclusionDetail:
    """One project's inclusion: its checks in words, record, history, evidence, requests, duplicates."""
    today = today or timezone.localdate()
    project = project_for_user(user=user, pk=pk)
    record = InclusionRecord.objects.filter(project=project).select_related("handler").first()
    checks = check_all(active_rules(), project_facts(project), today)
    events = (
        list(InclusionEvent.objects.filter(record=record).select_related("actor").order_by("-at", "-id"))
        if record
        else []
    )
    evidence = list(
        EvidenceFile.objects.filter(project=project)
        .select_related("kind", "uploaded_by")
        .order_by("kind__sort_order", "-uploaded_at")
    )
    requests = list(
        EvidenceRequest.objects.filter(project=project)
        .select_related("requested_by")
        .prefetch_related("kinds")
    )
    included = record is not None and record.status == InclusionStatus.INCLUDED
    duplicates = {} if included else find_duplicates([project.pk])
    return InclusionDetail(
        project=project,
        record=record,
        row=None,
        checks=checks,
        events=events,
        evidence=evidence,
        requests=requests,
        duplicates=duplicates.get(project.pk, []),
    )


def dossier_inclusion(project: Project, today=None) -> InclusionDetail:
    """The dossier card's part of `inclusion_detail` for a project already read through a scoped
    selector: status, checks in words, evidence and requests; no history or duplicate search (those
    are on the bureau's page). Six queries."""
    today = today or timezone.localdate()
    record = InclusionRecord.objects.filter(project=project).first()
    evidence = list(
        EvidenceFile.objects.filter(project=project)
        .select_related("kind", "uploaded_by")
        .order_by("kind__sort_order", "-uploaded_at")
    )
    directory = DirectoryEntry.objects.filter(credit_code=project.credit_code.upper()).values_list(
        "name", flat=True
    )
    facts = Facts(
        total_investment=project.total_investment or ZERO,
        stage=project.stage,
        actual_start=project.actual_start,
        construction_unit=project.construction_unit,
        credit_code=project.credit_code,
        directory_name=directory.first() if project.credit_code else None,
        evidence_kind_ids={e.kind_id for e in evidence},
    )
    requests = list(
        EvidenceRequest.objects.filter(project=project, resolved_at__isnull=True)
        .select_related("requested_by")
        .prefetch_related("kinds")
    )
    return InclusionDetail(
        project=project,
        record=record,
        row=None,
        checks=check_all(active_rules(), facts, today),
        events=[],
        evidence=evidence,
        requests=requests,
        duplicates=[],
    )


def evidence_get_for_user(*, user, pk) -> EvidenceFile:
    try:
        return EvidenceFile.objects.select_related("project", "kind").get(
            pk=pk, project__in=Project.objects.filter(project_scope_q(user)).values("pk")
        )
    except (EvidenceFile.DoesNotExist, ValueError, TypeError):
        raise Http404("资料不存在或不在您的管辖范围内。") from None
