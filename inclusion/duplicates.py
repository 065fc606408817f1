"""不重: projects that may be the same project entered twice, flagged before either is declared.

Two projects are suspected duplicates when they carry the same project code, or when they have the
same construction unit (by credit code, else by name) and near-identical names. Read in one query;
the comparison runs only inside each unit's group.
"""

from __future__ import annotations

from collections import defaultdict
from difflib import SequenceMatcher

from projects.choices import Stage
from projects.models import Project

from .rules import name_key

SIMILARITY = 0.88


def similar(a: str, b: str) -> bool:
    if not a or not b:
        return False
    if a == b:
        return True
    if abs(len(a) - len(b)) > max(len(a), len(b)) * (1 - SIMILARITY) + 1:
        return False
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return matcher.quick_ratio() >= SIMILARITY and matcher.ratio() >= SIMILARITY


def find_duplicates(candidate_ids) -> dict[int, list[dict]]:
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
    by_code: dict[str, list] = defaultdict(list)
    by_unit: dict[str, list] = defaultdict(list)
    for pid, name, code, credit, unit in rows:
        if code:
            by_code[code.replace("-", "").upper()].append((pid, name))
        unit_key = (credit or "").upper() or name_key(unit)
        if unit_key:
            by_unit[unit_key].append((pid, name, name_key(name)))
    found: dict[int, dict[int, dict]] = defaultdict(dict)
    for group in by_code.values():
        if len(group) > 1:
            for pid, _name in group:
                if pid in candidates:
                    for other, other_name in group:
                        if other != pid:
                            found[pid][other] = {"id": other, "name": other_name, "reason": "项目代码相同"}
    for group in by_unit.values():
        if len(group) < 2:
            continue
        for pid, _name, key in group:
            if pid not in candidates:
                continue
            for other, other_name, other_key in group:
                if other != pid and other not in found[pid] and similar(key, other_key):
                    found[pid][other] = {
                        "id": other,
                        "name": other_name,
                        "reason": "同一建设单位，项目名称相同或相近",
                    }
    return {pid: list(others.values()) for pid, others in found.items() if others}
