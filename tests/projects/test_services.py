"""Project writes: who may make them, what they check, and the audit trail they leave."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.choices import AuditAction
from accounts.models import AuditLog
from projects.choices import ApprovalStatus, Industry, Stage
from projects.exceptions import ConflictError
from projects.models import AnnualPlan, Approval, ApprovalKind, Project, StageChange
from projects.services import annual_plan_save, approval_save, project_create, project_update

pytestmark = pytest.mark.django_db


def new_project(world, *, county=None, town=None, **kw) -> Project:
    total = kw.pop("total_investment", Decimal("5000.00"))
    fields = {
        "name": "泽州县新建光伏项目",
        "construction_unit": "泽州县新能源有限公司",
        "county": county or world.zezhou,
        "town": town,
        "industry": Industry.ENERGY,
        "total_investment": total,
        "fund_self_raised": total,
        "stage": Stage.RESERVE,
    }
    fields.update(kw)
    return Project(**fields)


def audit_for(project, action=None):
    qs = AuditLog.objects.filter(root_key=f"projects.project:{project.pk}").order_by("id")
    return list(qs.filter(action=action) if action else qs)


# --- project_create ------------------------------------------------------------------------------


def test_create_saves_the_project_with_its_creator_and_default_reporting_unit(world):
    p = project_create(actor=world["zezhou"], project=new_project(world, town=world.bagong))
    p.refresh_from_db()
    assert p.created_by == world["zezhou"]
    assert p.reporting_unit == world.zezhou
    assert p.stage == Stage.RESERVE


def test_create_writes_an_audit_row_with_the_values_entered(world):
    p = project_create(actor=world["zezhou"], project=new_project(world))
    [log] = audit_for(p)
    assert log.action == AuditAction.CREATE
    assert log.actor == world["zezhou"]
    assert log.changes["name"] == [None, "泽州县新建光伏项目"]
    assert log.changes["county"] == [None, "泽州县"]
    assert log.changes["total_investment"] == [None, "5000.00"]
    assert "created_at" not in log.changes and "version" not in log.changes


def test_create_opens_the_stage_history(world):
    p = project_create(actor=world["zezhou"], project=new_project(world))
    [change] = StageChange.objects.filter(project=p)
    assert (change.from_stage, change.to_stage, change.actor) == ("", Stage.RESERVE, world["zezhou"])


def test_create_with_an_annual_plan_saves_and_audits_the_plan_under_the_project(world):
    plan = AnnualPlan(year=2026, planned_investment=Decimal("800.00"), is_new=True, planned_start_month=5)
    p = project_create(actor=world["zezhou"], project=new_project(world), annual_plans=[plan])
    assert list(p.annual_plans.values_list("year", "planned_investment")) == [(2026, Decimal("800.00"))]
    assert [log.action for log in audit_for(p)] == [AuditAction.CREATE, AuditAction.CREATE]
    assert audit_for(p)[1].changes["planned_investment"] == [None, "800.00"]


def test_a_county_reporter_cannot_create_a_project_in_another_county(world):
    with pytest.raises(PermissionDenied) as exc:
        project_create(
            actor=world["zezhou"], project=new_project(world, county=world.gaoping, town=world.mizhen)
        )
    assert str(exc.value) == "只能新建本单位管辖范围内的项目。"
    assert not Project.objects.filter(name="泽州县新建光伏项目").exists()


def test_naming_itself_reporting_unit_does_not_let_a_county_file_a_project_in_another_county(world):
    """A project located in 高平市 counts in 高平市's list and sums; 泽州县 must not be able to put one there."""
    project = new_project(world, county=world.gaoping, town=world.mizhen, reporting_unit=world.zezhou)
    with pytest.raises(PermissionDenied):
        project_create(actor=world["zezhou"], project=project)
    assert not Project.objects.filter(county=world.gaoping, name="泽州县新建光伏项目").exists()


def test_a_department_creates_a_project_it_is_responsible_for_in_any_county(world):
    p = project_create(
        actor=world["jtj"], project=new_project(world, county=world.gaoping, department=world.jtj)
    )
    assert p.pk and p.department == world.jtj


def test_the_office_creates_projects_anywhere(world):
    p = project_create(actor=world["office"], project=new_project(world, county=world.zone))
    assert p.county == world.zone


