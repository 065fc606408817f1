"""不重: projects that may be the same project entered twice, flagged before either is declared.

Two projects are suspected duplicates when they carry the same project code, or when they have the
same construction unit (by credit code, else by name) and names that are the same once the words a
ledger adds or drops at will are set aside: spacing and punctuation, full- or half-width, a leading
晋城市/山西省, and 项目、工程、建设、新建、一期. Names that differ in anything else — a phase (二期), a
capacity (8万套 / 5万套), a place (北街 / 南街) — are different projects. Read in one query; grouping
by key, so the cost grows with the number of projects, not its square.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict

from projects.choices import Stage
from projects.models import Project

from .rules import name_key

_PREFIX = re.compile(r"^(山西省|山西|晋城市)")
_FILLER = re.compile(r"(建设项目|项目|工程|建设|新建|一期)")


@functools.lru_cache(maxsize=65536)
def project_key(name: str) -> str:
    key = _PREFIX.sub("", name_key(name))
    return _FILLER.sub("", key) or key


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
