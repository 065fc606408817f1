"""`/api/v1/notifications/` (the user's own; mark read) and `/api/v1/workdays/` (read)."""

from django.http import Http404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from .. import selectors, services
from ..filters import NotificationFilterSet, WorkdayFilterSet
from ..models import Notification
from .serializers import NotificationSerializer, WorkdaySerializer


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The signed-in user's notifications, newest first. Another person's is not found (404)."""

    serializer_class = NotificationSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = NotificationFilterSet
    queryset = Notification.objects.none()

    def get_queryset(self):
        return selectors.notification_list(user=self.request.user)

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        try:
            notification = services.notification_mark_read(user=request.user, notification_id=int(pk))
        except (Notification.DoesNotExist, ValueError) as exc:
            raise Http404 from exc
        return Response(NotificationSerializer(notification).data)

    @extend_schema(
        request=None, responses={200: {"type": "object", "properties": {"marked": {"type": "integer"}}}}
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response(
            {
                "marked": services.notifications_mark_all_read(
                    user=request.user, kind=request.query_params.get("kind")
                )
            }
        )

    @extend_schema(responses={200: {"type": "object", "properties": {"unread": {"type": "integer"}}}})
    @action(detail=False, methods=["get"])
    def unread(self, request):
        return Response({"unread": selectors.unread_count(user=request.user)})


class WorkdayViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Days that break the Monday–Friday rule (holidays on weekdays, 调休 working weekends)."""

    serializer_class = WorkdaySerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = WorkdayFilterSet
    lookup_field = "date"
    lookup_value_regex = r"\d{4}-\d{2}-\d{2}"

    def get_queryset(self):
        return selectors.workday_list()
