"""The directory (名录库): parsed, previewed, committed."""

from __future__ import annotations

import csv
import hashlib
import io

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts import audit
from accounts.choices import AuditAction
from projects.importing.safety import UnsafeFile, load_workbook_safely
from projects.parsing import clean_text
from projects.validators import normalise_credit_code, validate_credit_code

from .. import permissions
from ..choices import UploadKind, UploadStatus
from ..models import (
    DirectoryEntry,
    DirectoryUpload,
)
from .base import InclusionError

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
