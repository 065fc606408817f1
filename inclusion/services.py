"""Every write of 入库纳统: permission, one transaction, the record's history and the audit log.

- `inclusion_move` moves one project through 待申报 → 已申报 → 已入库 / 退回; `inclusion_bulk` does it
  for a selection, project by project, and says which were skipped and why;
- `evidence_add` keeps a checked document; `evidence_request` asks the units for missing ones;
- `rule_update` changes a condition; `directory_import_preview` / `directory_import_commit` read the
  bureau's 名录库 extract and write it all or nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from PIL import Image, UnidentifiedImageError

from accounts import audit
from accounts.choices import AuditAction
from projects.exceptions import ConflictError, ServiceError
from projects.importing.safety import UnsafeFile, load_workbook_safely
from projects.models import Project
from projects.parsing import clean_text
from projects.validators import normalise_credit_code, validate_credit_code
from scheduling.services import notify

from . import permissions
from .choices import REASON_REQUIRED, TRANSITIONS, InclusionStatus, RuleKind, UploadKind, UploadStatus
from .duplicates import find_duplicates
from .models import (
    DirectoryEntry,
    DirectoryUpload,
    EvidenceFile,
    EvidenceKind,
    EvidenceRequest,
    InclusionEvent,
    InclusionRecord,
    InclusionRule,
)
from .rules import check_all, eligible, lacking
from .selectors import active_rules, evidence_request_recipients, project_facts


class InclusionError(ServiceError):
    """A move or upload the rules refuse; the message says why, in Chinese."""

    status_code = 400


STATUS_LABEL = dict(InclusionStatus.choices)


def _label(status) -> str:
    return str(STATUS_LABEL[status])


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


# --- evidence ------------------------------------------------------------------------------

PDF_MAGIC = b"%PDF-"
MAX_PIXELS = 80_000_000
FORMAT_LABEL = {"pdf": "PDF", "jpeg": "JPEG", "png": "PNG"}


def detect_format(data: bytes) -> str | None:
    """'pdf', 'jpeg' or 'png' decided by content (never the file name), else None."""
    if data.startswith(PDF_MAGIC):
        return "pdf" if b"%%EOF" in data[-2048:] else None
    try:
        with Image.open(io.BytesIO(data)) as image:
            fmt = image.format
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    if width * height > MAX_PIXELS:
        return None
    return {"JPEG": "jpeg", "PNG": "png"}.get(fmt)


def check_evidence(data: bytes, kind: EvidenceKind) -> str:
    if not data:
        raise InclusionError("文件为空，请重新选择。")
    limit = settings.INCLUSION_EVIDENCE_MAX_BYTES
    if len(data) > limit:
        raise InclusionError(
            f"文件过大（{len(data) / 1024 / 1024:.1f} MB），上限为 {limit / 1024 / 1024:.0f} MB。"
        )
    fmt = detect_format(data)
    allowed = kind.format_list
    names = "、".join(FORMAT_LABEL.get(f, f) for f in allowed)
    if fmt is None:
        raise InclusionError(f"文件不是有效的 {names} 文件（按内容判断，与文件名无关）。")
    if fmt not in allowed:
        raise InclusionError(f"{kind.name}仅支持 {names} 格式，该文件为 {FORMAT_LABEL[fmt]}。")
    return fmt


@transaction.atomic
def evidence_add(*, actor, project: Project, kind: EvidenceKind, upload) -> EvidenceFile:
    """Keep one checked document for `project` (read through a scoped selector); open requests whose
    documents are now all there are marked done."""
    if not permissions.can_upload_evidence(actor, project):
        raise PermissionDenied("您没有上传佐证资料的权限。")
    data = upload.read()
    fmt = check_evidence(data, kind)
    base = os.path.basename(getattr(upload, "name", "") or "file")
    stem, _ext = os.path.splitext(base)
    ext = {"jpeg": "jpg"}.get(fmt, fmt)
    evidence = EvidenceFile(
        project=project,
        kind=kind,
        original_name=base[:200],
        file_format=fmt,
        size=len(data),
        uploaded_by=actor,
    )
    evidence.file.save(
        f"{uuid.uuid4().hex[:12]}_{(stem or 'file')[:40]}.{ext}", ContentFile(data), save=False
    )
    evidence.save()
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        instance=evidence,
        root=project,
        changes={"evidence": [None, f"{kind.name}：{base}"]},
        message=f"上传入库佐证资料（{kind.name}）",
    )
    present = set(EvidenceFile.objects.filter(project=project).values_list("kind_id", flat=True))
    for request in EvidenceRequest.objects.filter(project=project, resolved_at__isnull=True).prefetch_related(
        "kinds"
    ):
        if {k.pk for k in request.kinds.all()} <= present:
            request.resolved_at = timezone.now()
            request.save(update_fields=["resolved_at"])
    return evidence


@transaction.atomic
def evidence_request(*, actor, project: Project, kinds, message: str = "") -> EvidenceRequest:
    """Ask the project's units to upload the documents in `kinds`: they see it on the project's page, and
    its reporters (and the construction unit's accounts) get a message once per request."""
    if not permissions.can_manage_inclusion(actor):
        raise PermissionDenied("只有统计局可以要求补充资料。")
    kinds = list(kinds)
    if not kinds:
        raise InclusionError("请选择需要补充的资料。")
    request = EvidenceRequest.objects.create(
        project=project, message=(message or "").strip()[:500], requested_by=actor
    )
    request.kinds.set(kinds)
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        instance=request,
        root=project,
        changes={"kinds": [None, "、".join(k.name for k in kinds)]},
        message="要求补充入库佐证资料",
    )
    names = "、".join(k.name for k in kinds)
    notify(
        recipients=evidence_request_recipients(project),
        kind="inclusion_evidence",
        key=f"evidence-request:{request.pk}",
        title=f"【入库纳统】请补充{project.name}的佐证资料",
        body=f"统计局要求补充：{names}。" + (f"\n说明：{request.message}" if request.message else ""),
        url=reverse("projects:project_detail", args=[project.pk]),
        obj=project,
    )
    return request


