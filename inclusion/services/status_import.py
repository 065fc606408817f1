"""The screening list re-imported with its status column: preview, then commit."""

from __future__ import annotations

import hashlib

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts import audit
from accounts.choices import AuditAction
from projects.exceptions import ConflictError
from projects.importing.safety import UnsafeFile
from projects.parsing import clean_text

from .. import permissions
from ..choices import TRANSITIONS, InclusionStatus, UploadKind, UploadStatus
from ..models import (
    DirectoryUpload,
    InclusionRecord,
)
from .base import InclusionError, _label
from .directory import HEADER_SCAN_ROWS, UploadNotReady, _cells_from_xlsx
from .moves import inclusion_move

# --- the screening list, re-imported with its status column ---------------------------------

STATUS_WORDS = {str(label): value for value, label in InclusionStatus.choices} | {
    "已退回": InclusionStatus.RETURNED
}


def _path(current: str, target: str) -> list[str]:
    """The shortest chain of allowed moves from `current` to `target` (待申报 → 已入库 declares first)."""
    frontier, seen = [[current]], {current}
    while frontier:
        chain = frontier.pop(0)
        if chain[-1] == target:
            return chain[1:]
        for nxt in TRANSITIONS[chain[-1]]:
            if nxt not in seen:
                seen.add(nxt)
                frontier.append([*chain, nxt])
    return []


def parse_status_list(data: bytes) -> list[dict]:
    """The rows of a re-uploaded screening list: project id, status, number, reason (by header)."""
    from ..excel import ID_HEADER, NUMBER_COLUMN, REASON_COLUMN, STATUS_COLUMN

    rows = _cells_from_xlsx(data)
    header_index, cols = None, {}
    for number, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        headers = [clean_text(v) for v in row]
        if ID_HEADER in headers and STATUS_COLUMN in headers:
            header_index, cols = number, {h: i for i, h in enumerate(headers) if h}
            break
    if header_index is None:
        raise UnsafeFile(
            "文件不是本平台导出的入库纳统筛选清单（缺少“ID”或“入库状态”列），请先导出清单再修改。"
        )

    def text(raw, header):
        i = cols.get(header)
        value = clean_text(raw[i]) if i is not None and i < len(raw) else ""
        # Our export guards text against formulas with a leading quote; take it off again.
        return value[1:] if value.startswith("'") and len(value) > 1 and value[1] in "=+-@" else value

    out = []
    for number, raw in enumerate(rows[header_index + 1 :], start=header_index + 2):
        raw_id = raw[cols[ID_HEADER]] if cols[ID_HEADER] < len(raw) else None
        if raw_id in (None, ""):
            continue  # the totals row and blank lines
        try:
            project_id = int(raw_id)
        except (TypeError, ValueError):
            out.append({"row": number, "project_id": None, "error": "ID 列不是数字（请勿改动隐藏的 ID 列）"})
            continue
        out.append(
            {
                "row": number,
                "project_id": project_id,
                "status_text": text(raw, STATUS_COLUMN),
                "stats_number": text(raw, NUMBER_COLUMN),
                "reason": text(raw, REASON_COLUMN),
            }
        )
    return out


class _DryRun(Exception):
    pass


def _apply_status_rows(actor, entries: list[dict], projects: dict, today) -> dict[int, str]:
    """Apply each entry's moves; `{row: error}` for the rows the rules refuse (nothing raised)."""
    errors = {}
    for e in entries:
        project = projects[e["project_id"]]
        try:
            with transaction.atomic():
                for step in e["steps"]:
                    inclusion_move(
                        actor=actor,
                        project=project,
                        to=step,
                        reason=e["reason"],
                        stats_number=e["stats_number"],
                        today=today,
                    )
        except (InclusionError, ConflictError) as exc:
            errors[e["row"]] = str(exc)
    return errors


