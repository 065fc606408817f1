"""Ledger import, as the uploader sees it: the preview's verdict, then what the commit wrote."""

import datetime as dt
import json
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError

from accounts.choices import AuditAction
from accounts.models import AuditLog
from projects.choices import ImportStatus, Industry, KeyLevel, Nature, Stage
from projects.importing.services import ImportRefused, ledger_commit, ledger_preview
from projects.models import AnnualPlan, ImportBatch, Project, StageChange

from .conftest import builders

MESSY_NAMES = [
    "巴公镇高端装备制造产业园",
    "金村至高平物流通道改造工程",
    "米山现代农业示范园",
    "开发区智能传感器项目",
]


def project_audit_rows():
    types = [ContentType.objects.get_for_model(m) for m in (Project, AnnualPlan)]
    return AuditLog.objects.filter(content_type__in=types).count()


def state():
    return (
        Project.objects.count(),
        AnnualPlan.objects.count(),
        StageChange.objects.count(),
        project_audit_rows(),
    )


def preview(world, data, *, user="office", name="台账.xlsx", year=2025):
    return ledger_preview(actor=world[user], file_name=name, data=data, year=year)


SIMPLE_COLUMNS = [
    "name",
    "code",
    "unit",
    "county",
    "town",
    "department",
    "nature",
    "total",
    "annual",
    "start",
    "end",
]


def existing_row(project, **cells) -> list:
    """A row of `builders.SIMPLE_HEADER` naming an existing project (by name and unit); other cells blank."""
    row = [project.name, None, project.construction_unit] + [None] * 8
    for column, value in cells.items():
        row[SIMPLE_COLUMNS.index(column)] = value
    return row


# ---------------------------------------------------------------- bad inputs: one fixture each


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        ("not_xlsx.txt", "不是 Excel 工作簿"),
        ("renamed_csv.xlsx", "可能是 CSV"),
        ("renamed_html.xlsx", "网页（HTML/XML）改名而来"),
        ("empty.xlsx", "文件为空"),
        ("empty_sheet.xlsx", "没有项目数据行"),
        ("encrypted.xlsx", "文件已加密"),
        ("zip_bomb.xlsx", "压缩炸弹"),
        ("million_rows.xlsx", "声明了 1,000,000 行"),
    ],
)
def test_unreadable_files_are_refused_with_a_clear_message_and_nothing_written(
    world, fixture_bytes, fixture, message
):
    before = state()
    batch = preview(world, fixture_bytes(fixture), name=fixture)
    assert batch.status == ImportStatus.REJECTED
    assert message in batch.summary["file_error"]
    assert bytes(batch.content) == b""  # the refused file is not kept
    with pytest.raises(ImportRefused):
        ledger_commit(actor=world["office"], batch=batch)
    assert state() == before


def test_a_file_over_the_size_limit_is_refused(world, fixture_bytes, settings):
    settings.IMPORT_MAX_BYTES = 4 * 1024
    before = state()
    batch = preview(world, fixture_bytes("messy_ledger.xlsx"))
    assert "文件过大" in batch.summary["file_error"]
    assert state() == before


def test_zip_bomb_is_refused_from_declared_sizes_without_inflating(world, fixture_bytes, monkeypatch):
    import zipfile

    data = fixture_bytes("zip_bomb.xlsx")
    assert len(data) < 1024 * 1024

    def inflate(*args, **kwargs):
        raise AssertionError("a part of the bomb was opened")

    monkeypatch.setattr(zipfile.ZipFile, "open", inflate)
    batch = preview(world, data)
    assert "压缩炸弹" in batch.summary["file_error"]


@pytest.mark.parametrize(
    ("fixture", "user", "row", "column", "message"),
    [
        ("unknown_county.xlsx", "office", 3, "县（市、区）", "未找到县（市、区）“平遥县”"),
        ("unknown_department.xlsx", "office", 3, "责任单位", "未找到责任单位“市数据局”"),
        ("duplicate_rows.xlsx", "office", 4, "项目名称", "与第3行重复（项目名称和建设单位相同）"),
        ("out_of_scope.xlsx", "zezhou", 4, "县（市、区）", "超出管辖范围：泽州县只能导入本单位管辖的项目"),
    ],
)
def test_rows_with_bad_references_are_listed_and_block_the_whole_import(
    world, fixture_bytes, fixture, user, row, column, message
):
    before = state()
    batch = preview(world, fixture_bytes(fixture), user=user)
    assert batch.status == ImportStatus.REJECTED
    errors = batch.summary["errors"]
    assert any(e["row"] == row and e["column"] == column and message in e["message"] for e in errors), errors
    assert all(e["sheet"] == "台账" for e in errors)
    with pytest.raises(ImportRefused):
        ledger_commit(actor=world[user], batch=batch)
    assert state() == before


