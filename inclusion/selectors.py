"""Every read of 入库纳统, scoped to the user (`accounts.scoping`); figures from `reporting.measures`.

The screening reads its whole population in a fixed number of queries (projects with their record
and directory name, evidence kinds, rules, suspected duplicates) whatever the number of projects,
then checks the rules in Python: the counts by county and department, the lists and the exports
all come from that one pass.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import OuterRef, Q, Subquery
from django.http import Http404
from django.utils import timezone

from accounts.choices import OrgKind
from accounts.models import Organisation
from accounts.scoping import organisation_scope_q, project_scope_q
from projects.choices import Stage
from projects.models import Project
from projects.money import ZERO
from reporting import measures
from reporting.measures import Basis

from .choices import NOT_INCLUDED, InclusionStatus, RuleGroup, RuleKind
from .duplicates import find_duplicates
from .models import (
    DirectoryEntry,
    DirectoryUpload,
    EvidenceFile,
    EvidenceKind,
    EvidenceRequest,
    ExportJob,
    InclusionEvent,
    InclusionRecord,
    InclusionRule,
)
from .rules import STARTED_STAGES, Check, Checker, Facts, RuleSpec, check_all, eligible, lacking

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


# --- the screening -------------------------------------------------------------------------


@dataclass
class ScreeningRow:
    id: int
    name: str
    code: str
    county_id: int
    county_name: str
    department_id: int | None
    department_name: str
    construction_unit: str
    credit_code: str
    total_investment: Decimal
    stage: str
    actual_start: dt.date | None
    status: str
    record_id: int | None
    stats_number: str
    declared_on: dt.date | None
    included_on: dt.date | None
    returned_on: dt.date | None
    return_reason: str
    duplicate_note: str
    checks: list[Check]
    days_since_start: int | None
    duplicates: list[dict] = field(default_factory=list)
    # figures (万元, approved basis), filled by `attach_figures` for the rows shown or exported
    ytd_completed: Decimal | None = None
    since_start_completed: Decimal | None = None

    def __post_init__(self):
        # Read many times over (counts, filters, templates): decided once.
        self.eligible = eligible(self.checks)
        self.lacking = lacking(self.checks)
        self.ready = not self.lacking

    @property
    def lacking_text(self) -> str:
        failed = [c for c in self.checks if not c.passed]
        return "；".join(c.message for c in failed)

    @property
    def warnings(self) -> list[str]:
        return [c.warning for c in self.checks if c.warning]

    @property
    def status_label(self) -> str:
        return str(InclusionStatus(self.status).label)

    @property
    def flagged_duplicate(self) -> bool:
        return bool(self.duplicates) and not self.duplicate_note


@dataclass
class AreaCount:
    """One county's (or department's) 入库纳统 state: projects and, on the approved basis, money."""

    org_id: int | None
    name: str
    population: int = 0
    pending: int = 0
    declared: int = 0
    included: int = 0
    returned: int = 0
    ready: int = 0
    figures_all: measures.Figures | None = None
    figures_included: measures.Figures | None = None

    @property
    def not_included(self) -> int:
        return self.population - self.included

    @property
    def inclusion_rate(self) -> Decimal | None:
        return measures.rate(Decimal(self.included), Decimal(self.population))

    def add(self, row: ScreeningRow) -> None:
        self.population += 1
        setattr(self, row.status, getattr(self, row.status) + 1)
        if row.status != InclusionStatus.INCLUDED and row.ready:
            self.ready += 1


@dataclass
class Screening:
    year: int
    month: int
    today: dt.date
    rules: list[RuleSpec]
    filters: dict
    rows: list[ScreeningRow]  # the chosen list, filtered and ordered
    by_county: list[AreaCount]
    by_department: list[AreaCount]
    totals: AreaCount
    list_counts: dict

    @property
    def eligibility_text(self) -> str:
        parts = []
        for r in self.rules:
            if r.group == RuleGroup.ELIGIBILITY:
                parts.append(
                    f"计划总投资不低于 {r.min_investment:,.0f} 万元"
                    if r.kind == RuleKind.MIN_INVESTMENT
                    else r.name
                )
        return "、".join(parts) or "未设置"

    @property
    def readiness_rules(self) -> list[RuleSpec]:
        return [r for r in self.rules if r.group == RuleGroup.READINESS]


def _org_name(name, short):
    return short or name or ""


def _rows(user, rules, today) -> list[ScreeningRow]:
    pop = population(user, rules, today)
    directory = DirectoryEntry.objects.filter(credit_code=OuterRef("credit_code")).values("name")[:1]
    raw = list(
        pop.order_by()
        .annotate(directory_name=Subquery(directory))
        .values(
            "id",
            "name",
            "code",
            "county_id",
            "county__name",
            "county__short_name",
            "department_id",
            "department__name",
            "department__short_name",
            "construction_unit",
            "credit_code",
            "total_investment",
            "stage",
            "actual_start",
            "directory_name",
            "inclusion_record__id",
            "inclusion_record__status",
            "inclusion_record__stats_number",
            "inclusion_record__declared_on",
            "inclusion_record__included_on",
            "inclusion_record__returned_on",
            "inclusion_record__return_reason",
            "inclusion_record__duplicate_note",
        )
    )
    kinds: dict[int, set] = defaultdict(set)
    if any(r.kind == RuleKind.EVIDENCE for r in rules):
        for pid, kind_id in (
            EvidenceFile.objects.filter(project__in=pop.order_by().values("pk"))
            .order_by()
            .values_list("project_id", "kind_id")
            .distinct()
        ):
            kinds[pid].add(kind_id)
    rows = []
    checker = Checker(rules, today)
    for p in raw:
        facts = Facts(
            total_investment=p["total_investment"] or ZERO,
            stage=p["stage"],
            actual_start=p["actual_start"],
            construction_unit=p["construction_unit"],
            credit_code=p["credit_code"],
            directory_name=p["directory_name"],
            evidence_kind_ids=kinds.get(p["id"], set()),
        )
        start = p["actual_start"]
        rows.append(
            ScreeningRow(
                id=p["id"],
                name=p["name"],
                code=p["code"],
                county_id=p["county_id"],
                county_name=_org_name(p["county__name"], p["county__short_name"]),
                department_id=p["department_id"],
                department_name=_org_name(p["department__name"], p["department__short_name"]),
                construction_unit=p["construction_unit"],
                credit_code=p["credit_code"],
                total_investment=p["total_investment"] or ZERO,
                stage=p["stage"],
                actual_start=start,
                status=p["inclusion_record__status"] or InclusionStatus.PENDING,
                record_id=p["inclusion_record__id"],
                stats_number=p["inclusion_record__stats_number"] or "",
                declared_on=p["inclusion_record__declared_on"],
                included_on=p["inclusion_record__included_on"],
                returned_on=p["inclusion_record__returned_on"],
                return_reason=p["inclusion_record__return_reason"] or "",
                duplicate_note=p["inclusion_record__duplicate_note"] or "",
                checks=checker(facts),
                days_since_start=(today - start).days if start and start <= today else None,
            )
        )
    duplicates = find_duplicates(r.id for r in rows if r.status != InclusionStatus.INCLUDED)
    for row in rows:
        row.duplicates = duplicates.get(row.id, [])
    return rows


LIST_STATUSES = {
    "screening": NOT_INCLUDED,
    "declared": (InclusionStatus.DECLARED,),
    "included": (InclusionStatus.INCLUDED,),
    "returned": (InclusionStatus.RETURNED,),
    "all": tuple(InclusionStatus.values),
}


def _subtree(org_id) -> set[int]:
    org = Organisation.objects.filter(pk=org_id).only("path").first()
    if org is None:
        return set()
    return set(Organisation.objects.filter(path__startswith=org.path).values_list("pk", flat=True))


def _filtered(rows: list[ScreeningRow], f: dict) -> list[ScreeningRow]:
    statuses = LIST_STATUSES[f["list"]]
    out = [r for r in rows if r.status in statuses]
    if f["list"] == "screening":
        # 应入未入: meets the conditions (or was worked on) and is not in the database yet.
        out = [r for r in out if r.eligible or r.status != InclusionStatus.PENDING]
    if f.get("county"):
        ids = _subtree(f["county"].pk) if f["county"].kind == OrgKind.CITY else {f["county"].pk}
        out = [r for r in out if r.county_id in ids]
    if f.get("department"):
        out = [r for r in out if r.department_id == f["department"].pk]
    if f.get("status"):
        out = [r for r in out if r.status == f["status"]]
    if f.get("lacks"):
        out = [r for r in out if any(c.rule_id == f["lacks"] and not c.passed for c in r.checks)]
    if f.get("ready") == "yes":
        out = [r for r in out if r.ready]
    elif f.get("ready") == "no":
        out = [r for r in out if not r.ready]
    if f.get("duplicate") == "yes":
        out = [r for r in out if r.duplicates]
    if f.get("min_days") is not None:
        out = [r for r in out if r.days_since_start is not None and r.days_since_start >= f["min_days"]]
    for term in (f.get("search") or "").split():
        upper = term.upper()
        out = [
            r
            for r in out
            if term in r.name or upper in r.code or term in r.construction_unit or upper == r.credit_code
        ]
    ordering = f["ordering"]
    if ordering in ("-days", "days"):
        out.sort(key=lambda r: (r.days_since_start or -1, -r.id), reverse=ordering == "-days")
    elif ordering == "-total_investment":
        out.sort(key=lambda r: (r.total_investment, r.id), reverse=True)
    elif ordering == "county":
        out.sort(key=lambda r: (r.county_id, r.id))
    elif ordering == "name":
        out.sort(key=lambda r: r.name)
    return out


def _counts(rows, key, names, order) -> list[AreaCount]:
    counts: dict = {}
    for row in rows:
        k = key(row)
        if k not in counts:
            counts[k] = AreaCount(org_id=k, name=names.get(k, "未明确责任单位"))
        counts[k].add(row)
    return [counts[k] for k in sorted(counts, key=order)]


def screening(*, user, filters: dict | None = None, year: int, month: int, today=None) -> Screening:
    """The bureau's monthly screening in the user's scope: the chosen list with each project's checks,
    and the counts by county and department (every list, unfiltered) with their approved figures."""
    today = today or timezone.localdate()
    rules = active_rules()
    f = {"list": "screening", "ordering": "-days", **(filters or {})}
    rows = _rows(user, rules, today)
    counted = [r for r in rows if r.eligible or r.status != InclusionStatus.PENDING]
    orgs = {
        o["pk"]: (o["short_name"] or o["name"], o["sort_order"])
        for o in Organisation.objects.filter(
            pk__in={r.county_id for r in counted} | {r.department_id for r in counted if r.department_id}
        ).values("pk", "name", "short_name", "sort_order")
    }
    names = {k: v[0] for k, v in orgs.items()}

    def order(k):
        return (k is None, orgs.get(k, ("", 0))[1], k or 0)

    by_county = _counts(counted, lambda r: r.county_id, names, order)
    by_department = _counts(counted, lambda r: r.department_id, names, order)
    totals = AreaCount(org_id=None, name="合计")
    for row in counted:
        totals.add(row)
    _attach_area_figures(population(user, rules, today), year, month, by_county, by_department, totals)
    list_counts = {key: 0 for key in LIST_STATUSES}
    for row in counted:
        list_counts["all"] += 1
        list_counts[row.status if row.status != InclusionStatus.PENDING else "screening"] += 1
        if row.status in (InclusionStatus.DECLARED, InclusionStatus.RETURNED):
            list_counts["screening"] += 1
    return Screening(
        year=year,
        month=month,
        today=today,
        rules=rules,
        filters=f,
        rows=_filtered(rows, f),
        by_county=by_county,
        by_department=by_department,
        totals=totals,
        list_counts=list_counts,
    )


def _attach_area_figures(projects, year, month, by_county, by_department, totals) -> None:
    """1–N月 completed investment (approved basis) of the screened projects and of the included ones,
    by county and by department, and in total: one pass of `measures.sums_by` grouped by county,
    department and inclusion status together (two queries), rolled up here (sums of sets add up)."""
    sums = measures.sums_by(
        projects=projects,
        by=("county", "department", "inclusion_record__status"),
        year=year,
        month=month,
        basis=Basis.APPROVED,
    )
    rolled: dict = defaultdict(measures.Sums)
    for (county, department, status), value in sums.items():
        keys = [("county", county), ("department", department), ("total", None)]
        for key in keys:
            rolled[(*key, "all")] += value
            if status == InclusionStatus.INCLUDED:
                rolled[(*key, "included")] += value

    def fig(dim, key, which):
        return measures.Figures.from_sums(
            rolled.get((dim, key, which), measures.Sums()), year=year, month=month, basis=Basis.APPROVED
        )

    for which, attr in (("all", "figures_all"), ("included", "figures_included")):
        for area in by_county:
            setattr(area, attr, fig("county", area.org_id, which))
        for area in by_department:
            setattr(area, attr, fig("department", area.org_id, which))
        setattr(totals, attr, fig("total", None, which))


def _zero(year, month):
    return measures.Figures.from_sums(measures.Sums(), year=year, month=month, basis=Basis.APPROVED)


def attach_figures(rows: list[ScreeningRow], *, year: int, month: int, projects=None) -> None:
    """Each row's 1–N月累计 and 开工累计 on the approved basis, in one query: `projects` (a queryset
    covering the rows) for a large export, else the rows' ids."""
    source = projects if projects is not None else [r.id for r in rows]
    completed = measures.completed_by_project(projects=source, year=year, month=month)
    for row in rows:
        row.ytd_completed, row.since_start_completed = completed.get(row.id, (ZERO, ZERO))


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


