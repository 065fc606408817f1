"""`/api/v1/inclusion/` (the screening with the page's filters, one project, status moves by role)
and `/api/v1/inclusion/directory/` (the 名录库). Reads through the same selectors as the pages,
writes through the same services."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from projects import periods
from projects.models import Project

from .. import permissions, selectors, services
from ..filters import InclusionFilterForm
from .serializers import (
    BulkSerializer,
    DetailSerializer,
    DirectoryEntrySerializer,
    MoveSerializer,
    ScreeningRowSerializer,
)

WRITE_ACTIONS = {"move", "bulk"}


class InclusionAccess(BasePermission):
    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if view.action in WRITE_ACTIONS:
            self.message = "只有统计局可以办理入库纳统。"
            return permissions.can_manage_inclusion(user)
        self.message = "只有统计局、专班办公室和领导可以查看入库纳统。"
        return permissions.can_see_inclusion(user)


FILTER_PARAMS = [
    OpenApiParameter(name, str, description=desc)
    for name, desc in (
        ("list", "screening（应入未入，默认）/declared/included/returned/all"),
        ("county", "县（市、区）id"),
        ("department", "责任单位 id"),
        ("status", "pending/declared/included/returned"),
        ("lacks", "尚缺的条件 id"),
        ("ready", "yes/no：申报材料是否齐全"),
        ("duplicate", "yes：只看疑似重复"),
        ("min_days", "开工天数不少于"),
        ("search", "名称/代码/建设单位"),
        ("ordering", "-days/days/-total_investment/county/name"),
        ("year", "完成投资的年度"),
        ("month", "完成投资的月份"),
    )
]


@extend_schema_view(
    list=extend_schema(
        summary="入库纳统筛选清单", parameters=FILTER_PARAMS, responses=ScreeningRowSerializer(many=True)
    ),
    retrieve=extend_schema(summary="一个项目的入库纳统情况", responses=DetailSerializer),
)
class InclusionViewSet(viewsets.GenericViewSet):
    permission_classes = [InclusionAccess]
    serializer_class = ScreeningRowSerializer
    queryset = Project.objects.none()  # for the schema: rows come from the screening selector
    lookup_value_regex = r"\d+"

    def list(self, request):
        rules = selectors.active_rules()
        form = InclusionFilterForm(request.query_params, rules=rules)
        if not form.is_valid():
            raise ValidationError(form.errors)
        year, month = periods.parse_period(request.query_params)
        # The list alone: the API shows no counts by county, so none are computed.
        rows = selectors.screening_list(user=request.user, filters=form.values(), rules=rules)
        paginator = self.paginator
        page = paginator.paginate_queryset(rows, request, view=self)
        selectors.attach_figures(page, year=year, month=month)
        return paginator.get_paginated_response(ScreeningRowSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        detail = selectors.inclusion_detail(user=request.user, pk=pk)
        return Response(DetailSerializer(detail).data)

    @extend_schema(summary="改变入库状态", request=MoveSerializer, responses=DetailSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        project = selectors.project_for_user(user=request.user, pk=pk)
        data = MoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.inclusion_move(actor=request.user, project=project, **data.validated_data)
        return Response(DetailSerializer(selectors.inclusion_detail(user=request.user, pk=pk)).data)

    @extend_schema(summary="批量改变入库状态", request=BulkSerializer, responses=OpenApiTypes.OBJECT)
    @action(detail=False, methods=["post"])
    def bulk(self, request):
        data = BulkSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        projects = (
            selectors.scoped_projects(request.user).filter(pk__in=data.validated_data["ids"]).order_by("pk")
        )
        result = services.inclusion_bulk(
            actor=request.user,
            projects=projects,
            to=data.validated_data["to"],
            reason=data.validated_data["reason"],
        )
        return Response(
            {
                "moved": result.moved,
                "skipped": [{"id": pid, "name": name, "detail": why} for pid, name, why in result.skipped],
            }
        )


@extend_schema_view(
    list=extend_schema(
        summary="名录库",
        parameters=[OpenApiParameter("search", str, description="单位名称或统一社会信用代码")],
    ),
    retrieve=extend_schema(summary="名录库单位"),
)
class DirectoryViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [InclusionAccess]
    serializer_class = DirectoryEntrySerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return selectors.directory_list()
        if not permissions.can_see_inclusion(self.request.user):
            raise PermissionDenied("只有统计局、专班办公室和领导可以查看名录库。")
        return selectors.directory_list(search=self.request.query_params.get("search", ""))
