"""Read representations of projects for `/api/v1/projects/`.

Organisations appear by name (what a user reads in the ledger), money as strings with two
decimals in 万元, choices as their code plus a `*_display` label in Chinese.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..choices import ApprovalLevel, ApprovalStatus, Industry, KeyLevel, Nature, Stage
from ..models import AnnualPlan, Approval, Project, StageChange
from ..models.project import FLAG_FIELDS, FUNDING_FIELDS
from .fields import MoneyField

MONEY = {"read_only": True}


def _org_name():
    return serializers.SlugRelatedField(slug_field="name", read_only=True, allow_null=True)


@extend_schema_field(OpenApiTypes.STR)
class ChoiceLabelField(serializers.Field):
    """The Chinese label of a choice value (`在建` for `construction`).

    A dict lookup: `source="get_stage_display"` would make DRF inspect the bound method's signature
    on every row, which costs more than the rest of the row together.
    """

    def __init__(self, choices, **kwargs):
        self.labels = {value: str(label) for value, label in choices}
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        return self.labels.get(value, value)


class ProjectListSerializer(serializers.ModelSerializer):
    county = _org_name()
    town = _org_name()
    department = _org_name()
    reporting_unit = _org_name()
    stage_display = ChoiceLabelField(Stage.choices, source="stage")
    key_level_display = ChoiceLabelField(KeyLevel.choices, source="key_level")
    industry_display = ChoiceLabelField(Industry.choices, source="industry")
    # Planned investment of the filter year (`year`, default this year); null when the project has no plan.
    annual_planned = MoneyField(allow_null=True, **MONEY)

    class Meta:
        model = Project
        fields = [
            "id",
            "code",
            "name",
            "county",
            "town",
            "department",
            "reporting_unit",
            "stage",
            "stage_display",
            "key_level",
            "key_level_display",
            "industry",
            "industry_display",
            "total_investment",
            "annual_planned",
            "construction_unit",
            "credit_code",
            "planned_start",
            "actual_start",
        ]
        read_only_fields = fields


class FundingSourceSerializer(serializers.Serializer):
    source = serializers.CharField(help_text="资金来源字段名，如 fund_special_bond")
    label = serializers.CharField(help_text="资金来源名称")
    amount = MoneyField(**MONEY)


class FlagSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="项目类别代码，可用作列表的 flag 筛选参数")
    label = serializers.CharField()


class AnnualPlanSerializer(serializers.ModelSerializer):
    planned_investment = MoneyField(**MONEY)

    class Meta:
        model = AnnualPlan
        fields = [
            "year",
            "planned_investment",
            "is_new",
            "planned_start_month",
            "completes_this_year",
            "milestones",
        ]
        read_only_fields = fields


class ApprovalSerializer(serializers.ModelSerializer):
    # A plain string: monthly reports also have a `status`, and one enum name per choice set keeps the
    # schema free of naming collisions.
    status = serializers.CharField(
        read_only=True, help_text="办理状态代码：not_started/in_progress/done/not_applicable"
    )
    kind = serializers.CharField(source="kind.code", read_only=True)
    kind_name = serializers.CharField(source="kind.name", read_only=True)
    level_display = ChoiceLabelField(ApprovalLevel.choices, source="level")
    status_display = ChoiceLabelField(ApprovalStatus.choices, source="status")

    class Meta:
        model = Approval
        fields = [
            "kind",
            "kind_name",
            "level",
            "level_display",
            "status",
            "status_display",
            "planned_date",
            "actual_date",
            "responsible_leader",
            "handler",
            "note",
        ]
        read_only_fields = fields


class StageChangeSerializer(serializers.ModelSerializer):
    # Plain strings: the stage enum is documented once, on `Project.stage` (one enum name in the schema).
    from_stage = serializers.CharField(read_only=True, help_text="原阶段代码，新建项目时为空")
    to_stage = serializers.CharField(read_only=True, help_text="新阶段代码")
    from_stage_display = ChoiceLabelField(Stage.choices, source="from_stage")
    to_stage_display = ChoiceLabelField(Stage.choices, source="to_stage")
    actor = serializers.CharField(source="actor.display_name", read_only=True, allow_null=True)

    class Meta:
        model = StageChange
        fields = [
            "from_stage",
            "from_stage_display",
            "to_stage",
            "to_stage_display",
            "actor",
            "at",
            "reason",
            "effective_date",
        ]
        read_only_fields = fields


class ProjectDetailSerializer(ProjectListSerializer):
    nature_display = ChoiceLabelField(Nature.choices, source="nature")
    liaison_leader = serializers.CharField(source="liaison_leader.name", read_only=True, allow_null=True)
    funding = serializers.SerializerMethodField()
    funding_total = MoneyField(**MONEY)
    flags = serializers.SerializerMethodField()
    annual_plans = AnnualPlanSerializer(many=True, read_only=True)
    approvals = ApprovalSerializer(many=True, read_only=True)
    stage_changes = StageChangeSerializer(many=True, read_only=True)

    class Meta(ProjectListSerializer.Meta):
        fields = [
            *ProjectListSerializer.Meta.fields,
            "content",
            "nature",
            "nature_display",
            "address",
            "longitude",
            "latitude",
            "manager",
            "manager_phone",
            "liaison_leader",
            "liaison_leader_name",
            "signing_date",
            "planned_completion",
            "actual_completion",
            "operation_date",
            "stage_reason",
            "funding",
            "funding_total",
            "flags",
            "annual_plans",
            "approvals",
            "stage_changes",
            "version",
            "updated_at",
        ]
        read_only_fields = fields

    @staticmethod
    def _funding(project: Project) -> list[dict]:
        return [{"source": f, "label": label, "amount": getattr(project, f)} for f, label in FUNDING_FIELDS]

    @extend_schema_field(FundingSourceSerializer(many=True))
    def get_funding(self, project: Project) -> list[dict]:
        return FundingSourceSerializer(self._funding(project), many=True).data

    @extend_schema_field(FlagSerializer(many=True))
    def get_flags(self, project: Project) -> list[dict]:
        return [{"code": f, "label": label} for f, label in FLAG_FIELDS if getattr(project, f)]


class ProjectTotalsSerializer(serializers.Serializer):
    """The figures above the list: how many projects the filters select and their sums."""

    count = serializers.IntegerField(read_only=True)
    total_investment = MoneyField(**MONEY)
    annual_planned = MoneyField(**MONEY)
    year = serializers.IntegerField(read_only=True, help_text="年度计划投资所属年度")
