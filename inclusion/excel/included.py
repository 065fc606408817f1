"""Export 2: included projects by county."""

from __future__ import annotations

import datetime as dt

from accounts.models import Organisation
from projects.money import ZERO
from reporting import measures

from ..selectors import ScreeningList, area_name, attach_figures
from .screening import NUMBER_COLUMN
from .writer import Column, Progress, TableWriter, period_label

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
