"""notify(): once per (recipient, kind, key) in the inbox; e-mail and group robots delivered after the
commit, retried with backoff when a channel fails, never blocking the others."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from scheduling import channels, services
from scheduling.choices import Channel, DeliveryStatus
from scheduling.models import ChannelPreference, Delivery, Notification, RobotWebhook

pytestmark = pytest.mark.django_db


class Robot:
    """A local group-robot endpoint: answers with `status` and records what it got."""

    def __init__(self):
        self.status = 200
        self.answer = {"errcode": 0, "errmsg": "ok"}
        self.received: list[tuple[str, dict]] = []
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                robot.received.append((self.path, body))
                payload = json.dumps(robot.answer).encode()
                self.send_response(robot.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/robot/send?access_token=t0k"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def robot():
    r = Robot()
    yield r
    r.server.shutdown()
    r.server.server_close()


@pytest.fixture
def people(world):
    for name in ("zezhou", "zezhou_head", "office"):
        user = world[name]
        user.email = f"{name}@jcxm.gov.cn"
        user.save(update_fields=["email"])
    return world


def send(people, names, *, key="2026-11", kind="report_due", capture=None):
    return services.notify(
        recipients=[people[n] for n in names],
        kind=kind,
        key=key,
        title="【报送提醒】11月进展",
        body="请提交。",
        url="/reports/",
    )


def test_a_reminder_lands_once_per_person_and_key(people):
    assert send(people, ["zezhou", "zezhou_head"]) == 2
    assert send(people, ["zezhou", "zezhou_head", "office"]) == 1  # only office is new
    assert send(people, ["zezhou"]) == 0
    assert send(people, ["zezhou"], key="2026-12") == 1
    assert Notification.objects.filter(recipient=people["zezhou"]).count() == 2
    assert Notification.objects.count() == 4


def test_inactive_users_and_duplicates_in_the_list_are_skipped(people):
    people["zezhou_head"].is_active = False
    people["zezhou_head"].save()
    assert (
        services.notify(
            recipients=[people["zezhou"], people["zezhou"].pk, people["zezhou_head"]],
            kind="k",
            key="1",
            title="t",
        )
        == 1
    )


def test_email_is_queued_after_the_commit_and_sent_by_the_delivery(
    people, celery_eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            send(people, ["zezhou"])
            assert mail.outbox == []
    [message] = mail.outbox
    assert message.to == ["zezhou@jcxm.gov.cn"]
    assert message.subject == "【报送提醒】11月进展"
    assert "http://127.0.0.1:8000/reports/" in message.body  # PORTAL_BASE_URL + the link
    assert Delivery.objects.get().status == DeliveryStatus.SENT


def test_a_rolled_back_transaction_queues_and_sends_nothing(
    people, celery_eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                send(people, ["zezhou", "office"])
                raise RuntimeError("the service failed after notify()")
    assert callbacks == []
    assert mail.outbox == []
    assert not Notification.objects.exists() and not Delivery.objects.exists()


def test_email_follows_the_persons_preference(people):
    ChannelPreference.objects.create(user=people["zezhou"], email=False)
    ChannelPreference.objects.create(user=people["office"], email=True, muted_kinds=["report_due"])
    send(people, ["zezhou", "zezhou_head", "office"])
    assert list(Delivery.objects.values_list("notification__recipient__username", flat=True)) == [
        "zezhou_head"
    ]
    send(people, ["office"], kind="report_missing")
    assert Delivery.objects.filter(notification__recipient__username="office").count() == 1


def test_no_email_without_an_address(world):
    services.notify(recipients=[world["gaoping"]], kind="k", key="1", title="t")
    assert Notification.objects.count() == 1 and not Delivery.objects.exists()


def deliver_all(now=None):
    return services.redeliver_pending(now=now or timezone.now())


def test_a_robot_answering_500_is_retried_with_backoff_and_does_not_block_email(people, robot):
    RobotWebhook.objects.create(
        organisation=people.zezhou, channel=Channel.WECOM, url=robot.url, is_enabled=True
    )
    robot.status = 500
    send(people, ["zezhou", "zezhou_head"])
    # One e-mail each, one message to the county's group (not one per person).
    assert Delivery.objects.filter(channel=Channel.WECOM).count() == 1
    now = timezone.now()
    assert deliver_all(now) == {"sent": 2, "failed": 1, "skipped": 0}
    assert len(mail.outbox) == 2
    failed = Delivery.objects.get(channel=Channel.WECOM)
    assert failed.status == DeliveryStatus.PENDING and failed.attempts == 1
    assert failed.last_error == "群机器人返回 HTTP 500"
    assert failed.next_attempt_at >= now + dt.timedelta(minutes=1)
    # Not due again yet: nothing is sent.
    assert deliver_all(now + dt.timedelta(seconds=30)) == {"sent": 0, "failed": 0, "skipped": 0}
    robot.status = 200
    assert deliver_all(now + dt.timedelta(minutes=2)) == {"sent": 1, "failed": 0, "skipped": 0}
    sent = Delivery.objects.get(channel=Channel.WECOM)
    assert sent.status == DeliveryStatus.SENT and sent.attempts == 2 and sent.last_error == ""
    assert len(robot.received) == 2
    _, body = robot.received[-1]
    assert body["msgtype"] == "markdown"
    assert body["markdown"]["content"].startswith("### 【报送提醒】11月进展")
    assert len(mail.outbox) == 2  # the e-mails were not sent again


def test_a_robot_that_keeps_failing_is_given_up_after_the_limit(people, robot, settings):
    settings.DELIVERY_MAX_ATTEMPTS = 3
    RobotWebhook.objects.create(
        organisation=people.zezhou, channel=Channel.WECOM, url=robot.url, is_enabled=True
    )
    robot.answer = {"errcode": 93000, "errmsg": "invalid webhook url"}
    send(people, ["zezhou"])
    now = timezone.now()
    for hour in range(5):
        deliver_all(now + dt.timedelta(hours=hour))
    failed = Delivery.objects.get(channel=Channel.WECOM)
    assert failed.status == DeliveryStatus.FAILED and failed.attempts == 3
    assert "93000" in failed.last_error
    assert len(robot.received) == 3


def test_dingtalk_is_signed_with_its_secret_and_gets_its_markdown(people, robot):
    secret = "SEC0123456789abcdef"
    RobotWebhook.objects.create(
        organisation=people.zezhou, channel=Channel.DINGTALK, url=robot.url, secret=secret, is_enabled=True
    )
    send(people, ["zezhou"])
    deliver_all()
    [(path, body)] = robot.received
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
    assert query["access_token"] == ["t0k"]
    timestamp = query["timestamp"][0]
    expected = base64.b64encode(
        hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    )
    assert query["sign"] == [expected.decode()]
    assert body["msgtype"] == "markdown"
    assert body["markdown"]["title"] == "【报送提醒】11月进展"
    assert "[查看详情](http://127.0.0.1:8000/reports/)" in body["markdown"]["text"]


def test_a_robot_that_is_off_gets_nothing(people, robot):
    RobotWebhook.objects.create(
        organisation=people.zezhou, channel=Channel.WECOM, url=robot.url, is_enabled=False
    )
    send(people, ["zezhou"])
    assert not Delivery.objects.filter(channel=Channel.WECOM).exists()


def test_a_claimed_delivery_is_not_sent_by_a_second_worker(people):
    send(people, ["zezhou"])
    delivery = Delivery.objects.get()
    now = timezone.now()
    # Another worker claimed it a moment ago and is sending.
    Delivery.objects.filter(pk=delivery.pk).update(locked_until=now + dt.timedelta(minutes=5), attempts=1)
    assert services.deliver([delivery.pk], now=now) == {"sent": 0, "failed": 0, "skipped": 1}
    assert mail.outbox == []
    # It died without finishing: once the lock has passed, the sweep sends it.
    assert services.deliver([delivery.pk], now=now + dt.timedelta(minutes=6)) == {
        "sent": 1,
        "failed": 0,
        "skipped": 0,
    }
    assert services.deliver([delivery.pk], now=now + dt.timedelta(minutes=7))["skipped"] == 1
    assert len(mail.outbox) == 1


def test_the_markdown_and_links():
    d = Delivery(channel=Channel.WECOM, title="标题", body="第一行\n第二行", url="/x/")
    assert channels.markdown(d) == "### 标题\n\n第一行\n第二行\n\n[查看详情](http://127.0.0.1:8000/x/)"
    assert channels.absolute_url("https://a.gov.cn/y") == "https://a.gov.cn/y"
