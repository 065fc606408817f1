"""`/api/v1/projects/`: the scoped project list, one project's dossier, and the list totals.

The list takes the same query parameters as the HTML list (`ProjectFilterSet`) and reads
through the same selector, so both show the same rows and the same sums.
"""

from __future__ import annotations

from django.utils.functional import cached_property
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from ..filters import ProjectFilterSet, current_year
from ..models import Project
from ..selectors import project_get_for_user, project_list, project_totals
from .permissions import ProjectAccess
from .serializers import ProjectDetailSerializer, ProjectListSerializer, ProjectTotalsSerializer


@extend_schema_view(
    list=extend_schema(
        summary="项目列表", description="当前用户可见的项目，筛选参数与网页列表相同。金额单位：万元。"
    ),
    retrieve=extend_schema(
        summary="项目详情",
        description="含资金来源、项目类别、年度计划、前期手续和阶段变更记录。",
        parameters=[OpenApiParameter("year", int, description="annual_planned 所属年度，默认今年")],
    ),
)
class ProjectViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [ProjectAccess]
    serializer_class = ProjectListSerializer
    # Declared for the schema and the browsable API; the selector applies it (see filter_queryset).
    filter_backends = [DjangoFilterBackend]
    filterset_class = ProjectFilterSet
    queryset = Project.objects.none()

    @cached_property
    def _listing(self):
        """`(filterset, queryset)` from the selector for this request's query parameters."""
        filterset, queryset = project_list(
            user=self.request.user, filters=self.request.query_params, request=self.request
        )
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        return filterset, queryset.select_related("reporting_unit")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Project.objects.none()
        return self._listing[1]

    def filter_queryset(self, queryset):
        # The selector has already scoped, filtered, annotated and ordered the rows.
        return queryset

    def get_serializer_class(self):
        if self.action == "retrieve":
            return ProjectDetailSerializer
        if self.action == "totals":
            return ProjectTotalsSerializer
        return ProjectListSerializer

    def get_object(self):
        project = project_get_for_user(user=self.request.user, pk=self.kwargs["pk"])
        self.check_object_permissions(self.request, project)
        year = self._detail_year()
        project.annual_planned = next(
            (plan.planned_investment for plan in project.annual_plans.all() if plan.year == year), None
        )
        return project

    def _detail_year(self) -> int:
        raw = self.request.query_params.get("year")
        if not raw:
            return current_year()
        try:
            return int(raw)
        except ValueError:
            raise ValidationError({"year": ["请输入一个整数年度。"]}) from None

    @extend_schema(summary="列表合计", filters=True, responses=ProjectTotalsSerializer)
    @action(detail=False, pagination_class=None)
    def totals(self, request):
        """Count, 总投资 and 年度计划投资 of the filtered list: the figures shown above the HTML list."""
        filterset, queryset = self._listing
        totals = project_totals(queryset, filterset.plan_year)
        return Response(ProjectTotalsSerializer(totals).data)