def test_out_of_scope_file_lets_the_zezhou_rows_through_for_the_city_office(world, fixture_bytes):
    batch = preview(world, fixture_bytes("out_of_scope.xlsx"), user="office")
    assert (batch.summary["counts"]["create"], batch.summary["counts"]["errors"]) == (2, 0)


def test_a_county_reporter_cannot_update_another_countys_project(world):
    gp = world.gp_project
    row = existing_row(
        gp,
        county="高平市",
        town="米山镇",
        department="市工信局",
        nature="新建",
        total=99999,
        annual=1,
        start="2025-03-01",
    )
    data = builders.simple_ledger([row])
    batch = preview(world, data, user="zezhou")
    assert batch.summary["errors"][0]["message"].startswith("在您的管辖范围内未找到该项目")


@pytest.mark.parametrize("match_by", ["name", "code", "code_and_other_name"])
def test_another_units_project_is_not_found_and_nothing_of_it_is_shown(world, client_for, match_by):
    """Page, stored summary and command output name nothing of 高平市's project (issue 14)."""
    import io

    from django.core.management import call_command
    from django.urls import reverse

    gp = world.gp_project
    gp.code = builders.project_code("2503", "140581", 55555)  # a valid check digit: no warning echoes it
    gp.save(update_fields=["code"])
    cells = {"county": "泽州县", "total": 100}
    if match_by == "name":
        row = existing_row(gp, **cells)
    else:  # the code of 高平市's project, under a name only this row uses
        row = existing_row(gp, code=gp.code, **cells)
        row[0] = "泽州县自拟名称项目" if match_by == "code_and_other_name" else gp.name
    data = builders.simple_ledger([row])
    page = client_for("zezhou").post(
        reverse("projects:import_list"),
        {"file": SimpleUploadedFile("台账.xlsx", data), "year": 2025},
        follow=True,
    )
    batch = ImportBatch.objects.get()
    (error,) = batch.summary["errors"]
    assert error["message"].startswith("在您的管辖范围内未找到该项目")
    out = io.StringIO()
    path = Path(tempfile.mkdtemp()) / "ledger.xlsx"
    path.write_bytes(data)
    with pytest.raises(CommandError, match="文件有错误"):
        call_command("import_projects", str(path), "--user", "zezhou", stdout=out)
    shown = page.content.decode() + json.dumps(batch.summary, ensure_ascii=False) + out.getvalue()
    assert "在您的管辖范围内未找到该项目" in out.getvalue()
    for secret in ("高平市", gp.code, gp.county.name) + (
        () if match_by != "code_and_other_name" else (gp.name,)
    ):
        assert secret not in shown, secret


def test_leaders_and_statistics_may_not_import(world, fixture_bytes):
    for user in ("leader", "stats", "outsider"):
        with pytest.raises(PermissionDenied):
            preview(world, fixture_bytes("messy_ledger.xlsx"), user=user)
    assert not ImportBatch.objects.exists()


# ---------------------------------------------------------------- the messy real-world ledger


def test_messy_ledger_preview_counts_and_notes(world, leaders, fixture_bytes):
    batch = preview(world, fixture_bytes("messy_ledger.xlsx"))
    s = batch.summary
    assert batch.status == ImportStatus.PREVIEWED
    assert s["counts"]["rows"] == 4  # title, unit line, header, blank, 合计 and footnote rows skipped
    assert s["counts"]["create"] == 4
    assert s["counts"]["errors"] == 0
    assert [c["name"] for c in s["creates"]] == MESSY_NAMES
    assert [c["row"] for c in s["creates"]] == [6, 8, 9, 10]
    assert s["sheets"][0]["header_row"] == 5
    assert len(s["sheets"]) == 1  # the 填表说明 sheet has no header
    warnings = {(w["row"], w["column"]): w["message"] for w in s["warnings"]}
    assert warnings[(6, "行业类别")] == "“新材料”按“工业”导入"
    assert "校验位不符" in warnings[(8, "项目代码")]
    assert warnings[(8, "包联领导")] == "领导库中没有“王某某”，已保留原文"
    assert Project.objects.count() == 3  # a preview writes no project


