"""`python manage.py seed_demo`: a realistic, deterministic Jincheng to click through or benchmark."""

from __future__ import annotations

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from demo.builder import DEFAULT_PROJECTS, SEED, build_demo, demo_data_exists, wipe_projects
from demo.inclusion import seed_inclusion
from demo.issues import build_issues, wipe_issues
from demo.tree import PASSWORD, personas

COUNT_LABELS = {
    "organisations": "组织机构",
    "leaders": "包联领导",
    "users": "演示账号",
    "projects": "项目",
    "stage_changes": "阶段变更记录",
    "annual_plans": "年度计划",
    "approvals": "前期手续",
    "monthly_reports": "月度进展",
    "report_revisions": "审核版本",
    "outlines": "地区边界",
    "targets": "年度目标",
    "rankings": "赛马排名",
    "bulletins": "通报",
    # issues
    "tickets": "问题",
    "meetings": "调度会",
    "decisions": "议定事项",
}
MAIN_LOGINS = ("office", "leader", "stats", "zezhou", "zezhou_head", "gaoping", "jtj", "admin")


class Command(BaseCommand):
    help = "生成演示数据：晋城市组织机构、领导、演示账号、项目及两年月度进展（口令 Demo@2025）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--projects", type=int, default=DEFAULT_PROJECTS, help="项目数量（默认 1600；压测用 20000）"
        )
        parser.add_argument("--force", action="store_true", help="已有项目时删除全部项目及其进展后重建")
        parser.add_argument(
            "--if-empty", action="store_true", help="已有项目时静默退出（README 的启动命令使用）"
        )
        parser.add_argument("--seed", type=int, default=SEED, help=f"随机种子（默认 {SEED}）")
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            default=None,
            help="演示数据的“今天”，YYYY-MM-DD（默认为当前日期）",
        )
        parser.add_argument("--url", default="http://127.0.0.1:8000/", help="打印的访问地址")

    def handle(self, *args, **options):
        count = options["projects"]
        if count < 1:
            raise CommandError("--projects 须为正整数。")
        if demo_data_exists():
            if options["if_empty"]:
                self._banner(options["url"])  # the start-up banner: one language, once
                return
            if not options["force"]:
                raise CommandError(
                    "数据库中已有项目，未生成演示数据。加 --force 删除全部项目、月度进展后重建，"
                    "或加 --if-empty 在已有数据时静默跳过。"
                )
        today = options["today"] or timezone.localdate()
        verbose = options["verbosity"] >= 2
        started = time.perf_counter()
        with transaction.atomic():
            if demo_data_exists():
                self.stdout.write("删除现有项目及其月度进展……")
                wipe_issues()
                wipe_projects()
            counts = build_demo(
                projects=count,
                today=today,
                seed=options["seed"],
                log=self.stdout.write if verbose else None,
            )
            # 入库纳统 (inclusion): directory, evidence and inclusion records in every status.
            inclusion_counts = seed_inclusion(today=today, seed=options["seed"])
            # issue 14: a returned-and-reworked row for the review page (through the services).
            from demo.round import stage_returned_and_reworked

            stage_returned_and_reworked(today)
        # dashboards (issue 12): outlines, targets, 赛马 schemes, published rankings and bulletins
        from demo.dashboards import build_dashboards

        with transaction.atomic():
            counts.update(build_dashboards(today=today))
            # issues: ~300 tickets in every state and a year of dispatch meetings with decisions.
            counts.update(
                build_issues(
                    today=today,
                    seed=options["seed"],
                    tickets=min(300, max(count // 5, 10)),
                    log=self.stdout.write if verbose else None,
                )
            )
        elapsed = time.perf_counter() - started

        self.stdout.write(
            self.style.SUCCESS(f"演示数据已生成（{elapsed:.1f} 秒，今天按 {today:%Y-%m-%d} 计）：")
        )
        for key, label in COUNT_LABELS.items():
            self.stdout.write(f"  {label:<8}{counts.get(key, 0):>10,}")
        self.stdout.write(
            "  入库纳统  名录库 {directory:,}，佐证资料 {evidence:,}，已入库 {included:,}，已申报 {declared:,}，"
            "退回 {returned:,}，补充资料要求 {requests:,}".format(**inclusion_counts)
        )
        self.stdout.write("")
        self._banner(options["url"])

    def _banner(self, url: str):
        self.stdout.write(f"访问地址：{url}    API 文档：{url}api/docs/    系统管理：{url}admin/")
        self.stdout.write(f"演示账号（口令均为 {PASSWORD}）：")
        by_name = {p.username: p for p in personas()}
        for username in MAIN_LOGINS:
            self.stdout.write(f"  {username:<14}{by_name[username].note}")
        others = [p for p in personas() if p.username not in MAIN_LOGINS]
        self.stdout.write("  其余填报员/审核员：" + "、".join(p.username for p in others))
