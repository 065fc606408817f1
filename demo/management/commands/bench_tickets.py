"""`manage.py bench_tickets`: the ticket list, statistics and the daily sweep at scale, timed.

Tops the database up to 50,000 tickets (10,000 open) with their checkpoints and visits (bulk
inserts over the demo city's projects and units), then times in process with the test client:
the ticket list unfiltered and with each filter (office and a county user), the API list, the
statistics page, and the daily ticket sweep (a day with ~300 checkpoints due tomorrow and ~150
missed yesterday), run twice. Prints medians, spread and query counts. Figures, not pass/fail
(targets: list ≤ 120 ms with a flat query count, statistics ≤ 300 ms, sweep ≤ 5 s with queries
growing with the tickets due).
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import statistics
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.choices import AREA_KINDS
from accounts.models import Organisation, User
from issues.choices import Category, CheckpointKind, CheckpointStatus, Satisfaction, State
from issues.models import Checkpoint, Ticket, TicketNumber, Visit
from projects.models import Project
from scheduling import services
from scheduling.calendar import WorkCalendar
from scheduling.models import Notification, Schedule, ScheduleRun
from scheduling.rhythm import local_tz

TODAY = dt.date(2026, 11, 26)
BATCH = 5000


class Command(BaseCommand):
    help = "Time the ticket list, statistics and the daily sweep over 50,000 tickets (10,000 open)."

    def add_arguments(self, parser):
        parser.add_argument("--projects", type=int, default=2000)
        parser.add_argument("--tickets", type=int, default=50000)
        parser.add_argument("--open", type=int, default=10000)
        parser.add_argument("--runs", type=int, default=7)

    def handle(self, *args, projects, tickets, open, runs, **options):
        logging.getLogger("celery.app.trace").setLevel(logging.WARNING)
        if Project.objects.count() < projects:
            self.stdout.write(f"building the demo city with {projects} projects …")
            call_command("seed_demo", projects=projects, force=True, today=TODAY, verbosity=0)
        have = Ticket.objects.count()
        if have < tickets:
            self._top_up(tickets - have, open_share=open / tickets)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(
            f"{connection.vendor}: {Ticket.objects.count()} tickets, "
            f"{Ticket.objects.exclude(state=State.CLOSED).count()} open, {Checkpoint.objects.count()} checkpoints"
        )
        office = Client()
        office.force_login(User.objects.get(username="office"))
        county = Client()
        county.force_login(User.objects.get(username="zezhou"))
        zezhou = Organisation.objects.get(name="泽州县")
        pages = [
            ("office  list, no filter", office, "/tickets/", {}),
            ("office  list, open", office, "/tickets/", {"open": "1"}),
            ("office  list, overdue", office, "/tickets/", {"overdue": "1"}),
            ("office  list, due soon", office, "/tickets/", {"due_soon": "1"}),
            (
                "office  list, unit 泽州县 + category",
                office,
                "/tickets/",
                {"unit": zezhou.pk, "category": "land_use"},
            ),
            ("office  list, county + state", office, "/tickets/", {"county": zezhou.pk, "state": "handling"}),
            ("office  list, 督办 ≥ 分管副市长", office, "/tickets/", {"supervision": "2"}),
            ("office  list, search", office, "/tickets/", {"search": "用地"}),
            (
                "office  list, sent back, by deadline",
                office,
                "/tickets/",
                {"sent_back": "1", "ordering": "deadline"},
            ),
            ("zezhou  list, open", county, "/tickets/", {"open": "1"}),
            ("zezhou  my unit", county, "/tickets/mine/", {"open": "1"}),
            ("office  API list, open", office, "/api/v1/tickets/", {"open": "1"}),
            ("office  supervised list", office, "/tickets/supervised/", {}),
            ("office  statistics", office, "/tickets/stats/", {}),
            ("zezhou  statistics", county, "/tickets/stats/", {}),
            ("office  API statistics", office, "/api/v1/tickets/stats/", {}),
        ]
        self.stdout.write(f"{'page':<42}{'median ms':>10}{'min':>8}{'max':>8}{'queries':>9}")
        for label, client, url, params in pages:
            self._time(label, client, url, params, runs)
        self._sweep_bench()

    def _time(self, label, client, url, params, runs):
        client.get(url, params)  # warm up
        times, queries = [], 0
        for _ in range(runs):
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                response = client.get(url, params)
                times.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, (url, response.status_code)
            queries = len(ctx)
        self.stdout.write(
            f"{label:<42}{statistics.median(times):>10.1f}{min(times):>8.1f}{max(times):>8.1f}{queries:>9}"
        )

    def _sweep_bench(self):
        Schedule.objects.exclude(code="ticket_daily").update(is_enabled=False)
        try:
            ScheduleRun.objects.filter(schedule__code="ticket_daily").delete()
            # Claim the earlier days, so the timed run is one day's work.
            services.sweep(now=dt.datetime(2026, 11, 25, 8, 35, tzinfo=local_tz()), inline=True)
            due = Checkpoint.objects.filter(
                status=CheckpointStatus.PENDING,
                due__gte=TODAY,
                due__lte=WorkCalendar().add_working_days(TODAY, 1),
            ).count()
            missed = Checkpoint.objects.filter(status=CheckpointStatus.PENDING, due__lt=TODAY).count()
            for label in ("daily sweep", "daily sweep again"):
                before = Notification.objects.count()
                t0 = time.perf_counter()
                with CaptureQueriesContext(connection) as ctx:
                    services.sweep(now=dt.datetime(2026, 11, 26, 8, 35, tzinfo=local_tz()), inline=True)
                seconds = time.perf_counter() - t0
                self.stdout.write(
                    f"{label}: {seconds:.2f} s, {len(ctx)} queries, {Notification.objects.count() - before} notifications"
                    f" (checkpoints due tomorrow {due}, missed yesterday {missed})"
                )
                due = missed = 0
        finally:
            Schedule.objects.update(is_enabled=True)

    def _top_up(self, count, *, open_share):
        self.stdout.write(f"adding {count} tickets …")
        rng = random.Random(7)
        cal = WorkCalendar()
        cal.preload(TODAY - dt.timedelta(days=800), TODAY + dt.timedelta(days=120))
        workdays = []
        day = TODAY - dt.timedelta(days=760)
        while day <= TODAY + dt.timedelta(days=90):
            if cal.is_working_day(day):
                workdays.append(day)
            day += dt.timedelta(days=1)
        index = {d: i for i, d in enumerate(workdays)}
        today_i = index[cal.on_or_before(TODAY)]
        projects = list(Project.objects.values_list("pk", "county_id", "department_id", "key_level"))
        areas = set(Organisation.objects.filter(kind__in=AREA_KINDS).values_list("pk", flat=True))
        year_last = dict(TicketNumber.objects.filter(prefix="WT").values_list("year", "last"))
        categories = Category.values
        made = 0
        while made < count:
            rows, plans = [], []
            for _ in range(min(BATCH, count - made)):
                pk, county_id, department_id, key_level = projects[rng.randrange(len(projects))]
                unit = department_id if department_id and rng.random() < 0.3 else county_id
                is_open = rng.random() < open_share
                if is_open:
                    a = today_i - rng.randint(0, 60)
                else:
                    a = today_i - rng.randint(20, 480)
                assigned = workdays[a]
                on_clock = key_level in ("province", "province_city", "city") or rng.random() < 0.1
                span = 7 if on_clock else 15
                deadline = workdays[a + span]
                found = workdays[a - rng.randint(0, 2)]
                year_last[found.year] = year_last.get(found.year, 0) + 1
                t = Ticket(
                    number=f"WT-{found.year}-{year_last[found.year]:05d}",
                    title=f"{rng.choice(['施工用电未接入', '用地指标不足', '征地补偿未落实', '专项债资金未拨付', '施工许可办理慢'])}",
                    project_id=pk,
                    category=rng.choice(categories),
                    source="county",
                    found_on=found,
                    lead_unit_id=unit if unit else county_id,
                    authority="city" if unit not in areas else "county",
                    on_clock=on_clock,
                    assigned_on=assigned,
                    deadline=deadline,
                )
                if is_open:
                    t.state = rng.choice(
                        [
                            State.ASSIGNED,
                            State.HANDLING,
                            State.HANDLING,
                            State.HANDLING,
                            State.PENDING_VISIT,
                            State.SUSPENDED,
                        ]
                    )
                    if deadline < TODAY and t.state in (State.ASSIGNED, State.HANDLING):
                        t.supervision = rng.choice([1, 1, 1, 2, 3])
                        t.supervised_on = deadline
                else:
                    t.state = State.CLOSED
                    solve = a + rng.randint(2, span + 6)
                    t.solved_on = workdays[solve]
                    t.closed_on = workdays[solve + 1]
                    t.working_days_to_close = solve - a
                    t.closed_on_time = solve - a <= span
                    t.send_backs = 1 if rng.random() < 0.08 else 0
                    t.visit_ok = True
                    t.satisfaction = Satisfaction.SATISFIED if rng.random() < 0.8 else Satisfaction.FAIRLY
                    t.grade = rng.choice(["excellent", "good", "pass"])
                rows.append(t)
                plans.append((a, span, on_clock, is_open))
            Ticket.objects.bulk_create(rows, batch_size=1000)
            numbers = [t.number for t in rows]
            ids = dict(Ticket.objects.filter(number__in=numbers).values_list("number", "pk"))
            checkpoints, visits = [], []
            for t, (a, span, on_clock, is_open) in zip(rows, plans, strict=True):
                tid = ids[t.number]
                points = [(CheckpointKind.SIGN, 1), (CheckpointKind.FEEDBACK, 3)] if on_clock else []
                points.append((CheckpointKind.SOLVE, span))
                for kind, days in points:
                    due_i = a + days
                    due = workdays[due_i]
                    if not is_open:
                        status = (
                            CheckpointStatus.MET
                            if (t.working_days_to_close or 0) <= days or kind != CheckpointKind.SOLVE
                            else CheckpointStatus.MISSED
                        )
                        done = t.solved_on
                    elif t.state == State.SUSPENDED:
                        status, done = CheckpointStatus.WAIVED, None
                    elif due_i == today_i - 1 and rng.random() < 0.5:
                        status, done = CheckpointStatus.PENDING, None  # missed yesterday: the sweep's work
                    elif due_i >= today_i:
                        status, done = CheckpointStatus.PENDING, None
                    elif kind != CheckpointKind.SOLVE or t.state == State.PENDING_VISIT:
                        status, done = CheckpointStatus.MET, due
                    else:
                        status, done = CheckpointStatus.MISSED, None
                    checkpoints.append(
                        Checkpoint(
                            ticket_id=tid, kind=kind, seq=1, due=due, status=status, done_on=done, label=""
                        )
                    )
                if not is_open:
                    visits.append(Visit(ticket_id=tid, visited_on=t.closed_on, answer=t.satisfaction))
            Checkpoint.objects.bulk_create(checkpoints, batch_size=2000)
            Visit.objects.bulk_create(visits, batch_size=2000)
            made += len(rows)
            self.stdout.write(f"  {made}")
        for year, last in year_last.items():
            TicketNumber.objects.update_or_create(prefix="WT", year=year, defaults={"last": last})
