"""The screening: each project with what it lacks, counted by area and status."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Case, Count, F, OuterRef, Q, Subquery, When
from django.db.models.functions import Collate
from django.utils import timezone

from accounts.choices import OrgKind
from accounts.models import Organisation
from projects.money import ZERO
from reporting import measures
from reporting.measures import Basis

from ..choices import NOT_INCLUDED, InclusionStatus, RuleGroup, RuleKind
from ..conditions import RuleConditions, status_expression
from ..duplicates import duplicate_ids, duplicate_map, find_duplicates
from ..models import (
    DirectoryEntry,
    EvidenceFile,
)
from ..rules import Check, Checker, Facts, RuleSpec, eligible, lacking
from .population import active_rules, population

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
    """One county's (or department's) 入库纳统 state: projects and, on the approved basis, the 1–N月
    completed investment of all its screened projects and of the included ones."""

    org_id: int | None
    name: str
    population: int = 0
    pending: int = 0
    declared: int = 0
    included: int = 0
    returned: int = 0
    ready: int = 0
    ytd_all: Decimal = ZERO
    ytd_included: Decimal = ZERO

    @property
    def not_included(self) -> int:
        return self.population - self.included

    @property
    def inclusion_rate(self) -> Decimal | None:
        return measures.rate(Decimal(self.included), Decimal(self.population))

    def add(self, status: str, n: int, ready: int, ytd: Decimal) -> None:
        """Count `n` projects of `status` (`ready` of them with complete materials) and their money."""
        self.population += n
        setattr(self, status, getattr(self, status) + n)
        if status != InclusionStatus.INCLUDED:
            self.ready += ready
        self.ytd_all += ytd
        if status == InclusionStatus.INCLUDED:
            self.ytd_included += ytd


@dataclass
class Screening:
    year: int
    month: int
    today: dt.date
    rules: list[RuleSpec]
    filters: dict
    rows: ScreeningList  # the chosen list, filtered and ordered (read a page, or iterate for an export)
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


LIST_STATUSES = {
    "screening": NOT_INCLUDED,
    "declared": (InclusionStatus.DECLARED,),
    "included": (InclusionStatus.INCLUDED,),
    "returned": (InclusionStatus.RETURNED,),
    "all": tuple(InclusionStatus.values),
}

# The filters that narrow a list below its tab (the list and the ordering do not).
NARROWING_FILTERS = ("county", "department", "status", "lacks", "ready", "duplicate", "min_days", "search")

ROW_FIELDS = (
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


def screened(user, rules: list[RuleSpec], today: dt.date):
    """The screened population (`population`) carrying what the rules' conditions and the lists read:
    `incl_status` (待申报 without a record) and the aliases of `inclusion.conditions`."""
    return (
        population(user, rules, today)
        .alias(**RuleConditions.aliases())
        .annotate(incl_status=status_expression())
    )


def _ordered(qs, ordering: str, today: dt.date):
    """The list's order, as the bureau picked it. 开工天数 counts a project started today, or not yet
    started, as no days (after every started one when longest first)."""
    started = Case(When(actual_start__lt=today, then=F("actual_start")), default=None)
    if ordering == "-days":
        return qs.order_by(started.asc(nulls_last=True), "pk")
    if ordering == "days":
        return qs.order_by(started.desc(nulls_first=True), "-pk")
    if ordering == "-total_investment":
        return qs.order_by("-total_investment", "-pk")
    if ordering == "county":
        return qs.order_by("county_id", "pk")
    if ordering == "name":
        return qs.order_by(Collate("name", "C") if connection.vendor == "postgresql" else "name", "pk")
    return qs.order_by("pk")


def _filter_q(f: dict, cond: RuleConditions) -> Q:
    """The page's filters as one condition on `screened(...)` (the same for the page, API and exports)."""
    q = Q(incl_status__in=LIST_STATUSES[f["list"]])
    if f["list"] == "screening":
        # 应入未入: meets the conditions (or was worked on) and is not in the database yet.
        wanted = cond.eligible()
        if wanted is not None:
            q &= wanted | ~Q(incl_status=InclusionStatus.PENDING)
    county = f.get("county")
    if county:
        q &= (
            Q(county__path__startswith=county.path) if county.kind == OrgKind.CITY else Q(county_id=county.pk)
        )
    if f.get("department"):
        q &= Q(department_id=f["department"].pk)
    if f.get("status"):
        q &= Q(incl_status=f["status"])
    if f.get("lacks"):
        rule = next((r for r in cond.rules if r.id == f["lacks"]), None)
        q &= cond.fails(rule) if rule else Q(pk__in=[])
    if f.get("ready") in ("yes", "no"):
        ready = cond.ready()
        if f["ready"] == "yes":
            q &= ready if ready is not None else Q()
        else:
            q &= ~ready if ready is not None else Q(pk__in=[])
    if f.get("duplicate") == "yes":
        q &= Q(pk__in=sorted(duplicate_ids())) & ~Q(incl_status=InclusionStatus.INCLUDED)
    if f.get("min_days") is not None:
        q &= Q(actual_start__lte=cond.today - dt.timedelta(days=f["min_days"]))
    for term in (f.get("search") or "").split():
        upper = term.upper()
        q &= (
            Q(name__contains=term)
            | Q(code__contains=upper)
            | Q(construction_unit__contains=term)
            | Q(credit_code=upper)
        )
    return q


