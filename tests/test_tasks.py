"""Background tasks: queued after the commit, by name, and a dead broker never fails or stalls a write."""

from __future__ import annotations

import base64
import json
import logging
import socket
import time
import uuid

import pytest
import redis
from celery import Celery
from django.contrib.auth.models import Group
from django.db import transaction
from kombu.exceptions import OperationalError

from config.celery import app as project_app
from config.tasks import enqueue_on_commit

pytestmark = pytest.mark.django_db

PROBES: list[str] = []


@project_app.task(name="tests.record_probe")
def record_probe(value):
    PROBES.append(value)


class Rollback(Exception):
    pass


@pytest.fixture(autouse=True)
def no_probes():
    PROBES.clear()


@pytest.fixture
def broker_app(monkeypatch):
    """`broker_app(url)`: the project's Celery settings on another broker, used by `enqueue_on_commit`."""
    made = []

    def make(url):
        app = Celery("xmgj-test", set_as_current=False)
        app.config_from_object("django.conf:settings", namespace="CELERY")
        app.conf.broker_url = url
        monkeypatch.setattr("config.tasks.app", app)
        made.append(app)
        return app

    yield make
    for app in made:
        app.close()


@pytest.fixture
def sent(monkeypatch):
    """What `enqueue_on_commit` handed to the broker: `(task name, args, kwargs)`."""
    calls = []
    monkeypatch.setattr(
        project_app, "send_task", lambda name, args=(), kwargs=None: calls.append((name, args, kwargs))
    )
    return calls


@pytest.fixture
def silent_port():
    """A port that takes the connection and never answers, like a Redis that hangs or a NAT gone stale.

    Without socket timeouts in CELERY_BROKER_TRANSPORT_OPTIONS a publish here waits for good.
    """
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)  # never accepted: the kernel completes the handshake, nobody ever replies
    yield server.getsockname()[1]
    server.close()


# --- on commit, by name -------------------------------------------------------------------------


def test_nothing_is_queued_when_the_transaction_rolls_back(django_capture_on_commit_callbacks, sent):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                Group.objects.create(name="泽州县填报")
                enqueue_on_commit("tests.record_probe", "rolled back")
                raise Rollback
        except Rollback:
            pass
    assert callbacks == []
    assert sent == []
    assert not Group.objects.exists()


def test_the_task_is_queued_by_name_only_after_the_commit(django_capture_on_commit_callbacks, sent):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            enqueue_on_commit("reporting.some_job", 7, year=2025, month=6)
            assert sent == []
    assert sent == [("reporting.some_job", (7,), {"year": 2025, "month": 6})]


def test_tasks_are_not_run_in_tests_unless_asked(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_on_commit("tests.record_probe", "queued")
        record_probe.delay("queued too")
    assert PROBES == []


def test_celery_eager_runs_the_task_after_the_commit(celery_eager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            enqueue_on_commit("tests.record_probe", "ran")
            assert PROBES == []
    assert PROBES == ["ran"]
    record_probe.delay("ran again")
    assert PROBES == ["ran", "ran again"]


# --- a real broker ------------------------------------------------------------------------------


@pytest.mark.redis
def test_after_the_commit_a_json_message_lands_on_the_redis_queue(
    redis_url, broker_app, django_capture_on_commit_callbacks
):
    app = broker_app(redis_url)
    marker = uuid.uuid4().hex
    queue = app.conf.task_default_queue
    client = redis.Redis.from_url(redis_url)

    def ours():
        found = []
        for raw in client.lrange(queue, 0, -1):
            message = json.loads(raw)
            if message["headers"]["task"] != "tests.record_probe":
                continue
            args, kwargs, _ = json.loads(base64.b64decode(message["body"]))
            if kwargs.get("marker") == marker:
                found.append((raw, message, args))
        return found

    try:
        with django_capture_on_commit_callbacks(execute=True):
            with transaction.atomic():
                enqueue_on_commit("tests.record_probe", "项目调度", marker=marker)
                assert ours() == []
        [(raw, message, args)] = ours()
        assert message["content-type"] == "application/json"
        assert args == ["项目调度"]
    finally:
        for raw, _, _ in ours():
            client.lrem(queue, 0, raw)
        client.close()


# --- a dead broker ------------------------------------------------------------------------------


# The bounds say "gives up instead of hanging" (it hung for good before the timeouts were set; it
# takes about 1 s on a refused port and 2 s on a silent one), with room for a loaded CI machine.
HANG = 8.0


@pytest.mark.parametrize("port", ["closed_port", "silent_port"])
def test_with_the_broker_down_the_write_commits_quickly_and_a_warning_is_logged(
    port, request, broker_app, django_capture_on_commit_callbacks, caplog
):
    broker_app(f"redis://127.0.0.1:{request.getfixturevalue(port)}/0")
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="config.tasks"):
        with django_capture_on_commit_callbacks(execute=True):
            with transaction.atomic():
                Group.objects.create(name="泽州县填报")
                enqueue_on_commit("tests.record_probe", "lost")
    assert time.monotonic() - started < HANG
    assert Group.objects.filter(name="泽州县填报").exists()
    assert "Could not queue tests.record_probe" in caplog.text


@pytest.mark.parametrize("port", ["closed_port", "silent_port"])
def test_sending_to_a_dead_broker_raises_instead_of_hanging(port, request, broker_app):
    app = broker_app(f"redis://127.0.0.1:{request.getfixturevalue(port)}/0")
    started = time.monotonic()
    with pytest.raises(OperationalError):
        app.send_task("tests.record_probe", args=["lost"])
    assert time.monotonic() - started < HANG
