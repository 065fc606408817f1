"""Every write to project data goes through these functions (permission, transaction, audit)."""

from .lifecycle import allowed_transitions, project_transition
from .projects import (
    annual_plan_delete,
    annual_plan_save,
    approval_delete,
    approval_save,
    project_create,
    project_update,
    town_projects_move,
)

__all__ = [
    "allowed_transitions",
    "annual_plan_delete",
    "annual_plan_save",
    "approval_delete",
    "approval_save",
    "project_create",
    "project_transition",
    "project_update",
    "town_projects_move",
]
