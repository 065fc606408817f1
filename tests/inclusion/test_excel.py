"""The four exports reopened as the bureau opens them: title with area and period, 单位：万元, frozen and
repeated header, totals equal to the dashboards' figures, print setup, no formula injection; and the
screening list's status column read back in."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from inclusion import services
from inclusion.choices import InclusionStatus as S
from inclusion.excel import build_export
from inclusion.models import ExportJob, InclusionRecord
from projects.models import Project
from reporting import measures
from reporting.choices import ReportStatus
from reporting.models import MonthlyReport, ReportRevision
from tests.factories import ProjectFactory
from tests.inclusion.conftest import TODAY, credit_code

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def approved(project, month, amount, year=2025):
    report = MonthlyReport.objects.create(
        project=project, year=year, month=month, invested=Decimal(amount), status=ReportStatus.APPROVED
    )
    ReportRevision.objects.create(
        report=report, project=project, year=year, month=month, invested=Decimal(amount), revision=0
    )
    return report


@pytest.fixture
def figures_world(ready):
    approved(ready.zz_project, 9, "300.50")
    approved(ready.zz_project, 10, "200.25")
    approved(ready.zz_road, 10, "100.00")
    approved(ready.gp_project, 10, "50.00")
    approved(ready.zz_project, 10, "120.00", year=2024)
    MonthlyReport.objects.create(
        project=ready.gp_project, year=2025, month=9, invested=Decimal("999")
    )  # draft
    return ready


def workbook(client, kind, **params):
    response = client.get(f"/inclusion/exports/{kind}/", {"year": 2025, "month": 10, **params})
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    return load_workbook(io.BytesIO(response.content))


def header_row(ws):
    return [c.value for c in ws[3]]


def col(ws, header):
    return header_row(ws).index(header) + 1


def check_layout(ws, title_words):
    assert all(w in ws["A1"].value for w in title_words), ws["A1"].value
    assert "单位：万元" in ws["A2"].value
    assert ws.freeze_panes == "A4"
    assert ws.print_title_rows == "$3:$3"
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert any(r.startswith("A1:") for r in merged)


def test_screening_list(figures_world, client):
    client.force_login(figures_world["stats"])
    ws = workbook(client, "screening").active
    check_layout(ws, ["晋城市", "2025年10月", "筛选清单"])
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    data, total = rows[:-1], rows[-1]
    assert len(data) == 3
    ytd = col(ws, "1–10月完成投资")
    by_name = {r[col(ws, "项目名称") - 1]: r for r in data}
    assert by_name["泽州县巴公智能装备产业园"][ytd - 1] == pytest.approx(500.75)
    assert by_name["高平市米山新材料项目"][ytd - 1] == pytest.approx(50.0)  # the draft does not count
    assert total[col(ws, "县（市、区）") - 1] == "合计（3项）"
    assert total[ytd - 1] == pytest.approx(650.75)
    assert ws.cell(4, ytd).number_format == "#,##0.00"
    assert ws.column_dimensions["A"].hidden  # the id column


def test_investment_by_county_and_department_equals_the_dashboard(figures_world, client):
    client.force_login(figures_world["stats"])
    wb = workbook(client, "investment")
    dashboard = measures.figures(projects=Project.objects.all(), year=2025, month=10)
    assert dashboard.ytd_completed == Decimal("650.75")
    for name in ("分县区", "分部门"):
        ws = wb[name]
        check_layout(ws, ["晋城市", "2025年1–10月", name])
        rows = list(ws.iter_rows(min_row=4, values_only=True))
        total = rows[-1]
        assert total[1] == "合计"
        assert total[col(ws, "1–10月完成投资") - 1] == pytest.approx(float(dashboard.ytd_completed))
        assert total[col(ws, "年度计划投资") - 1] == pytest.approx(float(dashboard.annual_plan))
        assert total[col(ws, "同比增长（%）") - 1] == pytest.approx(float(dashboard.yoy_rate))
        assert total[col(ws, "占年度计划（%）") - 1] == pytest.approx(float(dashboard.completion_rate))
        assert sum(r[col(ws, "1–10月完成投资") - 1] for r in rows[:-1]) == pytest.approx(650.75)
    county = {r[1]: r for r in wb["分县区"].iter_rows(min_row=4, values_only=True)}
    assert county["泽州县"][5] == pytest.approx(600.75)
    # The start page shows the same total for the same month (default period there).
    home = client.get("/").context["figures"]
    same = measures.figures(projects=Project.objects.all(), year=home.year, month=home.month)
    assert home.ytd_completed == same.ytd_completed


def test_included_by_county_with_subtotals(figures_world, client):
    stats = figures_world["stats"]
    for p, n in ((figures_world.zz_project, "A-1"), (figures_world.gp_project, "B-1")):
        services.inclusion_move(actor=stats, project=p, to=S.DECLARED, today=TODAY)
        services.inclusion_move(actor=stats, project=p, to=S.INCLUDED, stats_number=n, today=TODAY)
    client.force_login(stats)
    ws = workbook(client, "included").active
    check_layout(ws, ["晋城市", "2025年10月", "已入库"])
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    labels = [r[1] for r in rows]
    assert labels == ["泽州县", "泽州县 小计（1项）", "高平市", "高平市 小计（1项）", "合计（2项）"]
    assert rows[-1][col(ws, "1–10月完成投资") - 1] == pytest.approx(550.75)


def test_progress_by_county(figures_world, client):
    services.inclusion_move(
        actor=figures_world["stats"], project=figures_world.zz_project, to=S.DECLARED, today=TODAY
    )
    client.force_login(figures_world["stats"])
    ws = workbook(client, "progress").active
    check_layout(ws, ["晋城市", "2025年10月", "入库纳统工作进度"])
    rows = {r[1]: r for r in ws.iter_rows(min_row=4, values_only=True)}
    h = header_row(ws)
    zz, total = rows["泽州县"], rows["合计"]
    assert (zz[h.index("应入库项目数")], zz[h.index("已申报")], zz[h.index("待申报")]) == (2, 1, 1)
    assert total[h.index("应入库项目数")] == 3
    assert total[h.index("应入库项目1–10月完成投资")] == pytest.approx(650.75)


def test_the_county_bureaus_exports_are_its_county(figures_world, client):
    client.force_login(figures_world["zz_stats"])
    ws = workbook(client, "investment")["分县区"]
    assert ws["A1"].value.startswith("泽州县")
    assert list(ws.iter_rows(min_row=4, values_only=True))[-1][5] == pytest.approx(600.75)


def test_text_that_looks_like_a_formula_is_written_as_text(ready, client):
    ready.zz_project.name = '=HYPERLINK("http://evil","点我")'
    ready.zz_project.construction_unit = "+cmd|' /C calc'!A0"
    ready.zz_project.save()
    client.force_login(ready["stats"])
    ws = workbook(client, "screening").active
    risky = {
        c.value: c
        for row in ws.iter_rows(min_row=4)
        for c in row
        if isinstance(c.value, str) and c.value.startswith(("=", "+", "-", "@"))
    }
    # Shown exactly as typed, stored as text with Excel's quote prefix: never a formula.
    assert set(risky) == {'=HYPERLINK("http://evil","点我")', "+cmd|' /C calc'!A0"}
    assert all(c.data_type == "s" and c.quotePrefix for c in risky.values())


def test_the_status_column_read_back_moves_the_projects(ready, client):
    client.force_login(ready["stats"])
    services.inclusion_move(actor=ready["stats"], project=ready.zz_road, to=S.DECLARED, today=TODAY)
    response = client.get("/inclusion/exports/screening/", {"year": 2025, "month": 10})
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb.active
    h = header_row(ws)
    for row in ws.iter_rows(min_row=4):
        name = row[h.index("项目名称")].value
        if name == "泽州县巴公智能装备产业园":
            row[h.index("入库状态")].value = "已入库"
            row[h.index("统计库项目编号")].value = "TJ-0001"
        elif name == "泽州县金村物流通道":
            row[h.index("入库状态")].value = "退回"
            row[h.index("退回原因")].value = "缺少开工证明原件"
    out = io.BytesIO()
    wb.save(out)
    upload = io.BytesIO(out.getvalue())
    upload.name = "筛选清单.xlsx"
    response = client.post("/inclusion/import/", {"file": upload})
    assert response.status_code == 302
    batch_url = response["Location"]
    preview = client.get(batch_url)
    changes = preview.context["summary"]["changes"]
    assert sorted((c["name"], c["to"]) for c in changes) == [
        ("泽州县巴公智能装备产业园", "included"),
        ("泽州县金村物流通道", "returned"),
    ]
    assert not InclusionRecord.objects.filter(status=S.INCLUDED).exists()  # nothing written yet
    assert client.post(batch_url + "commit/").status_code == 302
    records = dict(InclusionRecord.objects.values_list("project__name", "status"))
    assert records == {"泽州县巴公智能装备产业园": S.INCLUDED, "泽州县金村物流通道": S.RETURNED}
    assert InclusionRecord.objects.get(project=ready.zz_project).stats_number == "TJ-0001"
    assert InclusionRecord.objects.get(project=ready.zz_road).return_reason == "缺少开工证明原件"


def test_a_status_list_with_one_bad_row_writes_nothing(ready):
    ProjectFactory(name="泽州县缺资料项目", county=ready.zezhou, credit_code=credit_code(33))
    _name, data = build_export("screening", user=ready["stats"], year=2025, month=10, filters={})
    wb = load_workbook(io.BytesIO(data))
    ws = wb.active
    h = header_row(ws)
    for row in ws.iter_rows(min_row=4):
        if row[h.index("项目名称")].value in ("泽州县巴公智能装备产业园", "泽州县缺资料项目"):
            row[h.index("入库状态")].value = "已申报"
    out = io.BytesIO()
    wb.save(out)
    batch = services.status_import_preview(
        actor=ready["stats"], data=out.getvalue(), file_name="x.xlsx", projects_in_scope=Project.objects.all()
    )
    assert batch.status == "rejected"
    assert [e["name"] for e in batch.summary["errors"]] == ["泽州县缺资料项目"]
    assert not InclusionRecord.objects.exists()  # the trial run was rolled back
    with pytest.raises(services.InclusionError):
        services.status_import_commit(
            actor=ready["stats"], upload=batch, projects_in_scope=Project.objects.all()
        )


def test_a_large_export_runs_as_a_job_with_progress_and_a_link(
    ready, client, settings, celery_eager, django_capture_on_commit_callbacks
):
    settings.INCLUSION_EXPORT_INLINE_ROWS = 1
    client.force_login(ready["stats"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/inclusion/exports/screening/", {"year": 2025, "month": 10})
    assert response.status_code == 302 and "/inclusion/exports/jobs/" in response["Location"]
    job = ExportJob.objects.get()
    state = client.get(response["Location"], {"format": "json"}).json()
    assert state["status"] == "done" and state["percent"] == 100 and state["download"]
    file = client.get(state["download"])
    ws = load_workbook(io.BytesIO(file.content)).active
    assert "筛选清单" in ws["A1"].value and ws.max_row == 3 + 3 + 1
    client.force_login(ready["office"])
    assert client.get(f"/inclusion/exports/jobs/{job.pk}/").status_code == 404  # another user's job


def test_completed_by_project_counts_the_approved_values(figures_world):
    result = measures.completed_by_project(
        projects=Project.objects.all(), year=2025, month=10, basis=measures.Basis.APPROVED
    )
    assert result[figures_world.zz_project.pk] == (Decimal("500.75"), Decimal("620.75"))
    assert result[figures_world.gp_project.pk] == (Decimal("50.00"), Decimal("50.00"))
    as_of_sept = measures.completed_by_project(projects=[figures_world.zz_project.pk], year=2025, month=9)
    assert as_of_sept[figures_world.zz_project.pk] == (Decimal("300.50"), Decimal("420.50"))


def test_a_quote_prefix_stays_on_its_own_cell():
    """Cells of a column share their style in the writer: the prefix one text needs must not spread
    to the cells written after it, nor the number format of a money column to a text column."""
    from inclusion.excel import Column, TableWriter

    writer = TableWriter()
    columns = [Column("name", "名称"), Column("money", "金额", kind="money")]
    rows = [{"name": "=1+1", "money": Decimal("1.5")}, {"name": "普通文字", "money": None}, {"name": "-减"}]
    writer.table(sheet="s", title="t", columns=columns, rows=iter(rows), totals=lambda: {"name": "合计"})
    ws = load_workbook(io.BytesIO(writer.bytes())).active
    cells = list(ws.iter_rows(min_row=4))
    assert [(r[0].value, bool(r[0].quotePrefix)) for r in cells] == [
        ("=1+1", True),
        ("普通文字", False),
        ("-减", True),
        ("合计", False),
    ]
    assert cells[0][1].number_format == "#,##0.00" and cells[0][0].number_format == "General"
    assert cells[1][1].border.left.style == "thin" and cells[3][0].font.b
