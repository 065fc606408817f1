from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts import audit
from accounts.choices import AuditAction, OrgKind
from accounts.scoping import project_scope_q

from .. import permissions
from ..exceptions import ConflictError
from ..history import initial_history, stage_history_relink
from ..models import AnnualPlan, Approval, Project, StageChange


def _check_in_scope(actor, project: Project) -> None:
    """Writes on a project need it to be within the actor's scope (also for newly built ones)."""
    if not Project.objects.filter(project_scope_q(actor), pk=project.pk).exists():
        raise PermissionDenied("该项目不在您的管辖范围内。")


def project_within_actor_scope(actor, project: Project) -> bool:
    """Whether `project`, as it stands (saved or not), lies within the actor's own scope for writing.

    Territorial units file projects located in their area (the reporting unit alone does not count:
    a county cannot put a project into another county's figures); departments file projects they are
    responsible for; enterprises their own. Used by the single-row services and the ledger import.
    """
    if actor.sees_all_projects:
        return True
    org = actor.organisation
    if org is None:
        return False
    if org.kind == OrgKind.CITY:
        return True
    if org.kind == OrgKind.DEPARTMENT:
        related = [project.department]
    elif org.kind == OrgKind.ENTERPRISE:
        related = [project.enterprise]
    else:
        related = [project.county, project.town]
    return any(o is not None and o.path.startswith(org.path) for o in related)


def check_new_project_scope(actor, project: Project) -> None:
    if actor.organisation is None and not actor.sees_all_projects:
        raise PermissionDenied("您的账号未关联单位，不能新建项目。")
    if not project_within_actor_scope(actor, project):
        raise PermissionDenied("只能新建本单位管辖范围内的项目。")


def _default_reporting_unit_id(actor, project: Project) -> int:
    """Who reports a new project monthly: the unit that filed it, or the county when a city-wide user did."""
    org = actor.organisation
    if actor.sees_all_projects or org is None or org.kind == OrgKind.CITY:
        return project.county_id
    return org.pk


def _check_reporting_unit(actor, project: Project) -> None:
    """Only the office hands a project's monthly reporting to a unit outside the editor's own subtree."""
    if actor.sees_all_projects or actor.organisation is None:
        return
    if not project.reporting_unit.path.startswith(actor.organisation.path):
        raise PermissionDenied("填报单位只能是本单位或下级单位，其他调整请联系专班办公室。")


@transaction.atomic
def project_create(*, actor, project: Project, annual_plans=(), batch: str = "") -> Project:
    if not permissions.can_create_project(actor):
        raise PermissionDenied("您没有新建项目的权限。")
    if not project.reporting_unit_id:
        project.reporting_unit_id = _default_reporting_unit_id(actor, project)
    check_new_project_scope(actor, project)
    if project.reporting_unit_id != project.county_id:
        _check_reporting_unit(actor, project)
    project.full_clean()
    now = timezone.now()
    project.created_at = project.updated_at = now
    project.created_by = actor
    project.save()
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        instance=project,
        changes=audit.diff({}, audit.snapshot(project)),
        batch=batch,
    )
    StageChange.objects.bulk_create(initial_history(project, actor=actor, reason="新建项目", at=now))
    stage_history_relink([project.pk])
    for plan in annual_plans:
        plan.project = project
        annual_plan_save(actor=actor, plan=plan, batch=batch)
    return project


@transaction.atomic
def project_update(
    *, actor, project: Project, data: dict, expected_version: int | None = None, batch: str = ""
) -> Project:
    """Apply `data` (field → value) to `project`. The stage itself changes only via `project_transition`."""
    locked = Project.objects.select_for_update().get(pk=project.pk)
    _check_can_edit(actor, locked)
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError()
    forbidden = {"stage", "stage_before_suspension", "stage_reason", "version", "created_by", "created_at"}
    if forbidden & data.keys():
        raise ValidationError("项目阶段只能通过阶段变更操作修改。")
    before = audit.snapshot(locked)
    old_reporting_unit_id = locked.reporting_unit_id
    for field, value in data.items():
        setattr(locked, field, value)
    if not locked.reporting_unit_id:
        locked.reporting_unit_id = locked.county_id
    # The edited project must stay within the editor's scope, as a new one would have to.
    if not project_within_actor_scope(actor, locked):
        raise PermissionDenied("项目只能调整到本单位管辖范围内，跨县（市、区）或跨部门调整请联系专班办公室。")
    if locked.reporting_unit_id != old_reporting_unit_id:
        _check_reporting_unit(actor, locked)
    locked.full_clean()
    changes = audit.diff(before, audit.snapshot(locked))
    if not changes:
        return locked
    locked.version += 1
    locked.updated_at = timezone.now()
    locked.save()
    audit.record(actor=actor, action=AuditAction.UPDATE, instance=locked, changes=changes, batch=batch)
    return locked


def _check_can_edit(actor, project: Project) -> None:
    _check_in_scope(actor, project)
    if not permissions.can_edit_project(actor, project):
        raise PermissionDenied("您没有修改该项目的权限。")


def _save_part(*, actor, part, unique: dict, batch: str = ""):
    """Create or update one part of a project (annual plan, approval) found by its unique fields.

    Saving the same values again changes nothing and records nothing.
    """
    _check_can_edit(actor, part.project)
    existing = type(part).objects.select_for_update().filter(project=part.project, **unique).first()
    if existing is not None and part.pk is None:
        part.pk = existing.pk
        part._state.adding = False  # it now stands for the existing row (unique checks exclude it)
    before = audit.snapshot(existing) if existing else {}
    part.full_clean()
    changes = audit.diff(before, audit.snapshot(part))
    if existing and not changes:
        return existing
    part.save()
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE if existing else AuditAction.CREATE,
        instance=part,
        changes=changes,
        root=part.project,
        batch=batch,
    )
    return part


def _delete_part(*, actor, part) -> None:
    _check_can_edit(actor, part.project)
    audit.record(
        actor=actor,
        action=AuditAction.DELETE,
        instance=part,
        changes=audit.diff(audit.snapshot(part), {}),
        root=part.project,
    )
    part.delete()


@transaction.atomic
def annual_plan_save(*, actor, plan: AnnualPlan, batch: str = "") -> AnnualPlan:
    return _save_part(actor=actor, part=plan, unique={"year": plan.year}, batch=batch)


@transaction.atomic
def annual_plan_delete(*, actor, plan: AnnualPlan) -> None:
    _delete_part(actor=actor, part=plan)


@transaction.atomic
def approval_save(*, actor, approval: Approval) -> Approval:
    return _save_part(actor=actor, part=approval, unique={"kind": approval.kind})


@transaction.atomic
def approval_delete(*, actor, approval: Approval) -> None:
    _delete_part(actor=actor, part=approval)


def town_projects_move(*, actor, town) -> None:
    """区划调整: a town moved to another county takes its projects with it (a project's town always
    sits under its county, which the scoping rule relies on)."""
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
