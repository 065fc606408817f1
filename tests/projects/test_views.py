"""The project pages as users see them: list, dossier, forms, stage actions, roles and the English switch."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts import audit
from accounts.choices import AuditAction
from projects.choices import ApprovalStatus, Stage
from projects.models import AnnualPlan, Approval, ApprovalKind, Leader, Project, StageChange
from projects.models.project import FLAG_FIELDS, FUNDING_FIELDS
from projects.services import project_update
from projects.validators import credit_code_check_char
from tests.factories import AnnualPlanFactory, ProjectFactory

pytestmark = pytest.mark.django_db

LIST = "/projects/"


# ---------------------------------------------------------------- helpers
def valid_credit_code(body: str = "91140525MA0K12345") -> str:
    return body + credit_code_check_char(body)


def project_post_data(world, **overrides) -> dict:
    """A complete, valid ProjectForm POST for a 泽州县 project of 8,000 万元 (5,000 bond + 3,000 self-raised)."""
    data = {
        "name": "泽州县新建光伏储能一体化项目",
        "code": "2503-140525-04-01-123456",
        "nature": "new",
        "industry": "energy",
        "content": "建设 100MW 光伏电站及配套储能",
        "county": world.zezhou.pk,
        "town": world.bagong.pk,
        "address": "巴公镇东四义村",
        "longitude": "",
        "latitude": "",
        "construction_unit": "晋城市泽能新能源有限公司",
        "credit_code": valid_credit_code(),
        "department": world.fgw.pk,
        "manager": "李明",
        "manager_phone": "13800000000",
        "key_level": "city",
        "liaison_leader": "",
        "liaison_leader_name": "",
        "signing_date": "",
        "total_investment": "8000.00",
        "planned_start": "2025-04-01",
        "planned_completion": "2026-12-31",
        "actual_start": "",
        "actual_completion": "",
        "operation_date": "",
    }
    for name, _ in FUNDING_FIELDS:
        data[name] = "0"
    data["fund_special_bond"] = "5000.00"
    data["fund_self_raised"] = "3000.00"
    for name, _ in FLAG_FIELDS:
        data.pop(name, None)  # unchecked boxes are absent from a browser POST
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def edit_post_data(project: Project, **overrides) -> dict:
    """The edit form as the browser would send it back unchanged for `project`."""
    data = {}
    for name in (
        "name",
        "code",
        "nature",
        "industry",
        "content",
        "address",
        "construction_unit",
        "credit_code",
        "manager",
        "manager_phone",
        "key_level",
        "liaison_leader_name",
    ):
        data[name] = getattr(project, name)
    for name in ("county", "town", "department", "liaison_leader"):
        data[name] = getattr(project, f"{name}_id") or ""
    for name in ("longitude", "latitude"):
        value = getattr(project, name)
        data[name] = "" if value is None else str(value)
    for name in (
        "signing_date",
        "planned_start",
        "planned_completion",
        "actual_start",
        "actual_completion",
        "operation_date",
    ):
        value = getattr(project, name)
        data[name] = value.isoformat() if value else ""
    data["total_investment"] = str(project.total_investment)
    for name, _ in FUNDING_FIELDS:
        data[name] = str(getattr(project, name))
    for name, _ in FLAG_FIELDS:
        if getattr(project, name):
            data[name] = "on"
    data["version"] = project.version
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def total_on_page(html: str, key: str) -> str:
    """The figure shown in the list's totals bar, e.g. total_on_page(html, "count") → "2"."""
    match = re.search(rf'data-total="{key}">([^<]*)<', html)
    assert match, f"no total {key} on the page"
    return match.group(1)


def project_names_on_page(html: str) -> list[str]:
    """Project names in the list table, in display order."""
    return re.findall(r'<td class="col-name"><a href="/projects/\d+/">([^<]+)</a>', html)