def test_messy_ledger_commits_the_values_a_person_would_read(world, leaders, fixture_bytes):
    batch = ledger_commit(actor=world["office"], batch=preview(world, fixture_bytes("messy_ledger.xlsx")))
    assert batch.status == ImportStatus.COMMITTED
    assert batch.committed_at is not None
    assert batch.summary["result"]["created"] == 4
    projects = {
        p.name: p for p in Project.objects.filter(name__in=MESSY_NAMES).select_related("town", "county")
    }

    bagong = projects["巴公镇高端装备制造产业园"]
    assert bagong.code == builders.MESSY_CODES["bagong"]
    assert bagong.total_investment == Decimal("12345.60")  # "１２３４５.６"
    assert (bagong.county, bagong.town) == (world.zezhou, world.bagong)
    assert bagong.reporting_unit == world.zezhou
    assert bagong.department == world.gxj  # "市工信局"
    assert bagong.planned_start == dt.date(2025, 3, 1)  # a date cell
    assert bagong.planned_completion == dt.date(2026, 6, 30)  # "2026/6/30"
    assert bagong.liaison_leader == leaders["魏连明"]  # "魏连明（副县长）"
    assert bagong.liaison_leader_name == ""
    assert bagong.industry == Industry.INDUSTRY
    assert bagong.key_level == KeyLevel.CITY
    assert bagong.manager_phone == "13903560001"
    assert bagong.content == "建设标准化厂房８万平方米及配套设施"  # as typed (issue 14)
    assert bagong.stage == Stage.RESERVE
    plan = bagong.annual_plans.get()
    assert (plan.year, plan.planned_investment, plan.is_new, plan.planned_start_month) == (
        2025,
        Decimal("3000.00"),
        True,
        3,
    )

    jincun = projects["金村至高平物流通道改造工程"]
    assert jincun.total_investment == Decimal("12000.00")  # "1.2亿"
    assert jincun.town == world.jincun  # "金村"
    assert jincun.department == world.jtj  # "市交通局"
    assert jincun.nature == Nature.CONTINUING
    assert jincun.planned_start == dt.date(2024, 3, 1)  # "2024年3月"
    assert jincun.planned_completion == dt.date(2025, 12, 1)  # "2025.12"
    assert jincun.liaison_leader is None and jincun.liaison_leader_name == "王某某"
    assert jincun.annual_plans.get().planned_investment == Decimal("2000.00")  # "2000万元"
    assert jincun.annual_plans.get().is_new is False

    mishan = projects["米山现代农业示范园"]
    assert (mishan.county, mishan.town) == (world.gaoping, world.mizhen)
    assert mishan.planned_start == dt.date(2025, 3, 1)  # Excel serial 45717
    assert mishan.planned_completion == dt.date(2027, 6, 1)  # 2027.6 typed as a number
    assert mishan.actual_start == dt.date(2025, 4, 10)
    assert mishan.stage == Stage.CONSTRUCTION  # an actual start date puts it under construction
    assert mishan.nature == Nature.EXPANSION
    assert mishan.total_investment == Decimal("8000.00")
    assert mishan.annual_plans.get().planned_investment == Decimal("1500.00")  # "１５００" as text

    zone = projects["开发区智能传感器项目"]
    assert zone.county == world.zone and zone.town is None
    assert zone.planned_start == dt.date(2025, 5, 1)  # "2025.5"
    assert zone.key_level == ""
    assert not zone.annual_plans.exists()

    # One StageChange per new project, an audit row per project and plan, and one for the batch.
    assert StageChange.objects.filter(project__in=projects.values()).count() == 4
    tag = f"import-{batch.pk}"
    assert AuditLog.objects.filter(batch=tag, action=AuditAction.CREATE).count() == 4 + 3
    imports = AuditLog.objects.filter(batch=tag, action=AuditAction.IMPORT)
    assert imports.count() == 1 and imports.get().actor == world["office"]


