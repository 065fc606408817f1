"""Export 4: 入库纳统 progress by county."""

from __future__ import annotations

from ..choices import ExportKind, InclusionStatus
from ..selectors import Screening, area_name, screening_list
from .included import included_workbook
from .investment import investment_workbook
from .screening import screening_workbook
from .writer import Column, Progress, TableWriter, period_label

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
    from ..selectors import screening as screen

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
