"""Who may do what with dispatch: plain functions for views and the API."""

from accounts.choices import RoleCode


def _authenticated(user) -> bool:
    return bool(user and user.is_authenticated)


def can_view_schedules(user) -> bool:
    """The office's schedule overview: the office, leaders (read) and the admin."""
    return _authenticated(user) and user.has_role(RoleCode.OFFICE, RoleCode.ADMIN, RoleCode.LEADER)


def can_run_schedule(user) -> bool:
    return _authenticated(user) and user.has_role(RoleCode.OFFICE, RoleCode.ADMIN)


def can_edit_schedule(user) -> bool:
    return _authenticated(user) and user.has_role(RoleCode.ADMIN)


def can_view_calendar(user) -> bool:
    """Holidays and 调休 are public; every signed-in user may read the calendar."""
    return _authenticated(user)


def can_edit_calendar(user) -> bool:
    return _authenticated(user) and user.has_role(RoleCode.ADMIN)