# --- the directory -------------------------------------------------------------------------


def directory_list(*, search: str = ""):
    qs = DirectoryEntry.objects.order_by("credit_code")
    for term in search.split():
        qs = qs.filter(Q(name__contains=term) | Q(credit_code=term.upper()))
    return qs


def directory_unmatched(*, user, limit: int = 200) -> dict:
    """Construction units of the user's started projects whose credit code is not in the directory,
    and those whose directory name differs from the unit's name (two queries)."""
    directory = DirectoryEntry.objects.filter(credit_code=OuterRef("credit_code")).values("name")[:1]
    rows = (
        Project.objects.filter(project_scope_q(user))
        .exclude(stage__in=(Stage.CANCELLED, Stage.RESERVE))
        .exclude(credit_code="")
        .order_by()
        .annotate(directory_name=Subquery(directory))
        .values("construction_unit", "credit_code", "directory_name")
        .distinct()
    )
    from .rules import name_key

    unmatched, mismatched = [], []
    for r in rows:
        if r["directory_name"] is None:
            unmatched.append(r)
        elif name_key(r["directory_name"]) != name_key(r["construction_unit"]):
            mismatched.append(r)
    unmatched.sort(key=lambda r: r["credit_code"])
    mismatched.sort(key=lambda r: r["credit_code"])
    return {
        "unmatched": unmatched[:limit],
        "unmatched_count": len(unmatched),
        "mismatched": mismatched[:limit],
        "mismatched_count": len(mismatched),
    }


