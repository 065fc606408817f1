"""Tracked matters: problem tickets (发现-交办-督办-销号) and the decisions (议定事项) of dispatch
meetings, on the 13710 clock. A decision is a `Ticket` of kind `decision`, so it has the same
states, checkpoints, reminders and 督办. Nothing here is ever deleted: every step is an event.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .choices import (
    AuthorityLevel,
    Category,
    CheckpointKind,
    CheckpointStatus,
    Complexity,
    Grade,
    MatterKind,
    MeetingLevel,
    Priority,
    Satisfaction,
    Source,
    State,
    Supervision,
)


class CategoryDeadline(models.Model):
    """Working days to solve a ticket of this category outside the 13710 track (the office edits)."""

    category = models.CharField("问题类别", max_length=20, choices=Category.choices, unique=True)
    working_days = models.PositiveSmallIntegerField("办结时限（工作日）")

    class Meta:
        verbose_name = "问题办结时限"
        verbose_name_plural = "问题办结时限"
        ordering = ["category"]

    def __str__(self):
        return f"{self.get_category_display()}：{self.working_days}个工作日"


class TicketNumber(models.Model):
    """The last number issued per prefix and year (WT-2026-00042, YD-2026-00007), taken under a row lock."""

    prefix = models.CharField(max_length=4, default="WT")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="ticket_number_per_prefix_year")
        ]

    def __str__(self):
        return f"{self.prefix}-{self.year}: {self.last}"


class Meeting(models.Model):
    """A dispatch meeting (调度会) at one of the four levels, with its agenda, minutes and decisions."""

    level = models.CharField("调度层级", max_length=12, choices=MeetingLevel.choices)
    title = models.CharField("会议名称", max_length=200)
    date = models.DateField("会议日期")
    place = models.CharField("地点", max_length=200, blank=True)
    chair = models.CharField("主持", max_length=100, blank=True)
    attendees = models.TextField("参会人员", blank=True, help_text="每行一位或一个单位。")
    attendee_units = models.ManyToManyField(
        "accounts.Organisation", verbose_name="参会单位", blank=True, related_name="+"
    )
    minutes = models.TextField("会议纪要", blank=True)
    project_selection = models.CharField(
        "议程项目筛选条件", max_length=500, blank=True, help_text="项目库的筛选条件（URL 查询串）。"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("登记时间", default=timezone.now)
    updated_at = models.DateTimeField("修改时间", default=timezone.now)

    class Meta:
        verbose_name = "调度会"
        verbose_name_plural = "调度会"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["level", "-date"], name="meeting_level_date")]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.title}"

    @property
    def attendee_list(self) -> list[str]:
        return [line.strip() for line in self.attendees.splitlines() if line.strip()]


class AgendaItem(models.Model):
    """One line of a meeting's agenda: a project, an open ticket, or a topic in words."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    order = models.PositiveSmallIntegerField("序号", default=0)
    project = models.ForeignKey(
        "projects.Project", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ticket = models.ForeignKey("Ticket", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    text = models.CharField("议题", max_length=300)

    class Meta:
        verbose_name = "议程"
        verbose_name_plural = "议程"
        ordering = ["meeting", "order", "id"]

    def __str__(self):
        return self.text


class Ticket(models.Model):
    kind = models.CharField("类型", max_length=10, choices=MatterKind.choices, default=MatterKind.PROBLEM)
    number = models.CharField("编号", max_length=20, unique=True)
    title = models.CharField("标题", max_length=200)
    description = models.TextField("问题描述", blank=True)
    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    category = models.CharField("问题类别", max_length=20, choices=Category.choices, default=Category.OTHER)
    source = models.CharField("来源", max_length=12, choices=Source.choices, default=Source.COUNTY)
    meeting = models.ForeignKey(
        Meeting,
        verbose_name="调度会",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="matters",
    )
    source_decision = models.ForeignKey(
        "self",
        verbose_name="来源议定事项",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="raised_tickets",
    )
    found_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发现人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    found_on = models.DateField("发现日期")
    lead_unit = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="承办单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_tickets",
    )
    co_units = models.ManyToManyField(
        "accounts.Organisation", verbose_name="协办单位", blank=True, related_name="co_tickets"
    )
    authority = models.CharField(
        "办理层级", max_length=10, choices=AuthorityLevel.choices, default=AuthorityLevel.COUNTY
    )
    responsible_leader = models.ForeignKey(
        "projects.Leader",
        verbose_name="责任领导",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    deadline = models.DateField("办结时限", null=True, blank=True)
    priority = models.CharField("紧急程度", max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    complexity = models.CharField(
        "复杂程度", max_length=10, choices=Complexity.choices, default=Complexity.ORDINARY
    )
    on_clock = models.BooleanField("纳入13710督办", default=False)
    state = models.CharField("状态", max_length=15, choices=State.choices, default=State.FOUND)
    supervision = models.PositiveSmallIntegerField(
        "督办级别", choices=Supervision.choices, default=Supervision.NONE
    )
    supervised_on = models.DateField("督办日期", null=True, blank=True)
    progress_every = models.PositiveSmallIntegerField(
        "进展报告间隔（工作日）",
        null=True,
        blank=True,
        help_text="挂起或按时间表办理时，每隔几个工作日报告一次进展。",
    )
    assigned_on = models.DateField("交办日期", null=True, blank=True)
    signed_on = models.DateField("签收日期", null=True, blank=True)
    solved_on = models.DateField("申请销号日期", null=True, blank=True)
    visit_ok = models.BooleanField("已满意回访", default=False)
    closed_on = models.DateField("销号日期", null=True, blank=True)
    closed_on_time = models.BooleanField("按期办结", null=True, blank=True)
    working_days_to_close = models.PositiveIntegerField("办结用时（工作日）", null=True, blank=True)
    grade = models.CharField("办结评价", max_length=10, choices=Grade.choices, blank=True)
    satisfaction = models.CharField("企业评价", max_length=12, choices=Satisfaction.choices, blank=True)
    send_backs = models.PositiveSmallIntegerField("不满意退回次数", default=0)
    office_returns = models.PositiveSmallIntegerField("销号申请退回次数", default=0)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField("登记时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)

    class Meta:
        verbose_name = "问题/议定事项"
        verbose_name_plural = "问题/议定事项"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["state", "deadline"], name="ticket_state_deadline"),
            models.Index(fields=["lead_unit", "state"], name="ticket_unit_state"),
            models.Index(fields=["kind", "state"], name="ticket_kind_state"),
            models.Index(fields=["supervision"], condition=Q(supervision__gt=0), name="ticket_supervised"),
            models.Index(fields=["closed_on"], name="ticket_closed_on"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="decision") | Q(project__isnull=False), name="ticket_problem_has_project"
            ),
            models.CheckConstraint(
                condition=Q(supervision__gte=0, supervision__lte=4), name="ticket_supervision_range"
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.state != State.CLOSED

    @property
    def is_decision(self) -> bool:
        return self.kind == MatterKind.DECISION

    @property
    def state_label(self) -> str:
        if self.is_decision and self.state == State.PENDING_VISIT:
            return "待核验"
        return self.get_state_display()


class Checkpoint(models.Model):
    """One dated obligation of a matter: recorded met or missed with its date."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="checkpoints")
    kind = models.CharField("节点", max_length=10, choices=CheckpointKind.choices)
    seq = models.PositiveSmallIntegerField("序号", default=1)
    label = models.CharField("说明", max_length=200, blank=True)
    due = models.DateField("到期日")
    status = models.CharField(
        "状态", max_length=10, choices=CheckpointStatus.choices, default=CheckpointStatus.PENDING
    )
    done_on = models.DateField("完成日期", null=True, blank=True)
    missed_on = models.DateField("判定逾期日期", null=True, blank=True)

    class Meta:
        verbose_name = "办理节点"
        verbose_name_plural = "办理节点"
        ordering = ["due", "id"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "kind", "seq"], name="checkpoint_once_per_seq"),
        ]
        # The daily sweep reads only pending checkpoints due soon or past: this index keeps it to them.
        indexes = [models.Index(fields=["due"], condition=Q(status="pending"), name="checkpoint_pending_due")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.due:%Y-%m-%d}"

    @property
    def title(self) -> str:
        return self.label or self.get_kind_display()


class TicketEvent(models.Model):
    """One step: who, when, what, the note and the state before and after."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField("时间", default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField("操作", max_length=20)
    from_state = models.CharField("原状态", max_length=15, blank=True)
    to_state = models.CharField("新状态", max_length=15, blank=True)
    note = models.TextField("说明", blank=True)
    data = models.JSONField("详情", default=dict, blank=True)

    class Meta:
        verbose_name = "办理记录"
        verbose_name_plural = "办理记录"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["ticket", "at"], name="ticket_event_at")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action_label}"

    @property
    def to_state_label(self) -> str:
        try:
            return State(self.to_state).label
        except ValueError:
            return self.to_state

    @property
    def action_label(self) -> str:
        from .choices import Action

        try:
            return Action(self.action).label
        except ValueError:
            return self.action


def attachment_path(instance, filename):
    return f"tickets/{timezone.localdate():%Y/%m}/{filename}"


class TicketAttachment(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(
        TicketEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments"
    )
    file = models.FileField("文件", upload_to=attachment_path)
    name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    file_type = models.CharField("类型", max_length=10)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.name


class Visit(models.Model):
    """回访: the enterprise's answer to a solved ticket, in its own words."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="visits")
    visited_on = models.DateField("回访日期")
    answer = models.CharField("企业评价", max_length=12, choices=Satisfaction.choices)
    words = models.TextField("企业意见", blank=True)
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "回访记录"
        verbose_name_plural = "回访记录"
        ordering = ["visited_on", "id"]

    def __str__(self):
        return f"{self.visited_on:%Y-%m-%d} {self.get_answer_display()}"