@pytest.mark.parametrize("persona", ["leader", "stats", "outsider"])
def test_roles_without_writing_rights_cannot_create(world, persona):
    with pytest.raises(PermissionDenied):
        project_create(actor=world[persona], project=new_project(world))
    assert not Project.objects.filter(name="泽州县新建光伏项目").exists()


def test_funding_that_does_not_add_up_to_the_total_is_refused(world):
    project = new_project(world, total_investment=Decimal("5000.00"))
    project.fund_self_raised = Decimal("3000.00")
    project.fund_special_bond = Decimal("1000.00")
    with pytest.raises(ValidationError) as exc:
        project_create(actor=world["zezhou"], project=project)
    assert exc.value.message_dict["total_investment"] == [
        "资金来源合计 4000.00 万元与总投资 5000.00 万元不一致。"
    ]
    assert not Project.objects.filter(name="泽州县新建光伏项目").exists()
    assert not AuditLog.objects.filter(action=AuditAction.CREATE).exists()


def test_a_town_of_another_county_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        project_create(
            actor=world["office"], project=new_project(world, county=world.zezhou, town=world.mizhen)
        )
    assert exc.value.message_dict["town"] == ["所选乡镇不属于该县（市、区）。"]


# --- project_update ------------------------------------------------------------------------------


def test_update_records_before_and_after_of_each_changed_field(world):
    p = world.zz_project
    version = p.version
    project_update(
        actor=world["zezhou"], project=p, data={"name": "泽州县巴公智能装备产业园（一期）", "manager": "王五"}
    )
    [log] = audit_for(p, AuditAction.UPDATE)
    assert log.actor == world["zezhou"]
    assert log.changes == {
        "manager": ["", "王五"],
        "name": ["泽州县巴公智能装备产业园", "泽州县巴公智能装备产业园（一期）"],
    }
    p.refresh_from_db()
    assert p.name == "泽州县巴公智能装备产业园（一期）"
    assert p.version == version + 1


def test_an_update_that_changes_nothing_writes_nothing(world):
    p = world.zz_project
    project_update(actor=world["zezhou"], project=p, data={"name": p.name})
    assert audit_for(p, AuditAction.UPDATE) == []
    p.refresh_from_db()
    assert p.version == 1


def test_a_stale_version_is_a_conflict_and_nothing_is_written(world):
    p = world.zz_project
    project_update(actor=world["office"], project=p, data={"manager": "先保存的人"}, expected_version=1)
    with pytest.raises(ConflictError) as exc:
        project_update(actor=world["zezhou"], project=p, data={"manager": "后保存的人"}, expected_version=1)
    assert "已被他人修改" in exc.value.message
    p.refresh_from_db()
    assert p.manager == "先保存的人" and p.version == 2
    assert len(audit_for(p, AuditAction.UPDATE)) == 1


def test_update_may_not_change_the_stage(world):
    with pytest.raises(ValidationError) as exc:
        project_update(actor=world["office"], project=world.zz_project, data={"stage": Stage.OPERATION})
    assert "阶段变更" in exc.value.messages[0]
    world.zz_project.refresh_from_db()
    assert world.zz_project.stage == Stage.CONSTRUCTION


def test_update_refuses_funding_that_does_not_add_up(world):
    with pytest.raises(ValidationError):
        project_update(
            actor=world["zezhou"], project=world.zz_project, data={"total_investment": Decimal("12000.00")}
        )
    world.zz_project.refresh_from_db()
    assert world.zz_project.total_investment == Decimal("10000.00")


def test_update_refuses_an_actual_date_in_the_future(world):
    with pytest.raises(ValidationError) as exc:
        project_update(
            actor=world["zezhou"],
            project=world.zz_project,
            data={"actual_start": dt.date.today() + dt.timedelta(9)},
        )
    assert exc.value.message_dict["actual_start"] == ["实际日期不能晚于今天。"]


@pytest.mark.parametrize(
    ("persona", "reason"), [("gaoping", "不在您的管辖范围内"), ("leader", "没有修改该项目的权限")]
)
def test_update_outside_scope_or_without_role_is_refused(world, persona, reason):
    with pytest.raises(PermissionDenied) as exc:
        project_update(actor=world[persona], project=world.zz_project, data={"manager": "越权"})
    assert reason in str(exc.value)
    world.zz_project.refresh_from_db()
    assert world.zz_project.manager == ""


