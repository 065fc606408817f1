"""Sending one delivery over an outside channel. Each function raises `SendError` on failure.

E-mail goes through Django's e-mail backend (console in development). Group robots get each
robot's markdown message; 钉钉's "加签" secret signs the URL (timestamp + HMAC-SHA256).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
import urllib.parse

import requests
from django.conf import settings
from django.core.mail import send_mail

from .choices import Channel

ROBOT_TIMEOUT = (3, 5)  # connect, read (seconds): a dead robot never holds a worker long


class SendError(Exception):
    pass


def absolute_url(url: str) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    return settings.PORTAL_BASE_URL.rstrip("/") + url


def send_email(delivery) -> None:
    notification = delivery.notification
    address = notification.recipient.email
    if not address:
        raise SendError("该用户未填写电子邮箱")
    link = absolute_url(delivery.url)
    text = delivery.body + (f"\n\n查看详情：{link}" if link else "")
    try:
        send_mail(delivery.title, text, None, [address], fail_silently=False)
    except Exception as exc:  # any backend error is this delivery's failure, retried later
        raise SendError(f"邮件发送失败：{exc}") from exc


def markdown(delivery) -> str:
    link = absolute_url(delivery.url)
    lines = [f"### {delivery.title}", "", delivery.body.strip()]
    if link:
        lines += ["", f"[查看详情]({link})"]
    return "\n".join(lines)


def signed_dingtalk_url(url: str, secret: str, now_ms: int | None = None) -> str:
    """钉钉 加签: sign = urlencode(base64(HMAC-SHA256(secret, f"{timestamp}\\n{secret}")))."""
    timestamp = str(now_ms if now_ms is not None else int(time.time() * 1000))
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}timestamp={timestamp}&sign={sign}"


def robot_payload(delivery) -> dict:
    text = markdown(delivery)
    if delivery.channel == Channel.DINGTALK:
        return {"msgtype": "markdown", "markdown": {"title": delivery.title, "text": text}}
    return {"msgtype": "markdown", "markdown": {"content": text}}


def send_robot(delivery) -> None:
    robot = delivery.robot
    url = robot.url
    if robot.channel == Channel.DINGTALK and robot.secret:
        url = signed_dingtalk_url(url, robot.secret)
    try:
        response = requests.post(url, json=robot_payload(delivery), timeout=ROBOT_TIMEOUT)
    except requests.RequestException as exc:
        raise SendError(f"无法连接群机器人：{exc}") from exc
    if response.status_code != 200:
        raise SendError(f"群机器人返回 HTTP {response.status_code}")
    try:
        answer = response.json()
    except ValueError as exc:
        raise SendError("群机器人返回的不是 JSON") from exc
    if answer.get("errcode", 0) != 0:
        raise SendError(f"群机器人拒绝：{answer.get('errcode')} {answer.get('errmsg', '')}".strip())


def send(delivery) -> None:
    if delivery.channel == Channel.EMAIL:
        send_email(delivery)
    elif delivery.channel in (Channel.WECOM, Channel.DINGTALK):
        send_robot(delivery)
    else:
        raise SendError(f"未知渠道 {delivery.channel}")
