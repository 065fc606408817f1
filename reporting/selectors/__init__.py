"""Every non-trivial read of monthly progress, already scoped to the user.

`reports`: the report list and who owes a report (figures: `reporting.measures`); `pages`: what the grid, review, office and dossier pages show.
"""

from .pages import (
    Grid,
    default_period,
    dossier_progress,
    grid_for,
    office_overview,
    parse_period,
    report_history,
    reporting_units_for_user,
    submitted_reports,
    unit_for_user,
)
from .reports import (
    ReportFilterSet,
    report_get_for_user,
    report_list,
    reports_for_user,
)

__all__ = [
    "Grid",
    "ReportFilterSet",
    "default_period",
    "dossier_progress",
    "grid_for",
    "office_overview",
    "parse_period",
    "report_get_for_user",
    "report_history",
    "report_list",
    "reporting_units_for_user",
    "reports_for_user",
    "submitted_reports",
    "unit_for_user",
]
