"""`manage.py bench_dispatch`: the dispatch sweep over a city at month-end scale, timed.

Builds the demo city (20,000 projects) unless it is there, tops it up to 1,000 users and 50,000 open
pre-work approvals, then runs the sweep at the moments of the rhythm (a 旬, the report-due reminder, the
Friday digest, the missing list, mid-month) in process, as `run_dispatch --at` does, and prints each
sweep's time, query count and notifications sent; then the same sweep again (nothing due: it must be
cheap); then 10,000 notifications put into inboxes. Figures, not pass/fail (targets: a sweep ≤ 5 s with
its query count growing with what is due; 10,000 notifications ≤ 10 s).
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts.choices import RoleCode
from accounts.models import Organisation, Role, User
from projects.choices import ApprovalStatus, Stage
from projects.models import Approval, ApprovalKind, Project
from scheduling import services
from scheduling.models import Delivery, Notification, ScheduleRun
from scheduling.rhythm import local_tz

MOMENTS = [
    ("旬调度 12月上旬", "2026-12-01 09:05"),
    ("报送提醒 11月", "2026-12-03 09:05"),
    ("周五会商 第49周", "2026-12-04 08:35"),
    ("缺报清单 11月", "2026-12-07 09:05"),
    ("分管副市长 + 储备库季度调整", "2026-12-15 09:05"),
]


class Command(BaseCommand):
    help = "Time the dispatch sweep over 20,000 projects, 1,000 users and 50,000 open items."

    def add_arguments(self, parser):
        parser.add_argument("--projects", type=int, default=20000)
        parser.add_argument("--users", type=int, default=1000)
        parser.add_argument("--items", type=int, default=50000)

    def handle(self, *args, projects, users, items, **options):
        logging.getLogger("celery.app.trace").setLevel(logging.WARNING)
        settings.EMAIL_BACKEND = (
            "django.core.mail.backends.locmem.EmailBackend"  # time the sends, not a console
        )
        if Project.objects.count() < projects:
            self.stdout.write(f"building the demo city with {projects} projects …")
            call_command("seed_demo", projects=projects, force=True, verbosity=0)
        self._top_up_users(users)
        self._top_up_approvals(items)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        Delivery.objects.all().delete()
        Notification.objects.all().delete()
        ScheduleRun.objects.all().delete()
        open_items = Approval.objects.filter(
            status__in=[ApprovalStatus.NOT_STARTED, ApprovalStatus.IN_PROGRESS]
        ).count()
        self.stdout.write(
            f"{connection.vendor}: {Project.objects.count()} projects, {User.objects.count()} users, "
            f"{open_items} open approvals"
        )
        for label, moment in MOMENTS:
            self._sweep(label, moment)
            self._sweep(f"{label}（再执行一次）", moment)
        self._notify_many(users)
        self._redis_down()

    def _sweep(self, label, moment):
        now = dt.datetime.fromisoformat(moment).replace(tzinfo=local_tz())
        before = Notification.objects.count()
        t0 = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx:
            result = services.sweep(now=now, inline=True)
        seconds = time.perf_counter() - t0
        runs = ", ".join(f"{r.schedule.code}" for r in result.started) or "—"
        self.stdout.write(
            f"{label:<34} {seconds:6.2f} s  {len(ctx.captured_queries):5d} queries  "
            f"{Notification.objects.count() - before:6d} notifications  runs: {runs}"
        )

    def _notify_many(self, users):
        ids = list(User.objects.filter(is_active=True).values_list("pk", flat=True)[:users])
        rounds = max(1, 10000 // len(ids))
        t0 = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx:
            for n in range(rounds):
                services.notify(recipients=ids, kind="bench", key=f"bench-{n}", title="压测通知", body="正文")
        seconds = time.perf_counter() - t0
        made = Notification.objects.filter(kind="bench").count()
        self.stdout.write(
            f"{'notify(): inbox':<34} {seconds:6.2f} s  {len(ctx.captured_queries):5d} queries  {made:6d} notifications"
        )

    def _redis_down(self):
        """A write that notifies while Redis refuses connections: how long until it has committed."""
        import socket

        from celery import Celery

        import config.tasks

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        dead = Celery("xmgj-bench", set_as_current=False)
        dead.config_from_object("django.conf:settings", namespace="CELERY")
        dead.conf.broker_url = f"redis://127.0.0.1:{port}/0"
        dead.conf.task_always_eager = False
        saved, config.tasks.app = config.tasks.app, dead
        user = User.objects.filter(is_active=True).order_by("pk").first()
        user.email = user.email or "bench@jcxm.gov.cn"
        user.save(update_fields=["email"])
        logging.getLogger("config.tasks").setLevel(logging.ERROR)
        samples = []
        try:
            for n in range(5):
                t0 = time.perf_counter()
                with transaction.atomic():
                    services.notify(
                        recipients=[user], kind="bench_down", key=str(n), title="Redis 停止时的提醒"
                    )
                samples.append(time.perf_counter() - t0)
        finally:
            config.tasks.app = saved
            dead.close()
        pending = Delivery.objects.filter(kind="bench_down", status="pending").count()
        self.stdout.write(
            f"{'Redis down: notify() + commit':<34} {max(samples):6.2f} s worst of 5  "
            f"{pending} e-mails left pending for the redelivery sweep"
        )

    def _top_up_users(self, target):
        missing = target - User.objects.count()
        if missing <= 0:
            return
        units = list(
            Organisation.objects.filter(is_active=True).exclude(kind="city").values_list("pk", flat=True)
        )
        reporter = Role.objects.get(code=RoleCode.REPORTER)
        with transaction.atomic():
            made = User.objects.bulk_create(
                [
                    User(
                        username=f"bench{n:05d}",
                        organisation_id=units[n % len(units)],
                        password="!",
                        full_name=f"压测{n}",
                    )
                    for n in range(missing)
                ]
            )
            made = User.objects.filter(username__startswith="bench").values_list("pk", flat=True)
            User.roles.through.objects.bulk_create(
                [User.roles.through(user_id=pk, role_id=reporter.pk) for pk in made], ignore_conflicts=True
            )

    def _top_up_approvals(self, target):
        open_statuses = [ApprovalStatus.NOT_STARTED, ApprovalStatus.IN_PROGRESS]
        missing = target - Approval.objects.filter(status__in=open_statuses).count()
        if missing <= 0:
            return
        rng = random.Random(7)
        prework = list(Project.objects.filter(stage=Stage.PREWORK).values_list("pk", flat=True))
        others = list(Project.objects.exclude(stage=Stage.PREWORK).values_list("pk", flat=True)[:20000])
        kinds = list(ApprovalKind.objects.values_list("pk", flat=True))
        base = dt.date(2026, 9, 1)
        rows = []
        taken = set(Approval.objects.values_list("project_id", "kind_id"))
        pairs = [(p, k) for p in prework + others for k in kinds if (p, k) not in taken]
        rng.shuffle(pairs)
        for project_id, kind in pairs[:missing]:
            rows.append(
                Approval(
                    project_id=project_id,
                    kind_id=kind,
                    status=rng.choice(open_statuses),
                    planned_date=base + dt.timedelta(days=rng.randrange(0, 240)),
                    handler=f"压测{rng.randrange(1000)}",
                )
            )
        Approval.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
        # Every (project, kind) pair taken: reopen closed approvals for the rest.
        still = target - Approval.objects.filter(status__in=open_statuses).count()
        if still > 0:
            closed = list(
                Approval.objects.exclude(status__in=open_statuses)
                .order_by("pk")
                .values_list("pk", flat=True)[:still]
            )
            Approval.objects.filter(pk__in=closed).update(
                status=ApprovalStatus.IN_PROGRESS, actual_date=None, planned_date=base + dt.timedelta(days=90)
            )
