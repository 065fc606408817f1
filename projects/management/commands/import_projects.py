"""python manage.py import_projects FILE [--commit] [--user USERNAME] [--year 2025]

A dry run by default: prints the preview (counts, errors, warnings, creates, updates). With
--commit it writes, as --user, exactly as the web page's "确认导入" does.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.choices import RoleCode
from projects.importing.services import ImportRefused, ledger_commit, ledger_preview, result_text


class Command(BaseCommand):
    help = "导入项目台账（.xlsx）：默认只预览，加 --commit 才写入。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="台账文件（.xlsx）")
        parser.add_argument("--commit", action="store_true", help="确认导入（默认只预览）")
        parser.add_argument(
            "--user", help="以该用户身份导入（权限与管辖范围按该用户）；预览时默认用专班办公室账号"
        )
        parser.add_argument(
            "--year", type=int, default=None, help="年度计划投资列未写年份时的计划年度（默认今年）"
        )
        parser.add_argument("--limit", type=int, default=20, help="每类最多列出几行（默认 20）")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        actor = self._actor(options["user"], options["commit"])
        year = options["year"] or timezone.localdate().year
        try:
            batch = ledger_preview(actor=actor, file_name=path.name, data=path.read_bytes(), year=year)
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        self._print(batch, options["limit"])
        summary = batch.summary
        if summary.get("file_error") or summary["counts"]["errors"]:
            raise CommandError("文件有错误，未导入任何数据。")
        if not options["commit"]:
            self.stdout.write(self.style.WARNING("预览完毕，未写入任何数据。确认无误后加 --commit 导入。"))
            return
        try:
            batch = ledger_commit(actor=actor, batch=batch)
        except (ImportRefused, PermissionDenied) as exc:
            raise CommandError(getattr(exc, "message", str(exc))) from exc
        self.stdout.write(self.style.SUCCESS(f"已导入（批次 {batch.pk}）：{result_text(batch)}"))

    def _actor(self, username, commit):
        User = get_user_model()
        if username:
            try:
                return User.objects.get(username=username)
            except User.DoesNotExist:
                raise CommandError(f"没有用户“{username}”。") from None
        if commit:
            raise CommandError("导入须用 --user 指定操作人（记入操作日志）。")
        actor = (
            User.objects.filter(is_active=True, roles__code=RoleCode.OFFICE).order_by("pk").first()
            or User.objects.filter(is_active=True, is_superuser=True).order_by("pk").first()
        )
        if actor is None:
            raise CommandError("请用 --user 指定操作人。")
        self.stdout.write(f"（预览以 {actor.username} 的权限进行）")
        return actor

    def _print(self, batch, limit):
        s = batch.summary
        out = self.stdout.write
        out(f"文件：{batch.file_name}  计划年度：{s.get('year')}  批次：{batch.pk}")
        if s.get("file_error"):
            out(self.style.ERROR(f"文件错误：{s['file_error']}"))
            return
        for sheet in s.get("sheets", []):
            columns = "、".join(c["field"] for c in sheet["columns"])
            out(f"工作表“{sheet['name']}”表头至第 {sheet['header_row']} 行：{columns}")
            if sheet["ignored"]:
                out(f"  未使用的列：{'、'.join(sheet['ignored'])}")
        c = s["counts"]
        out(
            f"数据行 {c['rows']}：新增 {c['create']}，修改 {c['update']}，无变化 {c['unchanged']}，"
            f"有错误 {c['error_rows']} 行（{c['errors']} 处），有提示 {c['warning_rows']} 行"
        )
        if s["errors"]:
            out(self.style.ERROR("错误："))
            for e in s["errors"][:limit]:
                out(f"  [{e['sheet']}] 第{e['row']}行 {e['column']}：{e['message']}")
        if s["warnings"]:
            out("提示：")
            for w in s["warnings"][:limit]:
                out(f"  [{w['sheet']}] 第{w['row']}行 {w['column']}：{w['message']}")
        if s["creates"]:
            out("新增：")
            for row in s["creates"][:limit]:
                out(
                    f"  第{row['row']}行 {row['name']}（{row['county']}{row['town']}）总投资 {row['total_investment']} 万元"
                    + (f"，年度计划 {row['annual_plan']} 万元" if row["annual_plan"] else "")
                )
        if s["updates"]:
            out("修改：")
            for row in s["updates"][:limit]:
                changes = "；".join(f"{ch['field']}: {ch['old']} → {ch['new']}" for ch in row["changes"])
                out(f"  第{row['row']}行 {row['name']}：{changes}")
