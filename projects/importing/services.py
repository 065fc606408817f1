"""Ledger import: preview (nothing written but the batch) and all-or-nothing commit.

    batch = ledger_preview(actor=user, file_name="台账.xlsx", data=raw_bytes, year=2025)
    batch.summary  # counts, errors (sheet/row/column/reason), warnings, creates, updates with diffs
    ledger_commit(actor=user, batch=batch)

Rows are matched to existing projects by 项目代码, else by 项目名称 + 建设单位. A row changes only
the columns the ledger has and fills in (a blank cell never clears a value), so importing the
same file again finds nothing to change.

New projects start in 储备, or in 在建 when the ledger gives an actual start date (实际开工时间)
not after today; their 填报单位 is the county. An existing project's stage is never changed by
an import (stages move only through `project_transition`).
"""

from __future__ import annotations

import hashlib

from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models.fields.json import KeyTransform
from django.utils import timezone

from accounts import audit
from accounts.choices import AuditAction

from .. import permissions
from ..choices import ImportKind, ImportStatus
from ..history import initial_history, stage_history_relink
from ..models import AnnualPlan, ImportBatch, Project, StageChange
from .analysis import CHUNK, PLAN_FIELDS, Analysis, analyse
from .ledger import LABELS

MAX_LISTED_ISSUES = 500
MAX_LISTED_ROWS = 200


