"""Schedules edited by the office."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from accounts import audit
from accounts.choices import AuditAction

from .. import permissions
from ..models import Schedule

# --- schedules ----------------------------------------------------------------------------------

SCHEDULE_FIELDS = (
    "name",
    "rhythm",
    "weekday",
    "anchor",
    "day_of_month",
    "offset_working_days",
    "months",
    "time",
    "audience",
    "title_template",
    "body_template",
    "is_enabled",
)


@transaction.atomic
def schedule_update(*, actor, schedule: Schedule, data: dict, also_notify=None) -> Schedule:
    if not permissions.can_edit_schedule(actor):
        raise PermissionDenied("只有管理员可以修改调度计划。")
    schedule = Schedule.objects.select_for_update().get(pk=schedule.pk)
    before = audit.snapshot(schedule, list(SCHEDULE_FIELDS))
    for name in SCHEDULE_FIELDS:
        if name in data:
            setattr(schedule, name, data[name])
    schedule.full_clean()
    schedule.save()
    changes = audit.diff(before, audit.snapshot(schedule, list(SCHEDULE_FIELDS)))
    if also_notify is not None:
        old = sorted(str(u) for u in schedule.also_notify.all())
        schedule.also_notify.set(also_notify)
        new = sorted(str(u) for u in schedule.also_notify.all())
        if old != new:
            changes["also_notify"] = [old, new]
    if changes:
        audit.record(actor=actor, action=AuditAction.UPDATE, instance=schedule, changes=changes)
    return schedule
