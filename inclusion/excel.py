"""The bureau's Excel reports (DOMAIN §8), all written by one table writer.

Every export is a write-only workbook (flat memory for 20,000 rows) with, on each sheet: a merged
title naming the area and the period, a 单位：万元 line, a frozen header repeated on every printed page,
number formats, a totals row, and landscape printing fitted to the page width. Every text cell goes
through `excel_safe` (the same guard as the monthly grid's workbook), so nothing a user typed can run
as a formula. Figures come from `reporting.measures` on the approved basis, so the totals equal the
dashboards' figures for the same month.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterable
from copy import copy
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from accounts.choices import OrgKind
from accounts.models import Organisation
from projects.importing.safety import FORMULA_START, excel_safe, excel_text_cell
from projects.models import AnnualPlan
from projects.money import ZERO
from reporting import measures
from reporting.measures import Basis

from .choices import ExportKind, InclusionStatus
from .selectors import Screening, ScreeningList, area_name, attach_figures, scoped_projects, screening_list

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = {"money": "#,##0.00", "int": "0", "rate": "0.0", "date": "yyyy-mm-dd", "text": "@"}
TITLE_ROW, UNIT_ROW, HEADER_ROW = 1, 2, 3
FIRST_DATA_ROW = 4

_thin = Side(style="thin", color="999999")
BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
SUBTOTAL_FILL = PatternFill("solid", fgColor="FAFAFA")

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int = 12
    kind: str = "text"  # text, money, int, rate, date
    hidden: bool = False


def period_label(year: int, month: int) -> str:
    return f"{year}年1–{month}月" if month > 1 else f"{year}年1月"


def _number(value):
    # A number cell: Decimal is written as float (two decimals survive; the format shows them).
    return float(value) if isinstance(value, Decimal) else value


def _placed(cells, row_idx):
    for col_idx, cell in enumerate(cells, 1):
        cell.column = col_idx
        cell.row = row_idx
        yield cell


class TableWriter:
    """Writes titled tables into one write-only workbook; `bytes()` closes it."""

    def __init__(self):
        self.wb = Workbook(write_only=True)
        self._styles: dict = {}

    def _cell(self, ws, value, style_key: tuple, **style):
        c = WriteOnlyCell(ws, value=value)
        cached = self._styles.get(style_key)
        if cached is None:
            for attr, v in style.items():
                setattr(c, attr, v)
            cached = self._styles[style_key] = copy(c._style)
        # A write-only cell is written and dropped at once, so cells share their style; only a
        # text that `excel_text_cell` marks with the quote prefix gets a copy of its own.
        c._style = copy(cached) if isinstance(value, str) and value.startswith(FORMULA_START) else cached
        return excel_text_cell(c)

    def table(
        self,
        *,
        sheet: str,
        title: str,
        columns: list[Column],
        rows: Iterable[dict],
        totals: dict | Callable[[], dict] | None,
        note: str = "",
        progress: Progress | None = None,
        total_rows: int = 0,
    ) -> int:
        ws = self.wb.create_sheet(sheet[:31])
        last = get_column_letter(len(columns))
        for i, col in enumerate(columns, start=1):
            ws.column_dimensions[get_column_letter(i)].width = col.width
            if col.hidden:
                ws.column_dimensions[get_column_letter(i)].hidden = True
        ws.freeze_panes = f"A{FIRST_DATA_ROW}"
        ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = "9"  # A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = True
        ws.merged_cells.add(f"A{TITLE_ROW}:{last}{TITLE_ROW}")
        ws.merged_cells.add(f"A{UNIT_ROW}:{last}{UNIT_ROW}")
        ws.append(
            [
                self._cell(
                    ws,
                    excel_safe(title),
                    ("title",),
                    font=Font(size=15, bold=True),
                    alignment=Alignment(horizontal="center", vertical="center"),
                )
            ]
        )
        made = timezone.localtime().strftime("%Y-%m-%d %H:%M")
        unit_line = f"单位：万元    {note}    制表时间：{made}" if note else f"单位：万元    制表时间：{made}"
        ws.append([self._cell(ws, excel_safe(unit_line), ("unit",), alignment=Alignment(horizontal="left"))])
        header_align = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.append(
            [
                self._cell(
                    ws,
                    excel_safe(c.header),
                    ("header",),
                    font=Font(bold=True),
                    fill=HEADER_FILL,
                    alignment=header_align,
                    border=BORDER,
                )
                for c in columns
            ]
        )
        wrap = Alignment(vertical="top", wrap_text=True)

        def band_style(c: Column, band: str) -> dict:
            style = {"border": BORDER}
            if band == "total":
                style.update(font=Font(bold=True), fill=TOTAL_FILL)
            elif band == "subtotal":
                style.update(font=Font(bold=True), fill=SUBTOTAL_FILL)
            if c.kind == "text":
                style["alignment"] = wrap
            else:
                style["number_format"] = FORMATS[c.kind]
            return style

        styles = {band: [band_style(c, band) for c in columns] for band in ("row", "subtotal", "total")}

        def data_cells(values: dict, band: str):
            cells = []
            for c, style in zip(columns, styles[band], strict=True):
                value = values.get(c.key)
                if c.kind == "text":
                    value = excel_safe(value) if isinstance(value, str) else value
                else:
                    value = _number(value)
                cells.append(self._cell(ws, value, (c.key, band), **style))
            return cells

        # The rows are our own styled cells: place them as they are, not through openpyxl's
        # `_values_to_row`, which first tries each cell as a value (a ValueError per cell) and makes
        # a spare cell for every styled one — a third of a 20,000-row export's time.
        ws._values_to_row = _placed
        n = 0
        for values in rows:
            ws.append(data_cells(values, values.get("_band", "row")))
            n += 1
            if progress and n % 500 == 0:
                progress(n, total_rows)
        if callable(totals):  # a streamed table's totals, known once its rows are written
            totals = totals()
        if totals is not None:
            ws.append(data_cells(totals, "total"))
        return n

    def bytes(self) -> bytes:
        out = io.BytesIO()
        self.wb.save(out)
        return out.getvalue()


# --- 1. the screening list -----------------------------------------------------------------

STATUS_COLUMN = "入库状态"
ID_HEADER = "ID"
NUMBER_COLUMN = "统计库项目编号"
REASON_COLUMN = "退回原因"

LIST_TITLES = {
    "screening": "入库纳统筛选清单（应入未入项目）",
    "declared": "入库纳统已申报项目清单",
    "included": "入库纳统已入库项目清单",
    "returned": "入库纳统退回项目清单",
    "all": "入库纳统项目清单",
}


def screening_columns(month: int) -> list[Column]:
    return [
        Column("id", ID_HEADER, 8, "int", hidden=True),
        Column("seq", "序号", 6, "int"),
        Column("county", "县（市、区）", 12),
        Column("code", "项目代码", 26),
        Column("name", "项目名称", 34),
        Column("unit", "建设单位", 28),
        Column("credit_code", "统一社会信用代码", 21),
        Column("department", "责任单位", 14),
        Column("total_investment", "计划总投资", 13, "money"),
        Column("actual_start", "实际开工日期", 12, "date"),
        Column("days", "开工天数", 9, "int"),
        Column("ytd", f"1–{month}月完成投资", 13, "money"),
        Column("since_start", "开工累计完成投资", 14, "money"),
        Column("lacking", "尚缺条件", 36),
        Column("duplicates", "疑似重复", 24),
        Column("status", STATUS_COLUMN, 9),
        Column("stats_number", NUMBER_COLUMN, 16),
        Column("return_reason", REASON_COLUMN, 24),
    ]


def screening_workbook(
    rows: ScreeningList, *, user, year: int, month: int, kind: str, progress: Progress | None = None
) -> tuple[str, bytes]:
    """The chosen list, streamed: read and written 2,000 rows at a time, the totals summed on the way."""
    total_rows = rows.count()
    # One query for every row's figures: the list as a subquery, never 20,000 ids.
    completed = measures.completed_by_project(projects=rows.queryset, year=year, month=month)
    sums = {"n": 0, "total_investment": ZERO, "ytd": ZERO, "since_start": ZERO}

    def values():
        seq = 0
        for chunk in rows.chunks():
            attach_figures(chunk, year=year, month=month, completed=completed)
            for r in chunk:
                seq += 1
                sums["total_investment"] += r.total_investment
                sums["ytd"] += r.ytd_completed
                sums["since_start"] += r.since_start_completed
                yield {
                    "id": r.id,
                    "seq": seq,
                    "county": r.county_name,
                    "code": r.code,
                    "name": r.name,
                    "unit": r.construction_unit,
                    "credit_code": r.credit_code,
                    "department": r.department_name,
                    "total_investment": r.total_investment,
                    "actual_start": r.actual_start,
                    "days": r.days_since_start,
                    "ytd": r.ytd_completed,
                    "since_start": r.since_start_completed,
                    "lacking": r.lacking_text or "条件齐全",
                    "duplicates": "；".join(f"{d['name']}（{d['reason']}）" for d in r.duplicates),
                    "status": r.status_label,
                    "stats_number": r.stats_number,
                    "return_reason": r.return_reason,
                }
        sums["n"] = seq

    def totals():
        return {
            "county": f"合计（{sums['n']}项）",
            "total_investment": sums["total_investment"],
            "ytd": sums["ytd"],
            "since_start": sums["since_start"],
        }

    area = area_name(user)
    writer = TableWriter()
    writer.table(
        sheet="筛选清单",
        title=f"{area}{year}年{month}月{LIST_TITLES[kind]}",
        columns=screening_columns(month),
        rows=values(),
        totals=totals,
        note=f"完成投资为{period_label(year, month)}审核口径；修改“入库状态”“统计库项目编号”“退回原因”后可导入平台",
        progress=progress,
        total_rows=total_rows,
    )
    return f"{area}{year}年{month}月{LIST_TITLES[kind]}.xlsx", writer.bytes()


# --- 2. included projects by county --------------------------------------------------------


def included_workbook(
    rows: ScreeningList, *, user, year: int, month: int, progress: Progress | None = None
) -> tuple[str, bytes]:
    """Every included project (the screening's 已入库 list), grouped by county with subtotals."""
    listing, rows = rows, list(rows)
    completed = measures.completed_by_project(projects=listing.queryset, year=year, month=month)
    attach_figures(rows, year=year, month=month, completed=completed)
    order = dict(
        Organisation.objects.filter(pk__in={r.county_id for r in rows}).values_list("pk", "sort_order")
    )
    rows.sort(key=lambda r: (order.get(r.county_id, 0), r.county_id, r.included_on or dt.date.min, r.id))
    columns = [
        Column("seq", "序号", 6, "int"),
        Column("county", "县（市、区）", 12),
        Column("stats_number", NUMBER_COLUMN, 16),
        Column("code", "项目代码", 26),
        Column("name", "项目名称", 34),
        Column("unit", "建设单位", 28),
        Column("credit_code", "统一社会信用代码", 21),
        Column("total_investment", "计划总投资", 13, "money"),
        Column("actual_start", "实际开工日期", 12, "date"),
        Column("included_on", "入库日期", 12, "date"),
        Column("ytd", f"1–{month}月完成投资", 13, "money"),
        Column("since_start", "开工累计完成投资", 14, "money"),
    ]
    money = ("total_investment", "ytd", "since_start")

    def values():
        seq = 0
        group: list = []
        for i, r in enumerate(rows):
            seq += 1
            group.append(r)
            yield {
                "seq": seq,
                "county": r.county_name,
                "stats_number": r.stats_number,
                "code": r.code,
                "name": r.name,
                "unit": r.construction_unit,
                "credit_code": r.credit_code,
                "total_investment": r.total_investment,
                "actual_start": r.actual_start,
                "included_on": r.included_on,
                "ytd": r.ytd_completed,
                "since_start": r.since_start_completed,
            }
            if i + 1 == len(rows) or rows[i + 1].county_id != r.county_id:
                yield {
                    "_band": "subtotal",
                    "county": f"{r.county_name} 小计（{len(group)}项）",
                    "total_investment": sum((g.total_investment for g in group), ZERO),
                    "ytd": sum((g.ytd_completed or ZERO for g in group), ZERO),
                    "since_start": sum((g.since_start_completed or ZERO for g in group), ZERO),
                }
                group = []

    totals = {"county": f"合计（{len(rows)}项）"}
    for key, attr in zip(money, ("total_investment", "ytd_completed", "since_start_completed"), strict=True):
        totals[key] = sum((getattr(r, attr) or ZERO for r in rows), ZERO)
    area = area_name(user)
    writer = TableWriter()
    writer.table(
        sheet="已入库项目",
        title=f"{area}{year}年{month}月已入库项目清单（分县区）",
        columns=columns,
        rows=values(),
        totals=totals,
        note=f"完成投资为{period_label(year, month)}审核口径",
        progress=progress,
        total_rows=len(rows),
    )
    return f"{area}{year}年{month}月已入库项目清单.xlsx", writer.bytes()


# --- 3. monthly investment by county and by department ------------------------------------


def investment_columns(month: int, first: str) -> list[Column]:
    return [
        Column("seq", "序号", 6, "int"),
        Column("name", first, 22),
        Column("projects", "计划项目数", 10, "int"),
        Column("annual_plan", "年度计划投资", 14, "money"),
        Column("month_invested", f"{month}月完成投资", 13, "money"),
        Column("ytd", f"1–{month}月完成投资", 14, "money"),
        Column("last_year_ytd", "上年同期", 14, "money"),
        Column("yoy", "同比增长（%）", 11, "rate"),
        Column("completion", "占年度计划（%）", 12, "rate"),
        Column("time_progress", "时间进度（%）", 11, "rate"),
        Column("gap", "超(+)/低于(−)时间进度（百分点）", 16, "rate"),
    ]


def _figure_values(f: measures.Figures) -> dict:
    return {
        "annual_plan": f.annual_plan,
        "month_invested": f.month_invested,
        "ytd": f.ytd_completed,
        "last_year_ytd": f.last_year_ytd,
        "yoy": f.yoy_rate,
        "completion": f.completion_rate,
        "time_progress": f.time_progress,
        "gap": f.vs_time_progress_pp,
    }


def investment_figures(*, user, year: int, month: int) -> dict:
    """The scope's figures by county, by department and in total (approved basis), with the number
    of projects planned for the year in each group: five queries."""
    projects = scoped_projects(user)
    kw = {"year": year, "month": month, "basis": Basis.APPROVED}
    grouped = measures.figures_by_each(projects=projects, dims=("county", "department"), **kw)
    total = measures.figures(projects=projects, **kw)
    planned = AnnualPlan.objects.filter(year=year, project__in=projects.order_by().values("pk")).order_by()
    counts = {
        "county": dict(planned.values_list("project__county").annotate(n=Count("pk"))),
        "department": dict(planned.values_list("project__department").annotate(n=Count("pk"))),
    }
    ids = set(grouped["county"]) | set(grouped["department"])
    orgs = {o.pk: o for o in Organisation.objects.filter(pk__in=[i for i in ids if i])}

    def ordered(dim):
        keys = sorted(grouped[dim], key=lambda k: (k is None, orgs[k].sort_order if k in orgs else 0, k or 0))
        out = []
        for k in keys:
            org = orgs.get(k)
            if org is None:
                name = "未明确责任单位"
            elif org.kind == OrgKind.CITY:
                name = f"{org.display_name}（市本级）"
            else:
                name = org.display_name
            out.append(
                {"org_id": k, "name": name, "projects": counts[dim].get(k, 0), "figures": grouped[dim][k]}
            )
        return out

    return {
        "county": ordered("county"),
        "department": ordered("department"),
        "total": total,
        "projects": sum(counts["county"].values()),
    }


def investment_workbook(
    *, user, year: int, month: int, progress: Progress | None = None
) -> tuple[str, bytes]:
    data = investment_figures(user=user, year=year, month=month)
    area = area_name(user)
    writer = TableWriter()
    totals = {"name": "合计", "projects": data["projects"], **_figure_values(data["total"])}
    for dim, first, sheet in (("county", "县（市、区）", "分县区"), ("department", "责任单位", "分部门")):
        rows = [
            {"seq": i, "name": r["name"], "projects": r["projects"], **_figure_values(r["figures"])}
            for i, r in enumerate(data[dim], start=1)
        ]
        writer.table(
            sheet=sheet,
            title=f"{area}{period_label(year, month)}固定资产投资项目完成情况（{sheet}）",
            columns=investment_columns(month, first),
            rows=rows,
            totals=totals,
            note="审核口径（只计审核通过的月度进展）",
        )
    return f"{area}{period_label(year, month)}分县区分部门投资完成情况.xlsx", writer.bytes()


# --- 4. 入库纳统 progress by county --------------------------------------------------------

PROGRESS_COLUMNS_BASE = [
    Column("seq", "序号", 6, "int"),
    Column("name", "县（市、区）", 18),
    Column("population", "应入库项目数", 11, "int"),
    Column("included", "已入库", 9, "int"),
    Column("declared", "已申报", 9, "int"),
    Column("pending", "待申报", 9, "int"),
    Column("returned", "退回", 8, "int"),
    Column("ready", "材料齐全未入库", 12, "int"),
    Column("rate", "入库率（%）", 10, "rate"),
]


def progress_workbook(screening: Screening, *, user) -> tuple[str, bytes]:
    year, month = screening.year, screening.month
    columns = [
        *PROGRESS_COLUMNS_BASE,
        Column("ytd_all", f"应入库项目1–{month}月完成投资", 16, "money"),
        Column("ytd_included", "其中已入库项目", 15, "money"),
        Column("ytd_not_included", "未入库项目完成投资", 15, "money"),
    ]

    def values(area, seq=None):
        all_ytd, inc_ytd = area.ytd_all, area.ytd_included
        return {
            "seq": seq,
            "name": area.name,
            "population": area.population,
            "included": area.included,
            "declared": area.declared,
            "pending": area.pending,
            "returned": area.returned,
            "ready": area.ready,
            "rate": area.inclusion_rate,
            "ytd_all": all_ytd,
            "ytd_included": inc_ytd,
            "ytd_not_included": all_ytd - inc_ytd,
        }

    area = area_name(user)
    writer = TableWriter()
    writer.table(
        sheet="入库纳统进度",
        title=f"{area}{year}年{month}月入库纳统工作进度（分县区）",
        columns=columns,
        rows=[values(a, i) for i, a in enumerate(screening.by_county, start=1)],
        totals=values(screening.totals),
        note=f"项目数截至制表时；完成投资为{period_label(year, month)}审核口径",
    )
    return f"{area}{year}年{month}月入库纳统进度.xlsx", writer.bytes()


def build_export(kind: str, *, user, year: int, month: int, filters: dict, progress: Progress | None = None):
    """`(file name, bytes)` of export `kind` for `user`'s scope."""
    from .selectors import screening as screen

    kind = ExportKind(kind)
    if kind == ExportKind.INVESTMENT:
        return investment_workbook(user=user, year=year, month=month, progress=progress)
    if kind == ExportKind.PROGRESS:
        return progress_workbook(screen(user=user, filters=filters, year=year, month=month), user=user)
    if kind == ExportKind.INCLUDED:
        filters = {**filters, "list": "included", "status": InclusionStatus.INCLUDED}
        rows = screening_list(user=user, filters=filters)
        return included_workbook(rows, user=user, year=year, month=month, progress=progress)
    rows = screening_list(user=user, filters=filters)
    return screening_workbook(
        rows, user=user, year=year, month=month, kind=filters.get("list") or "screening", progress=progress
    )
