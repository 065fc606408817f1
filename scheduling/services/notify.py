"""notify(): one notification per (recipient, kind, key), exactly once, and its deliveries queued."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from config.tasks import enqueue_on_commit

from ..choices import Channel, DeliveryStatus
from ..models import Delivery, Notification, RobotWebhook
from .base import DELIVER_TASK, DELIVERY_BATCH

# --- notify -----------------------------------------------------------------------------------


def _user_ids(recipients) -> list[int]:
    ids = set()
    for r in recipients:
        pk = r if isinstance(r, int) else getattr(r, "pk", None)
        if pk is not None:
            ids.add(pk)
    return sorted(ids)


@transaction.atomic
def notify(*, recipients, kind: str, key: str, title: str, body: str = "", url: str = "", obj=None) -> int:
    """Put one message in each recipient's inbox, once per (recipient, kind, key), and queue its
    e-mail and the recipients' units' group robots after the commit. Returns how many were new.

    `recipients`: users or user ids (inactive users are skipped). `key` names the period or event
    the message is about ("2026-10", "ticket:12:checkpoint:3"): the same key never arrives twice.
    """
    ids = _user_ids(recipients)
    if not ids:
        return 0
    title, key, url = title[:200], key[:100], url[:300]
    users = {
        row["pk"]: row
        for row in User.objects.filter(pk__in=ids, is_active=True).values(
            "pk", "email", "organisation_id", "channel_preference__email", "channel_preference__muted_kinds"
        )
    }
    already = set(
        Notification.objects.filter(kind=kind, key=key, recipient_id__in=list(users)).values_list(
            "recipient_id", flat=True
        )
    )
    fresh = [pk for pk in users if pk not in already]
    if not fresh:
        return 0
    content_type, object_id = (None, "")
    if obj is not None:
        content_type, object_id = ContentType.objects.get_for_model(obj), str(obj.pk)
    now = timezone.now()
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=pk,
                kind=kind,
                key=key,
                title=title,
                body=body,
                url=url,
                content_type=content_type,
                object_id=object_id,
                created_at=now,
            )
            for pk in fresh
        ],
        batch_size=1000,
        ignore_conflicts=True,  # a concurrent notify() of the same key: its row stands, ours is dropped
    )
    mine = dict(
        Notification.objects.filter(kind=kind, key=key, recipient_id__in=fresh, created_at=now).values_list(
            "recipient_id", "pk"
        )
    )
    deliveries = []
    for user_id, notification_id in mine.items():
        user = users[user_id]
        wants = user["channel_preference__email"] is not False and kind not in (
            user["channel_preference__muted_kinds"] or []
        )
        if user["email"] and wants:
            deliveries.append(
                Delivery(
                    channel=Channel.EMAIL,
                    notification_id=notification_id,
                    kind=kind,
                    key=key,
                    title=title,
                    body=body,
                    url=url,
                )
            )
    units = {users[pk]["organisation_id"] for pk in mine if users[pk]["organisation_id"]}
    for robot in RobotWebhook.objects.filter(organisation_id__in=units, is_enabled=True):
        deliveries.append(
            Delivery(channel=robot.channel, robot=robot, kind=kind, key=key, title=title, body=body, url=url)
        )
    if deliveries:
        Delivery.objects.bulk_create(deliveries, batch_size=1000, ignore_conflicts=True)
        queued = list(
            Delivery.objects.filter(
                Q(notification_id__in=list(mine.values()))
                | Q(robot__organisation_id__in=units, kind=kind, key=key),
                status=DeliveryStatus.PENDING,
                attempts=0,
            ).values_list("pk", flat=True)
        )
        for start in range(0, len(queued), DELIVERY_BATCH):
            enqueue_on_commit(DELIVER_TASK, queued[start : start + DELIVERY_BATCH])
    return len(mine)