def test_importing_the_same_file_again_changes_nothing(world, leaders, fixture_bytes):
    data = fixture_bytes("messy_ledger.xlsx")
    ledger_commit(actor=world["office"], batch=preview(world, data))
    before = state()
    versions = list(Project.objects.order_by("pk").values_list("pk", "version", "updated_at"))
    again = preview(world, data)
    counts = again.summary["counts"]
    assert (counts["create"], counts["update"], counts["unchanged"], counts["errors"]) == (0, 0, 4, 0)
    ledger_commit(actor=world["office"], batch=again)
    assert state() == before
    assert list(Project.objects.order_by("pk").values_list("pk", "version", "updated_at")) == versions


def test_a_batch_is_committed_once(world, leaders, fixture_bytes):
    batch = preview(world, fixture_bytes("messy_ledger.xlsx"))
    ledger_commit(actor=world["office"], batch=batch)
    with pytest.raises(ImportRefused, match="已经导入过"):
        ledger_commit(actor=world["office"], batch=batch)
    assert Project.objects.filter(name__in=MESSY_NAMES).count() == 4


def test_a_changed_ledger_updates_only_what_changed(world, leaders, fixture_bytes):
    ledger_commit(actor=world["office"], batch=preview(world, fixture_bytes("messy_ledger.xlsx")))
    bagong = Project.objects.get(name="巴公镇高端装备制造产业园")
    changed = builders.messy_ledger(annual_bagong="3500", total_zone="6000")
    batch = preview(world, changed)
    s = batch.summary
    assert (s["counts"]["create"], s["counts"]["update"], s["counts"]["unchanged"]) == (0, 2, 2)
    diffs = {u["name"]: {c["field"]: (c["old"], c["new"]) for c in u["changes"]} for u in s["updates"]}
    assert diffs["巴公镇高端装备制造产业园"] == {"2025年计划投资（万元）": ("3000.00", "3500.00")}
    assert diffs["开发区智能传感器项目"] == {"总投资（万元）": ("5000.00", "6000.00")}
    ledger_commit(actor=world["office"], batch=batch)
    bagong.refresh_from_db()
    assert bagong.annual_plans.get(year=2025).planned_investment == Decimal("3500.00")
    assert bagong.version == 1  # only its plan changed
    zone = Project.objects.get(name="开发区智能传感器项目")
    assert zone.total_investment == Decimal("6000.00") and zone.version == 2
    update = AuditLog.objects.get(
        batch=f"import-{batch.pk}",
        action=AuditAction.UPDATE,
        object_id=str(zone.pk),
        content_type=ContentType.objects.get_for_model(Project),
    )
    assert update.changes == {"total_investment": ["5000.00", "6000.00"]}


def test_rows_match_existing_projects_by_name_and_unit_and_blank_cells_clear_nothing(world):
    project = world.zz_project
    row = existing_row(project, county="泽州", town="巴公", nature="续建", total="10000", annual="800")
    data = builders.simple_ledger([row])
    batch = preview(world, data, user="zezhou")
    assert batch.summary["counts"]["update"] == 1, batch.summary["errors"]
    ledger_commit(actor=world["zezhou"], batch=batch)
    project.refresh_from_db()
    assert project.nature == Nature.CONTINUING
    assert project.total_investment == Decimal("10000.00")
    assert project.department == world.gxj  # blank 责任单位 cell left it alone
    assert project.planned_start == dt.date(2025, 3, 1)
    assert project.annual_plans.get(year=2025).planned_investment == Decimal("800.00")


def test_a_year_column_sets_the_plan_year_else_the_form_year(world):
    header = [*builders.SIMPLE_HEADER[:8], "年度计划投资", *builders.SIMPLE_HEADER[9:]]
    data = builders.simple_ledger([builders.zezhou_row()], header=header)
    ledger_commit(actor=world["office"], batch=preview(world, data, year=2026))
    assert Project.objects.get(name="巴公镇新建厂房项目").annual_plans.get().year == 2026
    data = builders.simple_ledger([builders.zezhou_row(name="另一项目")])  # "2025年计划投资"
    ledger_commit(actor=world["office"], batch=preview(world, data, year=2026))
    assert Project.objects.get(name="另一项目").annual_plans.get().year == 2025


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        ({7: "-100"}, "总投资（万元）", "金额不能为负数"),
        ({4: "米山镇"}, "乡镇", "乡镇“米山镇”不属于泽州县"),
        ({9: "明年三月"}, "计划开工时间", "不是有效的日期"),
        ({1: "2513-140525-04-01-123456"}, "项目代码", "月份 13 无效"),
        ({10: "2024-01-01"}, "计划竣工时间", "早于计划开工时间"),
        ({2: ""}, "建设单位", "建设单位不能为空"),
    ],
)
def test_row_errors_name_the_cell_and_the_reason(world, cells, column, message):
    row = builders.zezhou_row()
    for index, value in cells.items():
        row[index] = value
    batch = preview(world, builders.simple_ledger([row]))
    errors = batch.summary["errors"]
    assert any(e["column"] == column and message in e["message"] and e["row"] == 3 for e in errors), errors