def money(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def page(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# ---------------------------------------------------------------- project list


def test_zezhou_sees_only_its_county_count_and_sums(client_for, world):
    html = page(client_for("zezhou"), LIST, year=2025)
    assert total_on_page(html, "count") == "2"
    assert total_on_page(html, "total_investment") == "20,000.00"
    assert total_on_page(html, "annual_planned") == "2,400.00"
    assert sorted(project_names_on_page(html)) == ["泽州县巴公智能装备产业园", "泽州县金村物流通道"]
    assert "高平市米山新材料项目" not in html


def test_office_sees_the_whole_city(client_for, world):
    html = page(client_for("office"), LIST, year=2025)
    assert total_on_page(html, "count") == "3"
    assert total_on_page(html, "total_investment") == "30,000.00"
    assert total_on_page(html, "annual_planned") == "3,600.00"


def test_totals_follow_the_filters(client_for, world):
    html = page(client_for("office"), LIST, county=world.gaoping.pk, year=2025)
    assert total_on_page(html, "count") == "1"
    assert total_on_page(html, "total_investment") == "10,000.00"
    assert project_names_on_page(html) == ["高平市米山新材料项目"]
    html = page(client_for("office"), LIST, industry="transport")
    assert project_names_on_page(html) == ["泽州县金村物流通道"]


def test_the_county_filter_finds_its_towns_projects_through_the_county_column(client_for, world):
    from projects.filters import ProjectFilterSet
    from projects.models import Project

    ProjectFactory(name="米山镇项目", county=world.gaoping, town=world.mizhen)
    ProjectFactory(name="泽州县直项目", county=world.zezhou)
    html = page(client_for("office"), LIST, county=world.gaoping.pk)
    assert sorted(project_names_on_page(html)) == sorted(["高平市米山新材料项目", "米山镇项目"])
    # the city takes in every area's projects
    city = ProjectFilterSet({"county": world.city.pk}, queryset=Project.objects.all()).qs
    assert city.count() == Project.objects.count()
    # one indexed column, no `OR town_id IN …` to push the planner into scanning the table
    sql = str(ProjectFilterSet({"county": world.gaoping.pk}, queryset=Project.objects.all()).qs.query)
    assert '"county_id" IN' in sql and "town_id" not in sql.split("WHERE", 1)[1]


def test_search_does_not_leak_another_county(client_for, world):
    html = page(client_for("zezhou"), LIST, search="米山")
    assert total_on_page(html, "count") == "0"
    assert "高平市米山新材料项目" not in html
    assert "没有符合条件的项目" in html
    html = page(client_for("zezhou"), LIST, search="物流")
    assert project_names_on_page(html) == ["泽州县金村物流通道"]


def test_filters_by_stage_key_level_and_flag(client_for, world):
    Project.objects.filter(pk=world.zz_road.pk).update(stage=Stage.PREWORK, key_level="city", is_private=True)
    client = client_for("office")
    assert project_names_on_page(page(client, LIST, stage="prework")) == ["泽州县金村物流通道"]
    assert project_names_on_page(page(client, LIST, key_level="any")) == ["泽州县金村物流通道"]
    assert project_names_on_page(page(client, LIST, flag="is_private")) == ["泽州县金村物流通道"]
    html = page(client, LIST, stage=["construction"])
    assert total_on_page(html, "count") == "2"


def test_money_is_shown_with_thousands_separators(client_for, world):
    Project.objects.filter(pk=world.zz_project.pk).update(total_investment=Decimal("1234567.8"))
    html = page(client_for("zezhou"), LIST)
    assert "1,234,567.80" in html


def test_sorting_by_name_and_by_investment(client_for, world):
    Project.objects.filter(pk=world.zz_road.pk).update(total_investment=Decimal("50000.00"))
    client = client_for("office")
    by_name = project_names_on_page(page(client, LIST, ordering="name"))
    assert by_name == sorted(by_name)
    assert project_names_on_page(page(client, LIST, ordering="-total_investment"))[0] == "泽州县金村物流通道"
    assert project_names_on_page(page(client, LIST, ordering="total_investment"))[-1] == "泽州县金村物流通道"
    html = page(client, LIST, ordering="-total_investment")
    assert 'aria-sort="descending"' in html
    # the header link flips the direction and keeps the filters
    html = page(client, LIST, ordering="total_investment", county=world.zezhou.pk)
    assert f"?ordering=-total_investment&amp;county={world.zezhou.pk}" in html


def test_pagination_with_page_size(client_for, world):
    for i in range(30):
        ProjectFactory(name=f"泽州批量项目{i:02d}", county=world.zezhou)
    client = client_for("zezhou")
    html = page(client, LIST, page_size=10)
    assert len(project_names_on_page(html)) == 10
    assert total_on_page(html, "count") == "32"
    assert "第 1–10 个，共 32 个" in html
    html = page(client, LIST, page_size=10, page=4)
    assert len(project_names_on_page(html)) == 2
    assert "第 31–32 个，共 32 个" in html
    assert len(project_names_on_page(page(client, LIST))) == 25, "25 rows by default"


def test_page_size_is_capped_at_200(client_for, world):
    ProjectFactory.create_batch(205, county=world.zezhou)
    html = page(client_for("zezhou"), LIST, page_size=1000)
    assert len(project_names_on_page(html)) == 200
    assert total_on_page(html, "count") == "207"


def test_a_page_size_below_one_falls_back_to_the_default_as_in_the_api(client_for, world):
    ProjectFactory.create_batch(30, county=world.zezhou)
    client = client_for("zezhou")
    for size in ("-3", "0"):
        html = page(client, LIST, page_size=size, page="9999")
        assert len(project_names_on_page(html)) == 7, size
        assert "第 26–32 个，共 32 个" in html, size
        assert len(client.get("/api/v1/projects/", {"page_size": size}).json()["results"]) == 25, size


def test_outsider_sees_an_empty_list(client_for, world):
    html = page(client_for("outsider"), LIST)
    assert total_on_page(html, "count") == "0"
    assert "没有符合条件的项目" in html


def test_list_offers_new_project_only_to_writers(client_for, world):
    assert "/projects/new/" in page(client_for("zezhou"), LIST)
    assert "/projects/new/" not in page(client_for("leader"), LIST)
    assert "/projects/new/" not in page(client_for("stats"), LIST)


# ---------------------------------------------------------------- dossier


@pytest.fixture
def dossier_project(world):
    """泽州县 project with a matched leader, plans, approvals in every status and some history."""
    project = world.zz_project
    leader = Leader.objects.create(name="王建国", title="副县长", organisation=world.zezhou)
    Project.objects.filter(pk=project.pk).update(
        credit_code=valid_credit_code(),
        liaison_leader=leader,
        key_level="province_city",
        is_industrial=True,
        is_six_new=True,
        total_investment=Decimal("10000.00"),
        fund_self_raised=Decimal("6000.00"),
        fund_special_bond=Decimal("4000.00"),
    )
    AnnualPlanFactory(
        project=project,
        year=2026,
        planned_investment=Decimal("3500.00"),
        is_new=False,
        milestones="主体结构封顶",
    )
    kinds = {k.code: k for k in ApprovalKind.objects.all()}
    today = timezone.localdate()
    Approval.objects.create(
        project=project,
        kind=kinds["project_approval"],
        status=ApprovalStatus.DONE,
        actual_date=today - dt.timedelta(days=100),
    )
    Approval.objects.create(
        project=project, kind=kinds["environment"], status=ApprovalStatus.IN_PROGRESS, handler="赵六"
    )
    Approval.objects.create(project=project, kind=kinds["soil_water"], status=ApprovalStatus.NOT_APPLICABLE)
    StageChange.objects.create(project=project, from_stage="", to_stage=Stage.RESERVE, reason="新建项目")
    StageChange.objects.create(
        project=project, from_stage=Stage.RESERVE, to_stage=Stage.PREWORK, reason="完成立项"
    )
    project.refresh_from_db()
    project_update(actor=world["zezhou"], project=project, data={"manager": "张三", "is_high_tech": True})
    return project


def test_dossier_shows_the_record(client_for, world, dossier_project):
    html = page(client_for("zezhou"), f"/projects/{dossier_project.pk}/")
    for text in (
        "泽州县巴公智能装备产业园",
        "泽州县",
        "巴公镇",
        "市工业和信息化局",
        valid_credit_code(),
        "王建国（副县长）",
        "省级重点（省定市管）",
        "工业项目",
        "六新",
        "高技术产业",
        "地方政府专项债",
        "4,000.00",
        "6,000.00",
        "10,000.00",
        "3,500.00",
        "主体结构封顶",
        "月度进展",
    ):
        assert text in html, text
    assert "未匹配" not in html


def test_dossier_colours_the_approvals_checklist(client_for, world, dossier_project):
    html = page(client_for("zezhou"), f"/projects/{dossier_project.pk}/")

    def row(code):
        match = re.search(rf'<tr class="([^"]*)" data-approval="{code}">(.*?)</tr>', html, re.S)
        assert match, code
        return match.group(1), match.group(2)

    assert row("project_approval")[0] == "table-success" and "已办结" in row("project_approval")[1]
    assert row("environment")[0] == "table-warning" and "办理中" in row("environment")[1]
    assert "不涉及" in row("soil_water")[1] and row("soil_water")[0] == "text-body-tertiary"
    assert "未填报" in row("construction_permit")[1], "kinds not yet recorded are listed too"


def test_dossier_shows_stage_timeline_and_change_history_with_chinese_labels(
    client_for, world, dossier_project
):
    html = page(client_for("zezhou"), f"/projects/{dossier_project.pk}/")
    assert "完成立项" in html
    history = html[html.index('id="history"') :]
    assert "项目负责人" in history and "张三" in history
    assert "高技术产业" in history and "<del>否</del> → <ins>是</ins>" in history
    assert "manager" not in history


def test_unmatched_leader_name_is_shown_with_a_badge(client_for, world):
    Project.objects.filter(pk=world.zz_road.pk).update(liaison_leader_name="李四")
    html = page(client_for("zezhou"), f"/projects/{world.zz_road.pk}/")
    assert "李四" in html and "未匹配" in html


def test_dossier_offers_the_allowed_actions_only(client_for, world):
    url = f"/projects/{world.zz_project.pk}/"
    html = page(client_for("zezhou"), url)
    assert f"/projects/{world.zz_project.pk}/edit/" in html
    assert "?to=completed" in html and "?to=suspended" in html
    assert "?to=operation" not in html, "a reporter cannot skip a stage"
    office = page(client_for("office"), url)
    # The office may step back (a forced move); a skip to 投产 waits for the completion date.
    assert "?to=prework" in office and "专班办理" in office
    assert "?to=operation" not in office
    leader = page(client_for("leader"), url)
    assert "/edit/" not in leader and "?to=" not in leader


def test_history_reads_in_labels_and_keeps_fields_since_removed(client_for, world):
    project = world.zz_project
    audit.record(
        actor=world["zezhou"],
        action=AuditAction.UPDATE,
        instance=project,
        changes={"total_investment": ["8000", "8500.5"], "retired_field": ["旧值", "新值"]},
    )
    html = page(client_for("zezhou"), f"/projects/{project.pk}/history/")
    assert "总投资" in html and "8,000.00" in html and "8,500.50" in html
    assert "retired_field" in html and "旧值" in html and "新值" in html


def test_history_is_cut_at_50_with_a_link_to_all(client_for, world):
    project = world.zz_project
    for i in range(55):
        audit.record(
            actor=world["zezhou"],
            action=AuditAction.UPDATE,
            instance=project,
            changes={"manager": [f"甲{i}", f"乙{i}"]},
        )
    html = page(client_for("zezhou"), f"/projects/{project.pk}/")
    assert "乙54" in html and "乙4<" not in html
    assert f"/projects/{project.pk}/history/" in html
    full = page(client_for("zezhou"), f"/projects/{project.pk}/history/", page=2)
    assert "乙4<" in full


def test_out_of_scope_dossier_is_404(client_for, world):
    client = client_for("gaoping")
    for suffix in ("", "edit/", "history/", "transition/?to=completed", "plans/new/", "approvals/new/"):
        assert client.get(f"/projects/{world.zz_project.pk}/{suffix}").status_code == 404, suffix
    assert client_for("outsider").get(f"/projects/{world.zz_project.pk}/").status_code == 404


def test_refusals_are_portal_pages_that_say_why_in_chinese(client_for, world):
    refused = client_for("leader").get(f"/projects/{world.zz_project.pk}/edit/")
    assert refused.status_code == 403
    html = refused.content.decode()
    assert "没有权限" in html and "您没有修改该项目的权限。" in html and 'href="/"' in html
    missing = client_for("gaoping").get(f"/projects/{world.zz_project.pk}/")
    assert missing.status_code == 404
    html = missing.content.decode()
    assert "不在您的查看范围内" in html and world.zz_project.name not in html


# ---------------------------------------------------------------- create and edit


def errors_of(response) -> str:
    """The re-shown form of a refused POST (a refusal is the form again, not a redirect or an error page)."""
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_reporter_creates_a_project(client_for, world):
    client = client_for("zezhou")
    assert '<h1 class="h4 mb-3">新建项目</h1>' in page(client, "/projects/new/")
    response = client.post("/projects/new/", project_post_data(world))
    project = Project.objects.get(name="泽州县新建光伏储能一体化项目")
    assert response.status_code == 302
    assert response["Location"] == f"/projects/{project.pk}/"
    assert project.total_investment == Decimal("8000.00")
    assert project.fund_special_bond == Decimal("5000.00")
    assert project.reporting_unit == world.zezhou
    assert project.created_by == world["zezhou"]
    assert project.stage == Stage.RESERVE
    html = page(client, response["Location"])
    assert "已新建" in html and "8,000.00" in html
    assert audit.history_for(project).filter(action=AuditAction.CREATE).count() == 1


def test_department_reporter_creates_a_project_it_is_responsible_for(client_for, world):
    client = client_for("jtj")
    data = project_post_data(
        world, department=world.jtj.pk, county=world.gaoping.pk, town=world.mizhen.pk, code=""
    )
    response = client.post("/projects/new/", data)
    assert response.status_code == 302, errors_of(response)
    project = Project.objects.get(name=data["name"])
    assert project.department == world.jtj and project.reporting_unit == world.jtj


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"fund_self_raised": "2000.00"}, "资金来源合计 7000.00 万元与总投资 8000.00 万元不一致。"),
        (
            {"fund_special_bond": "0", "fund_self_raised": "0"},
            "资金来源合计 0.00 万元与总投资 8000.00 万元不一致。",
        ),
        (
            {"planned_start": "2026-06-01", "planned_completion": "2026-01-01"},
            "计划竣工日期不能早于计划开工日期。",
        ),
        ({"total_investment": "-5", "fund_special_bond": "-5", "fund_self_raised": "0"}, "金额不能为负数。"),
        ({"credit_code": "91140525MA0K123450"}, "统一社会信用代码校验位错误"),
        ({"credit_code": "9114052"}, "统一社会信用代码应为18位"),
        ({"code": "2503-140525-04-123456"}, "项目代码格式应为"),
        ({"code": "2513-140525-04-01-123456"}, "月份 13 无效"),
    ],
)
def test_create_refuses_bad_input_with_a_chinese_message(client_for, world, overrides, message):
    if "credit_code" in overrides and len(overrides["credit_code"]) == 18:
        # make sure the code differs from the valid one only by its check character
        body = overrides["credit_code"][:17]
        wrong = "0" if credit_code_check_char(body) != "0" else "1"
        overrides["credit_code"] = body + wrong
    response = client_for("zezhou").post("/projects/new/", project_post_data(world, **overrides))
    assert message in errors_of(response)
    assert not Project.objects.filter(name="泽州县新建光伏储能一体化项目").exists()


