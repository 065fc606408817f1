"""Export 3: monthly investment by county and by department."""

from __future__ import annotations

from django.db.models import Count

from accounts.choices import OrgKind
from accounts.models import Organisation
from projects.models import AnnualPlan
from reporting import measures
from reporting.measures import Basis

from ..selectors import area_name, scoped_projects
from .writer import Column, Progress, TableWriter, period_label

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
