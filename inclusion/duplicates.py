"""不重: projects that may be the same project entered twice, flagged before either is declared.

Two projects are suspected duplicates when they carry the same project code, or when they have the
same construction unit (by credit code, else by name) and names that are the same once the words a
ledger adds or drops at will are set aside: spacing and punctuation, full- or half-width, a leading
晋城市/山西省, and 项目、工程、建设、新建、一期. Names that differ in anything else — a phase (二期), a
capacity (8万套 / 5万套), a place (北街 / 南街) — are different projects. Grouping by key, so the cost
grows with the number of projects, not its square; a few candidates (a page of the screening, one
project) read only the projects that share a code or a unit with them.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict

from django.db.models import Q, Value
from django.db.models.functions import Replace, Upper

from projects.choices import Stage
from projects.models import Project

from .rules import name_key

_PREFIX = re.compile(r"^(山西省|山西|晋城市)")
_FILLER = re.compile(r"(建设项目|项目|工程|建设|新建|一期)")
SAME_CODE = "项目代码相同"
SAME_UNIT = "同一建设单位，项目名称相同或相近"
FIELDS = ("id", "name", "code", "credit_code", "construction_unit")


@functools.lru_cache(maxsize=65536)
def project_key(name: str) -> str:
    key = _PREFIX.sub("", name_key(name))
    return _FILLER.sub("", key) or key


def _code_key(code: str) -> str:
    return code.replace("-", "").upper()


def _unit_key(credit: str, unit: str) -> str:
    return (credit or "").upper() or name_key(unit)


def _live():
    return Project.objects.exclude(stage=Stage.CANCELLED)


def _groups(rows) -> dict[tuple, list]:
    """Rows `(id, name, code, credit_code, construction_unit)` in id order, grouped by each key."""
    groups: dict[tuple, list] = defaultdict(list)
    for pid, name, code, credit, unit in rows:
        if code:
            groups[("code", _code_key(code))].append((pid, name, SAME_CODE))
        unit_key = _unit_key(credit, unit)
        if unit_key:
            groups[("unit", unit_key, project_key(name))].append((pid, name, SAME_UNIT))
    return groups


def _found(groups: dict, candidates) -> dict[int, list[dict]]:
    found: dict[int, dict[int, dict]] = defaultdict(dict)
    for group in groups.values():
        if len(group) < 2:
            continue
        for pid, _name, _reason in group:
            if candidates is not None and pid not in candidates:
                continue
            for other, other_name, reason in group:
                if other != pid and other not in found[pid]:
                    found[pid][other] = {"id": other, "name": other_name, "reason": reason}
    return {pid: list(others.values()) for pid, others in found.items() if others}


def duplicate_map() -> dict[int, list[dict]]:
    """Every live project that has a suspected duplicate, with its duplicates: one query over all
    live projects (for the 疑似重复 filter and the exports)."""
    return _found(_groups(_live().order_by("pk").values_list(*FIELDS)), None)


def find_duplicates(candidate_ids) -> dict[int, list[dict]]:
    """`{project_id: [{"id", "name", "reason"}]}` for every project in `candidate_ids` that has a
    suspected duplicate among all live projects (any scope: a duplicate hides across counties).

    Two queries, reading only the candidates and the projects sharing a project code or a credit
    code with one of them (and those without a credit code, matched by unit name): the answer
    `duplicate_map` gives for these candidates."""
    candidates = set(candidate_ids)
    if not candidates:
        return {}
    mine = list(_live().filter(pk__in=candidates).values_list(*FIELDS))
    code_keys = {_code_key(code) for _pid, _name, code, _credit, _unit in mine if code}
    unit_keys = {_unit_key(credit, unit) for _pid, _name, _code, credit, unit in mine}
    unit_keys.discard("")
    if not code_keys and not unit_keys:
        return {}
    related = Q(pk__in=candidates) | Q(credit_code="")
    if code_keys:
        related |= Q(_code_key__in=code_keys) & ~Q(code="")
    if unit_keys:
        related |= Q(_credit_key__in=unit_keys)
    rows = (
        _live()
        .alias(
            _code_key=Replace(Upper("code"), Value("-"), Value("")),
            _credit_key=Upper("credit_code"),
        )
        .filter(related)
        .order_by("pk")
        .values_list(*FIELDS)
    )
    return _found(_groups(rows), candidates)


def duplicate_ids() -> set[int]:
    return set(duplicate_map())
