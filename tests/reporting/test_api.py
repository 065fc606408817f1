"""`/api/v1/reports/`: the role × action matrix, scoping (404), conflicts (409) and query counts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects.choices import Stage
from projects.models import Project
from reporting.choices import ReportStatus
from reporting.models import MonthlyReport, ReportRevision
from tests.factories import AnnualPlanFactory, ProjectFactory

from .conftest import enter

URL = "/api/v1/reports/"


def detail(report):
    return f"{URL}{report.pk}/"


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def patch(client, url, data):
    return client.patch(url, data, content_type="application/json")


@pytest.fixture
def june(world):
    """泽州县 reported June (draft, 120) after May (approved, 80); 高平 June (draft)."""
    enter(world, world.zz_project, 2025, 5, 80, approve=True)
    zz = enter(world, world.zz_project, 2025, 6, 120)
    gp = enter(world, world.gp_project, 2025, 6, 60, user="gaoping")
    return {"zz": zz, "gp": gp}


def test_list_shows_fields_and_ytd(client_for, june):
    response = client_for("zezhou").get(URL, {"year": 2025, "month": 6})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    (item,) = body["results"]
    assert item["id"] == june["zz"].pk
    assert item["project"] == june["zz"].project_id
    assert (item["year"], item["month"]) == (2025, 6)
    assert item["invested"] == "120.00"
    assert item["image_progress"] == "主体施工"
    assert item["status"] == "draft" and item["status_display"] == "草稿"
    assert item["version"] == 1
    assert item["ytd_completed_working"] == "200.00"  # May 80 + June 120 as typed
    assert item["ytd_basis"] == "approved"
    assert item["ytd_completed"] == "80.00"  # only the approved May counts


def test_list_filters(client_for, world, june):
    office = client_for("office")
    assert office.get(URL).json()["count"] == 3
    assert {r["id"] for r in office.get(URL, {"county": world.gaoping.pk}).json()["results"]} == {
        june["gp"].pk
    }
    assert office.get(URL, {"status": "approved"}).json()["count"] == 1
    assert office.get(URL, {"project": world.zz_project.pk, "month": 5}).json()["count"] == 1
    assert office.get(URL, {"department": world.jtj.pk}).json()["count"] == 0
    assert office.get(URL, {"status": "nonsense"}).status_code == 400


def test_reporter_of_another_county_gets_404(client_for, june):
    gaoping = client_for("gaoping")
    assert [r["id"] for r in gaoping.get(URL).json()["results"]] == [june["gp"].pk]
    assert gaoping.get(detail(june["zz"])).status_code == 404
    assert patch(gaoping, detail(june["zz"]), {"version": 1, "invested": "1"}).status_code == 404
    assert post(gaoping, detail(june["zz"]) + "submit/").status_code == 404
    assert MonthlyReport.objects.get(pk=june["zz"].pk).invested == Decimal("120.00")


def test_create_a_draft(client_for, world):
    response = post(
        client_for("zezhou"),
        URL,
        {
            "project": world.zz_road.pk,
            "year": 2025,
            "month": 6,
            "invested": "35.5",
            "image_progress": "路基施工",
            "percent_complete": 12,
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["invested"], body["percent_complete"], body["status"], body["version"]) == (
        "35.50",
        "12.00",
        "draft",
        1,
    )
    assert body["revisions"] == []
    assert MonthlyReport.objects.get(pk=body["id"]).updated_by == world["zezhou"]


def test_create_answers_with_the_service_messages(client_for, world):
    client = client_for("zezhou")
    response = post(client, URL, {"project": world.zz_road.pk, "year": 2025, "month": 6, "invested": "-3"})
    assert response.status_code == 400
    assert response.json() == {"invested": ["本月完成投资不能为负数"]}
    response = post(
        client,
        URL,
        {"project": world.zz_road.pk, "year": 2025, "month": 9, "invested": "3", "image_progress": "x"},
    )
    assert response.json() == {"non_field_errors": ["不能填报未来月份"]}
    response = post(client, URL, {"project": world.zz_road.pk, "year": 2025, "month": 6, "invested": "3"})
    assert response.json() == {"image_progress": ["本月有完成投资时须填写形象进度"]}
    assert not MonthlyReport.objects.exists()


def test_create_for_a_project_out_of_scope_is_404(client_for, world):
    client = client_for("zezhou")
    response = post(client, URL, {"project": world.gp_project.pk, "year": 2025, "month": 6, "invested": "0"})
    assert response.status_code == 404
    missing = post(client, URL, {"project": 999999, "year": 2025, "month": 6, "invested": "0"})
    assert (missing.status_code, missing.json()) == (404, response.json())
    assert not MonthlyReport.objects.exists()


def test_create_twice_is_a_conflict(client_for, world, june):
    response = post(
        client_for("zezhou"),
        URL,
        {"project": world.zz_project.pk, "year": 2025, "month": 6, "invested": "1", "image_progress": "x"},
    )
    assert response.status_code == 409
    assert response.json()["id"] == june["zz"].pk


def test_prework_project_starts_with_its_first_investment(client_for, world):
    project = ProjectFactory(county=world.zezhou, stage=Stage.PREWORK, actual_start=None)
    AnnualPlanFactory(project=project, is_new=True, planned_start_month=6)
    client = client_for("zezhou")
    data = {"project": project.pk, "year": 2025, "month": 6, "invested": "50", "image_progress": "场地平整"}
    response = post(client, URL, data)
    assert response.json() == {"actual_start": ["前期项目首次填报投资即视为开工，请填写实际开工日期"]}
    response = post(client, URL, {**data, "actual_start": "2025-06-20"})
    assert response.status_code == 201
    project.refresh_from_db()
    assert (project.stage, str(project.actual_start)) == (Stage.CONSTRUCTION, "2025-06-20")


def test_patch_with_the_current_version(client_for, june):
    client = client_for("zezhou")
    response = patch(
        client, detail(june["zz"]), {"version": 1, "invested": "130", "problems": "钢材到货延迟"}
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["invested"], body["problems"], body["version"]) == ("130.00", "钢材到货延迟", 2)
    assert body["image_progress"] == "主体施工"  # untouched fields keep their values
    assert body["ytd_completed_working"] == "210.00"


def test_patch_with_a_stale_version_is_409_and_nothing_is_overwritten(client_for, june):
    first = patch(client_for("office"), detail(june["zz"]), {"version": 1, "invested": "150"})
    assert first.status_code == 200
    second = patch(client_for("zezhou"), detail(june["zz"]), {"version": 1, "invested": "99"})
    assert second.status_code == 409
    assert "已被他人修改" in second.json()["detail"]
    assert MonthlyReport.objects.get(pk=june["zz"].pk).invested == Decimal("150.00")


def test_patch_needs_the_version(client_for, june):
    response = patch(client_for("zezhou"), detail(june["zz"]), {"invested": "99"})
    assert response.status_code == 400
    assert "version" in response.json()


def test_put_is_not_offered(client_for, june):
    response = client_for("zezhou").put(detail(june["zz"]), {}, content_type="application/json")
    assert response.status_code == 405


def test_workflow_through_the_api(client_for, june):
    report = june["zz"]
    response = post(client_for("zezhou"), detail(report) + "submit/", {"version": 1})
    assert response.status_code == 200 and response.json()["status"] == "submitted"

    head = client_for("zezhou_head")
    response = post(head, detail(report) + "return/", {"reason": ""})
    assert response.status_code == 400
    assert response.json() == {"reason": ["退回须填写原因。"]}
    response = post(head, detail(report) + "return/", {"reason": "请补充形象进度"})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["return_reason"]) == ("returned", "请补充形象进度")

    # approving a returned report is an illegal move
    response = post(head, detail(report) + "approve/")
    assert response.status_code == 400
    assert "不能审核" in response.json()["detail"]

    version = MonthlyReport.objects.get(pk=report.pk).version
    response = post(client_for("zezhou"), detail(report) + "submit/", {"version": version})
    assert response.status_code == 200 and response.json()["version"] == version + 1
    response = post(client_for("zezhou_head"), detail(report) + "approve/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "approved"
    assert [r["revision"] for r in body["revisions"]] == [0]

    # locked: PATCH refused with the lock message, correction opens revision 1
    client = client_for("zezhou")
    response = patch(client, detail(report), {"version": body["version"], "invested": "1"})
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["本月进展已审核，已锁定；如需修改请使用“更正”。"]}
    response = post(
        client,
        detail(report) + "correct/",
        {"version": body["version"], "invested": "125", "reason": "补报材料款"},
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["status"], response.json()["revision"]) == ("draft", 1)
    assert ReportRevision.objects.get(report=report).invested == Decimal("120.00")


def test_submit_with_a_stale_version_is_409(client_for, june):
    response = post(client_for("zezhou"), detail(june["zz"]) + "submit/", {"version": 7})
    assert response.status_code == 409
    assert MonthlyReport.objects.get(pk=june["zz"].pk).status == ReportStatus.DRAFT


@pytest.mark.parametrize(
    ("persona", "read", "write", "review"),
    [
        ("zezhou", 200, 200, 403),
        ("zezhou_head", 200, 403, 200),
        ("office", 200, 200, 200),
        ("admin", 200, 200, 200),
        ("leader", 200, 403, 403),
        ("stats", 200, 403, 403),
        ("gaoping", 404, 404, 403),
        ("jtj", 404, 404, 403),
        ("outsider", 404, 403, 403),
        (None, 403, 403, 403),
    ],
)
def test_role_matrix(client_for, june, persona, read, write, review):
    client = client_for(persona)
    report = june["zz"]
    assert client.get(detail(report)).status_code == read
    assert patch(client, detail(report), {"version": 1, "invested": "121"}).status_code == write
    # review acts on a submitted report
    MonthlyReport.objects.filter(pk=report.pk).update(status=ReportStatus.SUBMITTED)
    assert post(client, detail(report) + "return/", {"reason": "核实"}).status_code == review


def test_list_query_count_does_not_depend_on_page_size(client_for, world):
    projects = ProjectFactory.create_batch(30, county=world.zezhou)
    Project.objects.filter(pk__in=[p.pk for p in projects]).update(actual_start="2025-01-05")
    for month in (5, 6):
        for p in projects:
            enter(world, p, 2025, month, 10 + month)
    client = client_for("zezhou")

    def count(page_size):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(URL, {"page_size": page_size})
        assert response.status_code == 200
        assert len(response.json()["results"]) == page_size
        return len(ctx.captured_queries)

    assert count(5) == count(50)
    body = client.get(URL, {"page_size": 60, "month": 6}).json()
    assert {r["ytd_completed_working"] for r in body["results"]} == {"31.00"}  # 15 + 16
