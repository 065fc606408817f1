"""Who hears about a matter: its handling unit's people, and whom each 督办 level reaches.

督办 goes one level at a time: 专班办公室 → 分管副市长 → 常务副市长 → 市长 (city leaders only:
a county-level city's 市长 is not the mayor). The vice mayor in charge is the matter's responsible
leader or the project's 包联 leader when that is a vice mayor; else the office keeps it.
"""

from __future__ import annotations

from accounts.choices import OrgKind, RoleCode
from projects.models import Leader
from scheduling.recipients import office_user_ids, users_by_unit

from .choices import Supervision

UNIT_ROLES = (RoleCode.REPORTER, RoleCode.REVIEWER)


def unit_user_ids(unit_ids) -> dict[int, list[int]]:
    return users_by_unit(unit_ids, UNIT_ROLES)


def _is_vice_mayor(leader) -> bool:
    return bool(leader and "副市长" in leader.title and "常务" not in leader.title)


class LeaderBook:
    """The city's leaders by post, read once per job or request."""

    def __init__(self):
        self.city_leaders = list(
            Leader.objects.filter(is_active=True, organisation__kind=OrgKind.CITY).select_related("user")
        )
        self._office = None

    @property
    def office(self) -> list[int]:
        if self._office is None:
            self._office = office_user_ids()
        return self._office

    def executive(self) -> list[Leader]:
        return [x for x in self.city_leaders if "常务副市长" in x.title]

    def mayors(self) -> list[Leader]:
        return [x for x in self.city_leaders if x.title == "市长" or x.title.startswith("市长")]

    def vice_mayor_for(self, ticket) -> Leader | None:
        for leader in (ticket.responsible_leader, getattr(ticket.project, "liaison_leader", None)):
            if _is_vice_mayor(leader) and leader.pk in {x.pk for x in self.city_leaders}:
                return next(x for x in self.city_leaders if x.pk == leader.pk)
        return None

    def reached(self, ticket, level: int) -> tuple[list[Leader], list[int]]:
        """(leaders, user ids) a 督办 at `level` reaches; the office when no leader holds the post."""
        if level >= Supervision.MAYOR:
            leaders = self.mayors()
        elif level == Supervision.EXECUTIVE:
            leaders = self.executive()
        elif level == Supervision.VICE_MAYOR:
            vice = self.vice_mayor_for(ticket)
            leaders = [vice] if vice else []
        else:
            leaders = []
        ids = [x.user_id for x in leaders if x.user_id and x.user.is_active]
        return leaders, ids or list(self.office)

    def leader_of_user(self, user) -> Leader | None:
        return next((x for x in self.city_leaders if x.user_id == user.pk), None)
