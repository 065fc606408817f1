"""Every write of a tracked matter. Each is keyword-only, atomic, locks the row it changes, checks
the role and the state (a refusal names both), writes one `TicketEvent` and an audit row, and
tells whom it concerns through `scheduling.services.notify` (once per event key).

The ticket services are a package (STYLE: past ~500 lines): `base`, `found`, `assign`,
`unit_steps`, `office_steps`, `supervision`; every name is exported here.
"""

from .assign import (
    _date,
    ticket_assign,
)
from .base import (
    CLOCK_KEY_LEVELS,
    _event,
    _moment,
    _next_number,
    ticket_url,
)
from .found import (
    ticket_create,
)
from .office_steps import (
    ticket_close,
    ticket_hand_up,
    ticket_resume,
    ticket_return,
    ticket_suspend,
    ticket_visit,
)
from .supervision import (
    escalate,
    ticket_supervise,
)
from .unit_steps import (
    ticket_progress,
    ticket_report_solved,
    ticket_sign,
    ticket_timetable,
)

__all__ = [
    "CLOCK_KEY_LEVELS",
    "_moment",
    "ticket_url",
    "_next_number",
    "_event",
    "ticket_create",
    "ticket_assign",
    "_date",
    "ticket_sign",
    "ticket_progress",
    "ticket_timetable",
    "ticket_report_solved",
    "ticket_return",
    "ticket_visit",
    "ticket_close",
    "ticket_suspend",
    "ticket_resume",
    "ticket_hand_up",
    "escalate",
    "ticket_supervise",
]
