"""The one scoping rule: which projects a user may see.

Every selector that reads project data (projects, plans, reports, tickets, exports) filters
with `project_scope_q(user, prefix)`, so the rule lives here and nowhere else.

- office, leader, statistics, admin (and city-level units): every project;
- county / district / zone / town units: projects located in their subtree
  (by county or town) or reported by a unit in it;
- departments: projects they are responsible for (责任单位) or report;
- enterprises: their own projects (as construction unit, by org or credit code);
- statistics staff: the city bureau (市统计局, a unit directly under the city) every project; the
  statistics bureau of a county (a unit inside a county's subtree, e.g. 泽州县统计局) that county's,
  as the county's own users see them (`statistics_area`);
- a user without organisation or role: nothing.
"""

from __future__ import annotations

from django.db.models import Q

from config import compiled

from .choices import AREA_KINDS, CITYWIDE_ROLES, OrgKind, RoleCode

NOTHING = Q(pk__in=[])


def _p(prefix: str, name: str) -> str:
    return f"{prefix}__{name}" if prefix else name


def subtree_ids(org) -> list[int]:
    """Ids of `org` and every unit below it (one small indexed query, cached on the org object).

    Matching projects by these ids lets PostgreSQL use the foreign-key indexes instead of
    joining the organisation table three times.
    """
    cached = getattr(org, "_subtree_ids", None)
    if cached is None:
        from .models import Organisation

        rows = compiled.values(
            ("subtree_ids", org.path),
            lambda: Organisation.objects.filter(path__startswith=org.path).values("pk"),
        )
        cached = [row["pk"] for row in rows]
        org._subtree_ids = cached
    return cached


_NO_AREA = object()


def statistics_area(user):
    """The county-level area a statistics user works for, or None for the city bureau.

    Only for a user whose one city-wide role is statistics and whose unit is a department or
    enterprise below a county (县统计局 sits under its county): the nearest area above it. A unit
    directly under the city (市统计局), the city itself, or no unit at all: None (city-wide). Users of an
    area or town unit are scoped by the ordinary area rule and need no lookup. At most one small
    query per user object (cached on it).
    """
    cached = getattr(user, "_statistics_area", _NO_AREA)
    if cached is not _NO_AREA:
        return cached
    area = None
    org = getattr(user, "organisation", None)
    codes = getattr(user, "role_codes", frozenset())
    if (
        org is not None
        and RoleCode.STATISTICS in codes
        and not (codes & CITYWIDE_ROLES) - {RoleCode.STATISTICS}
    ):
        if org.kind in (*AREA_KINDS, OrgKind.TOWN):
            area = org
        elif org.kind in (OrgKind.DEPARTMENT, OrgKind.ENTERPRISE):
            ancestors = [int(i) for i in org.path.strip("/").split("/") if i][:-1]
            if len(ancestors) > 1:  # deeper than "directly under the city"
                from .models import Organisation

                area = (
                    Organisation.objects.filter(pk__in=ancestors, kind__in=AREA_KINDS)
                    .order_by("-path")
                    .first()
                )
    try:
        user._statistics_area = area
    except AttributeError:  # an object that takes no attributes: compute again next time
        pass
    return area


def _area_q(area, prefix: str) -> Q:
    ids = subtree_ids(area)
    location = "town_id__in" if area.kind == OrgKind.TOWN else "county_id__in"
    return Q(**{_p(prefix, location): ids}) | Q(**{_p(prefix, "reporting_unit_id__in"): ids})


def project_scope_q(user, prefix: str = "") -> Q:
    if not getattr(user, "is_authenticated", False):
        return NOTHING
    if user.sees_all_projects:
        return Q()
    org = user.organisation
    if org is None or not user.role_codes:
        return NOTHING
    area = statistics_area(user)
    if area is not None:
        return _area_q(area, prefix)
    if org.kind == OrgKind.CITY:
        return Q()
    if org.kind == OrgKind.ENTERPRISE:
        q = Q(**{_p(prefix, "enterprise"): org}) | Q(**{_p(prefix, "reporting_unit"): org})
        if org.credit_code:
            q |= Q(**{_p(prefix, "credit_code"): org.credit_code})
        return q
    ids = subtree_ids(org)
    if org.kind == OrgKind.DEPARTMENT:
        return Q(**{_p(prefix, "department_id__in"): ids}) | Q(**{_p(prefix, "reporting_unit_id__in"): ids})
    # A project's town always sits directly under its county (Project.clean), so an area above town
    # level finds its projects by county alone and a town by town: two indexed terms, not three,
    # which lets PostgreSQL combine the two indexes instead of scanning the table.
    return _area_q(org, prefix)


def organisation_scope_q(user, prefix: str = "") -> Q:
    """Organisations a user may pick or see as units (its own subtree; everything for city-wide roles)."""
    if not getattr(user, "is_authenticated", False):
        return NOTHING
    if user.sees_all_projects or (user.organisation and user.organisation.kind == OrgKind.CITY):
        return Q()
    if user.organisation is None:
        return NOTHING
    area = statistics_area(user)
    if area is not None:
        return Q(**{_p(prefix, "path__startswith"): area.path})
    return Q(**{_p(prefix, "path__startswith"): user.organisation.path})