def test_town_must_belong_to_the_county(client_for, world):
    response = client_for("office").post("/projects/new/", project_post_data(world, town=world.mizhen.pk))
    assert "所选乡镇不属于该县（市、区）。" in errors_of(response)
    assert not Project.objects.filter(name="泽州县新建光伏储能一体化项目").exists()


def test_county_reporter_picks_only_its_own_county_and_towns(client_for, world):
    html = page(client_for("zezhou"), "/projects/new/")
    county_select = html[html.index('name="county"') : html.index("</select>", html.index('name="county"'))]
    assert "泽州县" in county_select and "高平市" not in county_select
    town_select = html[html.index('name="town"') : html.index("</select>", html.index('name="town"'))]
    assert "巴公镇" in town_select and "米山镇" not in town_select
    response = client_for("zezhou").post(
        "/projects/new/", project_post_data(world, county=world.gaoping.pk, town=world.mizhen.pk)
    )
    assert "选择一个有效的选项" in errors_of(response)
    assert not Project.objects.filter(name="泽州县新建光伏储能一体化项目").exists()


def test_edit_saves_and_records_the_change(client_for, world):
    project = world.zz_project
    client = client_for("zezhou")
    form = page(client, f"/projects/{project.pk}/edit/")
    assert '<h1 class="h4 mb-3">编辑项目</h1>' in form and f'value="{project.name}"' in form
    response = client.post(f"/projects/{project.pk}/edit/", edit_post_data(project, manager="陈工"))
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.manager == "陈工" and project.version == 2
    html = page(client, f"/projects/{project.pk}/")
    assert "项目信息已保存" in html and "陈工" in html


