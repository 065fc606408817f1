"""The API's exception handler: each kind of service error answered through a real endpoint.

Views only call services; `config.api_errors.exception_handler` turns what the services raise
into 403 / 404 / 409 / 400 with the same Chinese messages the HTML pages show.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from reporting import services
from reporting.choices import ReportStatus
from reporting.models import MonthlyReport
from tests.reporting.conftest import enter

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports/"


@pytest.fixture(autouse=True)
def july_2025():
    """June 2025 is the month being reported; August is the future."""
    with time_machine.travel("2025-07-10 10:00 +0800", tick=False):
        yield


@pytest.fixture
def june_draft(world):
    """泽州县's June report, a draft at version 1."""
    return enter(world, world.zz_project, 2025, 6, 120)


def detail(report) -> str:
    return f"{URL}{report.pk}/"


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def patch(client, url, data):
    return client.patch(url, data, content_type="application/json")


# --- 403 ----------------------------------------------------------------------------------------


def test_a_service_refusal_is_403_with_its_message(client_for, june_draft, monkeypatch):
    # The view lets a reviewer through; the service has the last word (e.g. the role was just revoked).
    def refuse(**kwargs):
        raise PermissionDenied("您没有审核月度进展的权限。")

    monkeypatch.setattr(services, "report_approve", refuse)
    MonthlyReport.objects.filter(pk=june_draft.pk).update(status=ReportStatus.SUBMITTED)
    response = post(client_for("zezhou_head"), detail(june_draft) + "approve/")
    assert (response.status_code, response.json()) == (403, {"detail": "您没有审核月度进展的权限。"})


def test_the_views_own_refusal_is_403_with_its_message(client_for, june_draft):
    response = patch(client_for("leader"), detail(june_draft), {"version": 1, "invested": "1"})
    assert (response.status_code, response.json()) == (403, {"detail": "您没有填报月度进展的权限。"})


# --- 404 ----------------------------------------------------------------------------------------


def test_a_report_out_of_scope_is_404_with_the_selectors_message(client_for, june_draft):
    response = client_for("gaoping").get(detail(june_draft))
    assert (response.status_code, response.json()) == (
        404,
        {"detail": "月度进展不存在或不在您的管辖范围内。"},
    )


def test_a_row_gone_while_the_service_ran_is_404_without_the_orms_english(
    client_for, june_draft, monkeypatch
):
    def vanished(**kwargs):
        raise MonthlyReport.DoesNotExist("MonthlyReport matching query does not exist.")

    monkeypatch.setattr(services, "report_submit", vanished)
    response = post(client_for("zezhou"), detail(june_draft) + "submit/", {"version": 1})
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到。"}  # DRF's Chinese, not the ORM's English


# --- 409 ----------------------------------------------------------------------------------------


def test_a_stale_version_is_409_naming_the_projects(client_for, world, june_draft):
    assert (
        patch(client_for("office"), detail(june_draft), {"version": 1, "invested": "150"}).status_code == 200
    )
    response = patch(client_for("zezhou"), detail(june_draft), {"version": 1, "invested": "99"})
    assert response.status_code == 409
    assert response.json() == {
        "detail": f"以下项目的本月进展已被他人修改：{world.zz_project.name}。请刷新页面后重新填写，您的修改未保存。",
        "project_ids": [world.zz_project.pk],
    }
    assert MonthlyReport.objects.get(pk=june_draft.pk).invested == Decimal("150.00")


def test_creating_an_existing_month_is_409_with_the_id_to_patch(client_for, world, june_draft):
    data = {"project": world.zz_project.pk, "year": 2025, "month": 6, "invested": "1", "image_progress": "x"}
    response = post(client_for("zezhou"), URL, data)
    assert (response.status_code, response.json()) == (
        409,
        {"detail": "该项目2025年6月的进展已存在，请修改（PATCH）该条记录。", "id": june_draft.pk},
    )


# --- 400 ----------------------------------------------------------------------------------------


def test_row_errors_are_400_field_by_field(client_for, world):
    client = client_for("zezhou")
    data = {"project": world.zz_road.pk, "year": 2025, "month": 6}
    response = post(client, URL, {**data, "invested": "-3"})
    assert (response.status_code, response.json()) == (400, {"invested": ["本月完成投资不能为负数"]})
    response = post(client, URL, {**data, "month": 8, "invested": "3", "image_progress": "x"})
    assert (response.status_code, response.json()) == (400, {"non_field_errors": ["不能填报未来月份"]})
    assert not MonthlyReport.objects.exists()


def test_a_validation_error_with_fields_is_400_by_field(client_for, june_draft):
    MonthlyReport.objects.filter(pk=june_draft.pk).update(status=ReportStatus.SUBMITTED)
    response = post(client_for("zezhou_head"), detail(june_draft) + "return/", {"reason": ""})
    assert (response.status_code, response.json()) == (400, {"reason": ["退回须填写原因。"]})


def test_a_validation_error_without_fields_is_400_detail(client_for, june_draft):
    response = post(client_for("zezhou_head"), detail(june_draft) + "approve/")
    assert (response.status_code, response.json()) == (400, {"detail": "该月度进展尚未提交，不能审核。"})
    assert MonthlyReport.objects.get(pk=june_draft.pk).status == ReportStatus.DRAFT


# --- everything else ----------------------------------------------------------------------------


def test_drf_errors_keep_drfs_answers(client_for, june_draft):
    response = patch(client_for("zezhou"), detail(june_draft), {"invested": "99"})
    assert response.status_code == 400
    assert set(response.json()) == {"version"}
    anonymous = client_for(None).get(URL)
    assert anonymous.status_code == 403
    assert anonymous.json() == {"detail": "身份认证信息未提供。"}
