"""What every ticket step shares: the clock's day, locking, the permission check, the event, notices."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import F, Max
from django.utils import timezone

from accounts import audit
from accounts.choices import AuditAction
from scheduling import services as dispatch

from ... import permissions
from ...choices import (
    ACTION_FROM,
    ACTION_ROLE_TEXT,
    Action,
    CheckpointKind,
    CheckpointStatus,
    State,
)
from ...exceptions import IllegalMove
from ...models import Checkpoint, Ticket, TicketEvent, TicketNumber
from ...recipients import unit_user_ids

CLOCK_KEY_LEVELS = ("province", "province_city", "city")  # 省级/市级重点 projects go on the 13710 track


def _today(today):
    return today or timezone.localdate()


def _moment(today):
    """When a step dated `today` happened: now, or for a step recorded on a past day (the demo, a
    catch-up) that day in the working morning, so the timeline reads in order."""
    if today is None or today == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(dt.datetime.combine(today, dt.time(9, 30)))


def ticket_url(ticket) -> str:
    return f"/tickets/{ticket.pk}/"


def _next_number(year: int, prefix: str = "WT") -> str:
    row, _ = TicketNumber.objects.select_for_update().get_or_create(prefix=prefix, year=year)
    TicketNumber.objects.filter(pk=row.pk).update(last=F("last") + 1)
    row.refresh_from_db()
    return f"{prefix}-{year}-{row.last:05d}"


def _locked(ticket) -> Ticket:
    return Ticket.objects.select_for_update().get(pk=ticket.pk)


def _check(actor, ticket, action: Action) -> None:
    """Refuse a move the state or the role does not allow, saying which state and which role."""
    if not permissions.may(actor, ticket, action):
        raise PermissionDenied(
            f"只有{ACTION_ROLE_TEXT[action]}可以对{ticket.number}进行“{action.label}”（当前为“{ticket.state_label}”）。"
        )
    allowed = ACTION_FROM.get(action, ())
    if ticket.state not in allowed:
        states = "、".join(State(s).label for s in allowed)
        raise IllegalMove(
            f"{ticket.number}当前为“{ticket.state_label}”，不能{action.label}："
            f"只有处于“{states}”的事项可以{action.label}（由{ACTION_ROLE_TEXT[action]}操作）。"
        )


def _event(ticket, *, actor, action, before: str, note: str = "", data=None, at=None) -> TicketEvent:
    event = TicketEvent.objects.create(
        ticket=ticket,
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        from_state=before,
        to_state=ticket.state,
        note=note,
        data=data or {},
        at=at or timezone.now(),
    )
    audit.record(
        actor=actor,
        action=AuditAction.TRANSITION if before != ticket.state else AuditAction.UPDATE,
        instance=ticket,
        changes={"state": [before, ticket.state]} if before != ticket.state else {},
        message=f"{Action(action).label}" + (f"：{note[:200]}" if note else ""),
    )
    return event


def _save(ticket, fields) -> None:
    ticket.version += 1
    ticket.updated_at = timezone.now()
    ticket.save(update_fields=[*fields, "version", "updated_at"])


def _close_checkpoints(ticket, kinds, status, day) -> int:
    """Settle the pending checkpoints of `kinds`. Done after its due day is recorded missed (late),
    with the day it was done, even when no daily run caught it in time."""
    pending = Checkpoint.objects.filter(ticket=ticket, kind__in=kinds, status=CheckpointStatus.PENDING)
    if status != CheckpointStatus.MET:
        return pending.update(status=status)
    late = pending.filter(due__lt=day).update(status=CheckpointStatus.MISSED, done_on=day, missed_on=day)
    return late + pending.update(status=CheckpointStatus.MET, done_on=day)


def _add_checkpoint(ticket, kind, due, label="") -> Checkpoint:
    seq = (Checkpoint.objects.filter(ticket=ticket, kind=kind).aggregate(m=Max("seq"))["m"] or 0) + 1
    return Checkpoint.objects.create(ticket=ticket, kind=kind, seq=seq, due=due, label=label)


def _refresh_deadline(ticket) -> None:
    """The ticket's deadline is its open solve checkpoint's due day (what the list colours)."""
    due = (
        Checkpoint.objects.filter(ticket=ticket, kind=CheckpointKind.SOLVE, status=CheckpointStatus.PENDING)
        .order_by("-seq")
        .values_list("due", flat=True)
        .first()
    )
    if due:
        ticket.deadline = due


def _notify_unit(ticket, *, kind, key, title, body="") -> int:
    ids = [pk for pks in unit_user_ids([ticket.lead_unit_id]).values() for pk in pks]
    return dispatch.notify(
        recipients=ids, kind=kind, key=key, title=title, body=body, url=ticket_url(ticket), obj=ticket
    )
