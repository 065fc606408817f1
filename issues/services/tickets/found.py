"""发现: a ticket is found and recorded."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from ... import permissions
from ...choices import (
    Action,
    MatterKind,
    State,
)
from ...exceptions import TicketError
from ...models import Ticket
from .. import attachments as files
from .base import CLOCK_KEY_LEVELS, _event, _moment, _next_number

# --- found ------------------------------------------------------------------------------------


@transaction.atomic
def ticket_create(
    *,
    actor,
    project,
    title: str,
    description: str = "",
    category: str,
    source: str,
    found_on: dt.date | None = None,
    meeting=None,
    source_decision=None,
    uploads=(),
) -> Ticket:
    """发现: register a problem on a project (already read through a scoped selector)."""
    if not permissions.can_report_problem(actor, project):
        raise PermissionDenied("只有专班办公室或项目所在单位的填报员、审核员可以登记问题。")
    title = (title or "").strip()
    if not title:
        raise TicketError("请填写问题标题。")
    if project is None:
        raise TicketError("请选择问题所在的项目。")
    checked = files.read_uploads(uploads)
    found_on = found_on or timezone.localdate()
    ticket = Ticket.objects.create(
        kind=MatterKind.PROBLEM,
        number=_next_number(found_on.year),
        title=title[:200],
        description=(description or "").strip(),
        project=project,
        category=category,
        source=source,
        meeting=meeting or (source_decision.meeting if source_decision else None),
        source_decision=source_decision,
        found_by=actor,
        found_on=found_on,
        on_clock=project.key_level in CLOCK_KEY_LEVELS,
        state=State.FOUND,
    )
    event = _event(
        ticket,
        at=_moment(found_on),
        actor=actor,
        action=Action.CREATE,
        before="",
        note=ticket.description[:500],
    )
    files.store(ticket=ticket, event=event, actor=actor, checked=checked)
    return ticket
