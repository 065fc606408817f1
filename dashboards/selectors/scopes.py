"""Whose dashboard: the city, one area (county, district, county-level city, the zone) or one city
department, and who may open it. The project set of a scope is fixed here, once."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from accounts.choices import AREA_KINDS, OrgKind
from accounts.models import Organisation
from projects.models import Project


@dataclass(frozen=True)
class Scope:
    kind: str  # "city" | "area" | "department"
    org: Organisation | None

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.org.pk if self.org else 0}"

    @property
    def name(self) -> str:
        return "全市" if self.org is None else self.org.display_name

    @property
    def org_id(self) -> int | None:
        return self.org.pk if self.org else None

    def projects(self):
        """The projects whose figures this scope publishes: located in the area, or led by the department."""
        if self.kind == "area":
            return Project.objects.filter(county=self.org)
        if self.kind == "department":
            return Project.objects.filter(department=self.org)
        return Project.objects.all()


CITY = Scope("city", None)


def areas():
    """The competitors of the 赛马 among areas: counties, districts, county-level cities and zones."""
    return Organisation.objects.filter(kind__in=AREA_KINDS, is_active=True).order_by("sort_order", "pk")


def departments():
    return Organisation.objects.filter(kind=OrgKind.DEPARTMENT, is_active=True).order_by("sort_order", "pk")


def can_see_city(user) -> bool:
    return user.is_authenticated and user.sees_all_projects


def _inside(user, org) -> bool:
    """The user's unit is the organisation, above it (a city-level unit) or below it (a town)."""
    own = user.organisation
    if own is None or not user.role_codes:
        return False
    return org.path.startswith(own.path) or own.path.startswith(org.path)


def area_scope_for(user, pk) -> Scope:
    """An area's dashboard: for city-wide roles and the area's own users (its towns included); 404 else."""
    org = Organisation.objects.filter(pk=pk, kind__in=AREA_KINDS).first()
    if org is None or not (can_see_city(user) or _inside(user, org)):
        raise Http404("没有找到该地区，或不在您的查看范围内。")
    return Scope("area", org)


def department_scope_for(user, pk) -> Scope:
    org = Organisation.objects.filter(pk=pk, kind=OrgKind.DEPARTMENT).first()
    if org is None or not (can_see_city(user) or _inside(user, org)):
        raise Http404("没有找到该部门，或不在您的查看范围内。")
    return Scope("department", org)


def own_scope(user) -> Scope | None:
    """The dashboard a user lands on: the city for city-wide roles, else the user's area or department."""
    if can_see_city(user):
        return CITY
    org = user.organisation
    if org is None or not user.role_codes:
        return None
    if org.kind == OrgKind.CITY:
        return CITY
    if org.kind in AREA_KINDS:
        return Scope("area", org)
    if org.kind == OrgKind.TOWN and org.parent and org.parent.kind in AREA_KINDS:
        return Scope("area", org.parent)
    if org.kind == OrgKind.DEPARTMENT:
        return Scope("department", org)
    return None
