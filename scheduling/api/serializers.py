from rest_framework import serializers

from ..models import Notification, Workday


class NotificationSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(read_only=True)
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "kind_label",
            "key",
            "title",
            "body",
            "url",
            "created_at",
            "read_at",
            "is_read",
        ]
        read_only_fields = fields


class WorkdaySerializer(serializers.ModelSerializer):
    class Meta:
        model = Workday
        fields = ["date", "is_working_day", "name"]
        read_only_fields = fields
