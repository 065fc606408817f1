"""Every write of the issues app (tickets, decisions, meetings, the office's deadline table)."""

from .deadlines import category_deadline_save
from .meetings import agenda_add, agenda_from_selection, decision_create, meeting_save
from .tickets import (
    escalate,
    ticket_assign,
    ticket_close,
    ticket_create,
    ticket_hand_up,
    ticket_progress,
    ticket_report_solved,
    ticket_resume,
    ticket_return,
    ticket_sign,
    ticket_supervise,
    ticket_suspend,
    ticket_timetable,
    ticket_visit,
)

__all__ = [
    "agenda_add",
    "agenda_from_selection",
    "category_deadline_save",
    "decision_create",
    "escalate",
    "meeting_save",
    "ticket_assign",
    "ticket_close",
    "ticket_create",
    "ticket_hand_up",
    "ticket_progress",
    "ticket_report_solved",
    "ticket_resume",
    "ticket_return",
    "ticket_sign",
    "ticket_supervise",
    "ticket_suspend",
    "ticket_timetable",
    "ticket_visit",
]
