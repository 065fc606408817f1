"""Finding a ledger's header: which row (or pair of rows) names the columns, and what each column is.

People rename, merge, wrap and star column names; a header cell is compared after NFKC, without
spaces/line breaks, '*' marks and a unit in brackets ("总投资\n（万元）" → "总投资"), against the
known names below. A column or sheet kept in 亿元 gets a multiplier to 万元.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from . import parsing
from .parsing import compact

HEADER_SCAN_ROWS = 15  # the header starts in one of these rows (a two-line one may end on the next)
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


# Known columns: the first name is the label shown to the user, the others are what ledgers call it.
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
_ALIAS_INDEX = {compact(a): c for c in COLUMNS for a in c.aliases}
_UNIT_SUFFIX = re.compile(r"\((?:万元|亿元|元|万|亿|个|年|月|%|必填|选填)\)$")


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

    @cached_property
    def by_field(self) -> dict[str, HeaderColumn]:
        return {c.field: c for c in self.columns}


def _texts(row) -> list[str]:
    """Header cells as written (line breaks dropped), so errors name the column the user sees."""
    return [re.sub(r"\s*\n\s*", "", str(v)).strip() if v is not None else "" for v in row[:MAX_COLUMNS]]


def _map_header(candidates: list[list[str]], originals: list[str], last_row: int) -> Header:
    columns, seen, ignored = [], set(), []
    for index, (options, original) in enumerate(zip(candidates, originals, strict=True)):
        hit = next(filter(None, map(match_column, options)), None)
        if hit is None:
            if original and canonical_header(original) != "序号":
                ignored.append(original)
            continue
        column, year = hit
        if column.field in seen:  # the first of two same-named columns wins
            ignored.append(original)
            continue
        seen.add(column.field)
        multiplier = YI if "亿元" in original or "(亿" in compact(original) else Decimal(1)
        columns.append(HeaderColumn(index, column.field, original, year, multiplier))
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
        if t or not b:  # a new top cell, or an empty column, ends the group
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
    for i, row in enumerate(texts[:HEADER_SCAN_ROWS]):
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