def test_a_county_cannot_move_its_project_into_another_county(world):
    """Like creating one there: it would enter 高平市's list and sums while 泽州县 keeps editing it."""
    with pytest.raises(PermissionDenied, match="跨县（市、区）或跨部门调整请联系专班办公室"):
        project_update(
            actor=world["zezhou"],
            project=world.zz_project,
            data={"county": world.gaoping, "town": world.mizhen},
        )
    world.zz_project.refresh_from_db()
    assert world.zz_project.county == world.zezhou


def test_a_county_cannot_hand_its_reporting_to_another_county(world):
    with pytest.raises(PermissionDenied):
        project_update(
            actor=world["zezhou"], project=world.zz_project, data={"reporting_unit": world.gaoping}
        )
    world.zz_project.refresh_from_db()
    assert world.zz_project.reporting_unit == world.zezhou


def test_the_office_may_move_a_project_between_counties(world):
    project_update(
        actor=world["office"], project=world.zz_project, data={"county": world.gaoping, "town": world.mizhen}
    )
    world.zz_project.refresh_from_db()
    assert world.zz_project.county == world.gaoping


# --- annual plans and approvals -------------------------------------------------------------------


def test_saving_the_same_annual_plan_twice_keeps_one_row_and_one_audit_entry(world):
    p = world.zz_project

    def plan():
        return AnnualPlan(project=p, year=2026, planned_investment=Decimal("2500.00"), is_new=False)

    first = annual_plan_save(actor=world["zezhou"], plan=plan())
    second = annual_plan_save(actor=world["zezhou"], plan=plan())
    assert first.pk == second.pk
    assert AnnualPlan.objects.filter(project=p, year=2026).count() == 1
    assert [log.action for log in audit_for(p)] == [AuditAction.CREATE]


def test_changing_an_annual_plan_updates_the_row_and_audits_the_difference(world):
    p = world.zz_project
    annual_plan_save(
        actor=world["zezhou"], plan=AnnualPlan(project=p, year=2025, planned_investment=Decimal("1500.00"))
    )
    assert AnnualPlan.objects.get(project=p, year=2025).planned_investment == Decimal("1500.00")
    [log] = audit_for(p)
    assert log.action == AuditAction.UPDATE
    assert log.changes == {"planned_investment": ["1200.00", "1500.00"]}


def test_a_new_projects_plan_needs_a_start_month(world):
    with pytest.raises(ValidationError) as exc:
        annual_plan_save(
            actor=world["zezhou"],
            plan=AnnualPlan(
                project=world.zz_project, year=2026, planned_investment=Decimal("1"), is_new=True
            ),
        )
    assert exc.value.message_dict["planned_start_month"] == ["新开工项目须填写计划开工月份。"]


def test_annual_plan_of_a_project_outside_scope_is_refused(world):
    with pytest.raises(PermissionDenied):
        annual_plan_save(
            actor=world["gaoping"],
            plan=AnnualPlan(project=world.zz_project, year=2026, planned_investment=Decimal("1.00")),
        )
    assert not AnnualPlan.objects.filter(project=world.zz_project, year=2026).exists()


def test_approval_save_is_idempotent_and_audited(world):
    p = world.zz_project
    kind = ApprovalKind.objects.get(code="land")

    def approval():
        return Approval(project=p, kind=kind, status=ApprovalStatus.IN_PROGRESS, handler="赵六")

    approval_save(actor=world["zezhou"], approval=approval())
    approval_save(actor=world["zezhou"], approval=approval())
    assert Approval.objects.filter(project=p, kind=kind).count() == 1
    assert [log.action for log in audit_for(p)] == [AuditAction.CREATE]


def test_a_done_approval_needs_its_actual_date(world):
    kind = ApprovalKind.objects.get(code="land")
    with pytest.raises(ValidationError) as exc:
        approval_save(
            actor=world["zezhou"],
            approval=Approval(project=world.zz_project, kind=kind, status=ApprovalStatus.DONE),
        )
    assert exc.value.message_dict["actual_date"] == ["已办结的手续须填写实际办结日期。"]


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("jtj", "市交通运输局"), ("zezhou", "泽州县"), ("office", "高平市")],
)
def test_a_new_project_is_reported_by_the_unit_that_filed_it_or_by_its_county(world, persona, expected):
    town = world.mizhen if persona != "zezhou" else None
    county = world.gaoping if persona != "zezhou" else world.zezhou
    project = project_create(
        actor=world[persona], project=new_project(world, county=county, town=town, department=world.jtj)
    )
    assert project.reporting_unit.name == expected
