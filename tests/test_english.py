"""English is the user's explicit choice; domain labels follow it, Excel files and ledgers stay Chinese."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from projects.importing.matching import industry_from, nature_from

pytestmark = pytest.mark.django_db


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_stage_labels_follow_the_chosen_language(world, client_for):
    client = client_for("office")
    chinese = client.get(reverse("projects:project_detail", args=[world.zz_project.pk])).content.decode()
    assert "在建" in chinese and "Under construction" not in chinese
    page = (
        english(client).get(reverse("projects:project_detail", args=[world.zz_project.pk])).content.decode()
    )
    assert "Under construction" in page


def test_an_english_browser_still_gets_chinese_by_default(world, client_for):
    page = client_for("office").get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "项目库" in page


def test_ledger_words_are_matched_in_chinese_whatever_the_page_language(world):
    from django.utils import translation

    with translation.override("en"):
        nature_from.cache_clear()
        industry_from.cache_clear()
        assert nature_from("新建") == ("new", "")
        assert industry_from("工业")[0] == "industry"


# --- monthly reports (issue 14, item 23) --------------------------------------------------------


def _grid_url(world, name="reporting:report_grid"):
    import datetime as dt

    from django.utils import timezone

    today = timezone.localdate()
    last = (today.replace(day=1) - dt.timedelta(days=1)) if today.month else today
    return f"{reverse(name)}?unit={world.zz_project.reporting_unit_id}&year={last.year}&month={last.month}"


@pytest.mark.parametrize(
    ("persona", "route", "english_words", "chinese_words"),
    [
        (
            "zezhou",
            "reporting:report_grid",
            ["Monthly reporting", "Invested this month", "Filter by status"],
            ["月度填报", "本月完成投资", "按状态筛选", "年度计划"],
        ),
        ("zezhou_head", "reporting:report_review", ["Monthly progress review"], ["月度进展审核", "填报单位"]),
        (
            "office",
            "reporting:report_office",
            ["Monthly reporting progress", "Due date"],
            ["月度填报进度", "截止日期", "个单位"],
        ),
    ],
)
def test_monthly_report_pages_follow_english(world, client_for, persona, route, english_words, chinese_words):
    client = client_for(persona)
    url = _grid_url(world, route)
    chinese = client.get(url).content.decode()
    assert all(word in chinese for word in chinese_words[:1])  # Chinese stays the default
    page = english(client).get(url).content.decode()
    for word in english_words:
        assert word in page
    for word in chinese_words:
        assert word not in page, word


def test_the_grid_script_gets_its_words_in_the_page_language(world, client_for):
    client = english(client_for("zezhou"))
    page = client.get(_grid_url(world)).content.decode()
    assert 'id="report-script-texts" type="application/json"' in page
    assert "This page has unsaved changes" in page
    assert "本页有未保存的修改" not in page


def test_a_service_error_comes_out_in_the_chosen_language():
    from django.utils import translation

    from reporting.services import check_period

    with translation.override("zh-hans"):
        assert check_period(2000, 13) == "填报年月无效"
    with translation.override("en"):
        assert check_period(2000, 13) == "Invalid reporting month"


def test_a_page_message_comes_out_in_english(world, client_for):
    client = english(client_for("zezhou"))
    response = client.get(f"{reverse('reporting:report_grid')}?year=2999&month=1", follow=True)
    text = " ".join(str(m) for m in response.context["messages"])
    assert "Invalid reporting month; showing" in text and "填报年月无效" not in text


def test_the_exported_workbook_stays_chinese_under_english(world, client_for):
    import io

    from openpyxl import load_workbook

    client = english(client_for("zezhou"))
    response = client.get(_grid_url(world, "reporting:report_export"))
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
    cells = " ".join(str(c.value) for row in ws.iter_rows(max_row=6) for c in row if c.value)
    assert "项目名称" in cells and "本月完成投资（万元）" in cells
    assert "Invested" not in cells and "Not reported" not in cells


def test_the_new_menu_items_have_english(world, client_for):
    page = english(client_for("office")).get("/").content.decode()
    for word in ("Rankings", "Bulletins", "Scheduling"):
        assert word in page


def test_the_dossier_chart_speaks_the_readers_language(world, client_for):
    import json
    import re

    from reporting.services import ReportRow, reports_save

    reports_save(
        actor=world["zezhou"],
        year=2025,
        month=6,
        rows=[ReportRow(project_id=world.zz_project.pk, invested="10", image_progress="施工")],
    )
    url = reverse("projects:project_detail", args=[world.zz_project.pk])

    def names(client):
        page = client.get(url).content.decode()
        data = re.search(r'<script id="report-chart-data" type="application/json">(.*?)</script>', page)
        assert data, "no chart on the dossier"
        return json.loads(data.group(1))["names"]

    client = client_for("office")
    assert names(client) == {
        "invested": "本月完成投资",
        "ytd": "本年累计",
        "plan": "年度计划",
        "unit": "万元",
    }
    assert names(english(client)) == {
        "invested": "Invested this month",
        "ytd": "Year to date",
        "plan": "Annual plans",
        "unit": "10k CNY",
    }


def test_running_totals_are_labelled_as_one_phrase(world, client_for):
    client = english(client_for("zezhou"))
    page = client.get(_grid_url(world)).content.decode()
    assert re.search(r"Total, months 1–\d+", page)
    assert "year to date" not in page and "rankings;time" not in page
    chinese = client_for("zezhou").get(_grid_url(world)).content.decode()
    assert re.search(r"1–\d+月累计", chinese)
