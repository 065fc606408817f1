"""Every legal and illegal move of a matter, with who may make it and what each step records."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from issues import services
from issues.choices import (
    Action,
    AuthorityLevel,
    CheckpointKind,
    CheckpointStatus,
    Complexity,
    Grade,
    Satisfaction,
    State,
    Supervision,
)
from issues.exceptions import IllegalMove, TicketError
from issues.models import Ticket
from issues.permissions import available_actions
from projects.choices import KeyLevel
from scheduling.models import Notification

pytestmark = pytest.mark.django_db


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, "PNG")
    return out.getvalue()


PNG_1PX = _png()
D = dt.date


def test_numbers_are_readable_and_sequential_per_year(world, found):
    a, b = found(), found()
    c = found(day=D(2027, 1, 4))
    assert (a.number, b.number, c.number) == ("WT-2026-00001", "WT-2026-00002", "WT-2027-00001")


def test_a_key_project_puts_the_ticket_on_the_13710_track(world, found):
    world.zz_project.key_level = KeyLevel.PROVINCE_PROVINCE
    world.zz_project.save()
    assert found().on_clock
    assert not found(project=world.gp_project).on_clock


def test_the_whole_loop_with_an_unsatisfied_visit(world, assigned):
    office, zezhou = world["office"], world["zezhou"]
    t = assigned(day=D(2026, 11, 23))
    assert t.state == State.ASSIGNED and t.lead_unit == world.zezhou
    t = services.ticket_sign(actor=zezhou, ticket=t, note="已安排专人对接", today=D(2026, 11, 23))
    assert t.state == State.HANDLING and t.signed_on == D(2026, 11, 23)
    t = services.ticket_report_solved(
        actor=zezhou,
        ticket=t,
        note="供电公司已完成接入",
        uploads=[SimpleUploadedFile("现场.png", PNG_1PX)],
        today=D(2026, 11, 25),
    )
    assert t.state == State.PENDING_VISIT
    assert t.attachments.get().file_type == "png"
    services.ticket_visit(
        actor=office, ticket=t, answer=Satisfaction.UNSATISFIED, words="只接了临时电", today=D(2026, 11, 26)
    )
    t.refresh_from_db()
    assert t.state == State.HANDLING and t.send_backs == 1 and not t.visit_ok
    with pytest.raises(IllegalMove, match="当前为“办理中”.*专班办公室"):
        services.ticket_close(actor=office, ticket=t, grade=Grade.GOOD)
    t = services.ticket_report_solved(actor=zezhou, ticket=t, note="永久用电已接入", today=D(2026, 11, 30))
    with pytest.raises(IllegalMove, match="须回访企业、企业满意后方可销号"):
        services.ticket_close(actor=office, ticket=t, grade=Grade.GOOD)
    services.ticket_visit(
        actor=office, ticket=t, answer=Satisfaction.SATISFIED, words="满意", today=D(2026, 12, 1)
    )
    t.refresh_from_db()
    t = services.ticket_close(actor=office, ticket=t, grade=Grade.EXCELLENT, today=D(2026, 12, 1))
    assert t.state == State.CLOSED and t.grade == Grade.EXCELLENT and t.closed_on == D(2026, 12, 1)
    assert t.working_days_to_close == 5  # 23 Nov → 30 Nov: 24, 25, 26, 27, 30
    assert t.closed_on_time is True
    actions = list(t.events.values_list("action", flat=True))
    assert actions == [
        "create",
        "assign",
        "sign",
        "report_solved",
        "visit",
        "report_solved",
        "visit",
        "close",
    ]
    assert t.checkpoints.get(kind=CheckpointKind.CLOSE).status == CheckpointStatus.MET
    # Nothing to do on a closed ticket, for anyone.
    for persona in ("office", "zezhou", "leader"):
        assert available_actions(world[persona], t) == []


def test_the_office_may_send_a_closure_request_back(world, assigned):
    t = assigned(day=D(2026, 11, 23))
    t = services.ticket_sign(actor=world["zezhou"], ticket=t, today=D(2026, 11, 23))
    t = services.ticket_report_solved(actor=world["zezhou"], ticket=t, note="已办结", today=D(2026, 11, 24))
    with pytest.raises(TicketError):
        services.ticket_return(actor=world["office"], ticket=t, reason="")
    t = services.ticket_return(actor=world["office"], ticket=t, reason="佐证材料不全", today=D(2026, 11, 25))
    assert t.state == State.HANDLING and t.office_returns == 1 and t.grade == Grade.FAIL
    [note] = Notification.objects.filter(recipient=world["zezhou"], kind="ticket_returned")
    assert "佐证材料不全" in note.body


@pytest.mark.parametrize(
    "persona, action, error",
    [
        ("zezhou", "assign", PermissionDenied),
        ("gaoping", "sign", PermissionDenied),
        ("jtj", "sign", PermissionDenied),
        ("leader", "sign", PermissionDenied),
        ("stats", "progress", PermissionDenied),
        ("zezhou", "visit", PermissionDenied),
        ("office", "report_solved", PermissionDenied),
        ("office", "visit", IllegalMove),  # the office may visit, but not an 已交办 ticket
        ("office", "close", IllegalMove),
    ],
)
def test_illegal_moves_are_refused_naming_the_state_or_the_role(world, assigned, persona, action, error):
    t = assigned(day=D(2026, 11, 23))
    calls = {
        "assign": lambda u: services.ticket_assign(actor=u, ticket=t, lead_unit=world.zezhou),
        "sign": lambda u: services.ticket_sign(actor=u, ticket=t),
        "progress": lambda u: services.ticket_progress(actor=u, ticket=t, note="x"),
        "visit": lambda u: services.ticket_visit(actor=u, ticket=t, answer="satisfied"),
        "report_solved": lambda u: services.ticket_report_solved(actor=u, ticket=t, note="x"),
        "close": lambda u: services.ticket_close(actor=u, ticket=t, grade="good"),
    }
    with pytest.raises(error) as info:
        calls[action](world[persona])
    message = str(info.value)
    assert "已交办" in message and "只有" in message
    assert Ticket.objects.get(pk=t.pk).state == State.ASSIGNED


def test_the_role_message_names_who_may_act(world, assigned):
    t = assigned(day=D(2026, 11, 23))
    with pytest.raises(PermissionDenied, match="只有承办单位可以对WT-2026-00001进行“签收”（当前为“已交办”）"):
        services.ticket_sign(actor=world["gaoping"], ticket=t)
    with pytest.raises(
        IllegalMove, match="当前为“已交办”，不能销号：只有处于“待回访”的事项可以销号（由专班办公室操作）"
    ):
        services.ticket_close(actor=world["office"], ticket=t, grade="good")


def test_a_unit_refuses_what_is_above_its_authority_and_the_office_assigns_one_level_up(world, assigned):
    t = assigned(day=D(2026, 11, 23))
    t = services.ticket_hand_up(actor=world["zezhou"], ticket=t, reason="用地指标需市级统筹")
    assert t.state == State.FOUND and t.authority == AuthorityLevel.CITY and t.lead_unit is None
    assert not t.checkpoints.filter(status=CheckpointStatus.PENDING).exists()
    t = services.ticket_assign(
        actor=world["office"],
        ticket=t,
        lead_unit=world.jtj,
        authority=AuthorityLevel.CITY,
        today=D(2026, 11, 24),
    )
    assert t.state == State.ASSIGNED and t.lead_unit == world.jtj
    t = services.ticket_hand_up(actor=world["jtj"], ticket=t, reason="需省厅审批")
    assert t.authority == AuthorityLevel.PROVINCE
    t = services.ticket_assign(
        actor=world["office"],
        ticket=t,
        lead_unit=world.fgw,
        authority=AuthorityLevel.PROVINCE,
        today=D(2026, 11, 25),
    )
    with pytest.raises(IllegalMove, match="省级权限"):
        services.ticket_hand_up(actor=world["office"], ticket=t, reason="再提")


def test_suspend_asks_for_progress_every_n_working_days_and_resume_sets_a_new_deadline(world, assigned):
    t = assigned(day=D(2026, 11, 23))
    t = services.ticket_sign(actor=world["zezhou"], ticket=t, today=D(2026, 11, 23))
    t = services.ticket_suspend(
        actor=world["office"],
        ticket=t,
        reason="需等待国土空间规划批复",
        progress_every=10,
        today=D(2026, 11, 24),
    )
    assert t.state == State.SUSPENDED
    [progress] = t.checkpoints.filter(status=CheckpointStatus.PENDING)
    assert progress.kind == CheckpointKind.PROGRESS and progress.due == D(2026, 12, 8)
    t = services.ticket_progress(actor=world["zezhou"], ticket=t, note="规划已上报省厅", today=D(2026, 12, 7))
    [following] = t.checkpoints.filter(status=CheckpointStatus.PENDING)
    assert following.due == D(2026, 12, 21) and following.seq == 2
    t = services.ticket_resume(
        actor=world["office"], ticket=t, deadline=D(2026, 12, 31), today=D(2026, 12, 8)
    )
    assert t.state == State.HANDLING and t.deadline == D(2026, 12, 31)


def test_a_major_problem_may_be_timetabled(world, assigned):
    world.zz_project.key_level = KeyLevel.CITY
    world.zz_project.save()
    t = assigned(day=D(2026, 11, 2), complexity=Complexity.MAJOR)
    t = services.ticket_sign(actor=world["zezhou"], ticket=t, today=D(2026, 11, 2))
    t = services.ticket_timetable(
        actor=world["zezhou"],
        ticket=t,
        milestones=[(D(2026, 12, 15), "完成征收补偿方案"), (D(2027, 3, 31), "完成拆迁交地")],
        progress_every=10,
        today=D(2026, 11, 20),
    )
    kinds = {(c.kind, c.status) for c in t.checkpoints.all()}
    assert (CheckpointKind.SOLVE, CheckpointStatus.MET) in kinds
    assert t.deadline == D(2027, 3, 31)
    assert t.checkpoints.filter(kind=CheckpointKind.MILESTONE).count() == 2


def test_an_ordinary_problem_cannot_be_timetabled(world, assigned):
    t = services.ticket_sign(actor=world["zezhou"], ticket=assigned(day=D(2026, 11, 2)), today=D(2026, 11, 2))
    with pytest.raises(PermissionDenied):
        # not in its available actions either
        assert "timetable" not in available_actions(world["zezhou"], t)
        raise PermissionDenied
    with pytest.raises(TicketError, match="7个工作日"):
        services.ticket_timetable(
            actor=world["zezhou"], ticket=t, milestones=[(D(2026, 12, 1), "x")], progress_every=5
        )


def test_supervision_by_hand_goes_up_one_level_and_never_down(world, assigned, leaders):
    t = assigned(day=D(2026, 11, 23))
    t = services.ticket_supervise(actor=world["office"], ticket=t, note="企业多次反映")
    assert t.supervision == Supervision.OFFICE
    t = services.ticket_supervise(actor=world["office"], ticket=t, level=Supervision.EXECUTIVE)
    assert t.supervision == Supervision.EXECUTIVE
    with pytest.raises(TicketError, match="逐级上升"):
        services.ticket_supervise(actor=world["office"], ticket=t, level=Supervision.OFFICE)
    [notice] = Notification.objects.filter(recipient=world["leader"], kind="ticket_escalated")
    assert notice.title.startswith("【常务副市长督办】")
    with pytest.raises(PermissionDenied):
        services.ticket_supervise(actor=world["leader"], ticket=t)


def test_attachments_are_checked_by_content_and_size(world, found, settings):
    with pytest.raises(TicketError, match="无法识别"):
        found(uploads=[SimpleUploadedFile("证明.png", b"MZ\x90\x00 not an image")])
    settings.TICKET_ATTACHMENT_MAX_BYTES = 100
    with pytest.raises(TicketError, match="附件过大"):
        found(uploads=[SimpleUploadedFile("大.pdf", b"%PDF-1.4 " + b"x" * 200)])
    assert not Ticket.objects.exists()
    settings.TICKET_ATTACHMENT_MAX_BYTES = 10_000
    t = found(uploads=[SimpleUploadedFile("批复.pdf", b"%PDF-1.4 ok %%EOF")])
    assert t.attachments.get().file_type == "pdf"


def test_assignment_tells_the_unit_once(world, assigned):
    t = assigned(day=D(2026, 11, 23))
    notes = Notification.objects.filter(kind="ticket_assigned").order_by("recipient__username")
    assert [n.recipient.username for n in notes] == ["zezhou", "zezhou_head"]  # reporter and reviewer
    assert {n.url for n in notes} == {f"/tickets/{t.pk}/"}


def test_every_step_is_an_event_and_an_audit_row(world, assigned):
    from accounts.audit import history_for

    t = assigned(day=D(2026, 11, 23))
    services.ticket_sign(actor=world["zezhou"], ticket=t, today=D(2026, 11, 23))
    assert t.events.count() == 3
    assert history_for(t).count() == 3
    assert [e.actor.username for e in t.events.order_by("id")] == ["office", "office", "zezhou"]
    assert {Action(e.action).label for e in t.events.all()} == {"发现登记", "交办", "签收"}


def test_a_checkpoint_done_after_its_due_day_is_recorded_missed_with_the_day_it_was_done(world, assigned):
    world.zz_project.key_level = KeyLevel.CITY
    world.zz_project.save()
    t = assigned(day=D(2026, 11, 20))  # sign due Monday 23rd
    services.ticket_sign(actor=world["zezhou"], ticket=t, today=D(2026, 11, 24))
    sign = t.checkpoints.get(kind=CheckpointKind.SIGN)
    assert (sign.status, sign.done_on) == (CheckpointStatus.MISSED, D(2026, 11, 24))
    services.ticket_progress(actor=world["zezhou"], ticket=t, note="已对接", today=D(2026, 11, 25))
    feedback = t.checkpoints.get(kind=CheckpointKind.FEEDBACK)
    assert (feedback.status, feedback.done_on) == (CheckpointStatus.MET, D(2026, 11, 25))
