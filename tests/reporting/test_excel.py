"""Excel round trip of the monthly grid: download, fill offline, upload, preview, confirm.

Exports are checked by reopening the bytes with openpyxl; uploads are files a user could really
send (our own export filled in, and the usual wrong files), through the pages.
"""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from projects.choices import ImportStatus
from projects.models import ImportBatch
from reporting.choices import ReportStatus
from reporting.models import MonthlyReport
from tests.factories import AnnualPlanFactory, ProjectFactory

from .conftest import enter

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "reports"
EXPORT = reverse("reporting:report_export")
IMPORT = reverse("reporting:report_import")
FIRST_ROW = 4  # title, unit line, header, then the projects


def export(client, world, unit=None, year=2025, month=6) -> bytes:
    unit = unit or world.zezhou
    response = client.get(f"{EXPORT}?unit={unit.pk}&year={year}&month={month}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return response.content


def columns(ws) -> dict[str, int]:
    return {c.value: c.column for c in ws[3] if c.value}


def row_of(ws, project) -> int:
    for r in range(FIRST_ROW, ws.max_row + 1):
        if ws.cell(row=r, column=1).value == project.pk:
            return r
    raise AssertionError(f"{project} not in the sheet")


def fill(data: bytes, values: dict) -> bytes:
    """Open an exported workbook as a user would in Excel, type into the input cells, save."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb.active
    cols = columns(ws)
    for project, cells in values.items():
        r = row_of(ws, project)
        for header, value in cells.items():
            ws.cell(row=r, column=cols[header], value=value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(client, world, data: bytes, name="月度填报.xlsx", unit=None):
    unit = unit or world.zezhou
    return client.post(
        IMPORT,
        {"unit": unit.pk, "year": 2025, "month": 6, "file": SimpleUploadedFile(name, data)},
    )


# --- export ----------------------------------------------------------------------------------


def test_export_prefills_locked_names_and_opens_the_input_cells(world, client_for):
    enter(world, world.zz_project, 2025, 5, 80)
    enter(world, world.zz_project, 2025, 6, 120)
    wb = openpyxl.load_workbook(io.BytesIO(export(client_for("zezhou"), world)))
    ws = wb.active
    assert "2025年6月" in ws["B1"].value and "泽州县" in ws["B2"].value
    assert ws.protection.sheet is True
    assert ws.column_dimensions["A"].hidden is True
    cols = columns(ws)
    r = row_of(ws, world.zz_project)
    name = ws.cell(row=r, column=cols["项目名称"])
    invested = ws.cell(row=r, column=cols["本月完成投资（万元）"])
    assert name.value == world.zz_project.name and name.protection.locked is True
    assert ws.cell(row=r, column=cols["项目代码"]).protection.locked is True
    assert invested.value == 120 and invested.protection.locked is False
    assert invested.number_format == "0.00"
    assert ws.cell(row=r, column=cols["形象进度"]).protection.locked is False
    assert ws.cell(row=r, column=cols["上月完成（万元）"]).value == 80
    assert ws.cell(row=r, column=cols["上月完成（万元）"]).protection.locked is True
    assert ws.cell(row=r, column=cols["本年累计至上月（万元）"]).value == 80
    assert ws.cell(row=r, column=cols["年度计划（万元）"]).value == 1200
    names = {ws.cell(row=i, column=cols["项目名称"]).value for i in range(FIRST_ROW, ws.max_row + 1)}
    assert names == {world.zz_project.name, world.zz_road.name}


def test_export_never_writes_a_formula(world, client_for):
    world.zz_road.name = '=HYPERLINK("http://evil")'
    world.zz_road.save()
    ws = openpyxl.load_workbook(io.BytesIO(export(client_for("zezhou"), world))).active
    cell = ws.cell(row=row_of(ws, world.zz_road), column=columns(ws)["项目名称"])
    # Text with Excel's quote prefix: shown as typed, no stray apostrophe in the value (issue 14).
    assert cell.value == '=HYPERLINK("http://evil")'
    assert cell.data_type == "s" and cell.quotePrefix


def test_text_starting_like_a_formula_round_trips_unchanged(world, client_for):
    from reporting.models import MonthlyReport

    client = client_for("zezhou")
    report = enter(world, world.zz_project, 2025, 6, 100)
    MonthlyReport.objects.filter(pk=report.pk).update(image_progress="-3层结构施工", problems="=尚无")
    data = export(client, world)
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    row, cols = row_of(ws, world.zz_project), columns(ws)
    assert ws.cell(row=row, column=cols["形象进度"]).value == "-3层结构施工"
    assert ws.cell(row=row, column=cols["存在问题"]).value == "=尚无"
    upload(client, world, data)
    batch = ImportBatch.objects.get()
    assert batch.summary["to_change"] == 0 and batch.summary["unchanged"] >= 1, batch.summary


def test_approved_rows_are_locked_in_the_export(world, client_for):
    enter(world, world.zz_project, 2025, 6, 100, approve=True)
    ws = openpyxl.load_workbook(io.BytesIO(export(client_for("zezhou"), world))).active
    column = columns(ws)["本月完成投资（万元）"]
    assert ws.cell(row=row_of(ws, world.zz_project), column=column).protection.locked is True
    # …while a row still to fill stays open, so the lock above is the approval's doing
    assert ws.cell(row=row_of(ws, world.zz_road), column=column).protection.locked is False


# --- round trip ------------------------------------------------------------------------------


def test_round_trip_preview_commit_and_reupload_changes_nothing(world, client_for):
    client = client_for("zezhou")
    filled = fill(
        export(client, world),
        {
            world.zz_project: {"本月完成投资（万元）": 150.5, "形象进度": "主体封顶", "完成比例（%）": 45},
            world.zz_road: {"本月完成投资（万元）": 0},
        },
    )
    response = upload(client, world, filled)
    assert response.status_code == 302
    preview = client.get(response["Location"]).content.decode()
    assert "将修改 <strong>2</strong> 个项目" in preview
    assert "主体封顶" in preview and "150.50" in preview
    # The upload says what it does and what it does not: drafts, still to be submitted.
    assert "导入的各行保存为<strong>草稿</strong>" in preview and "全部提交" in preview
    assert not MonthlyReport.objects.exists()  # a preview writes nothing but the batch
    batch = ImportBatch.objects.get()
    assert batch.kind == "monthly" and batch.status == ImportStatus.PREVIEWED
    assert (batch.period_year, batch.period_month) == (2025, 6)

    done = client.post(reverse("reporting:report_import_commit", args=[batch.pk]), follow=True)
    assert "已导入 2 个项目的月度进展，均保存为草稿：请核对后点击“全部提交”送审。" in done.content.decode()
    report = MonthlyReport.objects.get(project=world.zz_project, year=2025, month=6)
    assert report.invested == Decimal("150.50") and report.image_progress == "主体封顶"
    assert report.percent_complete == Decimal("45.00") and report.status == ReportStatus.DRAFT
    versions = dict(MonthlyReport.objects.values_list("project_id", "version"))

    again = upload(client, world, filled)
    page = client.get(again["Location"]).content.decode()
    assert "无变化" in page and 'id="btn-commit" disabled' in page
    batch2 = ImportBatch.objects.order_by("-pk").first()
    client.post(reverse("reporting:report_import_commit", args=[batch2.pk]))
    assert dict(MonthlyReport.objects.values_list("project_id", "version")) == versions

    # committing the first batch twice writes nothing either
    client.post(reverse("reporting:report_import_commit", args=[batch.pk]))
    assert dict(MonthlyReport.objects.values_list("project_id", "version")) == versions


def test_row_errors_are_listed_with_row_numbers_and_block_the_commit(world, client_for):
    client = client_for("zezhou")
    data = export(client, world)
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    bad_row = row_of(ws, world.zz_road)
    filled = fill(
        data,
        {
            world.zz_project: {"本月完成投资（万元）": 10, "形象进度": "开挖"},
            world.zz_road: {"本月完成投资（万元）": -3, "形象进度": "路基"},
        },
    )
    response = upload(client, world, filled)
    page = client.get(response["Location"]).content.decode()
    assert f"第{bad_row}行" in page and "本月完成投资不能为负数" in page
    assert 'id="btn-commit" disabled' in page
    batch = ImportBatch.objects.get()
    assert batch.status == ImportStatus.REJECTED
    done = client.post(reverse("reporting:report_import_commit", args=[batch.pk]), follow=True)
    assert "文件有错误，不能导入" in done.content.decode()
    assert not MonthlyReport.objects.exists()


def test_text_in_an_amount_cell_is_a_row_error(world, client_for):
    client = client_for("zezhou")
    filled = fill(export(client, world), {world.zz_project: {"本月完成投资（万元）": "约一百万"}})
    page = client.get(upload(client, world, filled)["Location"]).content.decode()
    assert "本月完成投资须为数字" in page
    assert not MonthlyReport.objects.exists()


def test_every_row_error_is_listed_at_once_not_only_the_unreadable_ones(world, client_for):
    """One unreadable cell must not hide the rule errors of the other rows until the next upload."""
    client = client_for("zezhou")
    filled = fill(
        export(client, world),
        {
            world.zz_project: {"本月完成投资（万元）": "约一百万"},
            world.zz_road: {"本月完成投资（万元）": -3, "形象进度": "路基"},
        },
    )
    page = client.get(upload(client, world, filled)["Location"]).content.decode()
    assert "本月完成投资须为数字" in page and "本月完成投资不能为负数" in page
    batch = ImportBatch.objects.get()
    assert batch.summary["errors"] == 2 and batch.summary["to_change"] == 0
    assert not MonthlyReport.objects.exists()


def test_a_project_of_another_unit_is_refused(world, client_for):
    gp_sheet = export(client_for("office"), world, unit=world.gaoping)
    filled = fill(gp_sheet, {world.gp_project: {"本月完成投资（万元）": 10, "形象进度": "开工"}})
    client = client_for("zezhou")
    page = client.get(upload(client, world, filled)["Location"]).content.decode()
    assert "不在泽州县2025年6月的填报范围内" in page
    assert not MonthlyReport.objects.exists()


def test_gaoping_cannot_open_or_commit_zezhou_batches(world, client_for):
    client = client_for("zezhou")
    filled = fill(export(client, world), {world.zz_project: {"本月完成投资（万元）": 10, "形象进度": "x"}})
    upload(client, world, filled)
    batch = ImportBatch.objects.get()
    other = client_for("gaoping")
    assert other.get(reverse("reporting:report_import_preview", args=[batch.pk])).status_code == 404
    assert other.post(reverse("reporting:report_import_commit", args=[batch.pk])).status_code == 404
    assert not MonthlyReport.objects.exists()


# --- bad files -------------------------------------------------------------------------------


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in entries.items():
            z.writestr(name, body)
    return out.getvalue()


BAD_FILES = {
    "csv": ((FIXTURES / "grid.csv").read_bytes(), "CSV"),
    "html": ((FIXTURES / "grid.html").read_bytes(), "网页"),
    "empty": (b"", "为空"),
    "encrypted": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "加密"),
    "not_a_workbook_zip": (_zip({"readme.txt": b"hello"}), "缺少工作表"),
    "zip_bomb": (
        _zip({"[Content_Types].xml": b"<Types/>", "xl/worksheets/sheet1.xml": b"0" * (3 * 1024 * 1024)}),
        "压缩炸弹",
    ),
    "foreign_workbook": (None, "不是本平台导出的月度填报表"),
}


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_bad_files_are_refused_with_a_chinese_message_and_nothing_written(world, client_for, settings, kind):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 1024 * 1024
    data, message = BAD_FILES[kind]
    if data is None:  # a genuine workbook, just not ours
        wb = openpyxl.Workbook()
        wb.active.append(["项目名称", "金额"])
        out = io.BytesIO()
        wb.save(out)
        data = out.getvalue()
    response = upload(client_for("zezhou"), world, data, name=f"{kind}.xlsx")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ImportBatch.objects.exists() and not MonthlyReport.objects.exists()


def test_oversize_file_is_refused(world, client_for, settings):
    client = client_for("zezhou")
    data = export(client, world)
    settings.IMPORT_MAX_BYTES = len(data) - 1
    response = upload(client, world, data)
    assert response.status_code == 400 and "文件过大" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_future_month_in_the_title_is_refused(world, client_for):
    client = client_for("zezhou")
    wb = openpyxl.load_workbook(io.BytesIO(export(client, world)))
    wb.active["B1"] = "2025年9月 项目月度进展填报表"
    out = io.BytesIO()
    wb.save(out)
    response = upload(client, world, out.getvalue())
    assert response.status_code == 400 and "不能填报未来月份" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_leader_cannot_upload(world, client_for):
    response = upload(client_for("leader"), world, b"anything")
    assert response.status_code == 403


def test_export_of_a_large_unit_has_every_row(world, client_for):
    for i in range(30):
        AnnualPlanFactory(project=ProjectFactory(name=f"批量{i}", county=world.zezhou), year=2025)
    ws = openpyxl.load_workbook(io.BytesIO(export(client_for("zezhou"), world))).active
    assert ws.max_row == FIRST_ROW - 1 + 32