class ScreeningList(Sequence):
    """The chosen list of the screening, filtered and ordered in the database.

    Counting it is one query; a page of it (`rows[50:100]`) reads those rows only and checks them
    in words (four queries); iterating it reads the whole list in chunks, for the exports, with the
    evidence and the suspected duplicates of the whole population read once (a fixed number of
    queries however long the list)."""

    CHUNK = 2000

    def __init__(self, queryset, *, rules: list[RuleSpec], today: dt.date):
        self.queryset = queryset
        self.rules = rules
        self.today = today
        self._count: int | None = None
        self._checker = Checker(rules, today)

    def count(self) -> int:
        if self._count is None:
            self._count = self.queryset.count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def _values(self, qs):
        directory = DirectoryEntry.objects.filter(credit_code=OuterRef("credit_code")).values("name")[:1]
        return qs.annotate(directory_name=Subquery(directory)).values(*ROW_FIELDS)

    def __getitem__(self, index):
        if isinstance(index, slice):
            if index.step not in (None, 1):
                raise ValueError("a screening list is read in steps of one")
            return self._page(self.queryset[index])
        if index < 0:
            index += self.count()
        rows = self._page(self.queryset[index : index + 1])
        if not rows:
            raise IndexError(index)
        return rows[0]

    def _page(self, qs) -> list[ScreeningRow]:
        raw = list(self._values(qs))
        ids = [p["id"] for p in raw]
        kinds = self._evidence(EvidenceFile.objects.filter(project_id__in=ids)) if raw else {}
        open_ids = [p["id"] for p in raw if p["inclusion_record__status"] != InclusionStatus.INCLUDED]
        duplicates = find_duplicates(open_ids)
        return [self._row(p, kinds, duplicates) for p in raw]

    def __iter__(self):
        for chunk in self.chunks():
            yield from chunk

    def chunks(self, size: int | None = None):
        """The whole list, `size` rows at a time (one streamed query for the rows)."""
        kinds = self._evidence(EvidenceFile.objects.filter(project__in=self.queryset.order_by().values("pk")))
        duplicates = duplicate_map()
        qs = self._values(self.queryset)
        size = size or self.CHUNK
        chunk: list[ScreeningRow] = []
        for p in qs.iterator(chunk_size=size):
            chunk.append(self._row(p, kinds, duplicates))
            if len(chunk) == size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    def _evidence(self, files) -> dict[int, set]:
        kinds: dict[int, set] = defaultdict(set)
        if any(r.kind == RuleKind.EVIDENCE for r in self.rules):
            for pid, kind_id in files.order_by().values_list("project_id", "kind_id").distinct():
                kinds[pid].add(kind_id)
        return kinds

    def _row(self, p: dict, kinds: dict, duplicates: dict) -> ScreeningRow:
        today = self.today
        start = p["actual_start"]
        status = p["inclusion_record__status"] or InclusionStatus.PENDING
        facts = Facts(
            total_investment=p["total_investment"] or ZERO,
            stage=p["stage"],
            actual_start=start,
            construction_unit=p["construction_unit"],
            credit_code=p["credit_code"],
            directory_name=p["directory_name"],
            evidence_kind_ids=kinds.get(p["id"], set()),
        )
        return ScreeningRow(
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
            status=status,
            record_id=p["inclusion_record__id"],
            stats_number=p["inclusion_record__stats_number"] or "",
            declared_on=p["inclusion_record__declared_on"],
            included_on=p["inclusion_record__included_on"],
            returned_on=p["inclusion_record__returned_on"],
            return_reason=p["inclusion_record__return_reason"] or "",
            duplicate_note=p["inclusion_record__duplicate_note"] or "",
            checks=self._checker(facts),
            days_since_start=(today - start).days if start and start <= today else None,
            duplicates=[] if status == InclusionStatus.INCLUDED else duplicates.get(p["id"], []),
        )