def upload_get_for_user(*, user, pk, kind) -> DirectoryUpload:
    qs = DirectoryUpload.objects.filter(pk=pk, kind=kind)
    if not user.sees_all_projects:
        qs = qs.filter(uploaded_by=user)
    upload = qs.first()
    if upload is None:
        raise Http404("导入批次不存在。")
    return upload


def uploads_for_user(*, user, kind, limit: int = 10):
    qs = DirectoryUpload.objects.filter(kind=kind).select_related("uploaded_by").defer("content")
    if not user.sees_all_projects:
        qs = qs.filter(uploaded_by=user)
    return qs[:limit]


# --- exports -------------------------------------------------------------------------------


def export_job_for_user(*, user, pk) -> ExportJob:
    job = ExportJob.objects.filter(pk=pk, requested_by=user).defer("content").first()
    if job is None:
        raise Http404("导出任务不存在。")
    return job


def area_name(user) -> str:
    """The area a report is about: the user's county for county staff, else the city."""
    from accounts.scoping import statistics_area

    area = statistics_area(user)
    if area is not None:
        return area.name
    org = user.organisation
    if org is not None and not user.sees_all_projects and org.kind != OrgKind.DEPARTMENT:
        return org.name
    city = Organisation.objects.filter(kind=OrgKind.CITY).order_by("pk").first()
    return city.name if city else ""


def scoped_projects(user):
    return Project.objects.filter(project_scope_q(user))


def scoped_units(user):
    return Organisation.objects.filter(organisation_scope_q(user))


# --- who is to be told ---------------------------------------------------------------------


def evidence_request_recipients(project: Project):
    """The users to tell when the bureau asks for a project's missing evidence: the reporters of its
    reporting unit and the accounts of its construction unit (by unit or by credit code); one query."""
    from accounts.choices import RoleCode
    from accounts.models import User

    units = Q(organisation_id=project.reporting_unit_id)
    if project.enterprise_id:
        units |= Q(organisation_id=project.enterprise_id)
    if project.credit_code:
        units |= Q(organisation__kind=OrgKind.ENTERPRISE, organisation__credit_code=project.credit_code)
    return User.objects.filter(units, is_active=True, roles__code=RoleCode.REPORTER).distinct().order_by("pk")
