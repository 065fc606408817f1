import django_filters

from .models import Notification, Workday


class NotificationFilterSet(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(field_name="read_at", lookup_expr="isnull", label="仅未读")
    kind = django_filters.CharFilter(label="类别")

    class Meta:
        model = Notification
        fields = ["unread", "kind"]


class WorkdayFilterSet(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="date", lookup_expr="year", label="年份")
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", label="起始日期")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label="截止日期")

    class Meta:
        model = Workday
        fields = ["year", "date_from", "date_to", "is_working_day"]
