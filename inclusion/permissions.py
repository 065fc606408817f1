"""Who may read and do what in 入库纳统; plain functions for the pages and the API alike.

Visibility of projects is `accounts.scoping` (a county bureau sees its county, the city bureau all);
these decide what a user may do with what it sees.
"""

from __future__ import annotations

from accounts.choices import RoleCode

READERS = (RoleCode.STATISTICS, RoleCode.OFFICE, RoleCode.LEADER, RoleCode.ADMIN)
MANAGERS = (RoleCode.STATISTICS, RoleCode.ADMIN)
EVIDENCE_UPLOADERS = (RoleCode.REPORTER, RoleCode.STATISTICS, RoleCode.OFFICE, RoleCode.ADMIN)


def can_see_inclusion(user) -> bool:
    return user.is_authenticated and user.has_role(*READERS)


def can_manage_inclusion(user) -> bool:
    """Declare, include, return; request evidence; import statuses; upload the directory."""
    return user.is_authenticated and user.has_role(*MANAGERS)


def can_configure_rules(user) -> bool:
    """The conditions are the city bureau's: a county bureau applies them."""
    return can_manage_inclusion(user) and user.sees_all_projects


def can_upload_evidence(user, project) -> bool:
    """`project` comes from a scoped selector: its units (reporters) and the bureau attach evidence."""
    return user.is_authenticated and user.has_role(*EVIDENCE_UPLOADERS)
