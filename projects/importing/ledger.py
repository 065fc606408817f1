"""Reading a project ledger (项目台账) as people really keep it.

A worksheet is read in one streaming pass: the first rows are scanned for the header (the row,
or pair of rows for merged / two-line headers, whose cells match most known column names),
then each data row becomes a `LedgerRow`: parsed values plus per-cell errors and warnings.
Blank rows, 合计/小计 rows, section headings ("一、泽州县") and footnotes are skipped.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from itertools import chain, islice

from django.core.exceptions import ValidationError

from ..validators import EXCEL_TEXT_MAX, normalise_credit_code, validate_credit_code, validate_project_code
from . import parsing
from .header import FUNDING, HEADER_SCAN_ROWS, LABELS, MAX_COLUMNS, Header, find_header, sheet_multiplier
from .matching import LeaderDirectory, OrgDirectory, industry_from, key_level_from, nature_from
from .parsing import CellError, clean_text, compact

MONEY_FIELDS = ("total_investment", "annual_plan", *FUNDING)
DATE_FIELDS = ("planned_start", "planned_completion", "actual_start")
MAX_LENGTHS = {
    "content": EXCEL_TEXT_MAX,
    "name": 200,
    "construction_unit": 200,
    "address": 200,
    "manager": 50,
    "manager_phone": 30,
    "liaison_leader": 50,
}
# "合计", "泽州县小计", "小计（12个）", "其中：省级重点": compared after `compact` (brackets half-width).
_TOTAL_ROW = re.compile(r"^(?:.{0,12}(?:合计|小计|总计)(?:\(.*\))?|(?:合计|小计|总计|其中).*)$")
# A section heading written in the name column: "一、泽州县", "（二）续建项目", "第三部分 …".
_HEADING = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|第[一二三四五六七八九十]+[部类批])"
)


class LedgerError(ValueError):
    """The workbook as a whole cannot be read as a ledger; the message is for the user."""


@dataclass
class Issue:
    sheet: str
    row: int
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message}


@dataclass
class LedgerRow:
    sheet: str
    row: int
    values: dict = field(default_factory=dict)
    present: set = field(default_factory=set)  # fields the row gives a (non-blank) value for
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)

    def error(self, column: str, message: str):
        self.errors.append(Issue(self.sheet, self.row, column, message))

    def warn(self, column: str, message: str):
        self.warnings.append(Issue(self.sheet, self.row, column, message))


@dataclass
class Context:
    orgs: OrgDirectory
    leaders: LeaderDirectory
    year: int
    today: dt.date  # for "actual start not after today", the same for every row


def _is_total_or_heading(values, cells: dict) -> bool:
    filled = [v for v in values if v is not None and v != ""]
    for value in filled[:3]:
        if isinstance(value, str) and _TOTAL_ROW.match(compact(value)):
            return True
    name = clean_text(cells.get("name"))
    if not name:
        return len(filled) <= 2
    # "一、泽州县" in the name column, maybe with its subtotal beside it, but no construction unit.
    return bool(_HEADING.match(name)) and parsing.is_blank(cells.get("construction_unit"))


@dataclass
class SheetCells:
    """What one worksheet holds, independent of the database: its header and its data rows' cells."""

    title: str
    header: Header
    rows: list[tuple[int, dict]]  # (row number, {field: raw cell value})


def read_sheet(ws, room: int) -> SheetCells | None:
    """The data rows of one worksheet (at most `room` + 1 of them, enough to tell the limit was passed),
    or None when it has no recognisable header (e.g. a 说明 sheet)."""
    if hasattr(ws, "reset_dimensions"):
        ws.reset_dimensions()  # trust the rows, not a (possibly wrong) declared dimension
    rows = ws.iter_rows(values_only=True, max_col=MAX_COLUMNS)
    head_rows = list(islice(rows, HEADER_SCAN_ROWS + 1))
    header = find_header(head_rows)
    if header is None:
        return None
    multiplier = sheet_multiplier(head_rows, header)
    for col in header.columns:
        if col.multiplier == 1:
            col.multiplier = multiplier
    sheet = SheetCells(ws.title, header, [])
    numbered = chain(
        enumerate(head_rows[header.last_row :], start=header.last_row + 1),
        enumerate(rows, start=len(head_rows) + 1),
    )
    for number, values in numbered:
        cells = _data_cells(header, values)
        if cells is not None:
            sheet.rows.append((number, cells))
            if len(sheet.rows) > room:
                break
    return sheet


