"""What tracked matters add to the one `/api/v1/` router (`config/api.py`)."""

from .views import DecisionViewSet, MeetingViewSet, TicketViewSet


def register(router):
    router.register("tickets", TicketViewSet, basename="ticket")
    router.register("decisions", DecisionViewSet, basename="decision")
    router.register("meetings", MeetingViewSet, basename="meeting")
