"""Template helpers of the monthly-progress pages: status badges and the dossier's progress card."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.html import format_html

from .. import permissions
from ..choices import ReportStatus
from ..models import MonthlyReport
from ..selectors.report_pages import default_period
from ..selectors.reports import project_monthly_series

register = template.Library()

STATUS_BADGE = {
    ReportStatus.DRAFT: "text-bg-secondary",
    ReportStatus.SUBMITTED: "text-bg-primary",
    ReportStatus.APPROVED: "text-bg-success",
    ReportStatus.RETURNED: "text-bg-danger",
}
DOSSIER_MONTHS = 24


@register.simple_tag
def report_badge(status, revision=0):
    """草稿 / 已提交 / 已审核 / 已退回 (or 未填报), with the correction count when there is one."""
    try:
        status = ReportStatus(status)
    except ValueError:
        return format_html('<span class="badge bg-light text-body-secondary border">未填报</span>')
    badge = format_html('<span class="badge {}">{}</span>', STATUS_BADGE[status], status.label)
    if revision:
        badge = format_html(
            '{} <span class="badge bg-warning-subtle text-warning-emphasis border" title="更正次数">第{}次更正</span>',
            badge,
            revision,
        )
    return badge


def _num(value):
    return None if value is None else float(value)


@register.inclusion_tag("projects/report_dossier_card.html", takes_context=True)
def dossier_reports(context, project, user=None, months=DOSSIER_MONTHS):
    """The dossier's month-by-month table and chart (two queries whatever the project's age)."""
    user = user or context.get("user")
    series = project_monthly_series(project=project, months=0)
    pks = dict(
        (
            ((y, m), pk)
            for y, m, pk in MonthlyReport.objects.filter(project=project).values_list("year", "month", "pk")
        )
    )
    for row in series:
        row["pk"] = pks.get((row["year"], row["month"]))
    shown = list(reversed(series[-months:]))
    chart = {
        "labels": [f"{r['year']}-{r['month']:02d}" for r in series[-months:]],
        "invested": [_num(r["invested"]) for r in series[-months:]],
        "ytd": [_num(r["ytd"]) for r in series[-months:]],
        "plan": [_num(r["annual_plan"]) for r in series[-months:]],
    }
    year, month = default_period()
    reported = [r for r in series if r["status"]]
    latest = reported[-1] if reported else (series[-1] if series else None)
    return {
        "project": project,
        "rows": shown,
        "has_more": len(series) > months,
        "all_rows": list(reversed(series)) if len(series) > months else [],
        "chart": chart,
        "latest": latest,
        "since_start": series[-1]["cumulative"] if series else Decimal("0.00"),
        "can_enter": permissions.can_enter_reports(user) if user is not None else False,
        "grid_year": year,
        "grid_month": month,
        "unit_id": project.reporting_unit_id,
    }