def test_edit_with_a_stale_version_is_refused_without_overwriting(client_for, world):
    project = world.zz_project
    stale = edit_post_data(project, manager="我的修改")
    project_update(actor=world["office"], project=project, data={"manager": "别人的修改"})
    response = client_for("zezhou").post(f"/projects/{project.pk}/edit/", stale)
    assert response.status_code == 409
    assert "该记录已被他人修改，请刷新页面后重新填写。您的修改未保存。" in response.content.decode()
    project.refresh_from_db()
    assert project.manager == "别人的修改"


def test_edit_refuses_funding_that_does_not_add_up(client_for, world):
    project = world.zz_project
    response = client_for("zezhou").post(
        f"/projects/{project.pk}/edit/", edit_post_data(project, total_investment="12000.00")
    )
    assert "资金来源合计 10000.00 万元与总投资 12000.00 万元不一致。" in errors_of(response)
    project.refresh_from_db()
    assert project.total_investment == Decimal("10000.00") and project.version == 1


# ---------------------------------------------------------------- annual plans and approvals


def test_add_edit_and_delete_an_annual_plan(client_for, world):
    project = world.zz_project
    client = client_for("zezhou")
    response = client.post(
        f"/projects/{project.pk}/plans/new/",
        {
            "year": 2026,
            "planned_investment": "4200.50",
            "planned_start_month": "",
            "milestones": "设备安装",
        },
    )
    assert response.status_code == 302
    plan = AnnualPlan.objects.get(project=project, year=2026)
    assert plan.planned_investment == Decimal("4200.50")
    assert "4,200.50" in page(client, f"/projects/{project.pk}/")
    response = client.post(
        f"/projects/{project.pk}/plans/{plan.pk}/edit/",
        {
            "year": 2026,
            "planned_investment": "5000",
            "is_new": "on",
            "planned_start_month": "3",
        },
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.planned_investment == Decimal("5000.00") and plan.is_new and plan.planned_start_month == 3
    confirm = page(client, f"/projects/{project.pk}/plans/{plan.pk}/delete/")
    assert "确定删除“泽州县巴公智能装备产业园”的 2026 年度计划（计划投资 5,000.00 万元）吗" in confirm
    assert f'<a href="/projects/{project.pk}/">泽州县巴公智能装备产业园</a>' in confirm, (
        "breadcrumb back to the dossier"
    )
    assert "data-confirm" not in confirm, "the page is the confirmation: no second dialog"
    assert client.post(f"/projects/{project.pk}/plans/{plan.pk}/delete/").status_code == 302
    assert not AnnualPlan.objects.filter(pk=plan.pk).exists()
    assert audit.history_for(project).filter(action=AuditAction.DELETE).count() == 1


def test_plan_and_approval_forms_lead_back_to_their_section_of_the_dossier(client_for, world):
    project = world.zz_project
    client = client_for("zezhou")
    dossier = f"/projects/{project.pk}/"
    for url, crumb, anchor in (
        (f"{dossier}plans/new/", "新增年度计划", "#plans"),
        (f"{dossier}approvals/new/", "前期手续", "#approvals"),
        (f"{dossier}transition/?to=suspended", "阶段变更", ""),
    ):
        html = page(client, url)
        assert f'<a href="{dossier}">{project.name}</a>' in html, url
        assert f'aria-current="page">{crumb}</li>' in html, url
        assert f'href="{dossier}{anchor}">取消</a>' in html, url


def test_annual_plan_messages(client_for, world):
    project = world.zz_project
    client = client_for("zezhou")
    duplicate = client.post(f"/projects/{project.pk}/plans/new/", {"year": 2025, "planned_investment": "1"})
    assert "该项目已有 2025 年度计划" in errors_of(duplicate)
    new_without_month = client.post(
        f"/projects/{project.pk}/plans/new/", {"year": 2027, "planned_investment": "1", "is_new": "on"}
    )
    assert "新开工项目须填写计划开工月份。" in errors_of(new_without_month)
    negative = client.post(f"/projects/{project.pk}/plans/new/", {"year": 2027, "planned_investment": "-1"})
    assert "金额不能为负数。" in errors_of(negative)
    assert not AnnualPlan.objects.filter(project=project, year=2027).exists()


def test_record_and_edit_an_approval(client_for, world):
    project = world.zz_project
    kind = ApprovalKind.objects.get(code="environment")
    client = client_for("zezhou")
    form = page(client, f"/projects/{project.pk}/approvals/new/", kind=kind.pk)
    assert f'<option value="{kind.pk}" selected>' in form
    done_without_date = client.post(
        f"/projects/{project.pk}/approvals/new/",
        {
            "kind": kind.pk,
            "level": "city",
            "status": "done",
        },
    )
    assert "已办结的手续须填写实际办结日期。" in errors_of(done_without_date)
    response = client.post(
        f"/projects/{project.pk}/approvals/new/",
        {
            "kind": kind.pk,
            "level": "city",
            "status": "in_progress",
            "handler": "赵六",
        },
    )
    assert response.status_code == 302
    approval = Approval.objects.get(project=project, kind=kind)
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    response = client.post(
        f"/projects/{project.pk}/approvals/{approval.pk}/edit/",
        {
            "level": "city",
            "status": "done",
            "actual_date": yesterday,
            "handler": "赵六",
        },
    )
    assert response.status_code == 302
    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.DONE and approval.kind == kind
    html = page(client, f"/projects/{project.pk}/")
    assert re.search(r'<tr class="table-success" data-approval="environment">', html)


# ---------------------------------------------------------------- stage actions


def transition_url(project, to=None):
    return f"/projects/{project.pk}/transition/" + (f"?to={to}" if to else "")


def test_transition_confirmation_asks_for_the_date_the_stage_needs(client_for, world):
    project = world.zz_project
    html = page(client_for("zezhou"), transition_url(project, "completed"))
    assert "确认变更" in html and "实际竣工日期" in html and 'name="effective_date"' in html
    html = page(client_for("zezhou"), transition_url(project, "suspended"))
    assert 'name="effective_date"' not in html and 'name="reason"' in html


def test_transition_without_the_date_shows_the_guard_message(client_for, world):
    project = world.zz_project
    response = client_for("zezhou").post(transition_url(project), {"to": "completed", "reason": ""})
    assert "变更为“竣工”须填写实际竣工日期。" in errors_of(response)
    project.refresh_from_db()
    assert project.stage == Stage.CONSTRUCTION


def test_transition_with_a_future_date_is_refused(client_for, world):
    project = world.zz_project
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = client_for("zezhou").post(
        transition_url(project), {"to": "completed", "effective_date": tomorrow}
    )
    assert "实际竣工日期不能晚于今天。" in errors_of(response)


def test_transition_completes_the_project(client_for, world):
    project = world.zz_project
    client = client_for("zezhou")
    day = (timezone.localdate() - dt.timedelta(days=2)).isoformat()
    response = client.post(
        transition_url(project), {"to": "completed", "effective_date": day, "reason": "通过验收"}
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.stage == Stage.COMPLETED and project.actual_completion.isoformat() == day
    html = page(client, f"/projects/{project.pk}/")
    assert "项目阶段已变更为“竣工”。" in html and "通过验收" in html


def test_suspending_needs_a_reason(client_for, world):
    response = client_for("zezhou").post(transition_url(world.zz_project), {"to": "suspended", "reason": " "})
    assert "暂停项目须填写原因。" in errors_of(response)


def test_reporter_cannot_skip_a_stage(client_for, world):
    response = client_for("zezhou").post(
        transition_url(world.zz_project), {"to": "operation", "reason": "跳过"}
    )
    assert "您不能将该项目变更为所选阶段：跨阶段或退回须由专班办公室办理。" in errors_of(response)
    world.zz_project.refresh_from_db()
    assert world.zz_project.stage == Stage.CONSTRUCTION


def test_office_skips_only_with_a_reason(client_for, world):
    project = world.zz_project
    client = client_for("office")
    html = page(client, transition_url(project, "reserve"))
    assert "跨阶段或退回，须由专班办公室办理并说明原因" in html
    response = client.post(transition_url(project), {"to": "reserve", "reason": ""})
    assert "跨阶段或退回阶段须填写原因。" in errors_of(response)
    response = client.post(transition_url(project), {"to": "reserve", "reason": "前期手续被撤销"})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.stage == Stage.RESERVE


# ---------------------------------------------------------------- who may write


def write_pages(world):
    pk = world.zz_project.pk
    plan = world.zz_project.annual_plans.get()
    return [
        "/projects/new/",
        f"/projects/{pk}/edit/",
        f"/projects/{pk}/transition/?to=completed",
        f"/projects/{pk}/plans/new/",
        f"/projects/{pk}/plans/{plan.pk}/edit/",
        f"/projects/{pk}/plans/{plan.pk}/delete/",
        f"/projects/{pk}/approvals/new/",
    ]


@pytest.mark.parametrize("persona", ["leader", "stats"])
def test_leaders_and_statistics_get_403_on_every_write_page(client_for, world, persona):
    client = client_for(persona)
    for url in write_pages(world):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {}).status_code == 403, url
    assert world.zz_project.annual_plans.count() == 1


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("zezhou", 200),
        ("zezhou_head", 200),
        ("office", 200),
        ("admin", 200),
        ("leader", 403),
        ("stats", 403),
        ("gaoping", 404),
        ("jtj", 404),
        ("outsider", 404),
    ],
)
def test_edit_page_matrix(client_for, world, persona, status):
    assert client_for(persona).get(f"/projects/{world.zz_project.pk}/edit/").status_code == status


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("zezhou", 200),
        ("office", 200),
        ("leader", 200),
        ("stats", 200),
        ("jtj", 200),
        ("gaoping", 404),
        ("outsider", 404),
    ],
)
def test_dossier_matrix(client_for, world, persona, status):
    # 市交通局 is the responsible department of the 金村 road
    assert client_for(persona).get(f"/projects/{world.zz_road.pk}/").status_code == status


