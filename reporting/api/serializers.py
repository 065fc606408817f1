"""Representations of monthly progress for `/api/v1/reports/`.

Reads: money as strings with two decimals in 万元, `status` as its code plus `status_display`.
Writes: amounts and dates arrive as text or numbers and are read by the portal's one parser
(`projects.api.fields`), worded as the grid and the Excel upload word them.
"""

from __future__ import annotations

from rest_framework import serializers

from projects.api.fields import ChineseDateField, MoneyField, PercentField

from ..measures import Basis
from ..models import MonthlyReport, ReportRevision
from ..services.rows import INVESTED_MESSAGES, PERCENT_MESSAGES

MONEY = {"read_only": True}


class ReportRevisionSerializer(serializers.ModelSerializer):
    approved_by = serializers.StringRelatedField()

    class Meta:
        model = ReportRevision
        fields = [
            "revision",
            "invested",
            "image_progress",
            "percent_complete",
            "problems",
            "explanation",
            "correction_reason",
            "approved_at",
            "approved_by",
        ]


class ReportSerializer(serializers.ModelSerializer):
    project_name = serializers.CharField(source="project.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    # 1–N月累计 of the report's project and year, from reporting.measures: on the approved basis
    # (what is published; `ytd_basis` says so) and on the working basis (every current value).
    ytd_completed = MoneyField(**MONEY, help_text="1–N月累计（审核口径：只计审核通过的数据）")
    ytd_basis = serializers.SerializerMethodField(help_text="ytd_completed 的口径：approved（审核口径）")
    ytd_completed_working = MoneyField(**MONEY, help_text="1–N月累计（填报口径：含草稿、待审核的当前填报值）")

    def get_ytd_basis(self, obj) -> str:
        return Basis.APPROVED.value

    class Meta:
        model = MonthlyReport
        fields = [
            "id",
            "project",
            "project_name",
            "year",
            "month",
            "invested",
            "image_progress",
            "percent_complete",
            "problems",
            "explanation",
            "status",
            "status_display",
            "return_reason",
            "version",
            "revision",
            "correction_reason",
            "ytd_completed",
            "ytd_basis",
            "ytd_completed_working",
            "updated_at",
            "submitted_at",
            "reviewed_at",
        ]
        read_only_fields = fields


class ReportDetailSerializer(ReportSerializer):
    """One report with every approved version (版本记录)."""

    revisions = ReportRevisionSerializer(many=True, read_only=True)

    class Meta(ReportSerializer.Meta):
        fields = [*ReportSerializer.Meta.fields, "revisions"]
        read_only_fields = fields


class _ValuesSerializer(serializers.Serializer):
    invested = MoneyField(required=False, allow_null=True, messages=INVESTED_MESSAGES)
    image_progress = serializers.CharField(required=False, allow_blank=True, trim_whitespace=True)
    percent_complete = PercentField(required=False, allow_null=True, messages=PERCENT_MESSAGES)
    problems = serializers.CharField(required=False, allow_blank=True)
    explanation = serializers.CharField(required=False, allow_blank=True, max_length=500)


class ReportCreateSerializer(_ValuesSerializer):
    project = serializers.IntegerField()
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    month = serializers.IntegerField(min_value=1, max_value=12)
    actual_start = ChineseDateField(
        required=False, allow_null=True, help_text="前期项目首次填报投资时的实际开工日期。"
    )


class ReportUpdateSerializer(_ValuesSerializer):
    version = serializers.IntegerField(help_text="您读取时的版本号；已被他人修改时返回 409。")
    actual_start = ChineseDateField(required=False, allow_null=True)


class ReportSubmitSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False, allow_null=True, help_text="您读取时的版本号（可选）。"
    )


class ReportReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, max_length=500, help_text="退回原因（必填）。")


class ReportCorrectSerializer(_ValuesSerializer):
    version = serializers.IntegerField(help_text="您读取时的版本号。")
    reason = serializers.CharField(allow_blank=True, max_length=500, help_text="更正原因（必填）。")
