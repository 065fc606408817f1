"""Excel round trip of the monthly grid: download a unit's month as .xlsx, fill it offline, upload it back.

The workbook carries the project ids in a hidden column and the unit and period in its title, so an
upload needs nothing else. Names, codes and reference figures are locked (sheet protection on);
only the input cells are open. Uploads pass the same safety gate as the ledger import.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import re
from copy import copy
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter

from accounts import audit
from accounts.choices import AuditAction
from projects.choices import ImportKind, ImportStatus
from projects.importing.safety import UnsafeFile, excel_safe, excel_text_cell, load_workbook_safely
from projects.models import ImportBatch
from projects.parsing import CellError, parse_date, parse_money, parse_percent

from .choices import ReportStatus
from .selectors.pages import Grid, grid_for
from .services import ReportConflict, ReportRow, ReportRowErrors, check_period, reports_save
from .services.rows import INVESTED_MESSAGES, PERCENT_MESSAGES

logger = logging.getLogger(__name__)

MONEY_FORMAT = "0.00"
TITLE_RE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月")
UNIT_RE = re.compile(r"填报单位[:：]\s*(\S+)")

# (key, header, width, is_input)
COLUMNS = [
    ("id", "ID", 8, False),
    ("code", "项目代码", 26, False),
    ("name", "项目名称", 36, False),
    ("last_month", "上月完成（万元）", 14, False),
    ("ytd_before", "本年累计至上月（万元）", 16, False),
    ("annual_plan", "年度计划（万元）", 14, False),
    ("invested", "本月完成投资（万元）", 16, True),
    ("image_progress", "形象进度", 36, True),
    ("percent_complete", "完成比例（%）", 12, True),
    ("problems", "存在问题", 30, True),
    ("explanation", "超出说明", 24, True),
    ("actual_start", "实际开工日期（前期项目）", 16, True),
    ("status", "状态", 10, False),
]
HEADERS = {header: key for key, header, _, _ in COLUMNS}
INPUT_KEYS = [key for key, _, _, is_input in COLUMNS if is_input]
TEXT_KEYS = ("image_progress", "problems", "explanation")
HEADER_ROW = 3
FIRST_DATA_ROW = 4

_thin = Side(style="thin", color="B7B7B7")
BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
INPUT_FILL = PatternFill("solid", fgColor="FFF9E5")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
LOCKED = Protection(locked=True)
OPEN = Protection(locked=False)


def grid_title(grid: Grid) -> str:
    return f"{grid.year}年{grid.month}月 项目月度进展填报表"


def grid_workbook(grid: Grid) -> bytes:
    """The unit's grid for the month as .xlsx bytes (write-only mode: a 500-project unit stays fast).
    The workbook is Chinese whatever the page language: it is the ledger the units file and re-upload."""
    with translation.override(settings.LANGUAGE_CODE):
        return _grid_workbook(grid)


def _grid_workbook(grid: Grid) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(f"{grid.year}年{grid.month}月")
    last_col = get_column_letter(len(COLUMNS))
    for col, (_, _, width, _) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.column_dimensions["A"].hidden = True
    ws.freeze_panes = f"D{FIRST_DATA_ROW}"
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # let people widen columns
    ws.protection.formatRows = False

    def cell(value, **style):
        c = WriteOnlyCell(ws, value=value)
        for key, v in style.items():
            setattr(c, key, v)
        return excel_text_cell(c)

    # Column A (the ids) is hidden, so the title lines start in B, merged across the sheet.
    ws.append([None, cell(excel_safe(grid_title(grid)), font=Font(size=14, bold=True))])
    ws.append(
        [
            None,
            cell(
                excel_safe(
                    f"填报单位：{grid.unit.name}    金额单位：万元    黄色单元格为填报项，其余单元格已锁定。"
                )
            ),
        ]
    )
    ws.merged_cells.add(f"B1:{last_col}1")
    ws.merged_cells.add(f"B2:{last_col}2")
    header_align = Alignment(horizontal="center", vertical="center", wrap_text=True)
    bold = Font(bold=True)
    ws.append(
        [
            cell(
                header,
                font=bold,
                fill=INPUT_FILL if is_input else HEADER_FILL,
                alignment=header_align,
                border=BORDER,
            )
            for _, header, _, is_input in COLUMNS
        ]
    )
    wrap = Alignment(wrap_text=True, vertical="top")
    numeric = {"last_month", "ytd_before", "annual_plan", "invested", "percent_complete"}

    def data_style(key: str, unlocked: bool) -> dict:
        style = {"border": BORDER, "protection": OPEN if unlocked else LOCKED}
        if key in numeric:
            style["number_format"] = MONEY_FORMAT
        elif key == "actual_start":
            style["number_format"] = "yyyy-mm-dd"
        elif key in TEXT_KEYS:
            style["alignment"] = wrap
        if unlocked:
            style["fill"] = INPUT_FILL
        return style

    # Setting a style on a cell hashes the style objects (slow); each (column, open) combination is
    # styled once and its style ids copied to the other cells.
    styles: dict = {}

    def data_cell(value, key: str, unlocked: bool):
        c = WriteOnlyCell(ws, value=value)
        ids = styles.get((key, unlocked))
        if ids is None:
            for attr, v in data_style(key, unlocked).items():
                setattr(c, attr, v)
            styles[(key, unlocked)] = copy(c._style)
        else:
            c._style = copy(ids)
        return excel_text_cell(c)

    for row in grid.rows:
        report = row.report
        values = {
            "id": row.project_id,
            "code": excel_safe(row.code),
            "name": excel_safe(row.name),
            "last_month": row.last_month,
            "ytd_before": row.ytd_before,
            "annual_plan": row.annual_plan,
            "invested": report.invested if report else None,
            "image_progress": excel_safe(report.image_progress) if report else None,
            "percent_complete": report.percent_complete if report else None,
            "problems": excel_safe(report.problems) if report else None,
            "explanation": excel_safe(report.explanation) if report else None,
            "actual_start": row.actual_start,
            "status": str(ReportStatus(report.status).label) if report else "未填报",
        }
        # Approved and submitted rows stay locked: they change through a correction or a return.
        open_row = row.editable
        cells = []
        for key, _, _, is_input in COLUMNS:
            value = values[key]
            if isinstance(value, Decimal):
                value = float(value)  # a number cell; two decimals survive the round trip
            unlocked = is_input and open_row and (key != "actual_start" or row.is_prework)
            cells.append(data_cell(value, key, unlocked))
        ws.append(cells)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- upload --------------------------------------------------------------------------------


@dataclass
class UploadRow:
    row_number: int
    project_id: int | None
    code: str
    name: str
    values: dict = field(default_factory=dict)  # parsed input values (Decimal/str/date/None)
    errors: dict = field(default_factory=dict)  # field → [message]


@dataclass
class ParsedUpload:
    year: int | None
    month: int | None
    unit_name: str
    rows: list[UploadRow]


def _text(value) -> str:
    if value is None:
        return ""
    text = str(value).strip()
    # Our own export escapes a leading formula character with a quote; take it off again.
    if text.startswith("'") and len(text) > 1 and text[1] in "=+-@":
        text = text[1:]
    return text


def _amount(value, key: str, errors: dict) -> Decimal | None:
    """An input cell read by the one parser, worded as the grid words it ("本月完成投资不能为负数")."""
    try:
        if key == "invested":
            return parse_money(value, messages=INVESTED_MESSAGES)
        return parse_percent(value, messages=PERCENT_MESSAGES)
    except CellError as exc:
        errors.setdefault(key, []).append(str(exc))
        return None


def _date(value, errors: dict) -> dt.date | None:
    try:
        return parse_date(_text(value) if isinstance(value, str) else value)
    except CellError as exc:
        errors.setdefault("actual_start", []).append(gettext("实际开工日期：%(error)s") % {"error": exc})
        return None


def parse_upload(data: bytes) -> ParsedUpload:
    """Read a filled grid. UnsafeFile (with a Chinese message) for anything that is not our workbook."""
    wb = load_workbook_safely(data)
    try:
        ws = wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        title = " ".join(_text(v) for v in next(rows, ()) or () if v is not None)
        subtitle = " ".join(_text(v) for v in next(rows, ()) or () if v is not None)
        header = [_text(v) for v in next(rows, ()) or ()]
        columns = {HEADERS[h]: i for i, h in enumerate(header) if h in HEADERS}
        if "id" not in columns or "invested" not in columns:
            raise UnsafeFile(
                gettext("文件不是本平台导出的月度填报表（缺少表头或项目 ID 列），请先下载填报表再填写。")
            )
        m = TITLE_RE.search(title)
        year, month = (int(m.group(1)), int(m.group(2))) if m else (None, None)
        u = UNIT_RE.search(subtitle)
        parsed = ParsedUpload(year=year, month=month, unit_name=u.group(1) if u else "", rows=[])
        for number, raw in enumerate(rows, start=FIRST_DATA_ROW):
            if raw is None or all(v is None or _text(v) == "" for v in raw):
                continue

            def get(key, raw=raw):
                i = columns.get(key)
                return raw[i] if i is not None and i < len(raw) else None

            errors: dict = {}
            try:
                project_id = int(get("id"))
            except (TypeError, ValueError):
                project_id = None
                errors.setdefault("project", []).append(
                    gettext("缺少项目 ID（请勿删除或改动隐藏的 ID 列）。")
                )
            values = {
                "invested": _amount(get("invested"), "invested", errors),
                "percent_complete": _amount(get("percent_complete"), "percent_complete", errors),
                "image_progress": _text(get("image_progress")),
                "problems": _text(get("problems")),
                "explanation": _text(get("explanation")),
                "actual_start": _date(get("actual_start"), errors),
            }
            parsed.rows.append(
                UploadRow(
                    row_number=number,
                    project_id=project_id,
                    code=_text(get("code")),
                    name=_text(get("name")),
                    values=values,
                    errors=errors,
                )
            )
        return parsed
    except UnsafeFile:
        raise
    except Exception as exc:  # a sheet part openpyxl/defusedxml cannot stream (bad XML, entities, CRC)
        logger.warning("grid upload: unreadable sheet (%s: %s)", exc.__class__.__name__, exc)
        raise UnsafeFile(
            gettext("无法读取该 Excel 文件的工作表内容（%(error)s）。请在 Excel 中另存为 .xlsx 后重试。")
            % {"error": exc.__class__.__name__}
        ) from exc
    finally:
        wb.close()


# --- preview and commit --------------------------------------------------------------------


class _DryRun(Exception):
    """Rolls back the trial save of a preview."""


def _as_json(value):
    if value is None:
        return None
    if isinstance(value, Decimal | dt.date):
        return str(value)
    return value


def _row_changes(grid_row, values: dict) -> dict:
    """field → [current, new] for what the uploaded row would change."""
    report = grid_row.report
    changes = {}
    for key in ("invested", "image_progress", "percent_complete", "problems", "explanation"):
        current = getattr(report, key) if report else None
        new = values.get(key)
        if key in TEXT_KEYS:
            current, new = current or "", new or ""
        if current != new:
            changes[key] = [_as_json(current), _as_json(new)]
    if grid_row.is_prework and values.get("actual_start") and values["actual_start"] != grid_row.actual_start:
        changes["actual_start"] = [_as_json(grid_row.actual_start), _as_json(values["actual_start"])]
    return changes


def _report_row(project_id: int, values: dict, version) -> ReportRow:
    def dec(v):
        return Decimal(v) if v not in (None, "") else None

    return ReportRow(
        project_id=project_id,
        invested=dec(values.get("invested")),
        image_progress=values.get("image_progress") or "",
        percent_complete=dec(values.get("percent_complete")),
        problems=values.get("problems") or "",
        explanation=values.get("explanation") or "",
        version=version,
        actual_start=dt.date.fromisoformat(values["actual_start"]) if values.get("actual_start") else None,
    )


def monthly_import_preview(*, actor, unit, data: bytes, file_name: str, year=None, month=None) -> ImportBatch:
    """Read an uploaded grid and store what it would change (nothing else is written).

    UnsafeFile for files that are not our workbook. Row errors come from a trial run of
    `reports_save` that is rolled back, so the preview shows exactly the messages a commit would.
    """
    parsed = parse_upload(data)
    year = parsed.year or year
    month = parsed.month or month
    if not year or not month:
        raise UnsafeFile(gettext("无法从文件标题识别填报年月（如“2025年6月”），请使用平台下载的填报表。"))
    period_error = check_period(year, month)
    if period_error:
        raise UnsafeFile(
            gettext("%(error)s（文件标题为 %(year)s年%(month)s月）。")
            % {"error": period_error, "year": year, "month": month}
        )
    grid = grid_for(unit=unit, year=year, month=month)
    by_project = grid.by_project()
    rows, unchanged, errors_count = [], 0, 0
    to_save: list[ReportRow] = []
    seen: set[int] = set()
    for up in parsed.rows:
        entry = {
            "row": up.row_number,
            "project_id": up.project_id,
            "code": up.code,
            "name": up.name,
            "errors": {k: list(v) for k, v in up.errors.items()},
            "changes": {},
            "version": None,
        }
        grid_row = by_project.get(up.project_id) if up.project_id is not None else None
        if up.project_id is not None and grid_row is None:
            entry["errors"].setdefault("project", []).append(
                gettext("该项目不在%(unit)s%(year)s年%(month)s月的填报范围内。")
                % {"unit": unit.name, "year": year, "month": month}
            )
        elif up.project_id in seen:
            entry["errors"].setdefault("project", []).append(gettext("同一项目在文件中出现了多次。"))
        if grid_row is not None:
            entry["name"] = grid_row.name
            entry["code"] = grid_row.code
            seen.add(up.project_id)
            entry["changes"] = _row_changes(grid_row, up.values)
            entry["version"] = grid_row.report.version if grid_row.report else None
            if entry["changes"] and not entry["errors"]:
                entry["values"] = {k: _as_json(v) for k, v in up.values.items()}
                to_save.append(_report_row(up.project_id, entry["values"], entry["version"]))
        if entry["errors"]:
            errors_count += 1
        elif not entry["changes"]:
            unchanged += 1
            continue  # unchanged rows are counted, not listed
        rows.append(entry)

    # The trial run checks the readable rows even when others could not be read, so one upload
    # lists every error at once.
    if to_save:
        try:
            with transaction.atomic():
                reports_save(actor=actor, year=year, month=month, rows=to_save)
                raise _DryRun
        except _DryRun:
            pass
        except ReportRowErrors as exc:
            by_id = {e["project_id"]: e for e in rows}
            for project_id, fields in exc.row_errors.items():
                target = by_id.get(project_id)
                if target is None:
                    continue
                for key, messages in fields.items():
                    target["errors"].setdefault(key, []).extend(messages)
            errors_count = sum(1 for e in rows if e["errors"])
        except ReportConflict as exc:
            raise UnsafeFile(exc.message) from None

    summary = {
        "unit_id": unit.pk,
        "unit_name": unit.name,
        "year": year,
        "month": month,
        "rows": rows,
        "to_change": sum(1 for e in rows if e["changes"] and not e["errors"]),
        "unchanged": unchanged,
        "errors": errors_count,
    }
    return ImportBatch.objects.create(
        kind=ImportKind.MONTHLY,
        file_name=(file_name or "upload.xlsx")[:255],
        file_sha256=hashlib.sha256(data).hexdigest(),
        content=data,
        uploaded_by=actor,
        organisation=unit,
        period_year=year,
        period_month=month,
        status=ImportStatus.REJECTED if errors_count else ImportStatus.PREVIEWED,
        summary=summary,
    )


class ImportNotReady(Exception):
    """The batch cannot be committed; the message is for the user."""


@transaction.atomic
def monthly_import_commit(*, actor, batch: ImportBatch) -> int:
    """Write every change of a previewed upload, all or nothing; a committed batch is not written twice."""
    locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if locked.status == ImportStatus.COMMITTED:
        return 0
    if locked.status != ImportStatus.PREVIEWED:
        raise ImportNotReady(gettext("文件有错误，不能导入：请修改后重新上传。"))
    summary = locked.summary
    rows = [
        _report_row(e["project_id"], e["values"], e["version"])
        for e in summary["rows"]
        if e.get("values") and not e["errors"]
    ]
    saved = reports_save(actor=actor, year=summary["year"], month=summary["month"], rows=rows) if rows else []
    locked.status = ImportStatus.COMMITTED
    locked.committed_at = timezone.now()
    locked.summary = {**summary, "saved": len(saved)}
    locked.save(update_fields=["status", "committed_at", "summary"])
    audit.record(
        actor=actor,
        action=AuditAction.IMPORT,
        instance=locked,
        message=f"导入月度填报表 {summary['unit_name']} {summary['year']}年{summary['month']}月，{len(saved)}项",
    )
    return len(saved)
