"""Reading a project ledger (项目台账) as people really keep it.

A worksheet is read in one streaming pass: the first rows are scanned for the header (the row,
or pair of rows for merged / two-line headers, whose cells match most known column names),
then each data row becomes a `LedgerRow`: parsed values plus per-cell errors and warnings.
Blank rows, 合计/小计 rows, section headings ("一、泽州县") and footnotes are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import islice

from django.core.exceptions import ValidationError
from django.utils import timezone

from ..validators import normalise_credit_code, validate_credit_code, validate_project_code
from . import parsing
from .matching import LeaderDirectory, OrgDirectory, industry_from, key_level_from, nature_from
from .parsing import CellError, clean_text, compact

HEADER_SCAN_ROWS = 15
MAX_COLUMNS = 80
YI = Decimal(10000)


@dataclass(frozen=True)
class Column:
    field: str
    label: str
    aliases: tuple[str, ...]
    pattern: re.Pattern | None = None


def _c(field_name, label, *aliases, pattern=None):
    return Column(field_name, label, (label, *aliases), re.compile(pattern) if pattern else None)


# Known columns. Header cells are compared after NFKC, without spaces/line breaks, '*' marks and a
# unit in brackets ("总投资\n（万元）" → "总投资").
COLUMNS = [
    _c("name", "项目名称", "项目名", "名称", "建设项目名称"),
    _c("code", "项目代码", "项目编码", "项目统一代码", "统一项目代码", "投资项目代码", "项目赋码", "赋码"),
    _c(
        "construction_unit",
        "建设单位",
        "项目单位",
        "业主单位",
        "项目业主",
        "项目建设单位",
        "建设主体",
        "项目法人单位",
        "投资主体",
    ),
    _c("credit_code", "统一社会信用代码", "信用代码", "建设单位统一社会信用代码", "社会信用代码"),
    _c(
        "county",
        "县(市、区)",
        "县(市,区)",
        "县(市区)",
        "县市区",
        "所在县区",
        "所在县(市、区)",
        "县区",
        "所属县区",
        "所在地区",
        "属地",
        "县(区)",
        "区县",
    ),
    _c(
        "town", "乡镇", "乡镇(街道)", "所在乡镇", "乡(镇、街道)", "镇(乡、街道)", "乡镇街道", "所在乡镇(街道)"
    ),
    _c("address", "建设地点", "项目地点", "详细地址", "项目建设地点", "建设地址"),
    _c(
        "department",
        "责任单位",
        "牵头单位",
        "行业主管部门",
        "主管部门",
        "市直责任单位",
        "责任部门",
        "牵头责任单位",
        "行业主管单位",
    ),
    _c("nature", "建设性质", "项目性质", "建设类型"),
    _c(
        "content",
        "建设规模及内容",
        "建设内容",
        "主要建设内容",
        "建设内容及规模",
        "建设规模和内容",
        "主要建设内容及规模",
        "建设规模",
    ),
    _c("total_investment", "总投资", "计划总投资", "项目总投资", "估算总投资", "总投资额"),
    _c(
        "annual_plan",
        "年度计划投资",
        "本年计划投资",
        "年度投资计划",
        "当年计划投资",
        pattern=r"^(?:(20\d{2})年度?|年度|本年度?|当年)(?:计划)?(?:完成)?投资(?:计划)?(?:额)?$",
    ),
    _c("planned_start", "计划开工时间", "开工时间", "计划开工日期", "开工日期", "计划开工年月", "开工年月"),
    _c(
        "planned_completion",
        "计划竣工时间",
        "竣工时间",
        "计划竣工日期",
        "竣工日期",
        "计划竣工年月",
        "竣工年月",
        "计划完工时间",
        "完工时间",
    ),
    _c("actual_start", "实际开工时间", "实际开工日期"),
    _c("manager", "项目负责人", "负责人", "项目联系人", "联系人"),
    _c("manager_phone", "联系电话", "联系方式", "电话", "手机号码", "手机"),
    _c(
        "liaison_leader",
        "包联领导",
        "包联市领导",
        "包联县领导",
        "包联县级领导",
        "包联市级领导",
        "包联领导姓名",
    ),
    _c("key_level", "重点项目级别", "重点级别", "项目级别", "重点项目类别"),
    _c("industry", "行业类别", "行业", "产业类别", "行业分类", "产业类型", "所属行业", "项目类别"),
    _c("fund_central_budget", "中央预算内投资", "中央预算内资金", "中央预算内"),
    _c("fund_special_bond", "地方政府专项债", "专项债", "专项债券", "地方政府专项债券"),
    _c("fund_ultra_long_bond", "超长期特别国债", "特别国债"),
    _c("fund_provincial", "省级资金", "省级财政资金", "省级"),
    _c("fund_local_fiscal", "市县财政", "市县财政资金", "地方财政"),
    _c("fund_bank_loan", "银行贷款", "贷款"),
    _c("fund_self_raised", "企业自筹", "自筹资金", "自筹"),
    _c("fund_other", "其他资金", "其他"),
]
LABELS = {c.field: c.label for c in COLUMNS}
LABELS.update(
    {"county": "县（市、区）", "town": "乡镇（街道）", "annual_plan": "年度计划投资", "plan_year": "计划年度"}
)
FUNDING = [c.field for c in COLUMNS if c.field.startswith("fund_")]
MONEY_FIELDS = ("total_investment", "annual_plan", *FUNDING)
DATE_FIELDS = ("planned_start", "planned_completion", "actual_start")
MAX_LENGTHS = {
    "name": 200,
    "construction_unit": 200,
    "address": 200,
    "manager": 50,
    "manager_phone": 30,
    "liaison_leader": 50,
}
_ALIAS_INDEX = {compact(a): c for c in COLUMNS for a in c.aliases}
_UNIT_SUFFIX = re.compile(r"\((?:万元|亿元|元|万|亿|个|年|月|%|必填|选填)\)$")
_TOTAL_ROW = re.compile(r"^(?:.{0,12}(?:合计|小计|总计)|(?:合计|小计|总计|其中).*)$")


class LedgerError(ValueError):
    """The workbook as a whole cannot be read as a ledger; the message is for the user."""


def canonical_header(text) -> str:
    key = compact(text).replace("*", "").replace("★", "").replace("：", "").replace(":", "")
    key = key.replace("（", "(").replace("）", ")")
    key = _UNIT_SUFFIX.sub("", key)
    return key


def match_column(text) -> tuple[Column, int | None] | None:
    key = canonical_header(text)
    if not key:
        return None
    column = _ALIAS_INDEX.get(key)
    if column is None and key != "序号":
        for candidate in COLUMNS:
            if candidate.pattern and candidate.pattern.match(key):
                column = candidate
                break
    if column is None:
        return None
    return column, parsing.year_in(key)


@dataclass
class HeaderColumn:
    index: int
    field: str
    header: str
    year: int | None = None
    multiplier: Decimal = Decimal(1)


@dataclass
class Header:
    columns: list[HeaderColumn]
    ignored: list[str]
    last_row: int  # 1-based row number of the header's last line

    @property
    def fields(self) -> set[str]:
        return {c.field for c in self.columns}


def _texts(row) -> list[str]:
    """Header cells as written (line breaks dropped), so errors name the column the user sees."""
    return [re.sub(r"\s*\n\s*", "", str(v)).strip() if v is not None else "" for v in row[:MAX_COLUMNS]]


def _map_header(candidates: list[list[str]], originals: list[str], last_row: int) -> Header:
    columns, seen, ignored = [], set(), []
    for index, options in enumerate(candidates):
        hit = None
        for text in options:
            hit = match_column(text)
            if hit:
                break
        if hit is None:
            if originals[index] and canonical_header(originals[index]) != "序号":
                ignored.append(originals[index].replace("\n", ""))
            continue
        column, year = hit
        if column.field in seen:  # the first of two same-named columns wins
            ignored.append(originals[index].replace("\n", ""))
            continue
        seen.add(column.field)
        multiplier = YI if "亿元" in originals[index] or "(亿" in compact(originals[index]) else Decimal(1)
        columns.append(
            HeaderColumn(index, column.field, originals[index].replace("\n", ""), year, multiplier)
        )
    return Header(columns, ignored, last_row)


def _single(texts: list[str], row_number: int) -> Header:
    return _map_header([[t] if t else [] for t in texts], texts, row_number)


def _combined(top: list[str], bottom: list[str], row_number: int) -> Header:
    """Two header lines: merged group cells on top are carried right over their sub-columns."""
    width = max(len(top), len(bottom))
    top = top + [""] * (width - len(top))
    bottom = bottom + [""] * (width - len(bottom))
    candidates, originals, group = [], [], ""
    for t, b in zip(top, bottom, strict=True):
        if t:
            group = t if b else ""
        parent = t or group
        options = [parent + b, b, parent] if b else [parent]
        candidates.append([o for o in options if o])
        originals.append(f"{parent}{b}" if b and parent and parent != b else (b or parent))
    return _map_header(candidates, originals, row_number + 1)


def find_header(head_rows: list[tuple]) -> Header | None:
    """The row (or pair of rows) whose cells name most known columns; on a tie, one row beats two."""
    best, best_key = None, None
    texts = [_texts(r) for r in head_rows]
    for i, row in enumerate(texts):
        options = [(_single(row, i + 1), 1)]
        if i + 1 < len(texts) and sum(1 for t in row if t) >= 2:  # a lone title cell is no group header
            options.append((_combined(row, texts[i + 1], i + 1), 2))
        for header, lines in options:
            if "name" not in header.fields or len(header.columns) < 3:
                continue
            key = (len(header.columns), -lines)
            if best_key is None or key > best_key:
                best, best_key = header, key
    return best


def sheet_multiplier(head_rows: list[tuple], header: Header) -> Decimal:
    """A "单位：亿元" line above the header switches the sheet's money to 亿元."""
    for row in head_rows[: header.last_row]:
        for value in row:
            text = compact(value)
            if text.startswith("单位") and "亿元" in text:
                return YI
    return Decimal(1)


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
    max_rows: int


