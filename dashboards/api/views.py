"""The dashboard API: `/api/v1/dashboards/city/`, `/dashboards/areas/{id}/`, `/dashboards/departments/{id}/`,
`/ranking/` and `/bulletins/` — the same objects the pages show, scoped like them (a county reads its
own dashboard and the published ranking, never other counties' lists), cached per (scope, month,
basis) until a report of that year is approved or corrected."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response

from projects import periods

from .. import bulletins as wording
from ..choices import Audience, BulletinStatus, RacePeriod
from ..models import Bulletin
from ..permissions import can_see_city
from ..selectors.bulletins import bulletin_get_for_user, bulletins_for_user
from ..selectors.dashboard import dashboard_for
from ..selectors.ranking import PeriodError, ranking_for
from ..selectors.scopes import CITY, Scope, area_scope_for, department_scope_for
from .serializers import BulletinSerializer, DashboardSerializer, RankingSerializer

PERIOD = [
    OpenApiParameter("year", int, description="年度（默认：上月所在年度）"),
    OpenApiParameter("month", int, description="截至月份 1-12（默认：上月）"),
]
ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="地区或部门的组织机构 id")


def _period(request):
    return periods.parse_period(request.query_params)


class CityDashboardViewSet(viewsets.ViewSet):
    @extend_schema(
        summary="全市看板",
        description="全市1-N月完成投资、完成率与时间进度、开复工、竣工、同比、结构、各县区、骏马/蜗牛；审核口径。仅专班、市领导、统计局。",
        parameters=PERIOD,
        responses=DashboardSerializer,
    )
    def list(self, request):
        if not can_see_city(request.user):
            raise PermissionDenied("您没有查看全市看板的权限。")
        year, month = _period(request)
        return Response(DashboardSerializer(dashboard_for(CITY, year, month)).data)


class AreaDashboardViewSet(viewsets.ViewSet):
    @extend_schema(summary="县（市、区）看板", parameters=[ID, *PERIOD], responses=DashboardSerializer)
    def retrieve(self, request, pk=None):
        scope = area_scope_for(request.user, _int(pk))
        year, month = _period(request)
        return Response(DashboardSerializer(dashboard_for(scope, year, month)).data)


class DepartmentDashboardViewSet(viewsets.ViewSet):
    @extend_schema(summary="市直部门看板", parameters=[ID, *PERIOD], responses=DashboardSerializer)
    def retrieve(self, request, pk=None):
        scope = department_scope_for(request.user, _int(pk))
        year, month = _period(request)
        return Response(DashboardSerializer(dashboard_for(scope, year, month)).data)


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFound() from None


class RankingViewSet(viewsets.ViewSet):
    @extend_schema(
        summary="赛马排名",
        description="得分、名次、较上期变化和每项指标的得分说明。已发布的排名人人可读；未发布的仅专班和市领导可预览。",
        parameters=[
            *PERIOD,
            OpenApiParameter(
                "period",
                OpenApiTypes.STR,
                enum=RacePeriod.values,
                description="monthly 一月晾晒 / bimonthly 双月赛马 / yearly 一年考评",
            ),
            OpenApiParameter(
                "audience",
                OpenApiTypes.STR,
                enum=Audience.values,
                description="areas 县区和开发区 / departments 市直部门",
            ),
        ],
        responses=RankingSerializer,
    )
    def list(self, request):
        year, month = _period(request)
        period = request.query_params.get("period") or RacePeriod.MONTHLY
        audience = request.query_params.get("audience") or Audience.AREAS
        if period not in RacePeriod.values or audience not in Audience.values:
            raise ValidationError({"detail": "period 或 audience 无效。"})
        try:
            result = ranking_for(user=request.user, year=year, month=month, period=period, audience=audience)
        except PeriodError as exc:
            raise ValidationError({"detail": str(exc)}) from exc
        if result is None:
            raise NotFound("本期排名尚未发布。")
        return Response(RankingSerializer(result).data)


def _segments(bulletin):
    if bulletin.status == BulletinStatus.PUBLISHED:
        return {code: [tuple(p) for p in parts] for code, parts in bulletin.figures.items()}
    scope = CITY if bulletin.area is None else Scope("area", bulletin.area)
    return wording.segments(dashboard_for(scope, bulletin.year, bulletin.month))


class BulletinViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = BulletinSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Bulletin.objects.none()
        return bulletins_for_user(self.request.user)

    def get_object(self):
        return bulletin_get_for_user(user=self.request.user, pk=_int(self.kwargs["pk"]))

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "segments": _segments}

    @extend_schema(
        summary="通报列表", description="专班和市领导：全部（含草稿）；其他：已发布的全市通报和本县区通报。"
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="通报", description="正文各段（数据已替换）和每个数据的文字与项目清单链接。")
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)
