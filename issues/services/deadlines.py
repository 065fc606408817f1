from django.core.exceptions import PermissionDenied
from django.db import transaction

from accounts import audit
from accounts.choices import AuditAction

from .. import permissions
from ..exceptions import TicketError
from ..models import CategoryDeadline


@transaction.atomic
def category_deadline_save(*, actor, category: str, working_days: int) -> CategoryDeadline:
    """The office edits how many working days a category's tickets get outside the 13710 track."""
    if not permissions.can_edit_deadlines(actor):
        raise PermissionDenied("只有专班办公室可以修改问题办结时限。")
    if not working_days or not 1 <= int(working_days) <= 250:
        raise TicketError("办结时限须为1至250个工作日。")
    row = CategoryDeadline.objects.select_for_update().filter(category=category).first()
    before = audit.snapshot(row) if row else {}
    row = row or CategoryDeadline(category=category)
    row.working_days = int(working_days)
    row.save()
    changes = audit.diff(before, audit.snapshot(row))
    if changes:
        audit.record(actor=actor, action=AuditAction.UPDATE, instance=row, changes=changes)
    return row
