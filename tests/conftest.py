import os
import socket

import pytest
from django.conf import settings
from django.db import connection

from tests.factories import World

# `.ci/run` sets XMGJ_REQUIRE_SERVICES=1: then a test that would skip for want of PostgreSQL,
# Redis or a browser fails instead, so CI can never go green by skipping.
REQUIRE_SERVICES = os.environ.get("XMGJ_REQUIRE_SERVICES") == "1"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_SERVICES and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.longrepr = f"XMGJ_REQUIRE_SERVICES=1 forbids skipping: {reason}"


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL") or settings.REDIS_URL
    if not url:
        pytest.skip("needs Redis: set REDIS_URL=redis://127.0.0.1:6379/15")
    return url


@pytest.fixture
def world(db):
    return World()


@pytest.fixture
def postgres_only(db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://… (the default test database is SQLite)")


@pytest.fixture
def client_for(client, world):
    """`client_for("zezhou")` → the test client logged in as that persona (None = anonymous)."""

    def login(username):
        client.logout()
        if username:
            client.force_login(world[username])
        return client

    return login


@pytest.fixture
def celery_eager(settings):
    """Run queued tasks in-process, errors raised: for a test that means the task to run.

    Tests otherwise only queue tasks (config/settings/test.py). The Celery app read its settings
    at start-up, so it is switched too, and restored after.
    """
    from config.celery import app

    # Read (and so load) the app's settings before changing Django's: a first read after the
    # change would save the eager values and "restore" them, leaving later tests eager.
    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_TASK_EAGER_PROPAGATES = True
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield app
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


@pytest.fixture
def closed_port():
    """A local port nothing listens on: connecting is refused at once (a Redis that is down)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