def _is_total_or_heading(values, name: str) -> bool:
    filled = [v for v in values if v is not None and v != ""]
    for value in filled[:3]:
        if isinstance(value, str) and _TOTAL_ROW.match(compact(value)):
            return True
    return not name and len(filled) <= 2


@dataclass
class SheetCells:
    """What one worksheet holds, independent of the database: its header and its data rows' cells."""

    title: str
    header: Header
    rows: list[tuple[int, dict]]  # (row number, {field: raw cell value})


def read_sheet(ws, max_rows: int, counter: list[int]) -> SheetCells | None:
    """The data rows of one worksheet, or None when it has no recognisable header (e.g. a 说明 sheet)."""
    if hasattr(ws, "reset_dimensions"):
        ws.reset_dimensions()  # trust the rows, not a (possibly wrong) declared dimension
    rows = ws.iter_rows(values_only=True, max_col=MAX_COLUMNS)
    head_rows = list(islice(rows, HEADER_SCAN_ROWS))
    header = find_header(head_rows)
    if header is None:
        return None
    multiplier = sheet_multiplier(head_rows, header)
    for col in header.columns:
        if col.multiplier == 1:
            col.multiplier = multiplier
    sheet = SheetCells(ws.title, header, [])
    for number, values in enumerate(head_rows[header.last_row :], start=header.last_row + 1):
        _collect(sheet, number, values, max_rows, counter)
    for number, values in enumerate(rows, start=len(head_rows) + 1):
        _collect(sheet, number, values, max_rows, counter)
    return sheet


