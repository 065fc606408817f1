"""Who is told of an evidence request."""

from __future__ import annotations

from django.db.models import Q

from accounts.choices import OrgKind
from projects.models import Project

# --- who is to be told ---------------------------------------------------------------------


def evidence_request_recipients(project: Project):
    """The users to tell when the bureau asks for a project's missing evidence: the reporters of its
    reporting unit and the accounts of its construction unit (by unit or by credit code); one query."""
    from accounts.choices import RoleCode
    from accounts.models import User

    units = Q(organisation_id=project.reporting_unit_id)
    if project.enterprise_id:
        units |= Q(organisation_id=project.enterprise_id)
    if project.credit_code:
        units |= Q(organisation__kind=OrgKind.ENTERPRISE, organisation__credit_code=project.credit_code)
    return User.objects.filter(units, is_active=True, roles__code=RoleCode.REPORTER).distinct().order_by("pk")
