"""The dossier's progress card: a project's months."""

from __future__ import annotations

from django.utils.translation import gettext

from projects.money import ZERO

from ... import measures
from ...measures import Basis
from .units import default_period

# --- the dossier's progress card -------------------------------------------------------------

DOSSIER_MONTHS = 24


def _num(value):
    return None if value is None else float(value)


def dossier_progress(*, project, months: int = DOSSIER_MONTHS) -> dict:
    """The dossier's month-by-month table and chart (three queries whatever the project's age)."""
    series = measures.project_series(project=project, basis=Basis.APPROVED, months=0)
    for row in series:
        row["pk"] = row["report_id"]
    shown = list(reversed(series[-months:]))
    chart = {
        "labels": [f"{r['year']}-{r['month']:02d}" for r in series[-months:]],
        "invested": [_num(r["invested"]) for r in series[-months:]],
        "ytd": [_num(r["ytd"]) for r in series[-months:]],
        "plan": [_num(r["annual_plan"]) for r in series[-months:]],
        # The legend and axis in the reader's language (the script has no words of its own).
        "names": {
            "invested": gettext("本月完成投资"),
            "ytd": gettext("本年累计"),
            "plan": gettext("年度计划"),
            "unit": gettext("万元"),
        },
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
        "since_start": series[-1]["cumulative"] if series else ZERO,
        "grid_year": year,
        "grid_month": month,
        "unit_id": project.reporting_unit_id,
    }