def test_credit_code_is_checked_when_given(world):
    header = [*builders.SIMPLE_HEADER, "统一社会信用代码"]
    good, bad = builders.credit_code(7), builders.credit_code(7)[:-1] + "0"
    assert good != bad
    batch = preview(world, builders.simple_ledger([[*builders.zezhou_row(), bad]], header=header))
    assert "校验位错误" in batch.summary["errors"][0]["message"]
    batch = preview(world, builders.simple_ledger([[*builders.zezhou_row(), good]], header=header))
    assert batch.summary["counts"]["errors"] == 0


def test_address_column_locates_a_row_without_a_county_column(world):
    header = ["项目名称", "建设单位", "建设地点", "总投资"]
    data = builders.simple_ledger(
        [["北石店产业园", "泽州县北石店建设公司", "泽州县巴公镇北石店村", "3000"]], header=header
    )
    batch = ledger_commit(actor=world["office"], batch=preview(world, data))
    project = Project.objects.get(name="北石店产业园")
    assert (project.county, project.town, project.address) == (
        world.zezhou,
        world.bagong,
        "泽州县巴公镇北石店村",
    )
    assert batch.summary["result"]["created"] == 1


def test_a_new_total_must_agree_with_the_recorded_funding_sources(world):
    project = world.zz_project  # funded 10000 万元 企业自筹
    row = existing_row(project, county="泽州县", total="12000")
    batch = preview(world, builders.simple_ledger([row]))
    assert "资金来源合计 10000.00 万元与总投资 12000.00 万元不一致" in batch.summary["errors"][0]["message"]
    header = [*builders.SIMPLE_HEADER, "企业自筹"]
    batch = preview(world, builders.simple_ledger([[*row, "12000"]], header=header))
    assert batch.summary["counts"]["update"] == 1


def test_a_yi_yuan_unit_line_converts_the_sheet_to_wan_yuan(world):
    wb_rows = [builders.zezhou_row()]
    wb_rows[0][7], wb_rows[0][8] = "1.5", 0.3  # 亿元
    data = builders.simple_ledger(wb_rows, title="单位：亿元")
    ledger_commit(actor=world["office"], batch=preview(world, data))
    project = Project.objects.get(name="巴公镇新建厂房项目")
    assert project.total_investment == Decimal("15000.00")
    assert project.annual_plans.get().planned_investment == Decimal("3000.00")


def test_more_data_rows_than_the_limit_are_refused(world, settings):
    settings.IMPORT_MAX_ROWS = 2
    rows = [builders.zezhou_row(name=f"项目{i}") for i in range(3)]
    batch = preview(world, builders.simple_ledger(rows))
    assert "数据行超过上限 2 行" in batch.summary["file_error"]
    assert state()[0] == 3


def _ledger_of(n):
    return builders.simple_ledger([builders.zezhou_row(name=f"批量项目{i:03d}") for i in range(n)])


