"""The person's inbox: read, read all."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts import audit
from accounts.choices import AuditAction

from ..models import ChannelPreference, Notification

# --- the person's inbox -----------------------------------------------------------------------------


def notification_mark_read(*, user, notification_id: int) -> Notification:
    """Mark one of the user's own notifications read (idempotent); another's is not found."""
    notification = Notification.objects.filter(recipient=user, pk=notification_id).first()
    if notification is None:
        raise Notification.DoesNotExist
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def notifications_mark_all_read(*, user, kind: str | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.update(read_at=timezone.now())


@transaction.atomic
def preference_update(*, user, email: bool, muted_kinds: list[str]) -> ChannelPreference:
    pref, _ = ChannelPreference.objects.select_for_update().get_or_create(user=user)
    before = audit.snapshot(pref)
    pref.email, pref.muted_kinds = email, sorted(set(muted_kinds))
    pref.save()
    changes = audit.diff(before, audit.snapshot(pref))
    if changes:
        audit.record(actor=user, action=AuditAction.UPDATE, instance=pref, changes=changes)
    return pref
