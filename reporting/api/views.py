"""`/api/v1/reports/`: monthly progress, read and written through the same services as the grid.

- list and detail: scoped (out of scope → 404), filters `project, county, department, unit, year,
  month, status`, each row with `ytd_completed`;
- `POST` creates a draft (a project out of scope → 404), `PATCH` (with the `version` read) changes one; a stale version → 409;
- `POST {id}/submit/`, reviewers `{id}/approve/` and `{id}/return/` (`{"reason": …}`), and
  `{id}/correct/` for an approved report (new revision with a reason).
Leaders and the statistics bureau read only (403 on writes).
"""

from __future__ import annotations

from django.utils.functional import cached_property
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from projects.exceptions import ConflictError
from projects.selectors.projects import projects_for_user

from .. import permissions, services
from ..models import MonthlyReport
from ..selectors.reports import ReportFilterSet, report_get_for_user, report_list, reports_for_user
from .serializers import (
    ReportCorrectSerializer,
    ReportCreateSerializer,
    ReportDetailSerializer,
    ReportReturnSerializer,
    ReportSerializer,
    ReportSubmitSerializer,
    ReportUpdateSerializer,
)

ENTRY_ACTIONS = {"create", "partial_update", "submit", "correct"}
REVIEW_ACTIONS = {"approve", "return_"}


class ReportAccess(BasePermission):
    """Reading needs a login (scope does the rest); entering needs a reporter, reviewing a reviewer."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if view.action in ENTRY_ACTIONS:
            self.message = "您没有填报月度进展的权限。"
            return permissions.can_enter_reports(user)
        if view.action in REVIEW_ACTIONS:
            self.message = "您没有审核月度进展的权限。"
            return permissions.can_review_reports(user)
        return True

    def has_object_permission(self, request, view, obj) -> bool:
        # The one rule (`reporting.permissions`): acting on a report belongs to its reporting unit;
        # a unit that only sees the project (e.g. as its 责任单位) reads it.
        user = request.user
        if view.action in ENTRY_ACTIONS:
            self.message = permissions.unit_message(permissions.MSG_NOT_YOUR_UNIT, obj.project)
            return permissions.may_enter_for(user, obj.project)
        if view.action in REVIEW_ACTIONS:
            self.message = permissions.unit_message(permissions.MSG_NOT_YOUR_REVIEW, obj.project)
            return permissions.may_review_for(user, obj.project)
        return True


@extend_schema_view(
    list=extend_schema(summary="月度进展列表", description="当前用户可见的月度进展；金额单位：万元。"),
    retrieve=extend_schema(summary="月度进展详情", description="含每次审核通过的版本记录。"),
    create=extend_schema(
        summary="新建月度进展（草稿）", request=ReportCreateSerializer, responses=ReportSerializer
    ),
    partial_update=extend_schema(
        summary="修改月度进展",
        request=ReportUpdateSerializer,
        responses=ReportSerializer,
        description="须提供读取时的 version；已被他人修改时返回 409，不覆盖。",
    ),
)
class ReportViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [ReportAccess]
    serializer_class = ReportSerializer
    filter_backends = [DjangoFilterBackend]  # for the schema; the selector filters (see filter_queryset)
    filterset_class = ReportFilterSet
    queryset = MonthlyReport.objects.none()
    http_method_names = ["get", "post", "patch", "head", "options"]

    @cached_property
    def _listing(self):
        filterset, queryset = report_list(
            user=self.request.user, filters=self.request.query_params, request=self.request
        )
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        return queryset

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return MonthlyReport.objects.none()
        return self._listing

    def filter_queryset(self, queryset):
        return queryset

    def get_object(self):
        report = report_get_for_user(user=self.request.user, pk=self.kwargs["pk"])
        self.check_object_permissions(self.request, report)
        return report

    def get_serializer_class(self):
        if self.action == "retrieve":
            return ReportDetailSerializer
        return ReportSerializer

    def _answer(self, report, code=status.HTTP_200_OK):
        fresh = report_get_for_user(user=self.request.user, pk=report.pk)
        return Response(
            ReportDetailSerializer(fresh, context=self.get_serializer_context()).data, status=code
        )

    def create(self, request, *args, **kwargs):
        data = ReportCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        project_id = values["project"]
        project = (
            projects_for_user(request.user).filter(pk=project_id).select_related("reporting_unit").first()
        )
        if project is None:
            raise NotFound("项目不存在或不在您的管辖范围内。")
        if not permissions.may_enter_for(request.user, project):
            raise PermissionDenied(permissions.unit_message(permissions.MSG_NOT_YOUR_UNIT, project))
        existing = (
            reports_for_user(request.user)
            .filter(project_id=project_id, year=values["year"], month=values["month"])
            .first()
        )
        if existing is not None:
            raise ConflictError(
                f"该项目{values['year']}年{values['month']}月的进展已存在，请修改（PATCH）该条记录。",
                id=existing.pk,
            )
        row = services.ReportRow(
            project_id=project_id,
            invested=values.get("invested"),
            image_progress=values.get("image_progress", ""),
            percent_complete=values.get("percent_complete"),
            problems=values.get("problems", ""),
            explanation=values.get("explanation", ""),
            actual_start=values.get("actual_start"),
        )
        if row.invested in (None, ""):
            return Response({"invested": ["请填写本月完成投资（万元），没有投资请填0"]}, status=400)
        saved = services.reports_save(
            actor=request.user, year=values["year"], month=values["month"], rows=[row]
        )
        return self._answer(saved[0], status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        if not kwargs.get("partial"):
            return Response({"detail": "请使用 PATCH 修改。"}, status=status.HTTP_405_METHOD_NOT_ALLOWED)
        report = self.get_object()
        data = ReportUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        version = values.pop("version")
        row = services.ReportRow.from_report(report, version=version, **values)
        services.reports_save(actor=request.user, year=report.year, month=report.month, rows=[row])
        return self._answer(report)

    @extend_schema(summary="提交月度进展", request=ReportSubmitSerializer, responses=ReportDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        report = self.get_object()
        data = ReportSubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        version = data.validated_data.get("version")
        result = services.report_submit(actor=request.user, report=report, expected_version=version)
        return self._answer(result)

    @extend_schema(summary="审核通过", request=None, responses=ReportDetailSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        report = self.get_object()
        result = services.report_approve(actor=request.user, report=report)
        return self._answer(result)

    @extend_schema(summary="退回", request=ReportReturnSerializer, responses=ReportDetailSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        report = self.get_object()
        data = ReportReturnSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.report_return(
            actor=request.user, report=report, reason=data.validated_data["reason"]
        )
        return self._answer(result)

    @extend_schema(
        summary="更正已审核的进展", request=ReportCorrectSerializer, responses=ReportDetailSerializer
    )
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        report = self.get_object()
        data = ReportCorrectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        reason = values.pop("reason")
        row = services.ReportRow.from_report(report, **values)
        result = services.report_correct(actor=request.user, report=report, row=row, reason=reason)
        return self._answer(result)
