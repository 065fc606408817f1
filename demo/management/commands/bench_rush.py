"""The month-end rush (issue 14): N reporters each load their grid and save it several times, at
once, against the deployment's web process — gunicorn as docker-compose.yml runs it (production
settings, 3 sync workers, timeout 60) — on this machine, the load generator on the same cores.

    DATABASE_URL=postgres://…/xmgj_bench REDIS_URL=redis://…/13 python manage.py bench_rush \\
        [--reporters 150] [--saves 8] [--rows 8] [--grid-rows 200] [--workers 3] [--port 8199] [--keep]

1. Builds a throw-away city ("压测市") of `--reporters` units with `--rows` 在建 projects each and
   one unit of `--grid-rows` projects, one reporter per unit (committed: gunicorn must see them).
2. Grid server time: the `--grid-rows` unit's grid through Django's test client in this process,
   idle (median wall and CPU of 30 requests, query count).
3. Starts gunicorn, logs every reporter in, then all at once: load the grid, then `--saves` times
   save every row with a new amount (POST) and load the grid again (the redirect), as a browser does.
4. Checks every row holds the amount its reporter saved last (lost rows) and prints requests/s,
   p50/p95/max of the saves and of the grid loads, and errors.
5. Removes the throw-away city (unless `--keep`).

Targets: 0 errors, 0 lost rows, p95 of a save ≤ 1.5 s; grid server time of a 200-row unit at most
half of what it was before issue 14.
"""

from __future__ import annotations

import datetime as dt
import http.client
import http.cookies
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from decimal import Decimal
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.choices import OrgKind, RoleCode
from accounts.models import AuditLog, Organisation, Role, User
from projects import periods
from projects.choices import Industry, Stage
from projects.history import initial_history, stage_history_relink
from projects.models import AnnualPlan, Project, StageChange
from reporting.models import MonthlyReport, ReportRevision

