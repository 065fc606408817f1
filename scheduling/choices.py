"""Statuses and kinds of the dispatch machinery."""

from django.db import models


class Rhythm(models.TextChoices):
    DAILY = "daily", "每个工作日"
    WEEKLY = "weekly", "每周"
    XUN = "xun", "每旬"
    MONTHLY = "monthly", "每月"


class Anchor(models.TextChoices):
    """What a monthly schedule's day counts from."""

    DAY_OF_MONTH = "day", "每月固定日"
    REPORT_DUE = "report_due", "月报截止日"


class Channel(models.TextChoices):
    INBOX = "inbox", "站内消息"
    EMAIL = "email", "电子邮件"
    WECOM = "wecom", "企业微信群机器人"
    DINGTALK = "dingtalk", "钉钉群机器人"


ROBOT_CHANNELS = (Channel.WECOM, Channel.DINGTALK)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "待发送"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"


class RunStatus(models.TextChoices):
    QUEUED = "queued", "已排队"
    RUNNING = "running", "执行中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class RunTrigger(models.TextChoices):
    SCHEDULE = "schedule", "按计划"
    CATCH_UP = "catch_up", "补发"
    MANUAL = "manual", "手动执行"


WEEKDAYS = ((0, "周一"), (1, "周二"), (2, "周三"), (3, "周四"), (4, "周五"), (5, "周六"), (6, "周日"))

# Chinese labels of the notification kinds the apps send. A schedule's code is its kind; other apps
# add theirs here (a kind not listed shows as its code).
KIND_LABELS = {
    "report_due": "月报截止提醒",
    "report_missing": "缺报清单",
    "friday_digest": "周五会商",
    "xun_approvals": "旬调度·前期手续",
    "monthly_bulletin": "一月晾晒",
    "vice_mayor_dispatch": "分管副市长调度",
    "horse_race": "双月赛马",
    "mayor_dispatch": "市长顶格调度",
    "reserve_review": "储备库季度调整",
    "ticket_checkpoint": "问题办理提醒",
    "ticket_overdue": "问题督办",
    "ticket_assigned": "问题交办",
    "decision_due": "议定事项提醒",
    "report_returned": "月报退回",
    "inclusion_evidence": "入库佐证补充",
    "bulletin_published": "通报印发",
    "ranking_published": "赛马排名发布",
    # issues (tracked matters)
    "ticket_daily": "问题督办日清",
    "ticket_weekly": "问题周报",
    "ticket_escalated": "督办升级",
    "ticket_supervised_list": "督办日报",
    "ticket_solved": "问题待回访",
    "ticket_returned": "问题退回重办",
    "decision_overdue": "议定事项督办",
}


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)
