"""The screening as it was computed before it moved into SQL: every project read, checked in Python,
then filtered and sorted in Python. Kept here, unchanged, as the oracle the SQL-first screening is
held to (tests/inclusion/test_screening_sql.py): same rows, same order, same counts."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import OuterRef, Subquery

from accounts.choices import OrgKind
from accounts.models import Organisation
from inclusion.choices import NOT_INCLUDED, InclusionStatus, RuleKind
from inclusion.duplicates import project_key
from inclusion.models import DirectoryEntry, EvidenceFile
from inclusion.rules import Checker, Facts, name_key
from inclusion.selectors import ScreeningRow, population
from projects.choices import Stage
from projects.models import Project
from projects.money import ZERO


def _org_name(name, short):
    return short or name or ""


def old_find_duplicates(candidate_ids) -> dict[int, list[dict]]:
    """`{project_id: [{"id", "name", "reason"}]}` for every project in `candidate_ids` that has a
    suspected duplicate among all live projects (any scope: a duplicate hides across counties)."""
    candidates = set(candidate_ids)
    if not candidates:
        return {}
    rows = list(
        Project.objects.exclude(stage=Stage.CANCELLED)
        .order_by()
        .values_list("id", "name", "code", "credit_code", "construction_unit")
    )
    groups: dict[tuple, list] = defaultdict(list)
    for pid, name, code, credit, unit in rows:
        if code:
            groups[("code", code.replace("-", "").upper())].append((pid, name, "项目代码相同"))
        unit_key = (credit or "").upper() or name_key(unit)
        if unit_key:
            groups[("unit", unit_key, project_key(name))].append(
                (pid, name, "同一建设单位，项目名称相同或相近")
            )
    found: dict[int, dict[int, dict]] = defaultdict(dict)
    for group in groups.values():
        if len(group) < 2:
            continue
        for pid, _name, _reason in group:
            if pid not in candidates:
                continue
            for other, other_name, reason in group:
                if other != pid and other not in found[pid]:
                    found[pid][other] = {"id": other, "name": other_name, "reason": reason}
    return {pid: list(others.values()) for pid, others in found.items() if others}


def old_rows(user, rules, today) -> list[ScreeningRow]:
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
    duplicates = old_find_duplicates(r.id for r in rows if r.status != InclusionStatus.INCLUDED)
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


def old_filtered(rows: list[ScreeningRow], f: dict) -> list[ScreeningRow]:
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