class ImportRefused(Exception):
    """The commit cannot go ahead; nothing was written. The message is for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# ---------------------------------------------------------------- summary


def _verbose(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return LABELS.get(name, name)


def _change_list(model, changes: dict, year: int | None = None) -> list[dict]:
    result = []
    for f, (old, new) in changes.items():
        label = _verbose(model, f)
        if year:  # "2025年计划投资（万元）", not "2025年年度计划投资（万元）"
            label = f"{year}年" + label.removeprefix("年度")
        result.append({"field": label, "old": old, "new": new})
    return result


def _summary(analysis: Analysis) -> dict:
    errors, warnings = analysis.errors, analysis.warnings
    creates, updates = analysis.creates, analysis.updates
    summary = {
        "year": analysis.year,
        "file_error": analysis.file_error,
        "sheets": analysis.sheets,
        "counts": {
            "rows": len(analysis.rows),
            "create": len(creates),
            "update": len(updates),
            "unchanged": len(analysis.unchanged),
            "error_rows": sum(1 for r in analysis.rows if r.errors),
            "warning_rows": sum(1 for r in analysis.rows if r.warnings),
            "errors": len(errors),
            "warnings": len(warnings),
        },
        "errors": [i.as_dict() for i in errors[:MAX_LISTED_ISSUES]],
        "warnings": [i.as_dict() for i in warnings[:MAX_LISTED_ISSUES]],
        "creates": [
            {
                "sheet": p.row.sheet,
                "row": p.row.row,
                "name": p.project.name,
                "county": str(p.project.county),
                "town": str(p.project.town or ""),
                "total_investment": str(p.project.total_investment),
                "annual_plan": str(p.plan.planned_investment) if p.plan else "",
                "stage": p.project.get_stage_display(),
            }
            for p in creates[:MAX_LISTED_ROWS]
        ],
        "updates": [
            {
                "sheet": p.row.sheet,
                "row": p.row.row,
                "name": p.project.name,
                "project_id": p.project.pk,
                "changes": _change_list(Project, p.changes)
                + _change_list(AnnualPlan, p.plan_changes, year=p.plan.year if p.plan else None),
            }
            for p in updates[:MAX_LISTED_ROWS]
        ],
    }
    return summary


# ---------------------------------------------------------------- services


def check_can_import(actor):
    if not permissions.can_import_ledger(actor):
        raise PermissionDenied("您没有导入项目台账的权限。")


def ledger_preview(*, actor, file_name: str, data: bytes, year: int) -> ImportBatch:
    """Check and read the file; store it with what a commit would do. Writes nothing else."""
    check_can_import(actor)
    analysis = analyse(actor=actor, data=data, year=year)
    rejected = bool(analysis.file_error or analysis.errors)
    return ImportBatch.objects.create(
        kind=ImportKind.LEDGER,
        file_name=(file_name or "未命名.xlsx")[:255],
        file_sha256=hashlib.sha256(data or b"").hexdigest(),
        # An unreadable file is not kept (it may be a bomb or not ours to store); its verdict is.
        content=b"" if analysis.file_error else data,
        uploaded_by=actor,
        organisation=actor.organisation,
        period_year=year,
        status=ImportStatus.REJECTED if rejected else ImportStatus.PREVIEWED,
        summary=_summary(analysis),
    )


def can_see_batch(user, batch: ImportBatch) -> bool:
    return batch.uploaded_by_id == user.pk or permissions.is_office(user)


def ledger_commit(*, actor, batch: ImportBatch) -> ImportBatch:
    """Re-read the stored file and write every row in one transaction, or nothing."""
    check_can_import(actor)
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if not can_see_batch(actor, locked):
            raise PermissionDenied("只能确认本人上传的导入批次。")
        if locked.status == ImportStatus.COMMITTED:
            raise ImportRefused("该文件已经导入过，不能重复确认。")
        if locked.status == ImportStatus.REJECTED or not locked.content:
            raise ImportRefused("该文件有错误，不能导入。请修改后重新上传。")
        _serialise_ledger_commits()
        analysis = analyse(actor=actor, data=bytes(locked.content), year=locked.period_year, lock=True)
        previewed_creates = (locked.summary or {}).get("counts", {}).get("create", 0)
        created_meanwhile = previewed_creates - len(analysis.creates)
        if created_meanwhile > 0 and not (analysis.file_error or analysis.errors):
            # Another import (or a colleague) created some of these projects after the preview: what
            # this ledger would do is no longer what its uploader saw. Nothing is written.
            locked.status = ImportStatus.REJECTED
            locked.summary = _summary(analysis)
            locked.save(update_fields=["status", "summary"])
            refusal = ImportRefused(
                f"预览之后，其中 {created_meanwhile} 个新项目已由另一次导入建立（可能是同一台账被重复确认），"
                "本次未导入任何数据，以免重复建项。请到项目库核对，或重新上传台账查看最新预览。"
            )
        elif not (analysis.file_error or analysis.errors):
            try:
                with transaction.atomic():
                    result = _write(actor, locked, analysis)
            except IntegrityError:
                # A project with one of these codes was saved outside an import meanwhile (the edit form).
                raise ImportRefused(
                    "项目代码与刚刚保存的其他项目重复，未导入任何数据。请重新上传台账查看最新预览。"
                ) from None
            locked.status = ImportStatus.COMMITTED
            locked.committed_at = timezone.now()
            locked.summary = {**_summary(analysis), "result": result}
            locked.save(update_fields=["status", "committed_at", "summary"])
            return locked
        else:
            # Something changed since the preview: keep the new verdict, write no project.
            locked.status = ImportStatus.REJECTED
            locked.summary = _summary(analysis)
            locked.save(update_fields=["status", "summary"])
            refusal = ImportRefused("重新检查发现错误（数据可能已被修改），未导入任何数据。请查看错误列表。")
    raise refusal


# Any fixed 64-bit key: the transaction-scoped PostgreSQL lock that ledger commits queue on.
LEDGER_COMMIT_LOCK = 0x78_6D_67_6A_6C_65_64_67  # "xmgjledg"


def _serialise_ledger_commits() -> None:
    """One ledger commit at a time, so two confirmations of the same ledger never both create a project.

    The second waits (a commit takes seconds), then re-reads the database as the first left it. On
    PostgreSQL a transaction-scoped advisory lock; SQLite already runs one writing transaction at a
    time (transaction_mode IMMEDIATE in settings).
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LEDGER_COMMIT_LOCK])


