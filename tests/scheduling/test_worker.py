"""For real: a Celery worker on Redis runs the jobs the sweep queues and delivers the e-mail; with
Redis down a write still commits at once and the reminder goes out once Redis is back."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from celery import Celery
from django.db import connection, transaction

from reporting.services import ReportRow, reports_save
from scheduling import services
from scheduling.choices import DeliveryStatus, RunStatus
from scheduling.models import Delivery, Notification, Schedule, ScheduleRun

from .conftest import at

ROOT = Path(__file__).resolve().parents[2]
HANG = 8.0  # "gives up instead of hanging", with room for a loaded CI machine (the bench measures it)
WAIT = 60.0


def _database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER'] or 'postgres'}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def queue_app(monkeypatch, redis_url):
    """The project's Celery settings on the test's Redis with a queue of its own, used by
    `enqueue_on_commit`; `queue_app.broker(url)` points it elsewhere (a dead Redis)."""
    queue = f"xmgj-test-{uuid.uuid4().hex[:8]}"
    made = []

    def make(url):
        app = Celery("xmgj-test", set_as_current=False)
        app.config_from_object("django.conf:settings", namespace="CELERY")
        app.conf.broker_url = url
        app.conf.task_default_queue = queue
        monkeypatch.setattr("config.tasks.app", app)
        made.append(app)
        return app

    make.queue = queue
    make.redis_url = redis_url
    yield make
    for app in made:
        app.close()


@pytest.fixture
def worker(queue_app, postgres_only):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": queue_app.redis_url,
        "CELERY_QUEUE": queue_app.queue,  # what the worker itself queues (the e-mails) stays in the test's queue
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "-P",
        "solo",
        "-Q",
        queue_app.queue,
        "--without-mingle",
        "--without-gossip",
        "--without-heartbeat",
        "-l",
        "WARNING",
    ]
    proc = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    yield proc
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def wait_for(check, what: str, proc=None):
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if check():
            return
        if proc is not None and proc.poll() is not None:
            pytest.fail(f"the worker died while waiting for {what}:\n{proc.stdout.read()}")
        time.sleep(0.3)
    pytest.fail(f"timed out waiting for {what}")


@pytest.mark.redis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_runs_what_the_sweep_queued_and_delivers_the_email(world, queue_app, worker):
    queue_app(queue_app.redis_url)
    Schedule.objects.exclude(code="report_due").update(is_enabled=False)
    for name in ("zezhou", "gaoping"):
        world[name].email = f"{name}@jcxm.gov.cn"
        world[name].save()
    result = services.sweep(now=at("2026-12-03 09:05"))  # not inline: queued on Redis by name
    [run] = result.started
    wait_for(lambda: ScheduleRun.objects.get(pk=run.pk).status == RunStatus.DONE, "the job", worker)
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {"zezhou", "gaoping"}
    wait_for(lambda: Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 2, "the e-mails", worker)
    # The same sweep again, queued again: nothing more.
    assert services.sweep(now=at("2026-12-03 09:10")).started == []
    assert Notification.objects.count() == 2


@pytest.mark.redis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_with_redis_down_a_report_saves_at_once_and_the_reminder_arrives_when_it_is_back(
    world, queue_app, worker, closed_port
):
    world["zezhou"].email = "zezhou@jcxm.gov.cn"
    world["zezhou"].save()
    queue_app(f"redis://127.0.0.1:{closed_port}/0")  # Redis is down
    started = time.monotonic()
    with transaction.atomic():
        reports_save(
            actor=world["zezhou"],
            year=2026,
            month=10,
            rows=[
                ReportRow(
                    project_id=world.zz_project.pk, invested=Decimal("12.50"), image_progress="主体施工"
                )
            ],
        )
        services.notify(
            recipients=[world["zezhou"]],
            kind="report_due",
            key="2026-11",
            title="【报送提醒】",
            body="请提交",
        )
    assert time.monotonic() - started < HANG
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 0  # the queued send was lost
    queue_app(queue_app.redis_url)  # Redis is back; beat's next redeliver sweep sends it
    from config.tasks import enqueue_on_commit

    with transaction.atomic():
        enqueue_on_commit("scheduling.redeliver_pending")
    wait_for(
        lambda: Delivery.objects.get().status == DeliveryStatus.SENT,
        "the e-mail after Redis returned",
        worker,
    )
    assert Delivery.objects.get().attempts == 1