# --- rules ---------------------------------------------------------------------------------


@transaction.atomic
def rule_update(
    *, actor, rule: InclusionRule, is_active: bool, threshold: Decimal | None, version: int
) -> InclusionRule:
    if not permissions.can_configure_rules(actor):
        raise PermissionDenied("入库条件由市统计局设置。")
    locked = InclusionRule.objects.select_for_update().get(pk=rule.pk)
    if int(version) != locked.version:
        raise ConflictError("该条件已被他人修改，请刷新后重试。", id=locked.pk)
    if locked.kind == RuleKind.MIN_INVESTMENT and threshold is not None and threshold < 0:
        raise InclusionError("起点金额不能为负数。")
    before = audit.snapshot(locked)
    locked.is_active = bool(is_active)
    if locked.kind == RuleKind.MIN_INVESTMENT:
        locked.threshold = threshold
    locked.version += 1
    locked.save()
    changes = audit.diff(before, audit.snapshot(locked))
    if changes:
        audit.record(
            actor=actor, action=AuditAction.UPDATE, instance=locked, changes=changes, message="修改入库条件"
        )
    return locked


# --- the directory (名录库) ------------------------------------------------------------------

CODE_HEADERS = ("统一社会信用代码", "社会信用代码", "信用代码", "统一代码", "组织机构代码")
NAME_HEADERS = ("单位详细名称", "单位名称", "详细名称", "企业名称", "法人单位名称", "名称")
DIVISION_HEADERS = ("行政区划代码", "区划代码", "行政区划")
HEADER_SCAN_ROWS = 10


def _cells_from_csv(data: bytes) -> list[list]:
    if len(data) > settings.IMPORT_MAX_BYTES:
        raise UnsafeFile(f"文件过大，上限为 {settings.IMPORT_MAX_BYTES / 1024 / 1024:.0f} MB。")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UnsafeFile("无法识别 CSV 文件的编码，请另存为 UTF-8 或 Excel 工作簿（.xlsx）。")
    if "\x00" in text:
        raise UnsafeFile("文件不是文本格式的 CSV。")
    rows = list(csv.reader(io.StringIO(text)))
    if len(rows) > settings.IMPORT_MAX_ROWS + HEADER_SCAN_ROWS:
        raise UnsafeFile(f"文件超过 {settings.IMPORT_MAX_ROWS:,} 行，请拆分后再导入。")
    return rows


