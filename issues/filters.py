"""One FilterSet for the HTML ticket list, its Excel export and the API (same query parameters)."""

from __future__ import annotations

import django_filters as df
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from accounts.choices import AREA_KINDS, OrgKind
from accounts.models import Organisation
from projects.filters import OrganisationFilter
from projects.models import Leader
from scheduling.calendar import WorkCalendar

from . import clock
from .choices import (
    OPEN_STATES,
    WORKING_STATES,
    AuthorityLevel,
    Category,
    CheckpointStatus,
    MatterKind,
    Satisfaction,
    Source,
    State,
    Supervision,
)
from .models import Checkpoint, Ticket

ORDERING = (
    ("deadline", "deadline"),
    ("assigned_on", "assigned_on"),
    ("found_on", "found_on"),
    ("supervision", "supervision"),
    ("number", "number"),
    ("updated_at", "updated_at"),
    ("id", "id"),
)
YES = [("1", "是")]


def _leader_choices():
    return [(x.pk, str(x)) for x in Leader.objects.filter(is_active=True, organisation__kind=OrgKind.CITY)]


class TicketFilterSet(df.FilterSet):
    search = df.CharFilter(method="filter_search", label="搜索（编号/标题/项目）")
    kind = df.ChoiceFilter(choices=MatterKind.choices, label="类型")
    state = df.MultipleChoiceFilter(choices=State.choices, label="状态", distinct=False)
    open = df.ChoiceFilter(choices=YES, method="filter_open", label="未销号")
    overdue = df.ChoiceFilter(choices=YES, method="filter_overdue", label="已逾期")
    due_soon = df.ChoiceFilter(choices=YES, method="filter_due_soon", label="3个工作日内到期")
    unit = OrganisationFilter(
        queryset=Organisation.objects.filter(is_active=True), method="filter_unit", label="承办单位"
    )
    county = OrganisationFilter(
        queryset=Organisation.objects.filter(kind__in=[OrgKind.CITY, *AREA_KINDS], is_active=True),
        method="filter_county",
        label="县（市、区）",
    )
    category = df.ChoiceFilter(choices=Category.choices, label="问题类别")
    source = df.ChoiceFilter(choices=Source.choices, label="来源")
    level = df.ChoiceFilter(choices=AuthorityLevel.choices, field_name="authority", label="办理层级")
    project = df.NumberFilter(field_name="project_id", label="项目")
    meeting = df.NumberFilter(field_name="meeting_id", label="调度会")
    leader = df.ChoiceFilter(choices=_leader_choices, field_name="responsible_leader_id", label="责任领导")
    supervision = df.ChoiceFilter(
        choices=[(str(v), label) for v, label in Supervision.choices if v],
        method="filter_supervision",
        label="督办级别",
    )
    on_clock = df.ChoiceFilter(choices=YES, method="filter_on_clock", label="13710督办")
    closed = df.ChoiceFilter(choices=YES, method="filter_closed", label="已销号")
    on_time = df.ChoiceFilter(
        choices=[("1", "按期"), ("0", "逾期")], method="filter_on_time", label="按期办结"
    )
    sent_back = df.ChoiceFilter(choices=YES, method="filter_sent_back", label="曾被退回")
    satisfaction = df.ChoiceFilter(choices=Satisfaction.choices, label="企业评价")
    missed = df.ChoiceFilter(choices=YES, method="filter_missed", label="有逾期节点")
    ordering = df.OrderingFilter(fields=ORDERING, label="排序")

    class Meta:
        model = Ticket
        fields = []

    def filter_search(self, queryset, name, value):
        for term in value.split():
            queryset = queryset.filter(
                Q(number__contains=term.upper()) | Q(title__contains=term) | Q(project__name__contains=term)
            )
        return queryset

    def filter_open(self, queryset, name, value):
        return queryset.filter(state__in=OPEN_STATES)

    def filter_closed(self, queryset, name, value):
        return queryset.filter(state=State.CLOSED)

    def filter_overdue(self, queryset, name, value):
        # The clock runs while the unit owes work: a reported-solved matter waits for the office.
        return queryset.filter(state__in=WORKING_STATES, deadline__lt=timezone.localdate())

    def filter_due_soon(self, queryset, name, value):
        today = timezone.localdate()
        horizon = WorkCalendar().add_working_days(today, clock.DUE_SOON)
        return queryset.filter(
            state__in=[State.ASSIGNED, State.HANDLING], deadline__gte=today, deadline__lte=horizon
        )

    # `value: int` tells the API schema the parameter is the unit's id (django-filter passes the unit).
    def filter_unit(self, queryset, name, value: int):
        units = Organisation.objects.filter(path__startswith=value.path).values("pk")
        return queryset.filter(lead_unit_id__in=units)

    def filter_county(self, queryset, name, value: int):
        units = Organisation.objects.filter(path__startswith=value.path).values("pk")
        return queryset.filter(Q(project__county_id__in=units) | Q(project__town_id__in=units))

    def filter_supervision(self, queryset, name, value):
        return queryset.filter(supervision__gte=int(value))

    def filter_on_clock(self, queryset, name, value):
        return queryset.filter(on_clock=True)

    def filter_on_time(self, queryset, name, value):
        return queryset.filter(state=State.CLOSED, closed_on_time=(value == "1"))

    def filter_sent_back(self, queryset, name, value):
        return queryset.filter(send_backs__gt=0)

    def filter_missed(self, queryset, name, value):
        return queryset.filter(
            Exists(Checkpoint.objects.filter(ticket=OuterRef("pk"), status=CheckpointStatus.MISSED))
        )
