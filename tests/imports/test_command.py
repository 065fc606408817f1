"""python manage.py import_projects FILE [--commit] [--user USERNAME]"""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from projects.models import Project

from .conftest import FIXTURES


def run(*args, out=None):
    out = out if out is not None else StringIO()
    call_command("import_projects", *args, stdout=out)
    return out.getvalue()


def test_dry_run_prints_the_preview_and_writes_nothing(world, leaders):
    out = run(str(FIXTURES / "messy_ledger.xlsx"))
    assert "数据行 4：新增 4，修改 0" in out
    assert "第9行 米山现代农业示范园（高平市米山镇）总投资 8000.00 万元，年度计划 1500.00 万元" in out
    assert "领导库中没有“王某某”" in out
    assert "未写入任何数据" in out
    assert not Project.objects.filter(name="米山现代农业示范园").exists()


def test_commit_as_office_writes_and_a_second_run_changes_nothing(world, leaders):
    out = run(str(FIXTURES / "messy_ledger.xlsx"), "--commit", "--user", "office")
    assert "新增项目 4 个" in out
    assert Project.objects.filter(name="米山现代农业示范园", created_by=world["office"]).exists()
    out = run(str(FIXTURES / "messy_ledger.xlsx"), "--commit", "--user", "office")
    assert "新增项目 0 个，修改 0 个" in out and "无变化 4 个" in out


@pytest.mark.parametrize(
    ("fixture", "reason"),
    [
        ("unknown_county.xlsx", "[台账] 第3行 县（市、区）：未找到县（市、区）“平遥县”"),
        ("encrypted.xlsx", "文件错误：文件已加密"),
    ],
)
def test_a_bad_file_fails_with_its_reason(world, fixture, reason):
    out = StringIO()
    with pytest.raises(CommandError) as refused:
        run(str(FIXTURES / fixture), "--commit", "--user", "office", out=out)
    assert str(refused.value) == "文件有错误，未导入任何数据。"
    assert reason in out.getvalue()
    assert Project.objects.count() == 3


def test_commit_needs_a_user_with_import_rights(world):
    with pytest.raises(CommandError, match="--user"):
        run(str(FIXTURES / "messy_ledger.xlsx"), "--commit")
    with pytest.raises(CommandError, match="没有导入项目台账的权限"):
        run(str(FIXTURES / "messy_ledger.xlsx"), "--commit", "--user", "leader")