def _cells_from_xlsx(data: bytes) -> list[list]:
    wb = load_workbook_safely(data)
    try:
        ws = wb.worksheets[0]
        return [
            list(r)
            for r in ws.iter_rows(values_only=True, max_row=settings.IMPORT_MAX_ROWS + HEADER_SCAN_ROWS)
        ]
    finally:
        wb.close()


def read_table(data: bytes, file_name: str) -> list[list]:
    """The first sheet (or the CSV) as rows of cells, through the same safety gate as every upload."""
    if (file_name or "").lower().endswith(".csv"):
        return _cells_from_csv(data)
    return _cells_from_xlsx(data)


def _find_header(rows: list[list], wanted: dict) -> tuple[int, dict]:
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        headers = [clean_text(v).replace(" ", "") for v in row]
        found = {}
        for key, names in wanted.items():
            for col, h in enumerate(headers):
                if h and any(h == n or h.startswith(n) for n in names):
                    found.setdefault(key, col)
        if "credit_code" in found and "name" in found:
            return index, found
    raise UnsafeFile("未找到表头：名录库文件须有“统一社会信用代码”和“单位名称”两列。")


def parse_directory(data: bytes, file_name: str) -> dict:
    """Rows of the 名录库 extract, checked: `{"rows": [...], "errors": [...]}` (nothing written)."""
    rows = read_table(data, file_name)
    header_index, cols = _find_header(
        rows, {"credit_code": CODE_HEADERS, "name": NAME_HEADERS, "division_code": DIVISION_HEADERS}
    )
    entries, errors, seen = [], [], {}
    for number, raw in enumerate(rows[header_index + 1 :], start=header_index + 2):

        def get(key, raw=raw):
            i = cols.get(key)
            return clean_text(raw[i]) if i is not None and i < len(raw) else ""

        # The name as the directory spells it (full-width brackets kept); codes are normalised.
        i = cols["name"]
        name = " ".join(str(raw[i]).split()) if i < len(raw) and raw[i] is not None else ""
        code = normalise_credit_code(get("credit_code"))
        if not code and not name:
            continue
        if any(v.startswith(("合计", "小计", "总计")) for v in (code, name)):
            continue
        if not code:
            errors.append(
                {"row": number, "column": "统一社会信用代码", "reason": "缺少统一社会信用代码", "name": name}
            )
            continue
        try:
            validate_credit_code(code)
        except Exception as exc:  # ValidationError: its message is for the user
            errors.append(
                {
                    "row": number,
                    "column": "统一社会信用代码",
                    "reason": exc.messages[0],
                    "name": name,
                    "code": code,
                }
            )
            continue
        if not name:
            errors.append({"row": number, "column": "单位名称", "reason": "缺少单位名称", "code": code})
            continue
        if code in seen:
            if seen[code] != name:
                errors.append(
                    {
                        "row": number,
                        "column": "统一社会信用代码",
                        "reason": f"与第 {number} 行之前的同一代码名称不同（{seen[code]}）",
                        "code": code,
                    }
                )
            continue
        seen[code] = name
        entries.append(
            {
                "row": number,
                "credit_code": code,
                "name": name[:200],
                "division_code": get("division_code")[:12],
            }
        )
    return {"rows": entries, "errors": errors}


def directory_import_preview(*, actor, data: bytes, file_name: str) -> DirectoryUpload:
    """Read an uploaded extract and store what it would change; nothing else is written.
    UnsafeFile for a file we will not read."""
    if not permissions.can_manage_inclusion(actor):
        raise PermissionDenied("只有统计局可以导入名录库。")
    parsed = parse_directory(data, file_name)
    existing = dict(
        DirectoryEntry.objects.filter(credit_code__in=[e["credit_code"] for e in parsed["rows"]]).values_list(
            "credit_code", "name"
        )
    )
    create, update, unchanged = [], [], 0
    for entry in parsed["rows"]:
        old = existing.get(entry["credit_code"])
        if old is None:
            create.append(entry)
        elif old != entry["name"]:
            update.append({**entry, "old_name": old})
        else:
            unchanged += 1
    summary = {
        "create": create,
        "update": update,
        "unchanged": unchanged,
        "errors": parsed["errors"],
        "counts": {
            "create": len(create),
            "update": len(update),
            "unchanged": unchanged,
            "errors": len(parsed["errors"]),
        },
    }
    return DirectoryUpload.objects.create(
        kind=UploadKind.DIRECTORY,
        file_name=(file_name or "名录库.xlsx")[:255],
        file_sha256=hashlib.sha256(data).hexdigest(),
        content=data,
        uploaded_by=actor,
        status=UploadStatus.REJECTED if parsed["errors"] else UploadStatus.PREVIEWED,
        summary=summary,
    )


