"""The leaders' dashboards as their users see them: the bulletin's sentences for a fixture month,
the same figures on the dashboard, in the bulletin and in the API, each a link to its projects;
counties see their own area and the published ranking only; published things stay frozen; the
cache follows approvals; exports reopen; query counts stay flat."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from dashboards import services
from dashboards.choices import BulletinStatus
from dashboards.models import AreaOutline, Bulletin, RacePublication, Target
from projects.models import AnnualPlan
from tests.factories import ProjectFactory

from .conftest import approve

pytestmark = pytest.mark.django_db
D = Decimal
OCT = {"year": 2025, "month": 10}


def figure(html: str, name: str) -> str:
    match = re.search(rf'data-figure="{name}"[^>]*>([^<]*)<', html)
    assert match, f"no data-figure={name}"
    return match.group(1).strip()


def text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def new_bulletin(client, **extra):
    response = client.post(reverse("dashboards:bulletin_create"), {**OCT, **extra})
    assert response.status_code == 302
    return Bulletin.objects.latest("id")


# --- the bulletin's sentences -------------------------------------------------------------------


def test_octobers_bulletin_reads_as_the_office_writes_it(october, client_for):
    office = client_for("office")
    bulletin = new_bulletin(office)
    body = text(office.get(reverse("dashboards:bulletin_detail", args=[bulletin.pk])).content.decode())
    # Plans 1200·3 + 1000 = 4600; approved 600 + 300 + 1200 = 2100 → 0.2亿元; 2100/4600 = 45.65… → 45.7%;
    # gap (2100·1200 − 10·100·4600)/(12·4600) = −37.68… → 低于 37.7
    assert "全市安排年度计划项目4项，总投资4.0亿元，年度投资计划0.5亿元。" in body
    assert "1-10月累计完成投资0.2亿元，占年度投资计划的45.7%，低于时间进度37.7个百分点" in body
    assert (
        "本年度计划开工项目1项，实际已开工1项，完成年度计划开工的100.0%，其中提前开工0项，未按计划开工0项"
        in body
    )
    assert "续建项目3项，已复工3项，复工率100.0%；开复工项目4个，开复工率100.0%" in body
    assert "泽州县完成投资0.1亿元，完成率26.5%；高平市完成投资0.1亿元，完成率100.0%" in body


def test_every_bulletin_figure_equals_the_dashboards_and_links_to_its_projects(october, client_for):
    office = client_for("office")
    bulletin = new_bulletin(office)
    page = office.get(reverse("dashboards:bulletin_detail", args=[bulletin.pk])).content.decode()
    dashboard = office.get(reverse("dashboards:city"), OCT).content.decode()
    for name in ("ytd_yi", "plan_yi", "completion_rate", "gap_points", "started", "new_planned", "resumed"):
        assert figure(page, name) == figure(dashboard, name).rstrip("%"), name
    links = re.findall(r'class="bulletin-figure" data-figure="(\w+)" href="([^"]+)"', page)
    assert len(links) >= 20
    started = dict(links)["started"].replace("&amp;", "&")
    drill = office.get(started).content.decode()
    assert (
        figure(drill.replace('id="drill-count"', 'data-figure="count"'), "count")
        == figure(page, "started")
        == "1"
    )
    assert "泽州县新开工光伏项目" in drill


def test_the_office_edits_the_prose_and_publishing_freezes_the_figures(october, client_for):
    office = client_for("office")
    bulletin = new_bulletin(office)
    edit = reverse("dashboards:bulletin_edit", args=[bulletin.pk])
    response = office.post(
        edit,
        {
            "title": "十月通报",
            "body": "截至10月，全市完成[[ytd_yi]]亿元，完成率[[completion_rate]]%。",
            "version": 1,
        },
    )
    assert response.status_code == 302
    stale = office.post(edit, {"title": "旧版", "body": "x", "version": 1})
    assert "已被他人修改" in stale.content.decode()
    bad = office.post(edit, {"title": "十月通报", "body": "完成[[nonsense]]", "version": 2})
    assert "未知的数据标记：nonsense" in bad.content.decode()
    office.post(reverse("dashboards:bulletin_publish", args=[bulletin.pk]))
    bulletin.refresh_from_db()
    assert bulletin.status == BulletinStatus.PUBLISHED and bulletin.as_of is not None
    from scheduling.models import Notification

    told = Notification.objects.filter(kind="bulletin_published", key=f"bulletin:{bulletin.pk}")
    assert {"leader", "zezhou", "jtj"} <= set(told.values_list("recipient__username", flat=True))
    office.post(reverse("dashboards:bulletin_publish", args=[bulletin.pk]))  # again: nobody told twice
    assert Notification.objects.filter(kind="bulletin_published").count() == told.count()
    approve(october, october.zz_new, 2025, 10, "2000")  # after publication
    page = text(office.get(reverse("dashboards:bulletin_detail", args=[bulletin.pk])).content.decode())
    assert "截至10月，全市完成0.2亿元，完成率45.7%。" in page
    dashboard = office.get(reverse("dashboards:city"), OCT).content.decode()
    assert figure(dashboard, "completion_rate") == "89.1%"  # 4100 / 4600, the cache followed the approval
    assert office.get(edit).status_code == 302  # published: no more editing


def test_word_and_excel_exports_reopen_with_the_sentences(october, client_for):
    from docx import Document

    office = client_for("office")
    bulletin = new_bulletin(office)
    docx = office.get(reverse("dashboards:bulletin_docx", args=[bulletin.pk]))
    assert docx["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    paragraphs = [p.text for p in Document(io.BytesIO(docx.content)).paragraphs]
    assert paragraphs[0] == bulletin.title
    assert any("占年度投资计划的45.7%，低于时间进度37.7个百分点" in p for p in paragraphs)
    xlsx = office.get(reverse("dashboards:bulletin_xlsx", args=[bulletin.pk]))
    wb = load_workbook(io.BytesIO(xlsx.content))
    values = {row[1]: row[2] for row in wb["数据"].iter_rows(min_row=2, values_only=True)}
    assert values["completion_rate"] == "45.7" and values["started"] == "1"


def test_counties_read_published_bulletins_of_the_city_and_their_own_area_only(october, client_for):
    office = client_for("office")
    city = new_bulletin(office)
    gaoping = new_bulletin(office, area=october.gaoping.pk)
    zezhou = client_for("zezhou")
    assert zezhou.get(reverse("dashboards:bulletin_detail", args=[city.pk])).status_code == 404  # a draft
    services.bulletin_publish(actor=october["office"], bulletin=city)
    services.bulletin_publish(actor=october["office"], bulletin=gaoping)
    assert zezhou.get(reverse("dashboards:bulletin_detail", args=[city.pk])).status_code == 200
    assert zezhou.get(reverse("dashboards:bulletin_detail", args=[gaoping.pk])).status_code == 404
    assert [b["id"] for b in zezhou.get("/api/v1/bulletins/").json()["results"]] == [city.pk]
    recipients = {u.username for u in services.bulletin_recipients(gaoping)}
    assert recipients == {"gaoping", "leader", "office"}


# --- who sees which dashboard -----------------------------------------------------------------


def test_zezhou_sees_zezhou_only(october, client_for):
    zezhou = client_for("zezhou")
    response = zezhou.get(reverse("dashboards:city"), OCT)
    assert response.status_code == 302 and response["Location"] == reverse(
        "dashboards:area", args=[october.zezhou.pk]
    )
    page = zezhou.get(reverse("dashboards:area", args=[october.zezhou.pk]), OCT).content.decode()
    assert (
        "泽州县项目建设看板" in page and "高平市米山新材料项目" not in page and 'id="area-table"' not in page
    )
    # 600 + 300 over 1200·2 + 1000 = 26.5%
    assert figure(page, "completion_rate") == "26.5%"
    assert zezhou.get(reverse("dashboards:area", args=[october.gaoping.pk])).status_code == 404
    assert zezhou.get(f"/api/v1/dashboards/areas/{october.gaoping.pk}/").status_code == 404
    assert zezhou.get("/api/v1/dashboards/city/").status_code == 403
    api = zezhou.get(f"/api/v1/dashboards/areas/{october.zezhou.pk}/", OCT).json()
    assert api["figures"]["completion_rate"] == "26.5" and api["scope_name"] == "泽州县"
    home = zezhou.get("/").content.decode()
    assert "泽州县项目建设看板" in home
    drill = zezhou.get(reverse("dashboards:drill"), {"set": "planned", **OCT, "area": october.gaoping.pk})
    assert "高平市米山新材料项目" not in drill.content.decode()


def test_a_department_sees_the_projects_it_leads(october, client_for):
    jtj = client_for("jtj")
    page = jtj.get(reverse("dashboards:department", args=[october.jtj.pk]), OCT).content.decode()
    assert "市交通局项目建设看板" in page
    assert figure(page, "ytd_yi") == "0.0" and figure(page, "planned_count") == "1"  # 300 万元
    assert jtj.get(reverse("dashboards:department", args=[october.gxj.pk])).status_code == 404


def test_the_api_returns_the_pages_numbers(october, client_for):
    leader = client_for("leader")
    page = leader.get(reverse("dashboards:city"), OCT).content.decode()
    api = leader.get("/api/v1/dashboards/city/", OCT).json()
    assert f"{api['figures']['completion_rate']}%" == figure(page, "completion_rate")
    assert api["figures"]["ytd_completed"] == "2100.00"
    assert str(api["counts"]["started"]) == figure(page, "started")
    assert [a["name"] for a in api["by_area"]] == ["泽州县", "高平市", "晋城经济技术开发区"]
    assert api["yoy"] == {"ytd": "2100.00", "last_year_ytd": "0.00", "rate": None}


def test_the_city_api_is_cached_until_a_report_of_the_year_is_approved(
    october, client_for, django_assert_max_num_queries
):
    leader = client_for("leader")
    first = leader.get("/api/v1/dashboards/city/", OCT).json()
    with django_assert_max_num_queries(4):  # session, user, roles: the figures come from the cache
        again = leader.get("/api/v1/dashboards/city/", OCT).json()
    assert again == first
    approve(october, october.zz_new, 2025, 10, "460")
    after = leader.get("/api/v1/dashboards/city/", OCT).json()
    assert after["figures"]["ytd_completed"] == "2560.00"


# --- the 赛马 -------------------------------------------------------------------------------


def test_ranking_is_previewed_by_the_office_and_published_before_counties_see_it(october, client_for):
    zezhou = client_for("zezhou")
    assert "尚未由专班办公室发布" in zezhou.get(reverse("dashboards:ranking"), OCT).content.decode()
    assert zezhou.get("/api/v1/ranking/", OCT).status_code == 404
    office = client_for("office")
    preview = office.get(reverse("dashboards:ranking"), OCT).content.decode()
    assert "预览" in preview and "发布本期排名" in preview
    response = office.post(
        reverse("dashboards:ranking_publish"), {**OCT, "period": "monthly", "audience": "areas"}
    )
    assert response.status_code == 302
    assert RacePublication.objects.count() == 1
    again = office.post(
        reverse("dashboards:ranking_publish"), {**OCT, "period": "monthly", "audience": "areas"}
    )
    assert again.status_code == 302 and RacePublication.objects.count() == 1
    told = {u.username for u in services.ranking_recipients(RacePublication.objects.get())}
    assert told == {"office", "leader", "zezhou", "zezhou_head", "gaoping"}
    # …and they were told, once each, with a link to the published ranking.
    from scheduling.models import Notification

    inbox = Notification.objects.filter(kind="ranking_published")
    assert sorted(inbox.values_list("recipient__username", flat=True)) == sorted(told)
    assert inbox.first().url.startswith(reverse("dashboards:ranking") + "?year=2025&month=10")
    zezhou = client_for("zezhou")  # one test client: log in again after the office's turn
    api = zezhou.get("/api/v1/ranking/", OCT).json()
    assert api["published"] is True
    assert [r["name"] for r in api["rows"]][:2] == ["高平市", "泽州县"]
    gaoping = api["rows"][0]
    # 高平市 1200/1200 done: +16.7 points ahead → full 25 of the linear scale line
    line = next(x for x in gaoping["lines"] if x["code"] == "vs_time_progress")
    assert (line["value"], line["points"], line["met"]) == ("16.7", "25.00", True)
    page = zezhou.get(reverse("dashboards:ranking"), OCT).content.decode()
    assert "得分说明" in page and "已发布" in page
    # zezhou follows its own lines to projects, not 高平市's
    drills = re.findall(r"set=\w+&year=2025&month=10&(area=\d+)", page)
    assert drills and set(drills) == {f"area={october.zezhou.pk}"}


def test_a_frozen_ranking_does_not_move_when_figures_do(october, client_for):
    services.ranking_publish(actor=october["office"], year=2025, month=10, period="monthly", audience="areas")
    before = client_for("zezhou").get("/api/v1/ranking/", OCT).json()
    approve(october, october.zz_new, 2025, 10, "5000")
    after = client_for("zezhou").get("/api/v1/ranking/", OCT).json()
    assert after == before


def test_bimonthly_and_yearly_periods_check_their_month(october, client_for):
    office = client_for("office")
    assert (
        office.get("/api/v1/ranking/", {"year": 2025, "month": 9, "period": "bimonthly"}).status_code == 400
    )
    assert (
        "请选择12月"
        in office.get(
            reverse("dashboards:ranking"), {"year": 2025, "month": 10, "period": "yearly"}
        ).content.decode()
    )
    assert office.get("/api/v1/ranking/", {**OCT, "period": "bimonthly"}).json()["rows"]


def test_the_office_changes_the_scheme_and_the_points_follow(october, client_for):
    office = client_for("office")
    data = {
        "year": 2025,
        "audience": "areas",
        "name": "2025年赛马办法",
        "ind-TOTAL_FORMS": 1,
        "ind-INITIAL_FORMS": 0,
        "ind-0-dimension": "scale",
        "ind-0-code": "completion_rate",
        "ind-0-weight": "100",
        "ind-0-method": "linear",
        "ind-0-floor": "0",
        "ind-0-target": "100",
        "ind-0-thresholds": "",
    }
    assert office.post(reverse("dashboards:scheme_edit"), data).status_code == 302
    rows = office.get("/api/v1/ranking/", OCT).json()["rows"]
    assert [(r["name"], r["total"]) for r in rows] == [
        ("高平市", "100.00"),
        ("泽州县", "26.50"),
        ("晋城经济技术开发区", "0.00"),
    ]
    bad = office.post(reverse("dashboards:scheme_edit"), {**data, "ind-0-method": "threshold"})
    assert "分档计分须填写分档" in bad.content.decode()


# --- targets, the map -------------------------------------------------------------------------


def test_targets_by_page_and_by_excel(october, client_for):
    office = client_for("office")
    url = reverse("dashboards:target_edit", args=[october.zezhou.pk, 2025])
    assert (
        office.post(url, {"fai_amount": "1900000", "start_q1": "40", "reserve_multiple": "5"}).status_code
        == 302
    )
    assert Target.objects.get(organisation=october.zezhou, year=2025).start_q1 == D("40.00")
    template = office.get(reverse("dashboards:target_upload"), {"year": 2026})
    sheet = load_workbook(io.BytesIO(template.content)).active
    headers = [c.value for c in sheet[1]]
    assert headers[:3] == ["地区/部门", "固定资产投资目标（万元）", "固定资产投资增速目标（%）"]
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    ws.append(["泽州县", "82.3亿", "7%", None, "+1"])
    ws.append(["高平市", "1,000,000", "-2.5"])
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "targets.xlsx"
    office.post(reverse("dashboards:target_upload"), {"year": 2026, "file": out})
    zz = Target.objects.get(organisation=october.zezhou, year=2026)
    assert (zz.fai_amount, zz.fai_growth, zz.private_share_change) == (D("823000.00"), D("7.00"), D("1.00"))
    assert Target.objects.get(organisation=october.gaoping, year=2026).fai_growth == D("-2.50")
    ws.append(["不存在县", "1"])
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "targets.xlsx"
    response = office.post(reverse("dashboards:target_upload"), {"year": 2027, "file": out}, follow=True)
    assert "未知的地区或部门“不存在县”" in response.content.decode()
    assert not Target.objects.filter(year=2027).exists()


def test_the_map_shows_key_projects_over_stored_outlines(october, client_for):
    square = {
        "type": "Polygon",
        "coordinates": [[[112.8, 35.4], [112.9, 35.4], [112.9, 35.5], [112.8, 35.4]]],
    }
    count = services.outlines_load(
        actor=october["admin"],
        geojson={
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "properties": {"adcode": "140525", "name": "泽州"}, "geometry": square}
            ],
        },
        source="测试",
    )
    assert count == 1 and AreaOutline.objects.get().organisation == october.zezhou
    data = client_for("leader").get(reverse("dashboards:map"), OCT).context["map_data"]
    assert [p["name"] for p in data["points"]] == ["泽州县巴公智能装备产业园"]
    assert data["points"][0]["gap"] == -33.3  # 600 / 1200 = 50.0% against 83.3%
    assert [f["properties"]["name"] for f in data["outlines"]["features"]] == ["泽州县"]
    assert client_for("gaoping").get(reverse("dashboards:map")).context["map_data"]["points"] == []


# --- query counts ---------------------------------------------------------------------------


FLAT_PAGES = [
    ("leader", "/dashboards/city/"),
    ("zezhou", "/dashboards/areas/{zezhou}/"),
    ("leader", "/ranking/"),
    ("leader", "/dashboards/map/"),
    ("leader", "/bulletins/"),
    ("leader", "/bulletins/{bulletin}/"),
    ("leader", "/bulletins/{bulletin}/docx/"),
    ("leader", "/api/v1/dashboards/city/"),
    ("leader", "/api/v1/ranking/"),
    ("leader", "/dashboards/projects/?set=planned&year=2025&month=10"),
]


def test_dashboard_queries_do_not_grow_with_projects(october, client_for):
    """Each dashboard page, cold (cache cleared), with 4 projects and with 16: the same query count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    bulletin = services.bulletin_create(actor=october["office"], year=2025, month=10)
    urls = [(who, url.format(zezhou=october.zezhou.pk, bulletin=bulletin.pk)) for who, url in FLAT_PAGES]

    def cold_queries():
        counts = {}
        for who, url in urls:
            client = client_for(who)
            cache.clear()
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url, OCT if "?" not in url else None)
                assert response.status_code == 200, url
            counts[url] = len(ctx)
        return counts

    small = cold_queries()
    for i in range(12):
        p = ProjectFactory(
            county=october.gaoping if i % 2 else october.zezhou, key_level="city" if i % 3 else ""
        )
        p.longitude, p.latitude = D("112.9"), D("35.5")
        p.save()
        AnnualPlan.objects.create(project=p, year=2025, planned_investment=D("500"), is_new=bool(i % 4))
        approve(october, p, 2025, 10, "100", user="gaoping" if i % 2 else "zezhou")
    assert cold_queries() == small


def test_prose_that_looks_like_a_formula_is_exported_as_text(october, client_for):
    office = client_for("office")
    bulletin = new_bulletin(office)
    services.bulletin_update(
        actor=october["office"],
        bulletin=bulletin,
        title='=HYPERLINK("http://evil")',
        body="=1+1 完成[[ytd_yi]]亿元",
        expected_version=1,
    )
    wb = load_workbook(
        io.BytesIO(office.get(reverse("dashboards:bulletin_xlsx", args=[bulletin.pk])).content)
    )
    sheet = wb["通报"]
    assert (
        sheet["A4"].value == "=1+1 完成0.2亿元" and sheet["A4"].data_type == "s" and sheet["A4"].quotePrefix
    )
    assert sheet["A1"].data_type == "s" and sheet["A1"].quotePrefix