def status_import_preview(
    *, actor, data: bytes, file_name: str, projects_in_scope, today=None
) -> DirectoryUpload:
    """Read a re-uploaded screening list and store the status moves it asks for, each checked by a
    trial run of `inclusion_move` that is rolled back; nothing else is written."""
    if not permissions.can_manage_inclusion(actor):
        raise PermissionDenied("只有统计局可以导入入库状态。")
    today = today or timezone.localdate()
    parsed = parse_status_list(data)
    ids = [p["project_id"] for p in parsed if p.get("project_id")]
    projects = {p.pk: p for p in projects_in_scope.filter(pk__in=ids)}
    records = dict(InclusionRecord.objects.filter(project_id__in=ids).values_list("project_id", "status"))
    numbers = dict(
        InclusionRecord.objects.filter(project_id__in=ids).values_list("project_id", "stats_number")
    )
    changes, errors, unchanged, seen = [], [], 0, set()
    for p in parsed:
        row = p["row"]
        if p.get("error"):
            errors.append({"row": row, "name": "", "reason": p["error"]})
            continue
        project = projects.get(p["project_id"])
        if project is None:
            errors.append(
                {"row": row, "name": "", "reason": f"项目 ID {p['project_id']} 不存在或不在您的管辖范围内"}
            )
            continue
        if p["project_id"] in seen:
            errors.append({"row": row, "name": project.name, "reason": "同一项目在文件中出现了多次"})
            continue
        seen.add(p["project_id"])
        target = STATUS_WORDS.get(p["status_text"])
        if target is None:
            errors.append(
                {
                    "row": row,
                    "name": project.name,
                    "reason": f"入库状态“{p['status_text']}”无法识别（应为待申报、已申报、已入库或退回）",
                }
            )
            continue
        current = records.get(project.pk, InclusionStatus.PENDING)
        number = p["stats_number"].upper()
        if current == target and (
            target != InclusionStatus.INCLUDED or number == numbers.get(project.pk, "")
        ):
            unchanged += 1
            continue
        steps = _path(current, target) if current != target else []
        if current == target == InclusionStatus.INCLUDED:
            errors.append(
                {"row": row, "name": project.name, "reason": "已入库项目的统计库编号须先撤销入库再修改"}
            )
            continue
        if not steps:
            errors.append(
                {
                    "row": row,
                    "name": project.name,
                    "reason": f"不能从“{_label(current)}”改为“{_label(target)}”",
                }
            )
            continue
        changes.append(
            {
                "row": row,
                "project_id": project.pk,
                "name": project.name,
                "from": current,
                "to": target,
                "from_label": _label(current),
                "to_label": _label(target),
                "steps": steps,
                "stats_number": number,
                "reason": p["reason"],
            }
        )
    if changes:
        try:
            with transaction.atomic():
                refused = _apply_status_rows(actor, changes, projects, today)
                raise _DryRun
        except _DryRun:
            pass
        for change in changes:
            if change["row"] in refused:
                errors.append(
                    {"row": change["row"], "name": change["name"], "reason": refused[change["row"]]}
                )
        changes = [c for c in changes if c["row"] not in refused]
    errors.sort(key=lambda e: e["row"])
    summary = {
        "changes": changes,
        "errors": errors,
        "unchanged": unchanged,
        "counts": {"changes": len(changes), "errors": len(errors), "unchanged": unchanged},
    }
    return DirectoryUpload.objects.create(
        kind=UploadKind.STATUS,
        file_name=(file_name or "筛选清单.xlsx")[:255],
        file_sha256=hashlib.sha256(data).hexdigest(),
        content=data,
        uploaded_by=actor,
        status=UploadStatus.REJECTED if errors else UploadStatus.PREVIEWED,
        summary=summary,
    )


@transaction.atomic
def status_import_commit(*, actor, upload: DirectoryUpload, projects_in_scope, today=None) -> int:
    """Apply every move of a previewed list, all or nothing; once only."""
    if not permissions.can_manage_inclusion(actor):
        raise PermissionDenied("只有统计局可以导入入库状态。")
    locked = DirectoryUpload.objects.select_for_update().get(pk=upload.pk)
    if locked.status == UploadStatus.COMMITTED:
        return 0
    if locked.status != UploadStatus.PREVIEWED:
        raise UploadNotReady("文件有错误，不能导入：请修改后重新上传。")
    changes = locked.summary["changes"]
    projects = {p.pk: p for p in projects_in_scope.filter(pk__in=[c["project_id"] for c in changes])}
    missing = [c for c in changes if c["project_id"] not in projects]
    if missing:
        raise UploadNotReady(f"“{missing[0]['name']}”已不在您的管辖范围内，未导入任何状态。")
    # Moves made since the preview are re-checked: the state must still be the one previewed.
    current = dict(
        InclusionRecord.objects.filter(project_id__in=list(projects)).values_list("project_id", "status")
    )
    for c in changes:
        if current.get(c["project_id"], InclusionStatus.PENDING) != c["from"]:
            raise ConflictError(f"“{c['name']}”的入库状态在预览后已被修改，请重新上传。")
    refused = _apply_status_rows(actor, changes, projects, today)
    if refused:
        transaction.set_rollback(True)
        row, why = next(iter(refused.items()))
        raise UploadNotReady(f"第 {row} 行：{why}。未导入任何状态。")
    locked.status = UploadStatus.COMMITTED
    locked.committed_at = timezone.now()
    locked.save(update_fields=["status", "committed_at"])
    audit.record(
        actor=actor,
        action=AuditAction.IMPORT,
        instance=locked,
        changes={"moves": len(changes)},
        message=f"导入入库纳统筛选清单 {locked.file_name}：{len(changes)} 个项目变更状态",
    )
    return len(changes)