def _collect(sheet: SheetCells, number, values, max_rows, counter):
    if not values or all(v is None or (isinstance(v, str) and parsing.is_blank(v)) for v in values):
        return
    cells = {c.field: values[c.index] if c.index < len(values) else None for c in sheet.header.columns}
    if _is_total_or_heading(values, clean_text(cells.get("name"))):
        return
    counter[0] += 1
    if counter[0] > max_rows:
        raise LedgerError(f"数据行超过上限 {max_rows:,} 行，请拆分文件后再导入。")
    sheet.rows.append((number, cells))


def normalise_row(sheet: str, number: int, cells: dict, header: Header, ctx: Context) -> LedgerRow:
    row = LedgerRow(sheet, number)
    v = row.values
    by_field = {c.field: c for c in header.columns}

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
    code = parsing.parse_code(cells.get("code"))
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
            row.error("统一社会信用代码", " ".join(getattr(exc, "messages", [str(exc)])))

    # money and dates
    for f in MONEY_FIELDS:
        if f in cells:
            try:
                v[f] = parsing.parse_money(cells[f], multiplier=by_field[f].multiplier)
            except CellError as exc:
                row.error(by_field[f].header or LABELS[f], str(exc))
                row.present.discard(f)
    for f in DATE_FIELDS:
        if f in cells:
            try:
                v[f] = parsing.parse_date(cells[f])
            except CellError as exc:
                row.error(by_field[f].header or LABELS[f], str(exc))
                row.present.discard(f)
    v["plan_year"] = (
        by_field["annual_plan"].year
        if "annual_plan" in by_field and by_field["annual_plan"].year
        else ctx.year
    )
    _check_dates(row)

    # soft references
    if cells.get("nature") is not None and clean_text(cells["nature"]):
        v["nature"], warning = nature_from(clean_text(cells["nature"]))
        if warning:
            row.warn("建设性质", warning)
    if cells.get("industry") is not None and clean_text(cells["industry"]):
        v["industry"], warning = industry_from(clean_text(cells["industry"]))
        if warning:
            row.warn("行业类别", warning)
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


def _check_dates(row: LedgerRow):
    v = row.values
    start, end, actual = v.get("planned_start"), v.get("planned_completion"), v.get("actual_start")
    if start and end and end < start:
        row.error("计划竣工时间", "计划竣工时间早于计划开工时间")
    if actual and actual > timezone.localdate():
        row.error("实际开工时间", "实际开工日期不能晚于今天")


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
    counter = [0]
    sheets = [sheet for ws in wb.worksheets if (sheet := read_sheet(ws, max_rows, counter)) is not None]
    if not sheets:
        raise LedgerError("没有找到表头：请确认前15行内有“项目名称”“建设单位”“县（市、区）”“总投资”等列名。")
    return sheets


def normalise_rows(sheets: list[SheetCells], ctx: Context) -> list[LedgerRow]:
    return [
        normalise_row(sheet.title, number, cells, sheet.header, ctx)
        for sheet in sheets
        for number, cells in sheet.rows
    ]
