from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db import transaction

from . import audit
from .choices import AuditAction, OrgKind, RoleCode
from .models import Organisation

# 区划调整: apps above accounts keep their rows in step when a town moves to another county. They
# register a handler `(*, actor, town)` from their AppConfig.ready(); accounts imports no app.
_town_moved_handlers: list[Callable[..., None]] = []


def on_town_moved(handler: Callable[..., None]) -> None:
    """Call `handler(actor=..., town=...)` inside `organisation_save`'s transaction when a town moves."""
    if handler not in _town_moved_handlers:
        _town_moved_handlers.append(handler)


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
        for handler in _town_moved_handlers:
            handler(actor=actor, town=organisation)
    return organisation


@transaction.atomic
def account_unlock(*, actor, user) -> int:
    """Lift a login lockout (an administrator, from the admin): the account's failed logins from every
    address are forgotten. Returns how many lockout records were removed."""
    from axes.utils import reset

    if not (actor.is_superuser or actor.is_staff):
        raise PermissionDenied("只有系统管理员可以解除账号锁定。")
    removed = reset(username=user.get_username())
    audit.record(actor=actor, action=AuditAction.UPDATE, instance=user, message="解除登录锁定")
    return removed
