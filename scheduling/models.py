"""When and to whom: the working-day calendar, schedules and their runs, notifications and deliveries.

Nothing here imports another app of ours: jobs are called by Celery task name, recipients are users.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .choices import WEEKDAYS, Anchor, Channel, DeliveryStatus, Rhythm, RunStatus, RunTrigger, kind_label


class Workday(models.Model):
    """A day that breaks the Monday–Friday rule: a holiday on a weekday, or a 调休 working weekend day.

    Days not listed follow the rule. The admin adds next year's rows when the State Council publishes
    the arrangement (or runs `seed_workdays`, which reads the `chinesecalendar` package)."""

    date = models.DateField("日期", unique=True)
    is_working_day = models.BooleanField("是否工作日")
    name = models.CharField("名称", max_length=50, blank=True, help_text="如“春节”“国庆节调休上班”。")

    class Meta:
        verbose_name = "节假日与调休"
        verbose_name_plural = "节假日与调休"
        ordering = ["date"]

    def __str__(self):
        kind = "上班" if self.is_working_day else "放假"
        return f"{self.date:%Y-%m-%d} {self.name or ''}（{kind}）"


class Schedule(models.Model):
    """One beat of the dispatch rhythm: what runs when, for whom, saying what."""

    code = models.SlugField("代码", max_length=40, unique=True, help_text="也是其通知的类别。")
    name = models.CharField("名称", max_length=60)
    task_name = models.CharField(
        "任务", max_length=100, help_text="执行内容的 Celery 任务名，如 reporting.report_due_reminder。"
    )
    rhythm = models.CharField("频率", max_length=10, choices=Rhythm.choices)
    weekday = models.PositiveSmallIntegerField("星期", choices=WEEKDAYS, null=True, blank=True)
    anchor = models.CharField("起算", max_length=12, choices=Anchor.choices, default=Anchor.DAY_OF_MONTH)
    day_of_month = models.PositiveSmallIntegerField(
        "日", null=True, blank=True, help_text="每月第几日；大于当月天数时取月末。"
    )
    offset_working_days = models.SmallIntegerField(
        "相对截止日的工作日数", default=0, help_text="负数为截止日前，正数为截止日后。"
    )
    months = models.CharField(
        "月份", max_length=40, blank=True, help_text="逗号分隔，如“2,4,6,8,10,12”为双月；留空为每月。"
    )
    time = models.TimeField("时间", default="09:00")
    audience = models.CharField("发送对象", max_length=200, blank=True)
    also_notify = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="另行抄送", blank=True, related_name="+"
    )
    title_template = models.CharField("标题模板", max_length=200)
    body_template = models.TextField("正文模板", blank=True)
    is_enabled = models.BooleanField("启用", default=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "调度计划"
        verbose_name_plural = "调度计划"
        ordering = ["sort_order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weekday__isnull=True) | Q(weekday__gte=0, weekday__lte=6),
                name="schedule_weekday_range",
            ),
            models.CheckConstraint(
                condition=Q(day_of_month__isnull=True) | Q(day_of_month__gte=1, day_of_month__lte=31),
                name="schedule_day_range",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def month_list(self) -> list[int]:
        return sorted({int(m) for m in self.months.replace("，", ",").split(",") if m.strip().isdigit()})


class ScheduleRun(models.Model):
    """One occurrence of a schedule: claimed once per (schedule, period key) by the sweep."""

    schedule = models.ForeignKey(
        Schedule, verbose_name="调度计划", on_delete=models.CASCADE, related_name="runs"
    )
    key = models.CharField("期次", max_length=40)
    nominal_date = models.DateField("应发日期")
    fire_at = models.DateTimeField("计划执行时间")
    as_of = models.DateTimeField(
        "执行时点", help_text="任务按此时点计算内容（补发或手动执行时为实际执行时间）。"
    )
    trigger = models.CharField(
        "触发方式", max_length=10, choices=RunTrigger.choices, default=RunTrigger.SCHEDULE
    )
    status = models.CharField("状态", max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField("执行次数", default=0)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    sent = models.PositiveIntegerField("新发通知数", default=0)
    summary = models.CharField("执行结果", max_length=500, blank=True)
    error = models.TextField("错误", blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="执行人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "调度执行记录"
        verbose_name_plural = "调度执行记录"
        ordering = ["-fire_at", "-id"]
        constraints = [
            # The claim: a scheduled (or caught-up) occurrence runs once, however many sweeps see it.
            models.UniqueConstraint(
                fields=["schedule", "key"], condition=~Q(trigger="manual"), name="schedule_run_once_per_key"
            )
        ]
        indexes = [models.Index(fields=["status", "fire_at"])]

    def __str__(self):
        return f"{self.schedule} {self.key}"


class Notification(models.Model):
    """A message in one person's inbox. (recipient, kind, key) is unique: a reminder arrives once."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收人",
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField("类别", max_length=40)
    key = models.CharField("期次", max_length=100)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "kind", "key"], name="notification_once_per_key")
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"),
        ]

    def __str__(self):
        return self.title

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class RobotWebhook(models.Model):
    """A unit's 企业微信 or 钉钉 group robot. Off until the admin turns it on."""

    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name="单位", on_delete=models.CASCADE, related_name="robots"
    )
    channel = models.CharField(
        "类型",
        max_length=10,
        choices=[
            (Channel.WECOM.value, Channel.WECOM.label),
            (Channel.DINGTALK.value, Channel.DINGTALK.label),
        ],
    )
    url = models.URLField("Webhook 地址", max_length=500)
    secret = models.CharField(
        "加签密钥", max_length=200, blank=True, help_text="钉钉机器人“加签”安全设置的密钥（SEC 开头）。"
    )
    is_enabled = models.BooleanField("启用", default=False)

    class Meta:
        verbose_name = "群机器人"
        verbose_name_plural = "群机器人"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "channel"], name="robot_one_per_channel")
        ]

    def __str__(self):
        return f"{self.organisation}·{self.get_channel_display()}"


class ChannelPreference(models.Model):
    """How a person wants to be told besides the inbox (which is always on)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="channel_preference",
    )
    email = models.BooleanField("同时发送电子邮件", default=True)
    muted_kinds = models.JSONField("不接收邮件的类别", default=list, blank=True)

    class Meta:
        verbose_name = "通知偏好"
        verbose_name_plural = "通知偏好"

    def __str__(self):
        return f"{self.user} 的通知偏好"


class Delivery(models.Model):
    """One send over an outside channel: e-mail to a person, or a robot message to a unit's group.

    Claimed before sending (a conditional UPDATE), retried with backoff, its last error kept."""

    channel = models.CharField("渠道", max_length=10, choices=Channel.choices)
    notification = models.ForeignKey(
        Notification, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    robot = models.ForeignKey(
        RobotWebhook, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    kind = models.CharField("类别", max_length=40)
    key = models.CharField("期次", max_length=100)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试", default=timezone.now)
    locked_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField("最近错误", max_length=500, blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    class Meta:
        verbose_name = "外发记录"
        verbose_name_plural = "外发记录"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"],
                condition=Q(notification__isnull=False),
                name="delivery_once_per_notification",
            ),
            models.UniqueConstraint(
                fields=["robot", "kind", "key"],
                condition=Q(robot__isnull=False),
                name="delivery_once_per_robot_key",
            ),
            models.CheckConstraint(
                condition=Q(notification__isnull=False) | Q(robot__isnull=False), name="delivery_has_target"
            ),
        ]
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=Q(status="pending"), name="delivery_pending"),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} {self.title}"