def _data_cells(header: Header, values) -> dict | None:
    """{field: raw cell value} of a data row; None for a blank, total, heading or footnote row."""
    if not values or all(v is None or (isinstance(v, str) and parsing.is_blank(v)) for v in values):
        return None
    cells = {c.field: values[c.index] if c.index < len(values) else None for c in header.columns}
    return None if _is_total_or_heading(values, cells) else cells


def normalise_row(sheet: str, number: int, cells: dict, header: Header, ctx: Context) -> LedgerRow:
    row = LedgerRow(sheet, number)
    v = row.values
    by_field = header.by_field

    for f, raw in cells.items():
        if not parsing.is_blank(raw):
            row.present.add(f)

    # text
    for f in ("name", "construction_unit", "content", "address", "manager", "liaison_leader"):
        if f in cells:
            text = clean_text(cells[f]) if f == "content" else clean_text(cells[f]).replace("\n", "")
            if f in MAX_LENGTHS and len(text) > MAX_LENGTHS[f]:
                row.error(LABELS[f], f"超过 {MAX_LENGTHS[f]} 个字")
            v[f] = text
    if "manager_phone" in cells:
        v["manager_phone"] = parsing.parse_phone(cells["manager_phone"])[:30]
    if not v.get("name"):
        row.error("项目名称", "项目名称不能为空")
    if not v.get("construction_unit"):
        row.error("建设单位", "建设单位不能为空")

    # identifiers
    try:
        code = parsing.parse_code(cells.get("code"))
    except CellError as exc:
        code = ""
        row.error("项目代码", str(exc))
    v["code"] = code
    if code:
        try:
            validate_project_code(code)
        except ValidationError as exc:
            row.error("项目代码", f"“{code}”：" + " ".join(exc.messages))
        else:
            if not parsing.project_code_check_ok(code):
                row.warn("项目代码", f"“{code}”校验位不符（GB/T 40058-2021），请核对；按原样导入")
    credit = normalise_credit_code(compact(cells.get("credit_code")))
    v["credit_code"] = credit
    if credit:
        try:
            validate_credit_code(credit)
        except ValidationError as exc:
            row.error("统一社会信用代码", " ".join(exc.messages))

    # money and dates
    for f in (*MONEY_FIELDS, *DATE_FIELDS):
        if f not in cells:
            continue
        column = by_field[f]
        try:
            if f in MONEY_FIELDS:
                v[f] = parsing.parse_money(cells[f], multiplier=column.multiplier)
            else:
                v[f] = parsing.parse_date(cells[f])
                if parsing.month_may_be_october(cells[f]):
                    row.warn(
                        column.header or LABELS[f],
                        f"“{cells[f]}”按{v[f].year}年1月导入；如指10月，请写作文本“{v[f].year}.10”或“{v[f].year}-10”",
                    )
        except CellError as exc:
            row.error(column.header or LABELS[f], str(exc))
            row.present.discard(f)
    plan_column = by_field.get("annual_plan")
    v["plan_year"] = (plan_column.year if plan_column else None) or ctx.year
    for column, message in date_errors(
        v.get("planned_start"), v.get("planned_completion"), v.get("actual_start"), ctx.today
    ):
        row.error(column, message)

    # soft references
    for f, column, choose in (("nature", "建设性质", nature_from), ("industry", "行业类别", industry_from)):
        text = clean_text(cells.get(f))
        if text:
            v[f], warning = choose(text)
            if warning:
                row.warn(column, warning)
    if "key_level" in cells:
        v["key_level"], warning = key_level_from(clean_text(cells["key_level"]))
        if warning:
            row.warn("重点项目级别", warning)

    # hard references
    _resolve_places(row, cells, ctx)
    _resolve_department(row, cells, ctx)
    if v.get("liaison_leader"):
        leader = ctx.leaders.find(v["liaison_leader"], area=v.get("county"))
        v["liaison_leader_obj"] = leader
        if leader is None:
            row.warn("包联领导", f"领导库中没有“{v['liaison_leader']}”，已保留原文")
    return row


