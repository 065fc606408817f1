"""Deliveries: claimed, sent and retried, each exactly once."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from .. import channels
from ..choices import DeliveryStatus
from ..models import Delivery
from .base import BACKOFF_BASE, BACKOFF_CAP, DELIVERY_LOCK, logger

# --- deliveries -------------------------------------------------------------------------------


def backoff(attempts: int) -> dt.timedelta:
    return min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_CAP)


def deliver(delivery_ids, *, now: dt.datetime | None = None) -> dict:
    """Send each delivery that is pending, due and not claimed by someone else. One failure never
    stops the others; a failed send is retried with backoff until DELIVERY_MAX_ATTEMPTS."""
    counts = {"sent": 0, "failed": 0, "skipped": 0}
    for pk in delivery_ids:
        counts[_deliver_one(pk, now or timezone.now())] += 1
    return counts


def _deliver_one(pk: int, now: dt.datetime) -> str:
    claimed = (
        Delivery.objects.filter(pk=pk, status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
        .update(locked_until=now + DELIVERY_LOCK, attempts=F("attempts") + 1)
    )
    if not claimed:
        return "skipped"
    delivery = Delivery.objects.select_related("notification__recipient", "robot").get(pk=pk)
    try:
        channels.send(delivery)
    except channels.SendError as exc:
        give_up = delivery.attempts >= settings.DELIVERY_MAX_ATTEMPTS
        Delivery.objects.filter(pk=pk).update(
            status=DeliveryStatus.FAILED if give_up else DeliveryStatus.PENDING,
            next_attempt_at=now + backoff(delivery.attempts),
            locked_until=None,
            last_error=str(exc)[:500],
        )
        logger.warning(
            "Delivery %s (%s) failed, attempt %s: %s", pk, delivery.channel, delivery.attempts, exc
        )
        return "failed"
    Delivery.objects.filter(pk=pk).update(
        status=DeliveryStatus.SENT, sent_at=timezone.now(), locked_until=None, last_error=""
    )
    return "sent"


def redeliver_pending(*, now: dt.datetime | None = None, limit: int = 2000) -> dict:
    """Send what is due again: retries whose backoff has passed, and deliveries whose queued task was
    lost (the broker was down when notify() committed)."""
    now = now or timezone.now()
    ids = list(
        Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    return deliver(ids, now=now)
