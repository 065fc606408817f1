"""Exports and the user's area and units."""

from __future__ import annotations

from django.http import Http404

from accounts.choices import OrgKind
from accounts.models import Organisation
from accounts.scoping import organisation_scope_q, project_scope_q
from projects.models import Project

from ..models import (
    ExportJob,
)

# --- exports -------------------------------------------------------------------------------


def export_job_for_user(*, user, pk) -> ExportJob:
    job = ExportJob.objects.filter(pk=pk, requested_by=user).defer("content").first()
    if job is None:
        raise Http404("导出任务不存在。")
    return job


def area_name(user) -> str:
    """The area a report is about: the user's county for county staff, else the city."""
    from accounts.scoping import statistics_area

    area = statistics_area(user)
    if area is not None:
        return area.name
    org = user.organisation
    if org is not None and not user.sees_all_projects and org.kind != OrgKind.DEPARTMENT:
        return org.name
    city = Organisation.objects.filter(kind=OrgKind.CITY).order_by("pk").first()
    return city.name if city else ""


def scoped_projects(user):
    return Project.objects.filter(project_scope_q(user))


def scoped_units(user):
    return Organisation.objects.filter(organisation_scope_q(user))