class UploadNotReady(InclusionError):
    pass


@transaction.atomic
def directory_import_commit(*, actor, upload: DirectoryUpload) -> int:
    """Write every new and changed entry of a previewed extract, all or nothing; once only."""
    if not permissions.can_manage_inclusion(actor):
        raise PermissionDenied("只有统计局可以导入名录库。")
    locked = DirectoryUpload.objects.select_for_update().get(pk=upload.pk)
    if locked.status == UploadStatus.COMMITTED:
        return 0
    if locked.status != UploadStatus.PREVIEWED:
        raise UploadNotReady("文件有错误，不能导入：请修改后重新上传。")
    now = timezone.now()
    summary = locked.summary
    DirectoryEntry.objects.bulk_create(
        [
            DirectoryEntry(
                credit_code=e["credit_code"],
                name=e["name"],
                division_code=e["division_code"],
                upload=locked,
                updated_at=now,
            )
            for e in summary["create"]
        ],
        batch_size=1000,
    )
    changed = {e["credit_code"]: e for e in summary["update"]}
    entries = list(DirectoryEntry.objects.filter(credit_code__in=list(changed)))
    for entry in entries:
        e = changed[entry.credit_code]
        entry.name, entry.division_code, entry.upload, entry.updated_at = (
            e["name"],
            e["division_code"],
            locked,
            now,
        )
    DirectoryEntry.objects.bulk_update(
        entries, ["name", "division_code", "upload", "updated_at"], batch_size=500
    )
    locked.status = UploadStatus.COMMITTED
    locked.committed_at = now
    locked.save(update_fields=["status", "committed_at"])
    n = len(summary["create"]) + len(entries)
    audit.record(
        actor=actor,
        action=AuditAction.IMPORT,
        instance=locked,
        changes={"create": len(summary["create"]), "update": len(entries)},
        message=f"导入名录库 {locked.file_name}：新增 {len(summary['create'])}，更新 {len(entries)}",
    )
    return n


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
    from .excel import ID_HEADER, NUMBER_COLUMN, REASON_COLUMN, STATUS_COLUMN

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


# --- exports built in the background -------------------------------------------------------


def export_job_start(*, actor, kind: str, params: dict):
    """Queue a large export; the job's page shows its progress and then the download link."""
    from config.tasks import enqueue_on_commit

    from .models import ExportJob

    if not permissions.can_see_inclusion(actor):
        raise PermissionDenied("您没有导出入库纳统报表的权限。")
    job = ExportJob.objects.create(kind=kind, params=params, requested_by=actor)
    enqueue_on_commit("inclusion.run_export", job.pk)
    return job


def export_job_run(job_id: int) -> None:
    """Build the job's workbook, saving progress as it goes (outside a transaction, so the page sees
    it). Idempotent: a finished job is left as it is."""
    from .choices import JobStatus
    from .excel import build_export
    from .models import ExportJob

    job = ExportJob.objects.select_related("requested_by").filter(pk=job_id).first()
    if job is None or job.status == JobStatus.DONE:
        return
    ExportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)

    def progress(done, total):
        ExportJob.objects.filter(pk=job.pk).update(done=done, total=total)

    params = job.params
    try:
        name, data = build_export(
            job.kind,
            user=job.requested_by,
            year=params["year"],
            month=params["month"],
            filters=_filters_from_params(params.get("filters", {})),
            progress=progress,
        )
    except Exception as exc:
        ExportJob.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED, error=str(exc)[:500], finished_at=timezone.now()
        )
        raise
    ExportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.DONE, file_name=name[:200], content=data, finished_at=timezone.now()
    )


def _filters_from_params(raw: dict) -> dict:
    from .filters import InclusionFilterForm
    from .selectors import active_rules

    form = InclusionFilterForm(raw, rules=active_rules())
    form.is_valid()
    return form.values()