def screening_list(
    *, user, filters: dict | None = None, rules=None, today=None, cond: RuleConditions | None = None
) -> ScreeningList:
    """The chosen list alone (no counts, no figures): what the API and the exports read."""
    today = today or timezone.localdate()
    rules = active_rules() if rules is None else rules
    cond = cond or RuleConditions(rules, today)
    f = {"list": "screening", "ordering": "-days", **(filters or {})}
    qs = screened(user, rules, today).filter(_filter_q(f, cond))
    return ScreeningList(_ordered(qs, f["ordering"], today), rules=rules, today=today)


def _area_counts(user, cond: RuleConditions, year, month):
    """The counts by county and department, the totals and the lists' counts of the whole screened
    population (every list, unfiltered), with the 1–N月 completed investment on the approved basis:
    three queries (counts, organisations, money)."""
    rules, today = cond.rules, cond.today
    qs = screened(user, rules, today)
    ready = cond.ready()
    groups = list(
        qs.order_by()
        .values("county_id", "department_id", "incl_status")
        .annotate(n=Count("pk"), n_ready=Count("pk", filter=ready) if ready is not None else Count("pk"))
    )
    money = measures.ytd_completed_by(
        projects=population(user, rules, today),
        by=("county", "department", "inclusion_record__status"),
        year=year,
        month=month,
        basis=Basis.APPROVED,
    )
    org_ids = {g["county_id"] for g in groups} | {g["department_id"] for g in groups if g["department_id"]}
    orgs = {
        o["pk"]: (o["short_name"] or o["name"], o["sort_order"])
        for o in Organisation.objects.filter(pk__in=org_ids).values("pk", "name", "short_name", "sort_order")
    }

    def area(k):
        return AreaCount(org_id=k, name=orgs[k][0] if k in orgs else "未明确责任单位")

    by_county: dict = {}
    by_department: dict = {}
    totals = AreaCount(org_id=None, name="合计")
    list_counts = {key: 0 for key in LIST_STATUSES}
    for g in groups:
        county, department, status = g["county_id"], g["department_id"], g["incl_status"]
        record_status = None if status == InclusionStatus.PENDING else status
        ytd = money.get((county, department, record_status), ZERO)
        if status == InclusionStatus.PENDING:
            # 待申报 with a record left in that state, or without a record: one group each in money.
            ytd += money.get((county, department, InclusionStatus.PENDING.value), ZERO)
        for table, key in ((by_county, county), (by_department, department)):
            if key not in table:
                table[key] = area(key)
            table[key].add(status, g["n"], g["n_ready"], ytd)
        totals.add(status, g["n"], g["n_ready"], ytd)
        list_counts["all"] += g["n"]
        list_counts[status if status != InclusionStatus.PENDING else "screening"] += g["n"]
        if status in (InclusionStatus.DECLARED, InclusionStatus.RETURNED):
            list_counts["screening"] += g["n"]

    def order(k):
        return (k is None, orgs.get(k, ("", 0))[1], k or 0)

    return (
        [by_county[k] for k in sorted(by_county, key=order)],
        [by_department[k] for k in sorted(by_department, key=order)],
        totals,
        list_counts,
    )


def screening(*, user, filters: dict | None = None, year: int, month: int, today=None) -> Screening:
    """The bureau's monthly screening in the user's scope: the chosen list (filtered, ordered and
    paged in the database; each row's checks in words when read) and the counts by county and
    department (every list, unfiltered) with their approved 1–N月 completed investment. A fixed
    number of queries whatever the number of projects."""
    today = today or timezone.localdate()
    rules = active_rules()
    f = {"list": "screening", "ordering": "-days", **(filters or {})}
    cond = RuleConditions(rules, today)
    by_county, by_department, totals, list_counts = _area_counts(user, cond, year, month)
    rows = screening_list(user=user, filters=f, rules=rules, today=today, cond=cond)
    if not any(f.get(key) not in (None, "") for key in NARROWING_FILTERS):
        rows._count = list_counts[f["list"]]  # the tab's count is the list's length: no second count
    return Screening(
        year=year,
        month=month,
        today=today,
        rules=rules,
        filters=f,
        rows=rows,
        by_county=by_county,
        by_department=by_department,
        totals=totals,
        list_counts=list_counts,
    )


def attach_figures(rows: list[ScreeningRow], *, year: int, month: int, completed: dict | None = None) -> None:
    """Each row's 1–N月累计 and 开工累计 on the approved basis: from `completed` (what
    `measures.completed_by_project` answered for a whole list, for an export), else one query for
    the rows' ids."""
    if completed is None:
        completed = measures.completed_by_project(projects=[r.id for r in rows], year=year, month=month)
    for row in rows:
        row.ytd_completed, row.since_start_completed = completed.get(row.id, (ZERO, ZERO))
