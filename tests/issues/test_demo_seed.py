"""seed_demo's tracked matters: every state, overdue and escalated ones, send-backs, a year of
meetings at the four levels with decisions, some overdue."""

import io

import pytest
from django.core.management import call_command

from issues.choices import MatterKind, MeetingLevel, State
from issues.models import Meeting, Ticket

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_matters_in_every_state_and_a_year_of_meetings(db):
    out = io.StringIO()
    call_command("seed_demo", "--today", "2026-11-26", "--projects", "400", stdout=out)
    problems = Ticket.objects.filter(kind=MatterKind.PROBLEM)
    assert problems.count() >= 75
    assert set(problems.values_list("state", flat=True)) == set(State.values)
    assert problems.filter(send_backs__gt=0).exists()
    assert problems.exclude(state=State.CLOSED).filter(supervision__gt=0).exists()
    assert set(Meeting.objects.values_list("level", flat=True)) == set(MeetingLevel.values)
    assert Meeting.objects.filter(date__lt="2026-01-01").exists()
    decisions = Ticket.objects.filter(kind=MatterKind.DECISION)
    assert decisions.filter(state=State.CLOSED).exists()
    assert decisions.exclude(state=State.CLOSED).filter(deadline__lt="2026-11-26").exists()
    assert "问题" in out.getvalue() and "调度会" in out.getvalue()
    # --force rebuilds (the portal itself never deletes a matter; the demo's wipe does).
    call_command("seed_demo", "--today", "2026-11-26", "--projects", "400", "--force", stdout=io.StringIO())
    assert Ticket.objects.filter(kind=MatterKind.PROBLEM).count() == problems.count()
