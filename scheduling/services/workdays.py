"""The working-day calendar: days set, the year seeded."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction

from accounts import audit
from accounts.choices import AuditAction

from .. import permissions
from ..calendar import arrangement_from_package
from ..exceptions import DispatchError
from ..models import Workday

# --- the working-day calendar ---------------------------------------------------------------------


@transaction.atomic
def workday_save(*, actor, date: dt.date, is_working_day: bool, name: str = "") -> Workday:
    if not permissions.can_edit_calendar(actor):
        raise PermissionDenied("只有管理员可以维护节假日安排。")
    row = Workday.objects.select_for_update().filter(date=date).first()
    action = AuditAction.UPDATE if row else AuditAction.CREATE
    before = audit.snapshot(row) if row else {}
    row = row or Workday(date=date)
    row.is_working_day, row.name = is_working_day, name.strip()
    row.full_clean(validate_unique=False)
    row.save()
    changes = audit.diff(before, audit.snapshot(row))
    if changes:
        audit.record(actor=actor, action=action, instance=row, changes=changes)
    return row


@transaction.atomic
def workday_delete(*, actor, date: dt.date) -> bool:
    if not permissions.can_edit_calendar(actor):
        raise PermissionDenied("只有管理员可以维护节假日安排。")
    row = Workday.objects.select_for_update().filter(date=date).first()
    if row is None:
        return False
    audit.record(
        actor=actor, action=AuditAction.DELETE, instance=row, changes=audit.diff(audit.snapshot(row), {})
    )
    row.delete()
    return True


@transaction.atomic
def workdays_import_year(*, actor, year: int) -> int:
    """Add the year's arrangement from the `chinesecalendar` package; days already in the table (the
    admin's own entries) are kept. Returns how many days were added."""
    if actor is not None and not permissions.can_edit_calendar(actor):
        raise PermissionDenied("只有管理员可以维护节假日安排。")
    try:
        arrangement = arrangement_from_package(year)
    except NotImplementedError as exc:
        raise DispatchError(
            f"已安装的 chinesecalendar 尚未收录{year}年的放假安排：请升级该软件包，或按国务院办公厅通知逐日录入。"
        ) from exc
    existing = set(Workday.objects.filter(date__year=year).values_list("date", flat=True))
    rows = [Workday(date=d, is_working_day=w, name=n) for d, w, n in arrangement if d not in existing]
    Workday.objects.bulk_create(rows)
    if rows and actor is not None:
        audit.record_many(
            actor=actor,
            entries=[
                audit.Entry(AuditAction.CREATE, r, audit.snapshot(r), message=f"导入{year}年放假安排")
                for r in rows
            ],
        )
    return len(rows)
