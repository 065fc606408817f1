"""Run the dispatch sweep once, in this process: what beat and the workers do, without Redis.

python manage.py run_dispatch                       # now
python manage.py run_dispatch --at "2026-12-04 09:00"   # as if it were then (Asia/Shanghai)
"""

import datetime as dt
import logging

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from scheduling import services
from scheduling.models import ScheduleRun
from scheduling.rhythm import local_tz


class Command(BaseCommand):
    help = "执行一次调度：发送此刻到期（含补发窗口内错过）的提醒，已发送的不再重复。"

    def add_arguments(self, parser):
        parser.add_argument("--at", help='按此时间执行（北京时间），如 "2026-12-04 09:00"')

    def handle(self, *args, at=None, **options):
        logging.getLogger("celery.app.trace").setLevel(logging.WARNING)  # each job's line below says it
        now = timezone.now()
        if at:
            try:
                now = dt.datetime.fromisoformat(at.strip())
            except ValueError as exc:
                raise CommandError(f"时间格式应为 YYYY-MM-DD HH:MM，收到“{at}”。") from exc
            if now.tzinfo is None:
                now = now.replace(tzinfo=local_tz())
        result = services.sweep(now=now, inline=True)
        delivered = services.redeliver_pending()
        local = timezone.localtime(now)
        self.stdout.write(f"调度时间 {local:%Y-%m-%d %H:%M}（北京时间）")
        if not result.started and not result.retried:
            self.stdout.write("没有到期的调度（已执行过的不会重复执行）。")
        for run in [*result.started, *result.retried]:
            run = ScheduleRun.objects.select_related("schedule").get(pk=run.pk)
            status = run.get_status_display()
            self.stdout.write(
                f"· {run.schedule.name} [{run.key}] {status}：新发通知 {run.sent} 条。{run.summary}"
            )
            if run.error:
                self.stdout.write(self.style.ERROR(run.error.strip().splitlines()[-1]))
        if delivered["sent"] or delivered["failed"]:
            self.stdout.write(f"外发：成功 {delivered['sent']}，失败待重试 {delivered['failed']}")
