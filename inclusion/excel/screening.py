"""Export 1: the screening list, with its status column for re-import."""

from __future__ import annotations

from projects.money import ZERO
from reporting import measures

from ..selectors import ScreeningList, area_name, attach_figures
from .writer import Column, Progress, TableWriter, period_label

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
