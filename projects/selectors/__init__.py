"""Every non-trivial read of project data, already scoped to the user."""

from .choices import form_choices_load
from .projects import (
    ProjectTotals,
    approval_kinds,
    home_summary,
    project_get_for_user,
    project_list,
    project_totals,
    projects_for_user,
)

__all__ = [
    "ProjectTotals",
    "approval_kinds",
    "form_choices_load",
    "home_summary",
    "project_get_for_user",
    "project_list",
    "project_totals",
    "projects_for_user",
]
