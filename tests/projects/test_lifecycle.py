"""`project_transition`: every guard of the lifecycle (DOMAIN §2), and the menus built from it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accounts.choices import AuditAction
from accounts.models import AuditLog
from projects.choices import Stage
from projects.exceptions import TransitionError
from projects.models import StageChange
from projects.services import allowed_transitions, project_transition
from tests.factories import FACTORY_HISTORY, ProjectFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
LAST_MONTH = dt.date(2025, 6, 1)


def project_in(world, stage, **kw):
    """A 泽州县 project at `stage` without the dates of later stages."""
    kw.setdefault("actual_start", LAST_MONTH if stage not in (Stage.RESERVE, Stage.PREWORK) else None)
    return ProjectFactory(
        name=f"泽州县{stage}项目", county=world.zezhou, town=world.bagong, stage=stage, **kw
    )


def move(world, persona, project, to, **kw):
    return project_transition(actor=world[persona], project=project, to=to, **kw)


def stage_of(project) -> str:
    project.refresh_from_db()
    return project.stage


def history(project):
    return list(StageChange.objects.filter(project=project).exclude(reason=FACTORY_HISTORY).order_by("id"))


def audit_rows(project):
    return list(
        AuditLog.objects.filter(root_key=f"projects.project:{project.pk}", action=AuditAction.TRANSITION)
    )


# --- forward steps --------------------------------------------------------------------------------


def test_reporter_moves_a_project_one_step_forward(world):
    p = project_in(world, Stage.RESERVE)
    move(world, "zezhou", p, Stage.PREWORK)
    assert stage_of(p) == Stage.PREWORK


def test_each_change_writes_one_history_row_and_one_audit_row(world):
    p = project_in(world, Stage.RESERVE)
    version = p.version
    move(world, "zezhou", p, Stage.PREWORK, reason="取得立项批复")

    [change] = history(p)
    assert (change.from_stage, change.to_stage, change.actor, change.reason) == (
        Stage.RESERVE,
        Stage.PREWORK,
        world["zezhou"],
        "取得立项批复",
    )
    [log] = audit_rows(p)
    assert log.actor == world["zezhou"]
    assert log.changes["stage"] == ["reserve", "prework"]
    assert log.message == "取得立项批复"
    p.refresh_from_db()
    assert p.version == version + 1


def test_reviewer_of_the_unit_may_also_move_its_project(world):
    p = project_in(world, Stage.RESERVE)
    move(world, "zezhou_head", p, Stage.PREWORK)
    assert stage_of(p) == Stage.PREWORK


# --- dates each stage needs ----------------------------------------------------------------------


def test_to_construction_needs_an_actual_start_date(world):
    p = project_in(world, Stage.PREWORK)
    with pytest.raises(TransitionError) as exc:
        move(world, "zezhou", p, Stage.CONSTRUCTION)
    assert "变更为“在建”须填写实际开工日期" in exc.value.messages[0]
    assert stage_of(p) == Stage.PREWORK
    assert history(p) == [] and audit_rows(p) == []


def test_effective_date_supplies_the_actual_start_and_is_kept_in_history(world):
    p = project_in(world, Stage.PREWORK)
    move(world, "zezhou", p, Stage.CONSTRUCTION, effective_date=LAST_MONTH)
    p.refresh_from_db()
    assert p.stage == Stage.CONSTRUCTION and p.actual_start == LAST_MONTH
    assert history(p)[-1].effective_date == LAST_MONTH


def test_to_completed_needs_an_actual_completion_date(world):
    p = project_in(world, Stage.CONSTRUCTION)
    with pytest.raises(TransitionError) as exc:
        move(world, "zezhou", p, Stage.COMPLETED)
    assert "须填写实际竣工日期" in exc.value.messages[0]
    move(world, "zezhou", p, Stage.COMPLETED, effective_date=dt.date(2025, 9, 30))
    assert stage_of(p) == Stage.COMPLETED


def test_to_operation_needs_an_operation_date(world):
    p = project_in(world, Stage.COMPLETED, actual_completion=dt.date(2025, 9, 30))
    with pytest.raises(TransitionError) as exc:
        move(world, "zezhou", p, Stage.OPERATION)
    assert "须填写投产日期" in exc.value.messages[0]
    move(world, "zezhou", p, Stage.OPERATION, effective_date=dt.date(2025, 10, 8))
    assert stage_of(p) == Stage.OPERATION


@pytest.mark.parametrize(
    ("start", "target", "label", "extra"),
    [
        (Stage.PREWORK, Stage.CONSTRUCTION, "实际开工日期", {}),
        (Stage.CONSTRUCTION, Stage.COMPLETED, "实际竣工日期", {}),
        (Stage.COMPLETED, Stage.OPERATION, "投产日期", {"actual_completion": dt.date(2025, 9, 30)}),
    ],
)
def test_a_future_date_is_refused(world, start, target, label, extra):
    p = project_in(world, start, **extra)
    tomorrow = TODAY() + dt.timedelta(days=1)
    with pytest.raises(TransitionError) as exc:
        move(world, "zezhou", p, target, effective_date=tomorrow)
    assert exc.value.messages[0] == f"{label}不能晚于今天。"
    p.refresh_from_db()
    assert p.stage == start
    assert history(p) == []


def test_operation_date_before_completion_is_refused(world):
    p = project_in(world, Stage.COMPLETED, actual_completion=dt.date(2025, 9, 30))
    with pytest.raises(Exception) as exc:
        move(world, "zezhou", p, Stage.OPERATION, effective_date=dt.date(2025, 9, 1))
    assert "投产日期不能早于实际竣工日期" in str(exc.value)
    assert stage_of(p) == Stage.COMPLETED


# --- skipping and going back ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (Stage.RESERVE, Stage.CONSTRUCTION),  # skip
        (Stage.PREWORK, Stage.COMPLETED),  # skip
        (Stage.CONSTRUCTION, Stage.PREWORK),  # back
        (Stage.OPERATION, Stage.CONSTRUCTION),  # back
    ],
)
def test_reporter_may_not_skip_or_go_back_even_with_a_reason(world, start, target):
    p = project_in(world, start, actual_completion=LAST_MONTH, operation_date=LAST_MONTH)
    with pytest.raises(TransitionError) as exc:
        move(world, "zezhou", p, target, reason="领导要求")
    assert exc.value.messages[0] == (
        f"项目不能从“{Stage(start).label}”直接变更为“{Stage(target).label}”：跨阶段或退回须由专班办公室办理。"
    )
    assert stage_of(p) == start


def test_office_skips_or_goes_back_only_with_a_reason(world):
    p = project_in(world, Stage.RESERVE)
    with pytest.raises(TransitionError) as exc:
        move(world, "office", p, Stage.CONSTRUCTION, effective_date=LAST_MONTH)
    assert exc.value.messages[0] == "跨阶段或退回阶段须填写原因。"
    assert stage_of(p) == Stage.RESERVE

    move(world, "office", p, Stage.CONSTRUCTION, effective_date=LAST_MONTH, reason="已补办全部手续，直接开工")
    assert stage_of(p) == Stage.CONSTRUCTION
    move(world, "office", p, Stage.PREWORK, reason="施工许可被撤销")
    assert stage_of(p) == Stage.PREWORK
    assert [(c.from_stage, c.to_stage, c.actor.username) for c in history(p)] == [
        ("reserve", "construction", "office"),
        ("construction", "prework", "office"),
    ]


# --- suspend, resume, cancel ---------------------------------------------------------------------


@pytest.mark.parametrize(("target", "label"), [(Stage.SUSPENDED, "暂停"), (Stage.CANCELLED, "终止")])
def test_suspend_and_cancel_need_a_reason(world, target, label):
    p = project_in(world, Stage.CONSTRUCTION)
    with pytest.raises(TransitionError) as exc:
        move(world, "zezhou", p, target, reason="   ")
    assert exc.value.messages[0] == f"{label}项目须填写原因。"
    move(world, "zezhou", p, target, reason="资金未到位")
    p.refresh_from_db()
    assert p.stage == target and p.stage_reason == "资金未到位"


def test_resume_returns_to_the_stage_before_suspension(world):
    p = project_in(world, Stage.CONSTRUCTION)
    move(world, "zezhou", p, Stage.SUSPENDED, reason="冬季停工")
    p.refresh_from_db()
    assert p.stage_before_suspension == Stage.CONSTRUCTION

    move(world, "zezhou", p, Stage.CONSTRUCTION)
    p.refresh_from_db()
    assert p.stage == Stage.CONSTRUCTION
    assert p.stage_before_suspension == "" and p.stage_reason == ""


def test_a_suspended_project_does_not_resume_into_another_stage_for_a_reporter(world):
    p = project_in(world, Stage.CONSTRUCTION)
    move(world, "zezhou", p, Stage.SUSPENDED, reason="冬季停工")
    with pytest.raises(TransitionError):
        move(world, "zezhou", p, Stage.COMPLETED, effective_date=LAST_MONTH, reason="已完工")
    assert stage_of(p) == Stage.SUSPENDED


def test_cancelled_is_terminal_for_everyone_but_the_office(world):
    p = project_in(world, Stage.CONSTRUCTION)
    move(world, "zezhou", p, Stage.CANCELLED, reason="企业退出")
    with pytest.raises(TransitionError) as exc:
        move(world, "zezhou", p, Stage.SUSPENDED, reason="重新洽谈")
    assert exc.value.messages[0] == "项目已终止，只有专班办公室可以调整。"
    with pytest.raises(TransitionError):
        move(world, "zezhou", p, Stage.CONSTRUCTION, reason="重新启动")
    assert stage_of(p) == Stage.CANCELLED

    move(world, "office", p, Stage.CONSTRUCTION, reason="新投资方接手，专班同意恢复")
    assert stage_of(p) == Stage.CONSTRUCTION


def test_moving_to_the_current_stage_changes_nothing(world):
    p = project_in(world, Stage.CONSTRUCTION)
    version = p.version
    result = move(world, "zezhou", p, Stage.CONSTRUCTION, reason="重复提交")
    assert result.stage == Stage.CONSTRUCTION
    p.refresh_from_db()
    assert p.version == version
    assert history(p) == [] and audit_rows(p) == []


def test_an_unknown_stage_is_refused(world):
    p = project_in(world, Stage.CONSTRUCTION)
    with pytest.raises(TransitionError) as exc:
        move(world, "office", p, "flying", reason="x")
    assert "未知的项目阶段" in exc.value.messages[0]


# --- who may move what ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["gaoping", "jtj", "outsider"])
def test_a_project_outside_the_actors_scope_is_refused(world, persona):
    # jtj leads zz_road, not zz_project
    with pytest.raises(PermissionDenied) as exc:
        move(world, persona, world.zz_project, Stage.SUSPENDED, reason="越权")
    assert "不在您的管辖范围内" in str(exc.value)
    assert stage_of(world.zz_project) == Stage.CONSTRUCTION


def test_a_department_moves_the_project_it_leads(world):
    move(world, "jtj", world.zz_road, Stage.SUSPENDED, reason="征地未完成")
    assert stage_of(world.zz_road) == Stage.SUSPENDED


@pytest.mark.parametrize("persona", ["leader", "stats"])
def test_read_only_roles_may_not_move_a_project(world, persona):
    with pytest.raises(PermissionDenied) as exc:
        move(world, persona, world.zz_project, Stage.COMPLETED, effective_date=LAST_MONTH)
    assert "没有变更项目阶段的权限" in str(exc.value)
    assert stage_of(world.zz_project) == Stage.CONSTRUCTION
    assert history(world.zz_project) == []


# --- the stage-action menu -----------------------------------------------------------------------


def menu(world, persona, project):
    return allowed_transitions(world[persona], project)


def test_reporter_menu_for_a_project_under_construction(world):
    assert menu(world, "zezhou", world.zz_project) == [
        ("completed", "竣工", False),
        ("suspended", "暂停", False),
        ("cancelled", "终止", False),
    ]


def test_office_menu_offers_every_other_stage_and_marks_the_forced_ones(world):
    # 投产 skips 竣工, whose date is not on the record yet: not offered (see the skip test below).
    assert menu(world, "office", world.zz_project) == [
        ("reserve", "储备", True),
        ("prework", "前期", True),
        ("completed", "竣工", False),
        ("suspended", "暂停", False),
        ("cancelled", "终止", False),
    ]
    world.zz_project.actual_completion = dt.date(2025, 6, 30)
    assert ("operation", "投产", True) in menu(world, "office", world.zz_project)


def test_reporter_menu_for_a_suspended_project_offers_resume_and_cancel(world):
    p = project_in(world, Stage.CONSTRUCTION)
    p = move(world, "zezhou", p, Stage.SUSPENDED, reason="冬季停工")
    assert menu(world, "zezhou", p) == [("construction", "在建", False), ("cancelled", "终止", False)]


def test_menus_for_a_cancelled_project(world):
    p = move(world, "zezhou", project_in(world, Stage.CONSTRUCTION), Stage.CANCELLED, reason="企业退出")
    assert menu(world, "zezhou", p) == []
    assert [needs for _, _, needs in menu(world, "office", p)] == [True] * 6


@pytest.mark.parametrize("persona", ["leader", "stats", "outsider"])
def test_roles_without_writing_rights_get_an_empty_menu(world, persona):
    assert menu(world, persona, world.zz_project) == []


def test_every_menu_entry_is_accepted_by_the_service(world):
    """The menu never offers what the service then refuses (given a reason and dates)."""
    for persona in ("zezhou", "office"):
        for start in (Stage.RESERVE, Stage.PREWORK, Stage.CONSTRUCTION, Stage.COMPLETED):
            for target, _, _ in menu(world, persona, project_in(world, start)):
                p = project_in(world, start)
                move(world, persona, p, target, reason="测试", effective_date=LAST_MONTH)
                assert stage_of(p) == target, (persona, start, target)


def test_a_skip_needs_the_skipped_stages_dates_in_the_menu_and_the_service(world):
    """The office may skip 前期 → 竣工 only when the start date is on the record: the move's form asks
    for the completion date alone, so the menu leaves the skip out and the service refuses it."""
    p = project_in(world, Stage.PREWORK)
    offered = [stage for stage, _, _ in menu(world, "office", p)]
    assert Stage.CONSTRUCTION in offered
    assert Stage.COMPLETED not in offered and Stage.OPERATION not in offered
    with pytest.raises(TransitionError) as exc:
        move(world, "office", p, Stage.COMPLETED, reason="补录", effective_date=LAST_MONTH)
    assert "变更为“竣工”须填写实际开工日期（跨阶段变更也须有此日期" in str(exc.value)
    assert stage_of(p) == Stage.PREWORK

    p.actual_start = LAST_MONTH - dt.timedelta(days=90)
    p.save()
    assert Stage.COMPLETED in [stage for stage, _, _ in menu(world, "office", p)]
    move(world, "office", p, Stage.COMPLETED, reason="补录", effective_date=LAST_MONTH)
    assert stage_of(p) == Stage.COMPLETED
    # The skipped 在建 is recorded on its own date, before the completion.
    assert [(c.to_stage, c.effective_date) for c in history(p)] == [
        (Stage.CONSTRUCTION, LAST_MONTH - dt.timedelta(days=90)),
        (Stage.COMPLETED, LAST_MONTH),
    ]