def test_anonymous_is_sent_to_login(client, world):
    response = client.get(LIST)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


# ---------------------------------------------------------------- home, profile and language


def test_home_of_a_county_reporter(client_for, world):
    html = page(client_for("zezhou"), "/")
    assert re.search(r'data-stat="count">2<', html)
    assert re.search(r'data-stage="construction">2 个<', html)
    assert "/projects/new/" in html and "按县（市、区）" not in html


def test_home_of_the_office_has_the_county_table(client_for, world):
    html = page(client_for("office"), "/")
    assert re.search(r'data-stat="count">3<', html)
    table = html[html.index("按县（市、区）") :]
    assert "泽州县" in table and "高平市" in table
    assert f"?county={world.zezhou.pk}" in table


def test_home_of_a_leader_is_read_only(client_for, world):
    html = page(client_for("leader"), "/")
    assert "只读" in html and "/projects/new/" not in html
    assert re.search(r'data-stat="count">3<', html)


def test_home_of_an_account_without_unit_explains_why_it_is_empty(client_for, world):
    html = page(client_for("outsider"), "/")
    assert "尚未关联单位或角色" in html
    assert "data-stat" not in html


def test_profile_shows_organisation_and_roles(client_for, world):
    html = page(client_for("zezhou_head"), "/accounts/profile/")
    assert "泽州县" in html and "审核员" in html


