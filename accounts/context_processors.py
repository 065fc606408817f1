from .choices import RoleCode


def portal(request):
    user = getattr(request, "user", None)
    roles = user.role_codes if user is not None and user.is_authenticated else frozenset()
    return {
        "portal_name": "项目建设攻坚平台",
        "user_roles": roles,
        "is_office": RoleCode.OFFICE in roles or RoleCode.ADMIN in roles,
    }