def date_errors(start, end, actual, today) -> list[tuple[str, str]]:
    """(column, message) for planned dates out of order or an actual start in the future.

    Checked on the row as read and again on the project it would leave (a row may bring one date of a pair).
    """
    errors = []
    if start and end and end < start:
        errors.append(("计划竣工时间", "计划竣工时间早于计划开工时间"))
    if actual and actual > today:
        errors.append(("实际开工时间", "实际开工日期不能晚于今天"))
    return errors


def _one(row, column, text, found, what):
    if not found:
        row.error(column, f"未找到{what}“{text}”，请使用系统中的单位名称")
        return None
    if len(found) > 1:
        row.error(column, f"{what}“{text}”对应多个单位，请写全称")
        return None
    return found[0]


def _resolve_places(row: LedgerRow, cells: dict, ctx: Context):
    v = row.values
    county_text = clean_text(cells.get("county")).replace("\n", "")
    town_text = clean_text(cells.get("town")).replace("\n", "")
    address = v.get("address", "")
    county = None
    if county_text:
        county = _one(row, "县（市、区）", county_text, ctx.orgs.areas(county_text), "县（市、区）")
        if county is None:
            return
    elif address:
        county = ctx.orgs.area_in_text(address)
    town = None
    if town_text:
        towns = ctx.orgs.towns(town_text)
        if county is not None:
            under = [t for t in towns if t.parent_id == county.pk]
            if not under and towns:
                row.error("乡镇", f"乡镇“{town_text}”不属于{county.name}")
                return
            towns = under
        town = _one(row, "乡镇", town_text, towns, "乡镇")
        if town is None:
            return
        if county is None:
            county = ctx.orgs.by_id.get(town.parent_id)
    elif county is not None and address and "town" not in cells:
        town = ctx.orgs.town_in_text(address, county)
    if county is None:
        row.error("县（市、区）", "未填写县（市、区），也无法从建设地点识别")
        return
    v["county"], v["town"] = county, town


def _resolve_department(row: LedgerRow, cells: dict, ctx: Context):
    text = clean_text(cells.get("department")).replace("\n", "")
    if not text:
        return
    # "市交通局、市发改委": the first named unit leads.
    first = re.split(r"[、,，;；/]", text)[0]
    department = _one(row, "责任单位", first, ctx.orgs.departments(first), "责任单位")
    if department is not None:
        row.values["department"] = department


def read_cells(wb, max_rows: int) -> list[SheetCells]:
    """Every worksheet that holds a ledger, with its data rows' raw cells (the same bytes → the same result)."""
    sheets, count = [], 0
    for ws in wb.worksheets:
        sheet = read_sheet(ws, room=max_rows - count)
        if sheet is None:
            continue
        count += len(sheet.rows)
        if count > max_rows:
            raise LedgerError(f"数据行超过上限 {max_rows:,} 行，请拆分文件后再导入。")
        sheets.append(sheet)
    if not sheets:
        raise LedgerError(
            f"没有找到表头：请确认前{HEADER_SCAN_ROWS}行内有“项目名称”“建设单位”“县（市、区）”“总投资”等列名。"
        )
    return sheets


def normalise_rows(sheets: list[SheetCells], ctx: Context) -> list[LedgerRow]:
    return [
        normalise_row(sheet.title, number, cells, sheet.header, ctx)
        for sheet in sheets
        for number, cells in sheet.rows
    ]