def _write(actor, batch: ImportBatch, analysis: Analysis) -> dict:
    now = timezone.now()
    tag = f"import-{batch.pk}"
    entries: list[audit.Entry] = []

    creates = analysis.creates
    new_projects = [p.project for p in creates]
    for project in new_projects:
        project.created_at = project.updated_at = now
    Project.objects.bulk_create(new_projects, batch_size=CHUNK)
    StageChange.objects.bulk_create(
        [
            row
            for p in new_projects
            for row in initial_history(p, actor=actor, reason=f"台账导入：{batch.file_name}"[:500], at=now)
        ],
        batch_size=CHUNK,
    )
    stage_history_relink([p.pk for p in new_projects])
    for p in new_projects:
        entries.append(
            audit.Entry(AuditAction.CREATE, p, audit.diff({}, audit.snapshot(p)), message="台账导入")
        )

    updates = [p for p in analysis.updates if p.changes]
    changed_fields = set()
    for rp in updates:
        rp.project.version += 1
        rp.project.updated_at = now
        changed_fields.update(rp.changes)
        entries.append(audit.Entry(AuditAction.UPDATE, rp.project, rp.changes, message="台账导入"))
    if updates:
        # An upsert on the primary key: one statement per 1,000 rows (bulk_update's CASE/WHEN is ~10× slower).
        fields = sorted(_concrete(changed_fields) | {"version", "updated_at"})
        Project.objects.bulk_create(
            [rp.project for rp in updates],
            update_conflicts=True,
            unique_fields=["id"],
            update_fields=fields,
            batch_size=CHUNK,
        )

    plan_rows = [rp for rp in analysis.plans if rp.plan is not None and rp.plan_changes]
    new_plans = [rp.plan for rp in plan_rows if rp.plan_is_new]
    AnnualPlan.objects.bulk_create(new_plans, batch_size=CHUNK)  # takes project_id from the saved project
    changed_plans = [rp.plan for rp in plan_rows if not rp.plan_is_new]
    if changed_plans:
        AnnualPlan.objects.bulk_create(
            changed_plans,
            update_conflicts=True,
            unique_fields=["id"],
            update_fields=PLAN_FIELDS,
            batch_size=CHUNK,
        )
    for rp in plan_rows:
        action = AuditAction.CREATE if rp.plan_is_new else AuditAction.UPDATE
        entries.append(audit.Entry(action, rp.plan, rp.plan_changes, root=rp.project, message="台账导入"))

    result = {
        "created": len(new_projects),
        "updated": len(updates),
        "plans_created": len(new_plans),
        "plans_updated": len(changed_plans),
        "unchanged": len(analysis.unchanged),
    }
    entries.append(
        audit.Entry(
            AuditAction.IMPORT,
            batch,
            {"file_name": batch.file_name, **result},
            message=f"导入项目台账 {batch.file_name}",
        )
    )
    audit.record_many(actor=actor, entries=entries, batch=tag)
    return result


def result_text(batch: ImportBatch) -> str:
    """What a committed batch wrote, in one sentence for the page's message and the command's output."""
    result = batch.summary.get("result", {})
    return (
        f"新增项目 {result.get('created', 0)} 个，修改 {result.get('updated', 0)} 个，"
        f"年度计划新增 {result.get('plans_created', 0)} 条、修改 {result.get('plans_updated', 0)} 条，"
        f"无变化 {result.get('unchanged', 0)} 个。"
    )


def _concrete(names) -> set[str]:
    """Model field names for the upsert (FKs by their name; Django maps them to *_id columns)."""
    fields = {f.name for f in Project._meta.concrete_fields}
    return {n for n in names if n in fields}


def recent_batches(*, user, limit: int = 20):
    """The upload page's list: the user's own batches, or everyone's for the office (file bytes not loaded)."""
    # The list shows only the counts: a summary can hold hundreds of listed errors and rows.
    qs = (
        ImportBatch.objects.filter(kind=ImportKind.LEDGER)
        .defer("content", "summary")
        .annotate(counts=KeyTransform("counts", "summary"))
        .select_related("uploaded_by")
    )
    if not permissions.is_office(user):
        qs = qs.filter(uploaded_by=user)
    return qs.order_by("-uploaded_at", "-id")[:limit]


def batch_for_user(*, user, pk: int) -> ImportBatch | None:
    batch = ImportBatch.objects.filter(pk=pk, kind=ImportKind.LEDGER).select_related("uploaded_by").first()
    if batch is None or not can_see_batch(user, batch):
        return None
    return batch


__all__ = [
    "ImportRefused",
    "analyse",
    "batch_for_user",
    "check_can_import",
    "ledger_commit",
    "ledger_preview",
    "recent_batches",
    "result_text",
]
