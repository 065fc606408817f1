"""Status moves of an inclusion record (待申报 → 已申报 → 已入库 / 退回), one or many."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import audit
from accounts.choices import AuditAction
from projects.exceptions import ConflictError
from projects.models import Project
from projects.parsing import clean_text

from .. import permissions
from ..choices import REASON_REQUIRED, TRANSITIONS, InclusionStatus
from ..duplicates import find_duplicates
from ..models import (
    InclusionEvent,
    InclusionRecord,
)
from ..rules import check_all, eligible, lacking
from ..selectors import active_rules, project_facts
from .base import InclusionError, _label

# --- status moves --------------------------------------------------------------------------


@transaction.atomic
def inclusion_move(
    *,
    actor,
    project: Project,
    to: str,
    reason: str = "",
    stats_number: str = "",
    on: dt.date | None = None,
    duplicate_note: str = "",
    version: int | None = None,
    today: dt.date | None = None,
) -> InclusionRecord:
    """Move `project` (read through a scoped selector) to status `to`. Idempotent in the target state.

    待申报 → 已申报 needs the conditions met and nothing lacking, and a note when a suspected
    duplicate exists; → 已入库 needs the statistics-database number; → 退回 and withdrawing an
    inclusion need a reason. `version` (when given) must be the record's, else ConflictError.
    """
    if not permissions.can_manage_inclusion(actor):
        raise PermissionDenied("只有统计局可以办理入库纳统。")
    try:
        to = InclusionStatus(to)
    except ValueError:
        raise InclusionError(f"未知的入库状态：{to}") from None
    today = today or timezone.localdate()
    on = on or today
    if on > today:
        raise InclusionError("日期不能晚于今天。")
    reason = (reason or "").strip()
    stats_number = clean_text(stats_number).upper()
    duplicate_note = (duplicate_note or "").strip()
    record, created = InclusionRecord.objects.select_for_update().get_or_create(project=project)
    if version is not None and not created and int(version) != record.version:
        raise ConflictError("该项目的入库状态已被他人修改，请刷新后重试。", id=record.pk)
    current = InclusionStatus(record.status)
    if current == to:
        return record
    if to not in TRANSITIONS[current]:
        raise InclusionError(f"“{_label(current)}”的项目不能直接改为“{_label(to)}”。")
    if (current, to) in REASON_REQUIRED and not reason:
        raise InclusionError("退回须填写原因。" if to == InclusionStatus.RETURNED else "撤销入库须填写原因。")
    before = audit.snapshot(record)
    if to == InclusionStatus.DECLARED:
        checks = check_all(active_rules(), project_facts(project), today)
        if not eligible(checks):
            failed = "；".join(c.message for c in checks if not c.passed and c.group == "eligibility")
            raise InclusionError(f"“{project.name}”不符合入库条件：{failed}。")
        missing = lacking(checks)
        if missing:
            raise InclusionError(f"“{project.name}”尚缺：{'；'.join(c.message for c in missing)}。")
        duplicates = find_duplicates([project.pk]).get(project.pk, [])
        if duplicates and not (duplicate_note or record.duplicate_note):
            names = "、".join(f"“{d['name']}”（{d['reason']}）" for d in duplicates)
            raise InclusionError(f"“{project.name}”与{names}疑似重复：请核实后填写核实说明再申报。")
        if duplicate_note:
            record.duplicate_note = duplicate_note[:500]
        if current != InclusionStatus.INCLUDED:
            record.declared_on = on
    elif to == InclusionStatus.INCLUDED:
        if not stats_number:
            raise InclusionError(f"“{project.name}”入库须填写统计库项目编号。")
        taken = (
            InclusionRecord.objects.filter(stats_number=stats_number)
            .exclude(pk=record.pk)
            .select_related("project")
            .first()
        )
        if taken is not None:
            raise InclusionError(
                f"统计库项目编号 {stats_number} 已用于“{taken.project.name}”，不能重复入库。"
            )
        record.stats_number = stats_number
        record.included_on = on
    elif to == InclusionStatus.RETURNED:
        record.return_reason = reason[:500]
        record.returned_on = on
    if to == InclusionStatus.PENDING or (
        current == InclusionStatus.INCLUDED and to == InclusionStatus.DECLARED
    ):
        record.included_on = None
        record.stats_number = ""
    record.status = to
    record.handler = actor
    record.version += 1
    record.updated_at = timezone.now()
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        raise InclusionError(f"统计库项目编号 {stats_number} 已被使用。") from None
    changes = audit.diff(before, audit.snapshot(record))
    InclusionEvent.objects.create(
        record=record, from_status=current, to_status=to, actor=actor, reason=reason[:500], changes=changes
    )
    audit.record(
        actor=actor,
        action=AuditAction.TRANSITION,
        instance=record,
        root=project,
        changes=changes,
        message=f"入库纳统：{_label(current)} → {_label(to)}" + (f"（{reason}）" if reason else ""),
    )
    return record


@dataclass
class BulkResult:
    moved: list[int] = field(default_factory=list)
    skipped: list[tuple[int, str, str]] = field(default_factory=list)  # (project id, name, why)


def inclusion_bulk(*, actor, projects, to: str, reason: str = "", today=None) -> BulkResult:
    """Move each project of a selection (scoped queryset) to `to`, each in its own transaction; the
    ones the rules refuse are skipped with the reason. 入库 needs a number per project, so it is done
    one by one or through the re-imported screening list."""
    if not permissions.can_manage_inclusion(actor):
        raise PermissionDenied("只有统计局可以办理入库纳统。")
    if to == InclusionStatus.INCLUDED:
        raise InclusionError("批量操作不能直接入库：请逐个填写统计库项目编号，或导入带编号的筛选清单。")
    result = BulkResult()
    for project in projects:
        try:
            inclusion_move(actor=actor, project=project, to=to, reason=reason, today=today)
        except (InclusionError, ConflictError) as exc:
            result.skipped.append((project.pk, project.name, str(exc)))
        else:
            result.moved.append(project.pk)
    return result