CITY = "压测市（基准测试）"
PASSWORD = "Rush@2025bench"
VERSION_RE = re.compile(r'name="r-(\d+)-version" value="(\d*)"')
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _pct(values, q):
    if not values:
        return float("nan")
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(q / 100 * (len(values) - 1))))
    return values[k]


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its children that are still running (gunicorn's workers)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pids = [pid]
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            pids += [int(p) for p in f.read().split()]
    except OSError:
        pass
    for p in pids:
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
        except (OSError, IndexError, ValueError):
            pass
    return total


def _postgres_cpu() -> float:
    """User + system CPU of every PostgreSQL process on this machine (the bench's server is local)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                head, tail = f.read().rsplit(")", 1)
            if head.split("(", 1)[1].startswith("postgres"):
                fields = tail.split()
                total += (int(fields[11]) + int(fields[12])) / ticks
        except (OSError, IndexError, ValueError):
            pass
    return total


class _Response:
    def __init__(self, status: int, headers, body: bytes):
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self) -> str:
        return self.body.decode()


class _Browser:
    """A reporter's browser, as light as can be: plain http.client (the load generator shares this
    machine's two cores with gunicorn and PostgreSQL, so its own CPU is kept small), a cookie jar
    of name → value (session, CSRF and the message cookie), the headers the TLS proxy adds. gunicorn's
    sync workers close every connection, so each request opens its own."""

    def __init__(self, host: str, port: int, headers: dict):
        self.host, self.port, self.headers = host, port, headers
        self.cookies: dict[str, str] = {}

    def _send(self, method: str, path: str, body: bytes | None = None, extra: dict | None = None):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
        try:
            headers = {**self.headers, **(extra or {})}
            if self.cookies:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            result = _Response(response.status, response.headers, response.read())
        finally:
            conn.close()
        for header in result.headers.get_all("Set-Cookie") or []:
            jar = http.cookies.SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or (morsel["expires"] and "1970" in morsel["expires"]):
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.coded_value
        return result

    def get(self, path: str) -> _Response:
        return self._send("GET", path)

    def post(self, path: str, data: dict, referer: str) -> _Response:
        body = urllib.parse.urlencode(data).encode()
        return self._send(
            "POST",
            path,
            body,
            {"Content-Type": "application/x-www-form-urlencoded", "Referer": referer},
        )


def _machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine from /proc/stat."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


class Command(BaseCommand):
    help = "Month-end rush against gunicorn: N reporters load and save their grid (prints figures)."

    def add_arguments(self, parser):
        parser.add_argument("--reporters", type=int, default=150)
        parser.add_argument("--saves", type=int, default=8)
        parser.add_argument("--rows", type=int, default=8, help="projects per reporter's unit")
        parser.add_argument("--grid-rows", type=int, default=200, help="the unit whose grid is timed")
        parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (compose: 3)")
        parser.add_argument("--port", type=int, default=8199)
        parser.add_argument("--keep", action="store_true", help="leave the throw-away city in place")
        parser.add_argument("--grid-only", action="store_true", help="only the grid server time")

    def handle(self, *args, **o):
        if connection.vendor != "postgresql":
            raise CommandError("bench_rush measures the deployment: set DATABASE_URL=postgres://…")
        self.year, self.month = periods.default_period()
        self.stdout.write(
            f"database: {connection.settings_dict['NAME']}  month: {self.year}-{self.month:02d}"
        )
        self._cleanup()
        try:
            units = self._build(o["reporters"], o["rows"], o["grid_rows"])
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            self._grid_time(units["big"])
            if not o["grid_only"]:
                self._rush(units["small"], o)
        finally:
            if not o["keep"]:
                self._cleanup()

    # --- data -----------------------------------------------------------------------------------

    @transaction.atomic
    def _build(self, reporters: int, rows: int, grid_rows: int) -> dict:
        t0 = time.perf_counter()
        city = Organisation.objects.create(name=CITY, kind=OrgKind.CITY)
        city.path = f"/{city.pk}/"
        city.save(update_fields=["path"])
        reporter_role = Role.objects.get(code=RoleCode.REPORTER)
        password = make_password(PASSWORD)
        start = dt.date(self.year - 1, 3, 1)

        def unit(name):
            org = Organisation.objects.create(name=name, kind=OrgKind.COUNTY, parent=city)
            org.path = f"{city.path}{org.pk}/"
            org.save(update_fields=["path"])
            return org

        small = [unit(f"压测单位{i:03d}") for i in range(1, reporters + 1)]
        big = unit("压测大单位")
        projects = []
        for org, n in [(u, rows) for u in small] + [(big, grid_rows)]:
            for i in range(n):
                projects.append(
                    Project(
                        name=f"{org.name}项目{i + 1:03d}",
                        construction_unit=f"{org.name}建设单位{i + 1:03d}",
                        county=org,
                        reporting_unit=org,
                        industry=Industry.INDUSTRY,
                        stage=Stage.CONSTRUCTION,
                        total_investment=Decimal("100000.00"),
                        fund_self_raised=Decimal("100000.00"),
                        planned_start=start,
                        actual_start=start,
                    )
                )
        Project.objects.bulk_create(projects, batch_size=1000)
        history = [row for p in projects for row in initial_history(p, actor=None, reason="压测数据")]
        StageChange.objects.bulk_create(history, batch_size=1000)
        stage_history_relink([p.pk for p in projects])
        AnnualPlan.objects.bulk_create(
            [AnnualPlan(project=p, year=self.year, planned_investment=Decimal("1200.00")) for p in projects],
            batch_size=1000,
        )
        users = User.objects.bulk_create(
            [
                User(username=f"rush{i:03d}", password=password, organisation=org)
                for i, org in enumerate(small, 1)
            ]
            + [User(username="rush_big", password=password, organisation=big)]
        )
        User.roles.through.objects.bulk_create(
            [User.roles.through(user_id=u.pk, role_id=reporter_role.pk) for u in users]
        )
        self.stdout.write(
            f"built {len(small)} units × {rows} projects + one unit of {grid_rows} "
            f"({len(projects):,} projects) in {time.perf_counter() - t0:.1f} s"
        )
        return {"small": [(f"rush{i:03d}", org) for i, org in enumerate(small, 1)], "big": big}

    def _cleanup(self):
        city = Organisation.objects.filter(name=CITY, parent__isnull=True).first()
        if city is None:
            return
        with transaction.atomic():
            orgs = Organisation.objects.filter(path__startswith=city.path)
            projects = Project.objects.filter(reporting_unit__in=orgs)
            ids = list(projects.values_list("pk", flat=True))
            roots = [f"projects.project:{pk}" for pk in ids]
            AuditLog.objects.filter(root_key__in=roots).delete()
            AuditLog.objects.filter(
                content_type=ContentType.objects.get_for_model(Project), object_id__in=[str(i) for i in ids]
            ).delete()
            ReportRevision.objects.filter(project_id__in=ids).delete()
            MonthlyReport.objects.filter(project_id__in=ids).delete()
            StageChange.objects.filter(project_id__in=ids).delete()
            AnnualPlan.objects.filter(project_id__in=ids).delete()
            Project.objects.filter(pk__in=ids).delete()
            User.objects.filter(organisation__in=orgs).delete()
            for org in orgs.order_by("-path"):
                org.delete()

    # --- the grid's server time ----------------------------------------------------------------

    def _grid_time(self, big):
        client = Client()
        client.force_login(User.objects.get(username="rush_big"))
        url = f"/reports/?unit={big.pk}&year={self.year}&month={self.month}"
        # Half the rows have a draft this month, as mid-rush.
        rows = list(Project.objects.filter(reporting_unit=big).order_by("pk").values_list("pk", flat=True))
        from reporting.services import ReportRow, reports_save

        reports_save(
            actor=User.objects.get(username="rush_big"),
            year=self.year,
            month=self.month,
            rows=[
                ReportRow(project_id=pk, invested=Decimal("12.34"), image_progress="主体施工")
                for pk in rows[::2]
            ],
        )
        for _ in range(5):
            assert client.get(url, secure=True).status_code == 200
        walls, cpus = [], []
        for _ in range(30):
            w, c = time.perf_counter(), time.process_time()
            response = client.get(url, secure=True)
            cpus.append((time.process_time() - c) * 1000)
            walls.append((time.perf_counter() - w) * 1000)
        with CaptureQueriesContext(connection) as ctx:
            client.get(url, secure=True)
        shown = response.content.decode().count('data-pid="')
        self.stdout.write(
            f"grid server time, {shown}-row unit (in process, idle): median {statistics.median(walls):.1f} ms "
            f"(min {min(walls):.1f}, p90 {_pct(walls, 90):.1f}), CPU median {statistics.median(cpus):.1f} ms, "
            f"{len(ctx.captured_queries)} queries, {len(response.content) / 1024:.0f} KiB"
        )

    # --- the rush ------------------------------------------------------------------------------

    def _gunicorn(self, workers: int, port: int):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            # The sessions are created here: the web process must sign and check them alike.
            "DJANGO_SECRET_KEY": settings.SECRET_KEY,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": os.environ.get("DATABASE_URL", ""),
            "DJANGO_LOG_LEVEL": "WARNING",
        }
        # The production storage serves hashed static names from a manifest: build it first, as
        # the image does (into STATIC_ROOT, ignored by git).
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            env=env,
            cwd=settings.BASE_DIR,
            check=True,
        )
        gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
        process = subprocess.Popen(
            [
                gunicorn,
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--timeout",
                "60",
            ],
            env=env,
            cwd=settings.BASE_DIR,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        return process

    def _rush(self, units, o):
        process = self._gunicorn(o["workers"], o["port"])
        # As behind the deployment's TLS proxy: the production settings redirect plain http.
        headers = {"X-Forwarded-Proto": "https", "Origin": f"https://127.0.0.1:{o['port']}"}
        pg0 = _postgres_cpu()
        try:
            for _ in range(100):
                try:
                    if _Browser("127.0.0.1", o["port"], {}).get("/healthz/").status == 200:
                        break
                except OSError:
                    pass
                time.sleep(0.3)
            else:
                raise CommandError("gunicorn did not come up: " + process.stderr.read1(4000).decode())
            project_ids = {
                org.pk: list(
                    Project.objects.filter(reporting_unit=org).order_by("pk").values_list("pk", flat=True)
                )
                for _, org in units
            }
            results = {"save": [], "grid": [], "errors": [], "last": {}}
            lock = threading.Lock()
            ready = threading.Barrier(len(units) + 1)

            users = {u.username: u for u in User.objects.filter(username__in=[name for name, _ in units])}

            def session_for(username):
                # Signed in beforehand, as each clerk is by the time the rush starts: the password
                # hash (PBKDF2, ~0.3 s of CPU by design) is not part of the month-end round.
                store = import_module(settings.SESSION_ENGINE).SessionStore()
                user = users[username]
                store[SESSION_KEY] = str(user.pk)
                store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
                store[HASH_SESSION_KEY] = user.get_session_auth_hash()
                store.create()
                browser = _Browser("127.0.0.1", o["port"], headers)
                browser.cookies[settings.SESSION_COOKIE_NAME] = store.session_key
                return browser

            # Every session is made here, in this thread: the reporters' threads only talk HTTP (a
            # database connection per thread would hold 150 connections of a shared server).
            sessions = {username: session_for(username) for username, _ in units}

            def reporter(username, org):
                errors = []
                s = sessions[username]
                url = f"/reports/?unit={org.pk}&year={self.year}&month={self.month}"
                ready.wait()
                saves, grids, last = [], [], {}

                def load():
                    t = time.perf_counter()
                    r = s.get(url)
                    grids.append(time.perf_counter() - t)
                    if r.status != 200:
                        raise RuntimeError(f"grid {r.status}")
                    return r.text

                try:
                    page = load()
                    for n in range(o["saves"]):
                        versions = dict(VERSION_RE.findall(page))
                        token = CSRF_RE.search(page).group(1)
                        packed = {}
                        for i, pk in enumerate(project_ids[org.pk]):
                            amount = f"{(n + 1) * 10 + i}.{n:02d}"
                            packed[f"r-{pk}-version"] = versions.get(str(pk), "")
                            packed[f"r-{pk}-invested"] = amount
                            packed[f"r-{pk}-image_progress"] = f"第{n + 1}次保存"
                            last[pk] = Decimal(amount)
                        t = time.perf_counter()
                        r = s.post(
                            "/reports/",
                            {
                                "csrfmiddlewaretoken": token,
                                "unit": org.pk,
                                "year": self.year,
                                "month": self.month,
                                "action": "save",
                                "rows_json": json.dumps(packed),
                            },
                            referer=f"https://127.0.0.1:{o['port']}{url}",
                        )
                        saves.append(time.perf_counter() - t)
                        if r.status != 302:
                            raise RuntimeError(f"save {n + 1}: {r.status}")
                        page = load()  # the redirect back to the grid, as a browser follows it
                        if "已保存草稿" not in page:
                            raise RuntimeError(f"save {n + 1}: no confirmation on the page")
                except Exception as exc:
                    errors.append(f"{username}: {exc}")
                with lock:
                    results["save"].extend(saves)
                    results["grid"].extend(grids)
                    results["errors"].extend(errors)
                    results["last"].update(last)

            threads = [threading.Thread(target=reporter, args=u, daemon=True) for u in units]
            for t in threads:
                t.start()
            ready.wait()
            t0 = time.perf_counter()
            cpu0 = (_cpu_seconds(process.pid), time.process_time(), _machine_busy())
            for t in threads:
                t.join()
            elapsed = time.perf_counter() - t0
            web_cpu = _cpu_seconds(process.pid) - cpu0[0]
            loadgen_cpu = time.process_time() - cpu0[1]
            busy = _machine_busy()
            machine = (busy[0] - cpu0[2][0]) / max(1e-9, busy[1] - cpu0[2][1])
            pg_cpu = _postgres_cpu() - pg0
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)

        stored = dict(
            MonthlyReport.objects.filter(
                project_id__in=list(results["last"]), year=self.year, month=self.month
            ).values_list("project_id", "invested")
        )
        lost = [pk for pk, amount in results["last"].items() if stored.get(pk) != amount]
        requests_done = len(results["save"]) + len(results["grid"])
        save_ms = [x * 1000 for x in results["save"]]
        grid_ms = [x * 1000 for x in results["grid"]]
        self.stdout.write(
            f"rush: {len(units)} reporters × (grid + {o['saves']} × (save + grid)), gunicorn {o['workers']} sync workers\n"
            f"  {requests_done:,} requests in {elapsed:.1f} s = {requests_done / elapsed:.1f} requests/s\n"
            f"  save: p50 {_pct(save_ms, 50):.0f} ms, p95 {_pct(save_ms, 95):.0f} ms, max {max(save_ms or [0]):.0f} ms "
            f"({len(save_ms)} saves)\n"
            f"  grid: p50 {_pct(grid_ms, 50):.0f} ms, p95 {_pct(grid_ms, 95):.0f} ms, max {max(grid_ms or [0]):.0f} ms\n"
            f"  errors: {len(results['errors'])}   lost rows: {len(lost)} of {len(results['last'])}\n"
            f"  CPU: web process {web_cpu:.1f} s ({web_cpu / requests_done * 1000:.1f} ms per request), "
            f"PostgreSQL {pg_cpu:.1f} s ({pg_cpu / requests_done * 1000:.1f} ms per request), "
            f"load generator {loadgen_cpu:.1f} s, whole machine {machine:.0%} busy "
            f"(other processes included: compare with `uptime` before the run)"
        )
        for line in results["errors"][:10]:
            self.stdout.write(f"    {line}")
