"""Who is who for a reminder: the users of units by role, the office. Reads only; ids out."""

from __future__ import annotations

from collections import defaultdict

from accounts.choices import RoleCode
from accounts.models import User


def _active():
    return User.objects.filter(is_active=True)


def office_user_ids() -> list[int]:
    return list(
        _active().filter(roles__code=RoleCode.OFFICE).order_by("pk").values_list("pk", flat=True).distinct()
    )


def users_by_unit(unit_ids, roles) -> dict[int, list[int]]:
    """{unit id: [user ids]} of the active users of each unit holding any of `roles` (one query)."""
    result: dict[int, list[int]] = defaultdict(list)
    rows = (
        _active()
        .filter(organisation_id__in=list(unit_ids), roles__code__in=list(roles))
        .order_by("organisation_id", "pk")
        .values_list("organisation_id", "pk")
        .distinct()
    )
    for unit_id, user_id in rows:
        result[unit_id].append(user_id)
    return result
