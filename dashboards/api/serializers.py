"""Shapes of the dashboard API: the same objects the pages render, amounts as strings (万元, two
places), rates as strings with one decimal, null when a rate has no base."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from reporting import measures

from .. import bulletins as wording
from ..models import Bulletin


def money(**kw):
    return serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True, **kw)


def pct(**kw):
    return serializers.DecimalField(max_digits=8, decimal_places=1, read_only=True, allow_null=True, **kw)


class FiguresSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    month = serializers.IntegerField()
    basis = serializers.CharField()
    annual_plan = money()
    ytd_completed = money()
    completion_rate = pct()
    time_progress = pct()
    vs_time_progress_pp = pct()
    month_invested = money()
    mom_rate = pct()
    last_year_ytd = money()
    yoy_rate = pct()


class CountsSerializer(serializers.Serializer):
    planned = serializers.IntegerField()
    planned_total = money()
    new_planned = serializers.IntegerField()
    new_planned_by = serializers.IntegerField()
    started = serializers.IntegerField()
    started_early = serializers.IntegerField()
    not_started_on_plan = serializers.IntegerField()
    continuing = serializers.IntegerField()
    resumed = serializers.IntegerField()
    completion_planned = serializers.IntegerField()
    completed = serializers.IntegerField()
    completed_early = serializers.IntegerField()
    completion_late = serializers.IntegerField()
    reserve_at_start = serializers.IntegerField()
    reserve_converted = serializers.IntegerField()
    in_reserve = serializers.IntegerField()
    reserve_investment = money()
    start_rate = pct()
    start_rate_by_month = pct()
    resume_rate = pct()
    start_resume_count = serializers.IntegerField()
    start_resume_rate = pct()
    reserve_conversion = pct()


class SeriesSerializer(serializers.Serializer):
    month = serializers.IntegerField()
    invested = money()
    ytd = money()
    completion_rate = pct()
    time_progress = pct()
    vs_time_progress_pp = pct()


class GroupSerializer(serializers.Serializer):
    org_id = serializers.IntegerField()
    name = serializers.CharField()
    figures = FiguresSerializer()
    counts = CountsSerializer()


class PaceSerializer(serializers.Serializer):
    project_id = serializers.IntegerField()
    name = serializers.CharField()
    area = serializers.CharField()
    group = serializers.CharField()
    rank = serializers.IntegerField()
    group_size = serializers.IntegerField()
    why = serializers.CharField()
    figures = FiguresSerializer()


class ShareSerializer(serializers.Serializer):
    flag = serializers.CharField()
    label = serializers.CharField()
    ytd = money()
    share = pct()
    last_year_ytd = money()
    yoy_rate = pct()
    share_change_pp = pct()


class YoySerializer(serializers.Serializer):
    ytd = money(help_text="今年计划项目1-N月累计")
    last_year_ytd = money(help_text="上年计划项目上年1-N月累计")
    rate = pct()


class SloganSerializer(serializers.Serializer):
    label = serializers.CharField()
    met = serializers.BooleanField(allow_null=True)


class DashboardSerializer(serializers.Serializer):
    scope_kind = serializers.CharField(help_text="city / area / department")
    scope_id = serializers.IntegerField(allow_null=True)
    scope_name = serializers.CharField()
    year = serializers.IntegerField()
    month = serializers.IntegerField()
    basis = serializers.CharField()
    figures = FiguresSerializer()
    counts = CountsSerializer()
    series = SeriesSerializer(many=True)
    yoy = serializers.SerializerMethodField()
    structure = serializers.SerializerMethodField()
    slogan = serializers.SerializerMethodField()
    target = serializers.JSONField(allow_null=True)
    by_area = GroupSerializer(many=True)
    by_department = GroupSerializer(many=True)
    fast = PaceSerializer(many=True)
    slow = PaceSerializer(many=True)
    behind = PaceSerializer(many=True)

    @extend_schema_field(YoySerializer)
    def get_yoy(self, dash):
        this, last, rate = dash.yoy
        return YoySerializer({"ytd": this, "last_year_ytd": last, "rate": rate}).data

    @extend_schema_field(ShareSerializer(many=True))
    def get_structure(self, dash):
        rows = [
            {"flag": flag, "label": str(label), **vars(dash.structure[flag])}
            for flag, label in measures.STRUCTURE_FLAGS.items()
            if flag in dash.structure
        ]
        return ShareSerializer(rows, many=True).data

    @extend_schema_field(SloganSerializer)
    def get_slogan(self, dash):
        return {"label": dash.slogan[0], "met": dash.slogan[1]}


class LineSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    dimension = serializers.CharField()
    weight = serializers.CharField()
    method = serializers.CharField()
    value = serializers.CharField(allow_null=True)
    rank = serializers.IntegerField(allow_null=True)
    points = serializers.CharField()
    target = serializers.CharField(allow_null=True)
    met = serializers.BooleanField(allow_null=True)
    drill = serializers.CharField(help_text="/dashboards/projects/?set=… 的口径")


class RankingRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    total = serializers.CharField()
    rank = serializers.IntegerField()
    prev_rank = serializers.IntegerField(allow_null=True)
    change = serializers.IntegerField(allow_null=True, help_text="名次变化：正数为上升")
    dimensions = serializers.DictField(child=serializers.CharField())
    lines = LineSerializer(many=True)


class RankingSerializer(serializers.Serializer):
    scheme = serializers.CharField()
    audience = serializers.CharField()
    year = serializers.IntegerField()
    month = serializers.IntegerField()
    period = serializers.CharField()
    published = serializers.BooleanField()
    as_of = serializers.CharField(allow_null=True)
    rows = RankingRowSerializer(many=True)


class FigureSegmentSerializer(serializers.Serializer):
    text = serializers.CharField()
    url = serializers.CharField(allow_null=True)


class BulletinSerializer(serializers.ModelSerializer):
    area_name = serializers.SerializerMethodField()
    status = serializers.CharField(read_only=True, help_text="draft 草稿 / published 已发布")
    paragraphs = serializers.SerializerMethodField()
    figures = serializers.SerializerMethodField()

    class Meta:
        model = Bulletin
        fields = [
            "id",
            "year",
            "month",
            "area",
            "area_name",
            "title",
            "status",
            "as_of",
            "published_at",
            "paragraphs",
            "figures",
        ]

    def _segments(self, bulletin):
        return self.context["segments"](bulletin)

    def get_area_name(self, bulletin) -> str:
        return bulletin.area.display_name if bulletin.area else "全市"

    def get_paragraphs(self, bulletin) -> list[str]:
        return wording.render_text(bulletin.body, self._segments(bulletin))

    @extend_schema_field(serializers.DictField(child=FigureSegmentSerializer(many=True)))
    def get_figures(self, bulletin):
        return {
            code: [{"text": t, "url": u} for t, u in parts]
            for code, parts in self._segments(bulletin).items()
            if code in wording.MARKERS
        }