def test_preview_and_commit_do_not_query_per_row(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    preview(world, _ledger_of(1), name="warm-up.xlsx")  # role and content-type caches
    counts = []
    for n in (3, 60):
        with CaptureQueriesContext(connection) as previewing:
            batch = preview(world, _ledger_of(n), name=f"{n}.xlsx")
        with CaptureQueriesContext(connection) as committing:
            ledger_commit(actor=world["office"], batch=batch)
        counts.append((len(previewing), len(committing)))
        Project.objects.filter(name__startswith="批量项目").delete()
    assert counts[0][0] == counts[1][0], counts
    # Bulk inserts go 1,000 rows a statement on PostgreSQL; SQLite's parameter limit splits them a
    # little more (≈20 projects a statement), which is still not a query per row.
    extra = 0 if connection.vendor == "postgresql" else 6
    assert counts[1][1] <= counts[0][1] + extra, counts


def test_a_sheet_with_xml_entities_is_refused_not_a_server_error(world):
    import io
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(builders.simple_ledger([builders.zezhou_row()])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(
                    b"<worksheet", b'<!DOCTYPE lol [<!ENTITY a "aaaaaaaaaa">]><worksheet', 1
                )
            target.writestr(info, content)
    before = state()
    batch = preview(world, out.getvalue())
    assert batch.status == ImportStatus.REJECTED
    assert "无法读取" in batch.summary["file_error"]
    assert state() == before


def test_commit_reads_the_stored_file_again_when_another_process_made_the_preview(
    world, leaders, fixture_bytes
):
    from django.core.cache import cache

    batch = preview(world, fixture_bytes("messy_ledger.xlsx"))
    cache.clear()  # the confirm request lands on a worker that never saw the preview
    batch = ledger_commit(actor=world["office"], batch=batch)
    assert batch.summary["result"]["created"] == 4


def test_commit_checks_names_again_against_the_database_as_it_is_then(world):
    batch = preview(world, builders.simple_ledger([builders.zezhou_row(department="市交通局")]))
    assert batch.status == ImportStatus.PREVIEWED
    world.jtj.is_active = False  # the department was merged away between preview and confirm
    world.jtj.save()
    with pytest.raises(ImportRefused, match="重新检查发现错误"):
        ledger_commit(actor=world["office"], batch=batch)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.REJECTED
    assert "未找到责任单位“市交通局”" in batch.summary["errors"][0]["message"]
    assert not Project.objects.filter(name="巴公镇新建厂房项目").exists()


def test_a_county_cannot_move_its_own_project_into_another_county(world):
    project = world.zz_project
    row = existing_row(project, county="高平市", town="米山镇")
    batch = preview(world, builders.simple_ledger([row]), user="zezhou")
    assert "超出管辖范围" in batch.summary["errors"][0]["message"]


def test_a_department_imports_the_projects_it_is_responsible_for(world):
    mine = builders.zezhou_row(name="晋城至泽州公路改造", department="市交通局")
    other = builders.zezhou_row(name="泽州县某厂房", department="市工信局")
    batch = preview(world, builders.simple_ledger([mine, other]), user="jtj")
    errors = batch.summary["errors"]
    assert [e["row"] for e in errors] == [4] and "超出管辖范围" in errors[0]["message"]


def test_an_actual_start_on_a_reserve_project_is_kept_with_a_note_about_the_stage(world):
    project = world.zz_project
    project.stage, project.actual_start = Stage.RESERVE, None
    project.save()
    header = [*builders.SIMPLE_HEADER, "实际开工时间"]
    row = [*existing_row(project, county="泽州县"), "2025-04-01"]
    batch = preview(world, builders.simple_ledger([row], header=header))
    assert "导入不变更阶段" in batch.summary["warnings"][0]["message"]
    ledger_commit(actor=world["office"], batch=batch)
    project.refresh_from_db()
    assert (project.actual_start, project.stage) == (dt.date(2025, 4, 1), Stage.RESERVE)


def test_a_new_project_without_a_start_date_gets_a_continuing_plan_with_a_warning(world):
    row = builders.zezhou_row()
    row[9] = None
    batch = preview(world, builders.simple_ledger([row]))
    assert batch.summary["warnings"][0]["message"] == "新建项目未填写计划开工时间，2025年计划按续建导入"


# ---------------------------------------------------------------- ledgers as they come in


def _sheet(rows: list[list]) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    return builders._bytes(wb)


def test_a_header_on_row_14_under_a_long_title_block_is_found(world):
    rows = [["晋城市重点项目台账"], *[[None]] * 11, ["单位：万元"], builders.SIMPLE_HEADER]
    batch = preview(world, _sheet([*rows, builders.zezhou_row()]))
    assert batch.summary["sheets"][0]["header_row"] == 14
    assert [(c["row"], c["name"]) for c in batch.summary["creates"]] == [(15, "巴公镇新建厂房项目")]


def test_a_two_line_header_starting_on_row_15_keeps_its_second_line(world):
    top = [*builders.SIMPLE_HEADER[:9], "建设起止年限", None]
    sub = [None] * 9 + ["开工时间", "竣工时间"]
    batch = preview(world, _sheet([["标题"], *[[None]] * 13, top, sub, builders.zezhou_row()]))
    sheet = batch.summary["sheets"][0]
    assert sheet["header_row"] == 16
    assert [c["field"] for c in sheet["columns"]][-2:] == ["计划开工时间", "计划竣工时间"]
    assert [c["row"] for c in batch.summary["creates"]] == [17]


def test_a_two_line_header_ending_in_a_group_lists_no_phantom_columns(world):
    top = [*builders.SIMPLE_HEADER[:9], "建设起止年限", None]
    sub = [None] * 9 + ["开工时间", "竣工时间"]
    batch = preview(world, _sheet([["标题"], top, sub, builders.zezhou_row()]))
    sheet = batch.summary["sheets"][0]
    assert sheet["header_row"] == 3
    assert sheet["ignored"] == []  # the group's name is not carried over the empty columns after it
    assert [c["field"] for c in sheet["columns"]][-2:] == ["计划开工时间", "计划竣工时间"]
    assert batch.summary["counts"]["create"] == 1


def test_section_headings_subtotals_and_totals_between_the_rows_are_skipped(world):
    rows = [
        ["标题"],
        builders.SIMPLE_HEADER,
        ["一、泽州县"],
        builders.zezhou_row(name="甲项目"),
        ["泽州县小计（1个）", None, None, None, None, None, None, 1000, 500],
        ["（二）续建项目", None, None, None, None, None, None, 2000, 1000],  # a heading with its subtotal
        builders.zezhou_row(name="乙项目"),
        ["合计", None, None, None, None, None, None, 3000, 1500],
        builders.zezhou_row(name="丙项目"),
    ]
    s = preview(world, _sheet(rows)).summary
    assert s["counts"]["errors"] == 0, s["errors"]
    assert [(c["row"], c["name"]) for c in s["creates"]] == [(4, "甲项目"), (7, "乙项目"), (9, "丙项目")]


def test_a_project_code_stored_as_a_number_is_refused_not_imported_with_lost_digits(world):
    code = builders.MESSY_CODES["bagong"]
    row = builders.zezhou_row()
    row[1] = float(code.replace("-", ""))  # what Excel keeps of 20 digits typed into a number cell
    errors = preview(world, builders.simple_ledger([row])).summary["errors"]
    assert [(e["row"], e["column"]) for e in errors] == [(3, "项目代码")]
    assert errors[0]["message"].startswith(
        "“25031405250401100000”是数字格式，Excel 只保留前15位"
    )  # as Excel shows it


def test_a_name_typed_with_other_width_brackets_and_spaces_matches_the_existing_project(world):
    project = world.zz_project
    project.name = "泽州县巴公智能装备产业园（一期）"
    project.save()
    row = existing_row(project, county="泽州县", total="10000", annual="800")
    row[0] = "泽州县巴公智能装备产业园 (一期)"
    s = preview(world, builders.simple_ledger([row])).summary
    assert (s["counts"]["create"], s["counts"]["update"]) == (0, 1), s
    assert s["updates"][0]["project_id"] == project.pk


def test_a_month_typed_as_the_number_2025_1_is_read_as_january_with_a_note_that_it_may_mean_october(world):
    row = builders.zezhou_row()
    row[10] = 2026.1  # "2026.10" typed into a number cell: Excel keeps 2026.1
    s = preview(world, builders.simple_ledger([row])).summary
    assert s["counts"]["errors"] == 0
    assert [(w["row"], w["column"], w["message"]) for w in s["warnings"]] == [
        (3, "计划竣工时间", "“2026.1”按2026年1月导入；如指10月，请写作文本“2026.10”或“2026-10”")
    ]


def test_two_rows_reaching_one_project_by_code_and_by_name_are_refused_not_a_server_error(world):
    project = world.zz_project
    project.code = builders.MESSY_CODES["bagong"]
    project.save()
    renamed = existing_row(project, code=project.code, county="泽州县", nature="续建")
    renamed[0] = "泽州县巴公智能装备产业园（更名）"
    by_name = existing_row(project, county="泽州县", nature="改扩建")
    batch = preview(world, builders.simple_ledger([renamed, by_name]))
    assert batch.status == ImportStatus.REJECTED
    assert [(e["row"], e["message"]) for e in batch.summary["errors"]] == [
        (4, f"与第3行是同一个已有项目“{project.name}”，同一项目只能出现一次")
    ]
    with pytest.raises(ImportRefused):
        ledger_commit(actor=world["office"], batch=batch)
    project.refresh_from_db()
    assert (project.name, project.nature, project.version) == ("泽州县巴公智能装备产业园", Nature.NEW, 1)


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("1,234.50", Decimal("1234.50")),
        ("１２３４．５", Decimal("1234.50")),
        ("1234万元", Decimal("1234.00")),
    ],
)
def test_ledger_reads_amounts_as_the_grid_and_the_api_do(world, typed, amount):
    row = builders.zezhou_row()
    row[7] = typed
    batch = preview(world, builders.simple_ledger([row]))
    assert batch.summary["counts"]["errors"] == 0, batch.summary["errors"]
    ledger_commit(actor=world["office"], batch=batch)
    assert Project.objects.get(name=row[0]).total_investment == amount


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("NaN", "“NaN”不是有效的金额（万元）"),
        ("1e400", "金额过大，请核对单位（万元）"),
        ("1e20", "金额过大，请核对单位（万元）"),
        ("12.345", "金额最多保留两位小数（万元）"),
        ("-5", "金额不能为负数"),
    ],
)
def test_ledger_refuses_unreadable_amounts_as_the_grid_and_the_api_do(world, typed, message):
    row = builders.zezhou_row()
    row[7] = typed
    batch = preview(world, builders.simple_ledger([row]))
    errors = batch.summary["errors"]
    assert any(e["column"] == "总投资（万元）" and message in e["message"] for e in errors), errors
    assert batch.status == ImportStatus.REJECTED
    assert not Project.objects.filter(name=row[0]).exists()


