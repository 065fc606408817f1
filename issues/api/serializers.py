from rest_framework import serializers

from ..models import Checkpoint, Meeting, Ticket, TicketEvent


class TicketSerializer(serializers.ModelSerializer):
    # Plain strings in the schema: their enums would collide with other apps' "kind" and "status".
    kind = serializers.CharField(read_only=True, help_text="problem | decision")
    state_label = serializers.CharField(read_only=True)
    project_name = serializers.CharField(source="project.name", read_only=True, default=None)
    lead_unit_name = serializers.CharField(source="lead_unit.display_name", read_only=True, default=None)
    supervision_label = serializers.CharField(source="get_supervision_display", read_only=True)

    class Meta:
        model = Ticket
        fields = [
            "id",
            "number",
            "kind",
            "title",
            "project",
            "project_name",
            "category",
            "source",
            "meeting",
            "lead_unit",
            "lead_unit_name",
            "authority",
            "responsible_leader",
            "deadline",
            "priority",
            "complexity",
            "on_clock",
            "state",
            "state_label",
            "supervision",
            "supervision_label",
            "found_on",
            "assigned_on",
            "closed_on",
            "satisfaction",
            "grade",
            "send_backs",
            "office_returns",
            "version",
        ]
        read_only_fields = fields


class CheckpointSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(
        read_only=True, help_text="sign | feedback | solve | milestone | progress | close"
    )
    status = serializers.CharField(read_only=True, help_text="pending | met | missed | waived")

    class Meta:
        model = Checkpoint
        fields = ["kind", "seq", "label", "due", "status", "done_on", "missed_on"]
        read_only_fields = fields


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.display_name", default=None, read_only=True)

    class Meta:
        model = TicketEvent
        fields = ["at", "actor", "action", "from_state", "to_state", "note"]
        read_only_fields = fields
        ref_name = "TicketEvent"  # inclusion has an "Event" too


class TicketDetailSerializer(TicketSerializer):
    checkpoints = CheckpointSerializer(many=True, read_only=True)
    events = EventSerializer(many=True, read_only=True)
    description = serializers.CharField(read_only=True)
    actions = serializers.SerializerMethodField()

    class Meta(TicketSerializer.Meta):
        fields = [*TicketSerializer.Meta.fields, "description", "checkpoints", "events", "actions"]
        read_only_fields = fields

    def get_actions(self, ticket) -> list[str]:
        from ..permissions import available_actions

        return available_actions(self.context["request"].user, ticket)


class MeetingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Meeting
        fields = ["id", "level", "title", "date", "place", "chair", "attendees", "minutes"]
        read_only_fields = fields


class ActionSerializer(serializers.Serializer):
    """Fields any action may take; each action uses those it needs (see the API description)."""

    note = serializers.CharField(required=False, allow_blank=True, default="")
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    answer = serializers.CharField(required=False, allow_blank=True, default="")
    words = serializers.CharField(required=False, allow_blank=True, default="")
    grade = serializers.CharField(required=False, allow_blank=True, default="")
    level = serializers.IntegerField(required=False, allow_null=True, default=None)
    progress_every = serializers.IntegerField(required=False, allow_null=True, default=None)
    deadline = serializers.DateField(required=False, allow_null=True, default=None)
    lead_unit = serializers.IntegerField(required=False, allow_null=True, default=None)
    authority = serializers.CharField(required=False, default="county")
    complexity = serializers.CharField(required=False, default="ordinary")
    on_clock = serializers.BooleanField(required=False, allow_null=True, default=None)
    milestones = serializers.ListField(child=serializers.ListField(), required=False, default=list)
