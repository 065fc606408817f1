"""Plain permission functions used by HTML views and DRF permission classes alike.

Visibility is `accounts.scoping`; these decide what a user may *do* with what it sees.
"""

from __future__ import annotations

from accounts.choices import RoleCode

WRITERS = (RoleCode.REPORTER, RoleCode.REVIEWER, RoleCode.OFFICE, RoleCode.ADMIN)
OFFICE = (RoleCode.OFFICE, RoleCode.ADMIN)


def is_office(user) -> bool:
    return user.is_authenticated and user.has_role(*OFFICE)


def can_create_project(user) -> bool:
    if is_office(user):
        return True
    return user.is_authenticated and user.organisation_id is not None and user.has_role(*WRITERS)


def can_edit_project(user, project) -> bool:
    """`project` must already come from a scoped selector; this checks the role."""
    return user.is_authenticated and user.has_role(*WRITERS)


def can_transition_project(user, project) -> bool:
    return can_edit_project(user, project)


def can_force_transition(user) -> bool:
    """Skipping stages or going back needs the task-force office."""
    return is_office(user)


def can_import_ledger(user) -> bool:
    return user.is_authenticated and user.has_role(RoleCode.REPORTER, RoleCode.OFFICE, RoleCode.ADMIN)