# ---------------------------------------------------------------- the same ledger confirmed twice


def test_a_second_preview_of_the_same_ledger_confirmed_after_the_first_creates_nothing(world, fixture_bytes):
    data = fixture_bytes("messy_ledger.xlsx")
    first, second = preview(world, data), preview(world, data)
    ledger_commit(actor=world["office"], batch=first)
    after_first = state()
    with pytest.raises(ImportRefused, match="已由另一次导入建立") as refused:
        ledger_commit(actor=world["office"], batch=second)
    assert "4 个新项目" in refused.value.message
    assert state() == after_first
    assert Project.objects.filter(name__in=MESSY_NAMES).count() == 4
    second.refresh_from_db()
    assert second.status == ImportStatus.REJECTED


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_confirmations_of_the_same_ledger_at_the_same_moment_create_each_project_once(
    postgres_only, world, fixture_bytes
):
    import threading

    from django.db import connection

    data = fixture_bytes("messy_ledger.xlsx")
    batches = [preview(world, data), preview(world, data)]
    assert world["office"].role_codes  # roles cached before the threads start
    barrier = threading.Barrier(2)
    results = []

    def confirm(batch):
        try:
            barrier.wait()
            ledger_commit(actor=world["office"], batch=batch)
            results.append("committed")
        except ImportRefused as exc:
            results.append(exc.message)
        except Exception as exc:  # a 500 in the page: the test must say which
            results.append(f"crashed: {exc.__class__.__name__}: {exc}")
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=(b,)) for b in batches]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(results)[0] == "committed", results
    assert "已由另一次导入建立" in sorted(results)[1], results
    for name in MESSY_NAMES:
        assert Project.objects.filter(name=name).count() == 1, name


def test_names_are_stored_as_typed_and_still_matched_when_written_half_width(world):
    """Issue 14: （二期） and ，： stay as typed; the same project written (二期) is the same project."""
    typed = "巴公镇新建厂房项目（二期）"
    unit = "泽州县示范建设有限公司（民营）"
    data = builders.simple_ledger([builders.zezhou_row(name=typed, unit=unit)])
    ledger_commit(actor=world["office"], batch=preview(world, data))
    project = Project.objects.get(name=typed)
    assert project.construction_unit == unit

    half_width = builders.simple_ledger([builders.zezhou_row(name="巴公镇新建厂房项目 (二期)", unit=unit)])
    again = preview(world, half_width)
    assert again.summary["counts"]["create"] == 0
    assert again.summary["counts"]["update"] + again.summary["counts"]["unchanged"] == 1
    assert Project.objects.filter(name__startswith="巴公镇新建厂房项目").count() == 1