def test_menu_by_role(client_for, world):
    assert "/projects/import/" in page(client_for("zezhou"), "/")
    assert "/projects/import/" not in page(client_for("leader"), LIST)


def test_switching_to_english_translates_the_chrome(client_for, world):
    client = client_for("zezhou")
    assert "项目库" in page(client, "/")
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = page(client, "/")
    assert "Projects" in html and "Sign out" in html and "Change password" in html
    assert '<html lang="en">' in html
    assert ">项目库<" not in html
    assert "Project name" in page(client, LIST)
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "项目库" in page(client, "/")


def test_sorting_by_annual_plan(client_for, world):
    """Sorts on the plan of the year shown (this year by default); projects without one come last."""
    this_year = timezone.localdate().year
    AnnualPlanFactory(project=world.zz_road, year=this_year, planned_investment=Decimal("9000.00"))
    AnnualPlanFactory(project=world.zz_project, year=this_year, planned_investment=Decimal("1200.00"))
    client = client_for("office")
    names = project_names_on_page(page(client, LIST, ordering="-annual_planned"))
    assert names == ["泽州县金村物流通道", "泽州县巴公智能装备产业园", "高平市米山新材料项目"]
    names = project_names_on_page(page(client, LIST, ordering="annual_planned"))
    assert names == ["泽州县巴公智能装备产业园", "泽州县金村物流通道", "高平市米山新材料项目"]


