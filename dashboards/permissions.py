from accounts.choices import RoleCode


def can_manage(user) -> bool:
    """The office (and the admin) set targets, configure the 赛马, publish rankings and bulletins."""
    return user.is_authenticated and user.has_role(RoleCode.OFFICE, RoleCode.ADMIN)


def can_see_city(user) -> bool:
    """The city dashboard, live rankings and draft bulletins: city-wide roles."""
    return user.is_authenticated and user.sees_all_projects
