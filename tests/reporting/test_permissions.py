"""One rule decides who may act on a monthly report (`reporting.permissions`), on pages and API alike.

- the reporting unit's reporter enters, its reviewer approves or returns (the office does both);
- 市交通局 is only the 责任单位 of 泽州县's 金村物流通道: its reporter and its reviewer read that
  report and cannot edit, submit, correct or approve it (pages, API, services);
- four eyes: nobody approves a report they entered or submitted, the office included;
- the statistics bureau reads every unit's grid and the reporting state, and writes nothing.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from accounts.choices import RoleCode
from reporting import permissions
from reporting.choices import ReportStatus
from reporting.models import MonthlyReport
from reporting.services import (
    ReportRowErrors,
    report_return,
    reports_approve,
    reports_save,
    reports_submit,
)
from tests.factories import AnnualPlanFactory, ProjectFactory, make_user

from .conftest import enter, row

pytestmark = pytest.mark.django_db

API = "/api/v1/reports/"


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


@pytest.fixture
def jtj_head(world):
    return make_user("jtj_head", world.jtj, RoleCode.REVIEWER)


@pytest.fixture
def road(world):
    """金村物流通道: located in 泽州县, reported by 泽州县, 市交通局 its 责任单位. June draft and May submitted."""
    draft = enter(world, world.zz_road, 2025, 6, 50)
    submitted = enter(world, world.zz_road, 2025, 5, 40)
    reports_submit(actor=world["zezhou"], year=2025, month=5, unit=world.zezhou)
    submitted.refresh_from_db()
    assert submitted.status == ReportStatus.SUBMITTED
    return {"draft": draft, "submitted": submitted}


# --- the department that is only 责任单位 reads -------------------------------------------------


def test_the_responsible_department_reads_the_report_through_the_api(client, world, road):
    client.force_login(world["jtj"])
    response = client.get(f"{API}{road['draft'].pk}/")
    assert response.status_code == 200
    assert response.json()["invested"] == "50.00"


def test_the_responsible_department_cannot_write_through_the_api(client, world, road, jtj_head):
    draft, submitted = road["draft"], road["submitted"]
    client.force_login(world["jtj"])
    r = client.patch(
        f"{API}{draft.pk}/", {"invested": "999", "version": draft.version}, content_type="application/json"
    )
    assert r.status_code == 403
    assert r.json() == {"detail": "该项目由泽州县填报，您只能查看其月度进展，不能填报、提交或更正。"}
    assert post(client, f"{API}{draft.pk}/submit/").status_code == 403
    created = post(
        client,
        API,
        {"project": world.zz_road.pk, "year": 2025, "month": 4, "invested": "1", "image_progress": "x"},
    )
    assert created.status_code == 403

    client.force_login(jtj_head)
    r = post(client, f"{API}{submitted.pk}/approve/")
    assert r.status_code == 403
    assert "应由该单位的审核人员审核" in r.json()["detail"]
    assert post(client, f"{API}{submitted.pk}/return/", {"reason": "数据有误"}).status_code == 403

    draft.refresh_from_db()
    submitted.refresh_from_db()
    assert (draft.status, draft.invested) == (ReportStatus.DRAFT, Decimal("50.00"))
    assert submitted.status == ReportStatus.SUBMITTED


def test_the_responsible_department_cannot_write_through_the_services(world, road, jtj_head):
    jtj = world["jtj"]
    with pytest.raises(ReportRowErrors) as excinfo:
        reports_save(
            actor=jtj, year=2025, month=6, rows=[row(world.zz_road, 999, version=road["draft"].version)]
        )
    assert excinfo.value.row_errors[world.zz_road.pk]["__all__"] == [
        "该项目由泽州县填报，您只能查看其月度进展，不能填报、提交或更正。"
    ]
    with pytest.raises(PermissionDenied):
        reports_submit(actor=jtj, year=2025, month=6, report_ids=[road["draft"].pk])
    assert reports_submit(actor=jtj, year=2025, month=6) == 0  # its own units' reports only
    with pytest.raises(PermissionDenied):
        reports_approve(actor=jtj_head, report_ids=[road["submitted"].pk])
    with pytest.raises(PermissionDenied):
        report_return(actor=jtj_head, report=road["submitted"], reason="x")
    assert MonthlyReport.objects.get(pk=road["draft"].pk).status == ReportStatus.DRAFT


def test_the_responsible_department_reads_the_report_page_without_write_controls(client, world, road):
    client.force_login(world["jtj"])
    page = client.get(f"/reports/{road['draft'].pk}/")
    assert page.status_code == 200
    assert "photo-form" not in page.content.decode() and 'name="image"' not in page.content.decode()
    assert client.post(f"/reports/{road['draft'].pk}/photos/").status_code == 403


def test_a_department_that_reports_a_county_project_is_reviewed_by_its_own_head(client, world, jtj_head):
    """The other way round: 市交通局 reports a project located in 泽州县. 泽州县's head sees it
    (it lies in his county) but its review belongs to 市交通局's head."""
    project = ProjectFactory(
        name="泽州县境内国道改线", county=world.zezhou, department=world.jtj, reporting_unit=world.jtj
    )
    AnnualPlanFactory(project=project, year=2025)
    (report,) = reports_save(actor=world["jtj"], year=2025, month=6, rows=[row(project, 30)], submit=True)

    client.force_login(world["zezhou_head"])
    assert client.get(f"{API}{report.pk}/").status_code == 200
    assert post(client, f"{API}{report.pk}/approve/").status_code == 403
    client.force_login(jtj_head)
    assert post(client, f"{API}{report.pk}/approve/").status_code == 200
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED


# --- four eyes -------------------------------------------------------------------------------


def test_nobody_approves_what_they_entered_the_office_included(client, world):
    office = world["office"]
    (report,) = reports_save(actor=office, year=2025, month=6, rows=[row(world.zz_project, 70)], submit=True)
    client.force_login(office)
    r = post(client, f"{API}{report.pk}/approve/")
    assert r.status_code == 403
    assert "双人复核" in r.json()["detail"]
    # Returning is not approving: the office may send it back.
    client.force_login(world["zezhou_head"])
    assert post(client, f"{API}{report.pk}/approve/").status_code == 200


def test_a_user_who_both_enters_and_reviews_cannot_approve_their_own_submission(world):
    both = make_user("zezhou_both", world.zezhou, RoleCode.REPORTER, RoleCode.REVIEWER)
    (report,) = reports_save(actor=both, year=2025, month=6, rows=[row(world.zz_project, 70)])
    # someone else submits: entering it is enough to be barred
    reports_submit(actor=world["zezhou"], year=2025, month=6, report_ids=[report.pk])
    with pytest.raises(PermissionDenied, match="双人复核"):
        reports_approve(actor=both, report_ids=[report.pk])
    # an edit by someone after the last approval counts; one before it does not
    reports_approve(actor=world["zezhou_head"], report_ids=[report.pk])
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED


def test_four_eyes_forgets_edits_from_before_the_last_approval(world):
    both = make_user("zezhou_both", world.zezhou, RoleCode.REPORTER, RoleCode.REVIEWER)
    (report,) = reports_save(actor=both, year=2025, month=6, rows=[row(world.zz_project, 70)], submit=True)
    reports_approve(actor=world["zezhou_head"], report_ids=[report.pk])
    from reporting.services import report_correct

    report = report_correct(
        actor=world["zezhou"],
        report=MonthlyReport.objects.get(pk=report.pk),
        row=row(world.zz_project, 75),
        reason="漏报",
    )
    reports_submit(actor=world["zezhou"], year=2025, month=6, report_ids=[report.pk])
    assert reports_approve(actor=both, report_ids=[report.pk]) == 1


def test_the_rule_as_plain_functions(world, road, jtj_head):
    draft, submitted = road["draft"], road["submitted"]
    assert permissions.can_edit_report(world["zezhou"], draft)
    assert permissions.can_edit_report(world["office"], draft)
    assert not permissions.can_edit_report(world["jtj"], draft)
    assert not permissions.can_edit_report(world["zezhou_head"], draft)
    assert not permissions.can_edit_report(world["stats"], draft)
    assert permissions.can_approve_report(world["zezhou_head"], submitted)
    assert not permissions.can_approve_report(jtj_head, submitted)
    assert not permissions.can_approve_report(
        world["zezhou_head"], submitted, editors={world["zezhou_head"].pk}
    )
    assert not permissions.can_approve_report(world["zezhou_head"], draft)


# --- the statistics bureau reads ---------------------------------------------------------------


def test_stats_reads_every_units_grid_and_the_reporting_state(client, world, road):
    client.force_login(world["stats"])
    grid = client.get(f"/reports/?unit={world.zezhou.pk}&year=2025&month=6")
    assert grid.status_code == 200
    html = grid.content.decode()
    assert "金村物流通道" in html and "当前为只读视图" in html
    assert 'name="r-' not in html  # no inputs
    assert "btn-submit" not in html
    office = client.get("/reports/office/?year=2025&month=6")
    assert office.status_code == 200
    assert "泽州县" in office.content.decode()
    assert client.post("/reports/", {"unit": world.zezhou.pk, "year": 2025, "month": 6}).status_code == 403
    assert client.get(f"/reports/import/?unit={world.zezhou.pk}").status_code == 403