def test_filter_form_keeps_the_chosen_stages_and_offers_all(client_for, world):
    html = page(client_for("office"), LIST, stage=["construction", "prework"])
    assert re.search(r'name="stage" value="construction" id="[^"]+" checked', html)
    assert re.search(r'name="stage" value="prework" id="[^"]+" checked', html)
    assert not re.search(r'name="stage" value="reserve" id="[^"]+" checked', html)
    assert '<option value="" selected>全部</option>' in html
    assert "---------" not in html


def test_home_does_not_link_city_level_projects_as_a_county(client_for, world):
    ProjectFactory(name="晋城市本级项目", county=world.city)
    html = page(client_for("office"), "/")
    table = html[html.index("按县（市、区）") :]
    assert "（市本级）" in table
    assert f"?county={world.city.pk}" not in table


def test_monthly_report_links_follow_the_role(client_for, world):
    reporter = page(client_for("zezhou"), "/")
    assert 'href="/reports/"' in reporter and 'href="/reports/review/"' not in reporter
    reviewer = page(client_for("zezhou_head"), "/")
    assert 'href="/reports/review/"' in reviewer and "审核月度填报" in reviewer
    office = page(client_for("office"), LIST)
    assert 'href="/reports/review/"' in office and 'href="/reports/office/"' in office
    leader = page(client_for("leader"), LIST)
    assert 'href="/reports/office/"' in leader and 'href="/reports/review/"' not in leader
    assert 'href="/reports/' not in page(client_for("outsider"), "/")


