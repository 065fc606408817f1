"""Every way into the monthly report reads amounts and dates with the one parser (projects.parsing).

What a person types in the grid, in the Excel upload or sends to the API is read alike:
"1,234.50", "１２３４．５" and "1234万元" are the same sums everywhere; "NaN", "1e400", "1e20",
"12.345" and "-5" are refused with the field's Chinese message (a form error or a 400), never a 500.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from projects.choices import Stage
from projects.models import ImportBatch
from reporting.models import MonthlyReport
from tests.factories import AnnualPlanFactory, ProjectFactory

from .test_api import URL, detail, patch, post
from .test_excel import export, fill, upload
from .test_views import content, post_grid

ACCEPTED = [
    ("1,234.50", Decimal("1234.50")),
    ("１２３４．５", Decimal("1234.50")),
    ("1234万元", Decimal("1234.00")),
]
REFUSED = [
    ("NaN", "本月完成投资须为数字（万元）"),
    ("1e400", "本月完成投资数额过大，请核对单位（万元）"),
    ("1e20", "本月完成投资数额过大，请核对单位（万元）"),
    ("12.345", "本月完成投资最多保留两位小数（万元）"),
    ("-5", "本月完成投资不能为负数"),
]
# 超出说明 so that a large sum never trips the remaining-investment rule instead.
FILLED = {"image_progress": "主体施工", "explanation": "追加投资"}


def saved(project) -> Decimal:
    return MonthlyReport.objects.get(project=project, year=2025, month=6).invested


# --- grid POST -------------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "amount"), ACCEPTED)
def test_grid_reads_amounts_as_people_type_them(world, client_for, typed, amount):
    response = post_grid(client_for("zezhou"), world, {world.zz_project: {"invested": typed, **FILLED}})
    assert response.status_code == 302
    assert saved(world.zz_project) == amount


@pytest.mark.parametrize(("typed", "message"), REFUSED)
def test_grid_refuses_unreadable_amounts_with_the_fields_message(world, client_for, typed, message):
    response = post_grid(client_for("zezhou"), world, {world.zz_project: {"invested": typed, **FILLED}})
    assert response.status_code == 200
    page = content(response)
    assert message in page and f'value="{typed}"' in page
    assert not MonthlyReport.objects.exists()


@pytest.fixture
def prework(world):
    project = ProjectFactory(
        name="泽州县新开工前期项目", county=world.zezhou, stage=Stage.PREWORK, actual_start=None
    )
    AnnualPlanFactory(project=project, year=2025, is_new=True, planned_start_month=5)
    return project


@pytest.mark.parametrize(
    "typed", ["2025-06-18", "2025/6/18", "2025.6.18", "2025年6月18日", "２０２５－０６－１８"]
)
def test_grid_reads_the_start_date_in_every_ledger_form(world, client_for, prework, typed):
    row = {"invested": "10", "image_progress": "开工", "actual_start": typed}
    assert post_grid(client_for("zezhou"), world, {prework: row}).status_code == 302
    prework.refresh_from_db()
    assert prework.actual_start == dt.date(2025, 6, 18)


def test_grid_refuses_an_unreadable_start_date_in_chinese(world, client_for, prework):
    row = {"invested": "10", "image_progress": "开工", "actual_start": "下个月"}
    page = content(post_grid(client_for("zezhou"), world, {prework: row}))
    assert "实际开工日期：“下个月”不是有效的日期" in page
    prework.refresh_from_db()
    assert prework.actual_start is None


def test_grid_reads_percentages_with_a_percent_sign(world, client_for):
    post_grid(
        client_for("zezhou"),
        world,
        {world.zz_project: {"invested": "10", "percent_complete": "８５％", **FILLED}},
    )
    assert MonthlyReport.objects.get(project=world.zz_project).percent_complete == Decimal("85.00")


# --- Excel upload ----------------------------------------------------------------------------


def _upload(client, world, cells):
    filled = fill(
        export(client, world), {world.zz_project: {"形象进度": "主体施工", "超出说明": "追加投资", **cells}}
    )
    return client.get(upload(client, world, filled)["Location"]).content.decode()


@pytest.mark.parametrize(("typed", "amount"), ACCEPTED)
def test_excel_upload_reads_amounts_as_people_type_them(world, client_for, typed, amount):
    client = client_for("zezhou")
    _upload(client, world, {"本月完成投资（万元）": typed})
    batch = ImportBatch.objects.get()
    client.post(reverse("reporting:report_import_commit", args=[batch.pk]))
    assert saved(world.zz_project) == amount


@pytest.mark.parametrize(("typed", "message"), REFUSED)
def test_excel_upload_refuses_unreadable_amounts_with_the_fields_message(world, client_for, typed, message):
    client = client_for("zezhou")
    page = _upload(client, world, {"本月完成投资（万元）": typed})
    assert message in page
    assert 'id="btn-commit" disabled' in page
    # Confirming anyway (the button is only disabled in the page) writes nothing.
    client.post(reverse("reporting:report_import_commit", args=[ImportBatch.objects.get().pk]))
    assert not MonthlyReport.objects.exists()


def test_excel_number_cells_are_rounded_to_the_cent_they_show(world, client_for):
    """A number cell typed 12.345 shows 12.35 in our 0.00 format: that is what is saved."""
    client = client_for("zezhou")
    _upload(client, world, {"本月完成投资（万元）": 12.345})
    client.post(reverse("reporting:report_import_commit", args=[ImportBatch.objects.get().pk]))
    assert saved(world.zz_project) == Decimal("12.35")


@pytest.mark.parametrize("typed", ["2025/6/18", "2025.6.18", "2025年6月18日", dt.datetime(2025, 6, 18)])
def test_excel_upload_reads_the_start_date_in_every_ledger_form(world, client_for, prework, typed):
    client = client_for("zezhou")
    filled = fill(
        export(client, world),
        {prework: {"本月完成投资（万元）": 10, "形象进度": "开工", "实际开工日期（前期项目）": typed}},
    )
    upload(client, world, filled)
    client.post(reverse("reporting:report_import_commit", args=[ImportBatch.objects.get().pk]))
    prework.refresh_from_db()
    assert prework.actual_start == dt.date(2025, 6, 18)


# --- API POST and PATCH ----------------------------------------------------------------------


def _create(client, world, **values):
    return post(client, URL, {"project": world.zz_project.pk, "year": 2025, "month": 6, **FILLED, **values})


@pytest.mark.parametrize(("typed", "amount"), ACCEPTED)
def test_api_create_reads_amounts_as_people_type_them(world, client_for, typed, amount):
    response = _create(client_for("zezhou"), world, invested=typed)
    assert response.status_code == 201
    assert response.json()["invested"] == f"{amount}"  # the JSON output keeps its two-decimal string
    assert saved(world.zz_project) == amount


@pytest.mark.parametrize(("typed", "message"), REFUSED)
def test_api_create_refuses_unreadable_amounts_with_a_400(world, client_for, typed, message):
    response = _create(client_for("zezhou"), world, invested=typed)
    assert response.status_code == 400
    assert response.json() == {"invested": [message]}
    assert not MonthlyReport.objects.exists()


@pytest.mark.parametrize(
    ("number", "status", "expected"),
    [
        (1234.5, 201, "1234.50"),
        (1e20, 400, "本月完成投资数额过大，请核对单位（万元）"),
        (12.345, 400, "本月完成投资最多保留两位小数（万元）"),
    ],
)
def test_api_json_numbers_are_read_exactly_as_written(world, client_for, number, status, expected):
    response = _create(client_for("zezhou"), world, invested=number)
    assert response.status_code == status
    if status == 201:
        assert response.json()["invested"] == expected
        assert saved(world.zz_project) == Decimal(expected)
    else:
        assert response.json()["invested"] == [expected]
        assert not MonthlyReport.objects.exists()


@pytest.mark.parametrize(("typed", "amount"), ACCEPTED)
def test_api_patch_reads_amounts_as_people_type_them(world, client_for, typed, amount):
    client = client_for("zezhou")
    report = MonthlyReport.objects.get(pk=_create(client, world, invested="1").json()["id"])
    response = patch(client, detail(report), {"version": report.version, "invested": typed})
    assert response.status_code == 200
    assert saved(world.zz_project) == amount


@pytest.mark.parametrize(("typed", "message"), REFUSED)
def test_api_patch_refuses_unreadable_amounts_with_a_400(world, client_for, typed, message):
    client = client_for("zezhou")
    report = MonthlyReport.objects.get(pk=_create(client, world, invested="1").json()["id"])
    response = patch(client, detail(report), {"version": report.version, "invested": typed})
    assert response.status_code == 400
    assert response.json() == {"invested": [message]}
    assert saved(world.zz_project) == Decimal("1.00")


@pytest.mark.parametrize(
    ("typed", "status"), [("NaN", 400), ("1e400", 400), ("100.5", 400), ("12.345", 400), ("85.5%", 201)]
)
def test_api_percentages_are_read_by_the_same_parser(world, client_for, typed, status):
    response = _create(client_for("zezhou"), world, invested="1", percent_complete=typed)
    assert response.status_code == status
    if status == 201:
        assert response.json()["percent_complete"] == "85.50"
    else:
        assert response.json()["percent_complete"][0].startswith("工程形象完成比例")


@pytest.mark.parametrize("typed", ["2025-06-20", "2025/6/20", "2025.6.20", "2025年6月20日"])
def test_api_reads_the_start_date_in_every_ledger_form(world, client_for, prework, typed):
    data = {"project": prework.pk, "year": 2025, "month": 6, "invested": "50", "image_progress": "场地平整"}
    response = post(client_for("zezhou"), URL, {**data, "actual_start": typed})
    assert response.status_code == 201
    prework.refresh_from_db()
    assert prework.actual_start == dt.date(2025, 6, 20)


@pytest.mark.parametrize("typed", ["下个月", "NaN", "2025-02-30", True, {"y": 2025}])
def test_api_refuses_an_unreadable_start_date_with_a_400(world, client_for, prework, typed):
    data = {"project": prework.pk, "year": 2025, "month": 6, "invested": "50", "image_progress": "场地平整"}
    response = post(client_for("zezhou"), URL, {**data, "actual_start": typed})
    assert response.status_code == 400
    # The field's own refusal, not the service's "请填写实际开工日期" for a date read as missing.
    assert "不是有效的日期" in response.json()["actual_start"][0]


# --- percentages and raw JSON numbers: the same field messages, never a 500 (issue 14) ----------

PERCENT_REFUSED = ["NaN", "1e400", "Infinity", "12.345", "-0.001", "9" * 70]


@pytest.mark.parametrize("typed", PERCENT_REFUSED)
def test_grid_refuses_unreadable_percentages_with_the_fields_message(world, client_for, typed):
    row = {"invested": "10", "percent_complete": typed, **FILLED}
    response = post_grid(client_for("zezhou"), world, {world.zz_project: row})
    assert response.status_code == 200
    assert "完成比例" in content(response)
    assert not MonthlyReport.objects.exists()


@pytest.mark.parametrize("typed", PERCENT_REFUSED)
def test_excel_upload_refuses_unreadable_percentages(world, client_for, typed):
    page = _upload(client_for("zezhou"), world, {"本月完成投资（万元）": 1, "完成比例（%）": typed})
    assert "完成比例" in page and 'id="btn-commit" disabled' in page


@pytest.mark.parametrize("raw", ["1e400", "-1e400", "1e308"])
def test_api_refuses_a_raw_json_number_too_large_for_any_amount(world, client_for, raw):
    """Python's JSON reader turns 1e400 into inf: still the field's 400 (NaN is not JSON: a parse 400)."""
    body = (
        f'{{"project": {world.zz_project.pk}, "year": 2025, "month": 6, '
        f'"image_progress": "主体施工", "explanation": "追加投资", "invested": {raw}}}'
    )
    response = client_for("zezhou").post(URL, body, content_type="application/json")
    assert response.status_code == 400
    assert list(response.json()) == ["invested"]
    assert not MonthlyReport.objects.exists()


# --- text longer than an Excel cell (issue 14) ---------------------------------------------------


def test_grid_refuses_text_longer_than_an_excel_cell_with_its_limit(world, client_for):
    row = {"invested": "10", "image_progress": "施" * 32768, "explanation": "追加投资"}
    page = content(post_grid(client_for("zezhou"), world, {world.zz_project: row}))
    assert "形象进度不能超过 32,767 个字" in page
    assert not MonthlyReport.objects.exists()


def test_api_refuses_text_longer_than_an_excel_cell(world, client_for):
    response = _create(client_for("zezhou"), world, invested="1", problems="问" * 32768)
    assert response.status_code == 400
    assert response.json() == {"problems": ["存在问题不能超过 32,767 个字（Excel 单元格的上限），请精简"]}


def test_text_of_exactly_an_excel_cell_round_trips_unchanged(world, client_for):
    client = client_for("zezhou")
    long_text = "施" * 32767
    assert (
        post_grid(
            client,
            world,
            {
                world.zz_project: {
                    "invested": "10",
                    "image_progress": long_text,
                    **{"explanation": "追加投资"},
                }
            },
        ).status_code
        == 302
    )
    upload(client, world, export(client, world))
    batch = ImportBatch.objects.get()
    assert batch.summary["to_change"] == 0, batch.summary["rows"]
