from rest_framework import serializers

from ..choices import InclusionStatus
from ..models import DirectoryEntry


class CheckSerializer(serializers.Serializer):
    rule = serializers.IntegerField(source="rule_id")
    kind = serializers.CharField()
    name = serializers.CharField()
    group = serializers.CharField()
    passed = serializers.BooleanField()
    message = serializers.CharField()
    warning = serializers.CharField()


class ScreeningRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    code = serializers.CharField()
    county = serializers.IntegerField(source="county_id")
    county_name = serializers.CharField()
    department = serializers.IntegerField(source="department_id", allow_null=True)
    construction_unit = serializers.CharField()
    credit_code = serializers.CharField()
    total_investment = serializers.DecimalField(max_digits=14, decimal_places=2)
    actual_start = serializers.DateField(allow_null=True)
    days_since_start = serializers.IntegerField(allow_null=True)
    status = serializers.CharField()
    status_label = serializers.CharField()
    stats_number = serializers.CharField()
    declared_on = serializers.DateField(allow_null=True)
    included_on = serializers.DateField(allow_null=True)
    return_reason = serializers.CharField()
    eligible = serializers.BooleanField()
    ready = serializers.BooleanField()
    lacking = serializers.SerializerMethodField()
    duplicates = serializers.ListField(child=serializers.DictField())
    ytd_completed = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    since_start_completed = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    checks = CheckSerializer(many=True)

    def get_lacking(self, row) -> list[str]:
        return [c.message for c in row.checks if not c.passed]


class EventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    actor = serializers.CharField(source="actor.display_name", default=None)
    reason = serializers.CharField()


class EvidenceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(source="kind.name")
    original_name = serializers.CharField()
    file_format = serializers.CharField()
    size = serializers.IntegerField()
    uploaded_at = serializers.DateTimeField()


class DetailSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="project.id")
    name = serializers.CharField(source="project.name")
    status = serializers.CharField()
    status_label = serializers.CharField()
    stats_number = serializers.CharField(source="record.stats_number", default="")
    version = serializers.IntegerField(source="record.version", default=None)
    checks = CheckSerializer(many=True)
    duplicates = serializers.ListField(child=serializers.DictField())
    events = EventSerializer(many=True)
    evidence = EvidenceSerializer(many=True)


class MoveSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=InclusionStatus.choices)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")
    stats_number = serializers.CharField(required=False, allow_blank=True, max_length=40, default="")
    on = serializers.DateField(required=False, allow_null=True, default=None)
    duplicate_note = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")
    version = serializers.IntegerField(required=False, allow_null=True, default=None)


class BulkSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(), allow_empty=False, max_length=5000)
    to = serializers.ChoiceField(choices=InclusionStatus.choices)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class DirectoryEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = DirectoryEntry
        fields = ["id", "credit_code", "name", "division_code", "updated_at"]
