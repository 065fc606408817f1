from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F

from . import audit
from .choices import AuditAction, OrgKind, RoleCode
from .models import Organisation


def _compute_path(org: Organisation) -> str:
    parent_path = org.parent.path if org.parent_id else "/"
    return f"{parent_path}{org.pk}/"


@transaction.atomic
def organisation_save(*, actor, organisation: Organisation) -> Organisation:
    """Create or update an organisation and keep the materialised paths of its subtree right."""
    if actor is not None and not (actor.is_superuser or actor.has_role(RoleCode.ADMIN)):
        raise PermissionDenied("只有管理员可以维护组织机构。")
    if organisation.parent_id:
        node = organisation.parent
        while node is not None:
            if organisation.pk and node.pk == organisation.pk:
                raise ValueError("上级单位不能是本单位或其下级单位。")
            node = node.parent
    creating = organisation.pk is None
    before = {} if creating else audit.snapshot(Organisation.objects.get(pk=organisation.pk))
    old_path = (
        None if creating else Organisation.objects.values_list("path", flat=True).get(pk=organisation.pk)
    )
    organisation.save()
    new_path = _compute_path(organisation)
    if new_path != organisation.path:
        Organisation.objects.filter(pk=organisation.pk).update(path=new_path)
        organisation.path = new_path
        if old_path and old_path != "/":
            # Move the subtree with its root.
            for child in Organisation.objects.filter(path__startswith=old_path).exclude(pk=organisation.pk):
                Organisation.objects.filter(pk=child.pk).update(path=new_path + child.path[len(old_path) :])
    changes = audit.diff(before, audit.snapshot(organisation))
    audit.record(
        actor=actor,
        action=AuditAction.CREATE if creating else AuditAction.UPDATE,
        instance=organisation,
        changes=changes,
    )
    if not creating and organisation.kind == OrgKind.TOWN and "parent" in changes:
        _move_town_projects(actor=actor, town=organisation)
    return organisation


def _move_town_projects(*, actor, town: Organisation) -> None:
    """区划调整: a town moved to another county takes its projects with it (a project's town always
    sits under its county, which the scoping rule relies on)."""
    from projects.models import Project

    moved = list(Project.objects.filter(town=town).exclude(county_id=town.parent_id).select_related("county"))
    if not moved:
        return
    # Reporting stays with whoever reported, unless that was the old county: then the new one reports.
    ids = [p.pk for p in moved]
    Project.objects.filter(pk__in=ids, reporting_unit_id=F("county_id")).update(
        reporting_unit_id=town.parent_id
    )
    Project.objects.filter(pk__in=ids).update(county_id=town.parent_id)
    entries = []
    for p in moved:
        changes = {"county": [str(p.county), str(town.parent)]}
        if p.reporting_unit_id == p.county_id:
            changes["reporting_unit"] = [str(p.county), str(town.parent)]
        entries.append(
            audit.Entry(AuditAction.UPDATE, p, changes, message=f"{town.name}区划调整至{town.parent}")
        )
    audit.record_many(actor=actor, entries=entries)
