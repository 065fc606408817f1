"""`/api/v1/projects/`: what a client reads, who sees what, and what it costs."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects.choices import ApprovalStatus, Stage
from projects.models import Approval, ApprovalKind, StageChange
from projects.services import project_transition
from tests.factories import FACTORY_HISTORY, AnnualPlanFactory, ProjectFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/projects/"
TOTALS = "/api/v1/projects/totals/"


def detail(pk) -> str:
    return f"/api/v1/projects/{pk}/"


def names(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["name"] for row in response.json()["results"]}


# --- list and detail representation -------------------------------------------------------------


def test_routes_are_named_under_the_api_namespace(world):
    assert reverse("api:project-list") == LIST
    assert reverse("api:project-detail", kwargs={"pk": 7}) == detail(7)
    assert reverse("api:project-totals") == TOTALS


def test_list_is_paginated_with_count_next_previous_results(client_for):
    body = client_for("office").get(LIST).json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 3
    assert body["next"] is None and body["previous"] is None


def test_list_row_carries_names_money_strings_and_dates(world, client_for):
    world.zz_project.code = "2503-140525-04-01-123456"
    world.zz_project.credit_code = "91140500MA0K123456"
    world.zz_project.key_level = "city"
    world.zz_project.save()
    rows = client_for("office").get(LIST, {"year": 2025}).json()["results"]
    row = next(r for r in rows if r["id"] == world.zz_project.pk)
    assert row == {
        "id": world.zz_project.pk,
        "code": "2503-140525-04-01-123456",
        "name": "泽州县巴公智能装备产业园",
        "county": "泽州县",
        "town": "巴公镇",
        "department": "市工业和信息化局",
        "reporting_unit": "泽州县",
        "stage": "construction",
        "stage_display": "在建",
        "key_level": "city",
        "key_level_display": "市级重点",
        "industry": "industry",
        "industry_display": "工业",
        "total_investment": "10000.00",
        "annual_planned": "1200.00",
        "construction_unit": world.zz_project.construction_unit,
        "credit_code": "91140500MA0K123456",
        "planned_start": "2025-03-01",
        "actual_start": "2025-03-15",
    }


def test_annual_planned_is_for_the_filter_year_and_null_without_a_plan(world, client_for):
    client = client_for("office")
    AnnualPlanFactory(
        project=world.zz_project, year=2026, planned_investment=Decimal("3456.70"), is_new=False
    )
    rows = {r["id"]: r for r in client.get(LIST, {"year": 2026}).json()["results"]}
    assert rows == {world.zz_project.pk: rows[world.zz_project.pk]}, (
        "year filters to projects planned that year"
    )
    assert rows[world.zz_project.pk]["annual_planned"] == "3456.70"
    # Without a year filter, this year's plan; a project without one shows null, not 0.
    no_plan = ProjectFactory(name="无计划项目", county=world.zezhou)
    body = client.get(LIST, {"search": "无计划项目"}).json()
    assert body["results"][0]["id"] == no_plan.pk
    assert body["results"][0]["annual_planned"] is None


def test_detail_adds_funding_flags_plans_approvals_and_stage_history(world, client_for):
    p = world.zz_project
    p.total_investment = Decimal("12345.60")
    p.fund_special_bond = Decimal("2345.60")
    p.fund_self_raised = Decimal("10000.00")
    p.is_private = True
    p.is_six_new = True
    p.save()
    Approval.objects.create(
        project=p,
        kind=ApprovalKind.objects.get(code="environment"),
        status=ApprovalStatus.DONE,
        actual_date=dt.date(2025, 1, 10),
        level="city",
        handler="李四",
    )
    project_transition(
        actor=world["zezhou"], project=p, to=Stage.COMPLETED, effective_date=dt.date(2025, 10, 1)
    )

    body = client_for("zezhou").get(detail(p.pk), {"year": 2025}).json()

    assert body["name"] == "泽州县巴公智能装备产业园"
    assert body["county"] == "泽州县" and body["department"] == "市工业和信息化局"
    assert body["stage"] == "completed" and body["stage_display"] == "竣工"
    assert body["annual_planned"] == "1200.00"
    assert body["total_investment"] == "12345.60"
    assert body["funding_total"] == "12345.60"
    funding = {f["source"]: (f["label"], f["amount"]) for f in body["funding"]}
    assert funding["fund_special_bond"] == ("地方政府专项债", "2345.60")
    assert funding["fund_self_raised"] == ("企业自筹", "10000.00")
    assert funding["fund_central_budget"] == ("中央预算内投资", "0.00")
    assert len(body["funding"]) == 8
    assert body["flags"] == [
        {"code": "is_private", "label": "民间投资"},
        {"code": "is_six_new", "label": "六新"},
    ]
    assert body["annual_plans"] == [
        {
            "year": 2025,
            "planned_investment": "1200.00",
            "is_new": False,
            "planned_start_month": None,
            "completes_this_year": False,
            "milestones": "",
        }
    ]
    assert body["approvals"] == [
        {
            "kind": "environment",
            "kind_name": "环评",
            "level": "city",
            "level_display": "市级",
            "status": "done",
            "status_display": "已办结",
            "planned_date": None,
            "actual_date": "2025-01-10",
            "responsible_leader": "",
            "handler": "李四",
            "note": "",
        }
    ]
    [change] = [c for c in body["stage_changes"] if c["reason"] != FACTORY_HISTORY]
    assert change["from_stage"] == "construction" and change["to_stage"] == "completed"
    assert change["to_stage_display"] == "竣工"
    assert change["actor"] == "zezhou"
    assert change["effective_date"] == "2025-10-01"
    assert body["actual_completion"] == "2025-10-01"


def test_detail_of_unknown_or_malformed_id_is_404(world, client_for):
    client = client_for("office")
    assert client.get(detail(999999)).status_code == 404
    assert client.get("/api/v1/projects/abc/").status_code == 404


# --- filters: the HTML list's query parameters ----------------------------------------------------


def test_filter_by_county_includes_its_towns(world, client_for):
    assert names(client_for("office").get(LIST, {"county": world.zezhou.pk})) == {
        "泽州县巴公智能装备产业园",
        "泽州县金村物流通道",
    }
    assert names(client_for("office").get(LIST, {"county": world.gaoping.pk})) == {"高平市米山新材料项目"}


def test_filter_by_stage_accepts_several_values(world, client_for):
    client = client_for("office")
    ProjectFactory(name="储备项目甲", county=world.zezhou, stage=Stage.RESERVE, actual_start=None)
    ProjectFactory(name="前期项目乙", county=world.gaoping, stage=Stage.PREWORK, actual_start=None)
    assert names(client.get(LIST, {"stage": "reserve"})) == {"储备项目甲"}
    assert names(client.get(f"{LIST}?stage=reserve&stage=prework")) == {"储备项目甲", "前期项目乙"}


def test_search_matches_name_code_and_construction_unit(world, client_for):
    client = client_for("office")
    world.gp_project.code = "2503-140581-04-01-654321"
    world.gp_project.save()
    assert names(client.get(LIST, {"search": "物流"})) == {"泽州县金村物流通道"}
    assert names(client.get(LIST, {"search": "654321"})) == {"高平市米山新材料项目"}
    assert names(client.get(LIST, {"search": world.zz_project.construction_unit})) == {
        "泽州县巴公智能装备产业园"
    }
    assert names(client.get(LIST, {"search": "不存在的项目"})) == set()


def test_page_size_and_page(world, client_for):
    client = client_for("office")
    first = client.get(LIST, {"page_size": 2, "ordering": "name"}).json()
    assert first["count"] == 3
    assert len(first["results"]) == 2
    assert "page=2" in first["next"] and "page_size=2" in first["next"]
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 1
    seen = [r["name"] for r in first["results"] + second["results"]]
    assert seen == sorted(seen)


def test_page_size_is_capped_at_500(world, client_for):
    response = client_for("office").get(LIST, {"page_size": 100000})
    assert response.status_code == 200
    assert response.json()["count"] == 3


def test_ordering_by_total_investment_both_ways(world, client_for):
    client = client_for("office")
    world.gp_project.total_investment = world.gp_project.fund_self_raised = Decimal("99999.00")
    world.gp_project.save()
    assert (
        client.get(LIST, {"ordering": "-total_investment"}).json()["results"][0]["name"]
        == "高平市米山新材料项目"
    )
    assert (
        client.get(LIST, {"ordering": "total_investment"}).json()["results"][-1]["name"]
        == "高平市米山新材料项目"
    )


def test_ordering_by_annual_planned(world, client_for):
    """The list offers `annual_planned` as a sort column; sorting by it must work."""
    plan = world.gp_project.annual_plans.get(year=2025)
    plan.planned_investment = Decimal("8000.00")
    plan.save()
    response = client_for("office").get(LIST, {"ordering": "-annual_planned", "year": 2025})
    assert response.status_code == 200, response.content[:300]
    assert response.json()["results"][0]["name"] == "高平市米山新材料项目"


def test_invalid_filter_value_is_a_400_with_the_field_named(world, client_for):
    response = client_for("office").get(LIST, {"stage": "flying"})
    assert response.status_code == 400
    assert "stage" in response.json()


# --- scoping -------------------------------------------------------------------------------------


def test_county_reporter_lists_only_its_county(world, client_for):
    assert names(client_for("zezhou").get(LIST)) == {"泽州县巴公智能装备产业园", "泽州县金村物流通道"}


def test_department_lists_the_project_it_leads(world, client_for):
    assert names(client_for("jtj").get(LIST)) == {"泽州县金村物流通道"}
    assert client_for("jtj").get(detail(world.zz_road.pk)).status_code == 200
    assert client_for("jtj").get(detail(world.zz_project.pk)).status_code == 404


def test_other_county_gets_404_not_403_on_a_zezhou_detail(world, client_for):
    response = client_for("gaoping").get(detail(world.zz_project.pk))
    assert response.status_code == 404
    assert "泽州" not in response.content.decode()


def test_user_without_organisation_sees_an_empty_list(world, client_for):
    body = client_for("outsider").get(LIST).json()
    assert body["count"] == 0 and body["results"] == []
    assert client_for("outsider").get(detail(world.zz_project.pk)).status_code == 404


def test_filtering_for_another_county_does_not_widen_the_scope(world, client_for):
    client = client_for("zezhou")
    assert names(client.get(LIST, {"county": world.gaoping.pk})) == set()
    assert names(client.get(LIST, {"search": "高平市米山新材料项目"})) == set()
    totals = client.get(TOTALS, {"county": world.gaoping.pk}).json()
    assert totals["count"] == 0 and totals["total_investment"] == "0.00"


# --- totals --------------------------------------------------------------------------------------


def test_totals_of_the_filtered_list(world, client_for):
    body = client_for("office").get(TOTALS, {"county": world.zezhou.pk, "year": 2025}).json()
    assert body == {"count": 2, "total_investment": "20000.00", "annual_planned": "2400.00", "year": 2025}


def test_totals_follow_the_users_scope(world, client_for):
    world.zz_road.total_investment = world.zz_road.fund_self_raised = Decimal("5000.50")
    world.zz_road.save()
    assert client_for("zezhou").get(TOTALS, {"year": 2025}).json() == {
        "count": 2,
        "total_investment": "15000.50",
        "annual_planned": "2400.00",
        "year": 2025,
    }
    assert client_for("office").get(TOTALS, {"year": 2025}).json()["total_investment"] == "25000.50"


def test_totals_count_matches_the_list_count_for_the_same_filters(world, client_for):
    client = client_for("office")
    params = {"stage": "construction", "search": "泽州县"}
    assert client.get(TOTALS, params).json()["count"] == client.get(LIST, params).json()["count"] == 2


def test_totals_default_year_is_this_year(world, client_for):
    from projects.filters import current_year

    assert client_for("office").get(TOTALS).json()["year"] == current_year()


# --- authentication and methods ------------------------------------------------------------------


def test_token_created_with_drf_create_token_authenticates(world, client):
    out = StringIO()
    call_command("drf_create_token", "zezhou", stdout=out)
    key = re.search(r"[0-9a-f]{40}", out.getvalue()).group(0)
    response = client.get(LIST, HTTP_AUTHORIZATION=f"Token {key}")
    assert names(response) == {"泽州县巴公智能装备产业园", "泽州县金村物流通道"}
    refused = client.get(LIST, HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert refused.status_code == 403
    assert "无效" in refused.json()["detail"] or "Invalid" in refused.json()["detail"]


def test_a_token_of_a_deactivated_user_no_longer_works(world, client):
    out = StringIO()
    call_command("drf_create_token", "gaoping", stdout=out)
    key = re.search(r"[0-9a-f]{40}", out.getvalue()).group(0)
    assert client.get(LIST, HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    world["gaoping"].is_active = False
    world["gaoping"].save()
    assert client.get(LIST, HTTP_AUTHORIZATION=f"Token {key}").status_code == 403


@pytest.mark.parametrize("url", [LIST, TOTALS, "detail"])
def test_anonymous_is_refused(world, client, url):
    # 403 rather than 401: session authentication comes first, and it sends no WWW-Authenticate challenge.
    url = detail(world.zz_project.pk) if url == "detail" else url
    response = client.get(url)
    assert response.status_code == 403
    assert "泽州" not in response.content.decode()


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_write_methods_are_not_allowed(world, client_for, method):
    client = client_for("office")
    url = LIST if method == "post" else detail(world.zz_project.pk)
    response = getattr(client, method)(url, data={"name": "x"}, content_type="application/json")
    assert response.status_code == 405
    world.zz_project.refresh_from_db()
    assert world.zz_project.name == "泽州县巴公智能装备产业园"


def test_anonymous_write_is_refused_before_method_check(world, client):
    assert client.post(LIST, data={}, content_type="application/json").status_code == 403


# --- query counts --------------------------------------------------------------------------------


def _many_projects(world, n):
    for i in range(n):
        p = ProjectFactory(
            name=f"批量项目{i:03d}", county=world.zezhou, town=world.bagong, department=world.jtj
        )
        AnnualPlanFactory(project=p, year=2025)


def _queries(client, url, params) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.json()


def test_list_query_count_does_not_grow_with_page_size(world, client_for, django_assert_max_num_queries):
    _many_projects(world, 50)
    client = client_for("zezhou")
    small, body5 = _queries(client, LIST, {"page_size": 5, "year": 2025})
    large, body50 = _queries(client, LIST, {"page_size": 50, "year": 2025})
    assert len(body5["results"]) == 5 and len(body50["results"]) == 50
    assert small == large, f"5 rows took {small} queries, 50 rows took {large}"
    # 9: the county filter reads the area's unit ids once, so the project queries use the indexes.
    with django_assert_max_num_queries(9):
        client.get(LIST, {"page_size": 50, "year": 2025, "county": world.zezhou.pk, "search": "批量"})


def test_detail_query_count_does_not_grow_with_history(world, client_for, django_assert_max_num_queries):
    client = client_for("office")
    p = world.zz_project
    few, _ = _queries(client, detail(p.pk), {})
    for year in range(2018, 2025):
        AnnualPlanFactory(project=p, year=year)
    for kind in ApprovalKind.objects.all():
        Approval.objects.create(project=p, kind=kind)
    for i in range(10):
        StageChange.objects.create(
            project=p, from_stage="", to_stage=Stage.CONSTRUCTION, actor=world["office"], reason=f"第{i}次"
        )
    many, body = _queries(client, detail(p.pk), {})
    assert (
        len(body["annual_plans"]) == 8 and len(body["approvals"]) == 8 and len(body["stage_changes"]) == 11
    )  # with the row the factory writes
    assert few == many
    with django_assert_max_num_queries(9):
        client.get(detail(p.pk))


def test_totals_query_count_is_fixed(world, client_for):
    _many_projects(world, 20)
    client = client_for("office")
    few, _ = _queries(client, TOTALS, {"county": world.gaoping.pk})
    many, body = _queries(client, TOTALS, {"county": world.zezhou.pk})
    assert body["count"] == 22
    assert few == many


# --- the API and the HTML list are one list ------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"stage": "construction", "ordering": "name"},
        {"search": "泽州县", "ordering": "-total_investment"},
        {"county": "zezhou", "year": 2025, "ordering": "-annual_planned"},
        {"department": "jtj"},
        {"industry": "transport"},
        {"page_size": 2, "page": 2, "ordering": "id"},
    ],
)
def test_api_rows_are_the_html_lists_rows(world, client_for, params):
    params = {k: getattr(world, v).pk if k in ("county", "department") else v for k, v in params.items()}
    world.gp_project.total_investment = world.gp_project.fund_self_raised = Decimal("777.00")
    world.gp_project.save()
    world.zz_road.annual_plans.update(planned_investment=Decimal("900.00"))
    # Past the last page the API answers 404 while the HTML list shows the last page: page 2 only for the office.
    for persona in ("office",) if "page" in params else ("office", "zezhou", "jtj"):
        client = client_for(persona)
        html_ids = [p.pk for p in client.get("/projects/", params).context["projects"]]
        api_ids = [row["id"] for row in client.get(LIST, params).json()["results"]]
        assert api_ids == html_ids, persona
    office = client_for("office")
    assert office.get(LIST, params).json()["results"], "each case selects at least one project for the office"


def test_detail_rejects_a_non_numeric_year(world, client_for):
    response = client_for("office").get(detail(world.zz_project.pk), {"year": "今年"})
    assert response.status_code == 400
    assert "year" in response.json()


def test_ties_in_the_sort_column_are_broken_by_newest_first_so_pages_never_overlap(world, client_for):
    """Sorting by a column with equal values must still give one fixed order, or page 2 repeats page 1's rows."""
    for i in range(6):
        ProjectFactory(name=f"同额项目{i}", county=world.zezhou)
    client = client_for("office")
    expected = sorted(
        (p["id"] for p in client.get(LIST, {"page_size": 100}).json()["results"]), reverse=True
    )  # all 9 projects have 10000.00
    for ordering in ("total_investment", "-total_investment", "stage", "county"):
        pages = [
            client.get(LIST, {"ordering": ordering, "page_size": 4, "page": n}).json()["results"]
            for n in (1, 2, 3)
        ]
        seen = [row["id"] for page in pages for row in page]
        assert sorted(seen) == sorted(expected), f"{ordering}: pages repeat or skip projects: {seen}"
        assert seen == expected, f"{ordering}: ties not in the default (newest first) order"
