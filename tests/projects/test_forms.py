"""The project forms on their own: what each user may pick, what is normalised, what is refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from projects.choices import ApprovalStatus
from projects.forms import AnnualPlanForm, ApprovalForm, ProjectForm, TransitionForm
from projects.models import AnnualPlan, Approval, ApprovalKind, Project
from projects.services import allowed_transitions
from tests.projects.test_views import project_post_data, valid_credit_code

pytestmark = pytest.mark.django_db


def names(field) -> set[str]:
    return {org.name for org in field.queryset}


def test_county_reporter_picks_its_county_and_towns_and_any_department(world):
    form = ProjectForm(user=world["zezhou"])
    assert names(form.fields["county"]) == {"泽州县"}
    assert names(form.fields["town"]) == {"巴公镇", "金村镇"}
    assert {"市交通运输局", "市发展和改革委员会"} <= names(form.fields["department"])


def test_department_reporter_picks_its_department_and_any_county(world):
    form = ProjectForm(user=world["jtj"])
    assert names(form.fields["department"]) == {"市交通运输局"}
    assert {"泽州县", "高平市", "晋城经济技术开发区"} <= names(form.fields["county"])


def test_office_picks_from_the_whole_city(world):
    form = ProjectForm(user=world["office"])
    assert {"晋城市", "泽州县", "高平市", "晋城经济技术开发区"} == names(form.fields["county"])
    assert {"巴公镇", "金村镇", "米山镇"} == names(form.fields["town"])


def test_a_valid_form_normalises_codes(world):
    data = project_post_data(
        world, code="2503－140525－04－01－123456", credit_code=valid_credit_code().lower()
    )
    form = ProjectForm(data, user=world["zezhou"])
    assert form.is_valid(), form.errors
    assert form.cleaned_data["code"] == "2503-140525-04-01-123456"
    assert form.cleaned_data["credit_code"] == valid_credit_code()
    assert form.cleaned_data["total_investment"] == Decimal("8000.00")


def test_funding_must_add_up_to_the_total(world):
    form = ProjectForm(project_post_data(world, fund_other="0.01"), user=world["zezhou"])
    assert not form.is_valid()
    assert form.errors["total_investment"] == ["资金来源合计 8000.01 万元与总投资 8000.00 万元不一致。"]


def test_the_mismatch_message_shows_both_amounts_with_two_decimals(world):
    """Typed as whole 万元 ("1000"), the total reads "1000.00" like the sum beside it."""
    data = project_post_data(world, total_investment="1000", fund_special_bond="200", fund_self_raised="50")
    form = ProjectForm(data, user=world["zezhou"])
    assert not form.is_valid()
    assert form.errors["total_investment"] == ["资金来源合计 250.00 万元与总投资 1000.00 万元不一致。"]


def test_an_empty_funding_breakdown_is_refused_too(world):
    form = ProjectForm(
        project_post_data(world, fund_special_bond="0", fund_self_raised="0"), user=world["zezhou"]
    )
    assert not form.is_valid()
    assert form.errors["total_investment"] == ["资金来源合计 0.00 万元与总投资 8000.00 万元不一致。"]


def test_a_project_of_zero_investment_needs_no_breakdown(world):
    form = ProjectForm(
        project_post_data(world, total_investment="0", fund_special_bond="0", fund_self_raised="0"),
        user=world["zezhou"],
    )
    assert form.is_valid(), form.errors


def test_actual_dates_out_of_order_are_refused(world):
    today = timezone.localdate()
    form = ProjectForm(
        project_post_data(
            world,
            actual_start=(today - dt.timedelta(days=5)).isoformat(),
            actual_completion=(today - dt.timedelta(days=10)).isoformat(),
        ),
        user=world["zezhou"],
    )
    assert not form.is_valid()
    assert form.errors["actual_completion"] == ["实际竣工日期不能早于实际开工日期。"]


def test_signing_date_only_for_investment_attraction_projects(world):
    form = ProjectForm(project_post_data(world, signing_date="2025-01-10"), user=world["zezhou"])
    assert not form.is_valid()
    assert form.errors["signing_date"] == ["仅招商引资签约项目填写签约日期。"]
    form = ProjectForm(
        project_post_data(world, signing_date="2025-01-10", is_investment_attraction="on"),
        user=world["zezhou"],
    )
    assert form.is_valid(), form.errors


def test_edit_form_carries_the_version(world):
    project = world.zz_project
    Project.objects.filter(pk=project.pk).update(version=7)
    project.refresh_from_db()
    form = ProjectForm(instance=project, user=world["zezhou"])
    assert 'name="version" value="7"' in str(form["version"])


def test_annual_plan_form_refuses_a_second_plan_for_the_same_year(world):
    form = AnnualPlanForm(
        {"year": 2025, "planned_investment": "10"}, instance=AnnualPlan(project=world.zz_project)
    )
    assert not form.is_valid()
    assert form.errors["year"] == ["该项目已有 2025 年度计划，请直接修改该年度计划。"]
    existing = world.zz_project.annual_plans.get()
    form = AnnualPlanForm({"year": 2025, "planned_investment": "10"}, instance=existing)
    assert form.is_valid(), form.errors


def test_approval_form_offers_only_kinds_not_yet_recorded(world):
    kind = ApprovalKind.objects.get(code="environment")
    Approval.objects.create(project=world.zz_project, kind=kind, status=ApprovalStatus.IN_PROGRESS)
    form = ApprovalForm(instance=Approval(project=world.zz_project))
    offered = {k.code for k in form.fields["kind"].queryset}
    assert "environment" not in offered and "construction_permit" in offered
    edit = ApprovalForm(instance=Approval.objects.get(project=world.zz_project, kind=kind))
    assert edit.fields["kind"].disabled


def test_transition_form_shows_the_date_only_when_the_target_needs_it(world):
    project = world.zz_project  # under construction, started, not completed
    choices = allowed_transitions(world["zezhou"], project)
    form = TransitionForm(initial={"to": "completed"}, project=project, choices=choices)
    form.prepare_for_target()
    assert form.fields["effective_date"].label == "实际竣工日期"
    form = TransitionForm(initial={"to": "suspended"}, project=project, choices=choices)
    form.prepare_for_target()
    assert "effective_date" not in form.fields


def test_transition_form_refuses_a_stage_the_user_may_not_pick(world):
    project = world.zz_project
    form = TransitionForm(
        {"to": "reserve"}, project=project, choices=allowed_transitions(world["zezhou"], project)
    )
    form.prepare_for_target()
    assert not form.is_valid()
    assert form.errors["to"] == ["您不能将该项目变更为所选阶段：跨阶段或退回须由专班办公室办理。"]


def test_town_reporter_picks_its_town_and_the_county_above_it(world):
    from tests.factories import make_user

    bagong = make_user("bagong", world.bagong, "reporter")
    form = ProjectForm(user=bagong)
    assert names(form.fields["county"]) == {"泽州县"}
    assert names(form.fields["town"]) == {"巴公镇"}
    assert "市交通运输局" in names(form.fields["department"])
    data = project_post_data(world, department="")
    form = ProjectForm(data, user=bagong)
    assert form.is_valid(), form.errors
