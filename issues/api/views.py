"""`/api/v1/tickets/` (list and detail with the page's FilterSet; the actions per role as
`POST /api/v1/tickets/{id}/{action}/`; `/api/v1/tickets/stats/`), `/api/v1/meetings/` and
`/api/v1/decisions/` (read in scope; the owner unit reports progress through the same actions)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from accounts.models import Organisation

from .. import selectors, services
from ..choices import MatterKind
from ..filters import TicketFilterSet
from ..models import Ticket
from ..permissions import may
from .serializers import ActionSerializer, MeetingSerializer, TicketDetailSerializer, TicketSerializer


def _run(action_name, user, ticket, data):
    if not may(user, ticket, action_name):
        raise PermissionDenied("您没有对该事项进行此操作的权限。")
    if action_name == "assign":
        unit = get_object_or_404(Organisation, pk=data["lead_unit"]) if data["lead_unit"] else None
        return services.ticket_assign(
            actor=user,
            ticket=ticket,
            lead_unit=unit,
            authority=data["authority"],
            deadline=data["deadline"],
            complexity=data["complexity"],
            on_clock=data["on_clock"],
            note=data["note"],
        )
    calls = {
        "sign": lambda: services.ticket_sign(actor=user, ticket=ticket, note=data["note"]),
        "progress": lambda: services.ticket_progress(actor=user, ticket=ticket, note=data["note"]),
        "report_solved": lambda: services.ticket_report_solved(actor=user, ticket=ticket, note=data["note"]),
        "visit": lambda: services.ticket_visit(
            actor=user, ticket=ticket, answer=data["answer"], words=data["words"]
        ),
        "close": lambda: services.ticket_close(
            actor=user, ticket=ticket, grade=data["grade"], note=data["note"]
        ),
        "return": lambda: services.ticket_return(actor=user, ticket=ticket, reason=data["reason"]),
        "suspend": lambda: services.ticket_suspend(
            actor=user, ticket=ticket, reason=data["reason"], progress_every=data["progress_every"]
        ),
        "resume": lambda: services.ticket_resume(
            actor=user, ticket=ticket, deadline=data["deadline"], note=data["note"]
        ),
        "supervise": lambda: services.ticket_supervise(
            actor=user, ticket=ticket, level=data["level"], note=data["note"]
        ),
        "hand_up": lambda: services.ticket_hand_up(actor=user, ticket=ticket, reason=data["reason"]),
        "timetable": lambda: services.ticket_timetable(
            actor=user,
            ticket=ticket,
            milestones=[(dt.date.fromisoformat(str(d)), str(label)) for d, label in data["milestones"]],
            progress_every=data["progress_every"],
            note=data["note"],
        ),
    }
    return calls[action_name]()


class _MatterViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = TicketSerializer
    filter_backends = [DjangoFilterBackend]  # for the schema; the selector filters
    filterset_class = TicketFilterSet
    queryset = Ticket.objects.none()
    kind = None

    @cached_property
    def _listing(self):
        filters = self.request.query_params.copy()
        if self.kind:
            filters["kind"] = self.kind
        filterset, queryset = selectors.ticket_list(
            user=self.request.user, filters=filters, request=self.request
        )
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        return queryset

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Ticket.objects.none()
        return self._listing

    def filter_queryset(self, queryset):
        return queryset

    def get_object(self):
        ticket = selectors.ticket_get_for_user(user=self.request.user, pk=self.kwargs["pk"])
        if self.kind and ticket.kind != self.kind:
            raise Ticket.DoesNotExist
        return ticket

    def get_serializer_class(self):
        return TicketDetailSerializer if self.action != "list" else TicketSerializer

    def _act(self, request, pk, name):
        ticket = self.get_object()
        data = ActionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        _run(name, request.user, ticket, data.validated_data)
        fresh = selectors.ticket_get_for_user(user=request.user, pk=ticket.pk)
        return Response(TicketDetailSerializer(fresh, context=self.get_serializer_context()).data)


def _action(name):
    """`POST {id}/{name}/`: one action of the matter (the method's name must be set before @action,
    which maps the HTTP method to it)."""

    def handler(self, request, pk=None):
        return self._act(request, pk, name)

    handler.__name__ = f"act_{name}"
    handler = action(detail=True, methods=["post"], url_path=name, url_name=name.replace("_", "-"))(handler)
    return extend_schema(request=ActionSerializer, responses=TicketDetailSerializer, summary=name)(handler)


class TicketViewSet(_MatterViewSet):
    """Problem tickets and decisions the user sees; `kind=decision` for decisions only."""

    @extend_schema(summary="问题统计", responses=None)
    @action(detail=False, methods=["get"])
    def stats(self, request):
        kind = request.query_params.get("kind") or MatterKind.PROBLEM
        stats = selectors.ticket_stats(user=request.user, kind=kind)

        def row(r):
            return {
                "key": r.key,
                "label": r.label,
                "open": r.open,
                "overdue": r.overdue,
                "closed": r.closed,
                "on_time_rate": r.on_time_rate,
                "median_working_days_to_close": r.median_days,
                "send_backs": r.send_backs,
                "checkpoint_compliance": r.compliance,
            }

        return Response(
            {
                "kind": kind,
                "total": row(stats.total),
                "by_unit": [row(r) for r in stats.by_unit],
                "by_category": [row(r) for r in stats.by_category],
                "satisfaction": stats.satisfaction,
            }
        )


for _name in (
    "assign",
    "sign",
    "progress",
    "timetable",
    "report_solved",
    "return",
    "visit",
    "close",
    "suspend",
    "resume",
    "supervise",
    "hand_up",
):
    setattr(TicketViewSet, f"act_{_name}", _action(_name))


class DecisionViewSet(_MatterViewSet):
    """Decisions (议定事项) in scope; the owner unit signs, reports progress and reports them done."""

    kind = MatterKind.DECISION


for _name in ("sign", "progress", "report_solved"):
    setattr(DecisionViewSet, f"act_{_name}", _action(_name))


class MeetingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = MeetingSerializer

    def get_queryset(self):
        return selectors.meetings_for_user(self.request.user).order_by("-date", "-id")