def test_town_reporter_creates_a_project_in_its_town(client, world):
    from tests.factories import make_user

    client.force_login(make_user("bagong", world.bagong, "reporter"))
    response = client.post("/projects/new/", project_post_data(world))
    assert response.status_code == 302, errors_of(response)
    project = Project.objects.get(name="泽州县新建光伏储能一体化项目")
    assert project.county == world.zezhou and project.reporting_unit == world.bagong
    assert "泽州县新建光伏储能一体化项目" in page(client, f"/projects/{project.pk}/")


def test_bad_filter_values_show_an_error_and_no_rows(client_for, world):
    html = page(client_for("office"), LIST, county="not-a-number", page="999", page_size="abc")
    assert total_on_page(html, "count") == "0"
    assert "选择一个有效的选项" in html
    html = page(client_for("office"), LIST, page="999")
    assert total_on_page(html, "count") == "3" and len(project_names_on_page(html)) == 3, "last page shown"


def test_a_bad_filter_is_named_by_its_label(client_for, world):
    html = page(client_for("office"), LIST, county="not-a-number")
    errors = html.split("data-filter-errors>", 1)[1].split("</div></div>", 1)[0]
    assert errors.startswith("<div>县（市、区）：选择一个有效的选项") and "county" not in errors


def test_project_form_reads_amounts_as_the_ledger_and_the_grid_do(client_for, world):
    data = project_post_data(
        world, total_investment="8,000", fund_special_bond="５０００．００", fund_self_raised="3000万元"
    )
    response = client_for("zezhou").post("/projects/new/", data)
    assert response.status_code == 302, errors_of(response)
    project = Project.objects.get(name=data["name"])
    assert (project.total_investment, project.fund_special_bond, project.fund_self_raised) == (
        Decimal("8000.00"),
        Decimal("5000.00"),
        Decimal("3000.00"),
    )


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("NaN", "“NaN”不是有效的金额（万元）"),
        ("1e400", "金额过大，请核对单位（万元）"),
        ("1e20", "金额过大，请核对单位（万元）"),
        ("12.345", "金额最多保留两位小数（万元）"),
        ("-5", "金额不能为负数。"),
    ],
)
def test_project_form_refuses_unreadable_amounts_in_chinese(client_for, world, typed, message):
    response = client_for("zezhou").post("/projects/new/", project_post_data(world, total_investment=typed))
    assert message in errors_of(response)
    assert not Project.objects.filter(name="泽州县新建光伏储能一体化项目").exists()


def test_content_longer_than_an_excel_cell_is_refused_with_its_limit(client_for, world):
    """Issue 14: what cannot be exported whole is refused on input, so an export re-uploads unchanged."""
    project = world.zz_project
    response = client_for("zezhou").post(
        f"/projects/{project.pk}/edit/", edit_post_data(project, content="很" * 32768)
    )
    assert response.status_code in (200, 400)
    assert "建设规模及内容不能超过 32,767 个字" in errors_of(response)
    project.refresh_from_db()
    assert len(project.content) < 32768
