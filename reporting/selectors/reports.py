"""Reads of monthly reports: the report list and detail, and which projects owe a report.

Every derived figure (1–N月累计, 完成率, 时间进度 …) comes from `reporting.measures`, never from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import django_filters as df
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, QueryDict
from django.utils.translation import gettext_lazy

from accounts.choices import AREA_KINDS, AuditAction, OrgKind
from accounts.models import AuditLog, Organisation
from accounts.scoping import project_scope_q, subtree_ids
from projects.choices import Stage
from projects.history import owes_report_q
from projects.models import AnnualPlan, Project

from ..choices import ReportStatus
from ..measures import Basis, annotate_ytd_completed
from ..models import MonthlyReport, ReportRevision

# --- lists -----------------------------------------------------------------------------------


def _orgs(*kinds):
    return Organisation.objects.filter(kind__in=kinds, is_active=True)


class ReportFilterSet(df.FilterSet):
    """One FilterSet for the HTML report lists and `/api/v1/reports/` (same query parameters)."""

    project = df.NumberFilter(field_name="project_id", label="项目")
    county = df.ModelChoiceFilter(
        queryset=_orgs(OrgKind.CITY, *AREA_KINDS),
        field_name="project__county",
        method="filter_county",
        label="县（市、区）",
    )
    department = df.ModelChoiceFilter(
        queryset=_orgs(OrgKind.DEPARTMENT),
        field_name="project__department",
        method="filter_department",
        label="责任单位",
    )
    unit = df.ModelChoiceFilter(
        queryset=Organisation.objects.all(),
        field_name="project__reporting_unit",
        method="filter_unit",
        label="填报单位",
    )
    year = df.NumberFilter(field_name="year", label="年度")
    month = df.NumberFilter(field_name="month", label="月份")
    status = df.MultipleChoiceFilter(choices=ReportStatus.choices, label="状态")
    ordering = df.OrderingFilter(
        fields=(
            ("year", "year"),
            ("month", "month"),
            ("invested", "invested"),
            ("updated_at", "updated_at"),
            ("id", "id"),
        ),
        label="排序",
    )

    class Meta:
        model = MonthlyReport
        fields = ["project", "county", "department", "unit", "year", "month", "status"]

    def filter_county(self, queryset, name, value):
        return queryset.filter(
            Q(project__county__path__startswith=value.path) | Q(project__town__path__startswith=value.path)
        )

    def filter_department(self, queryset, name, value):
        return queryset.filter(
            Q(project__department__path__startswith=value.path)
            | Q(project__reporting_unit__path__startswith=value.path)
        )

    def filter_unit(self, queryset, name, value):
        return queryset.filter(project__reporting_unit__path__startswith=value.path)


def reports_for_user(user):
    """The base queryset of every report read: only reports of projects `user` may see."""
    return MonthlyReport.objects.filter(project_scope_q(user, "project"))


def with_ytd_completed(queryset):
    """Annotate each report with its project's 1–N月累计 on both bases: `ytd_completed` (approved,
    what is published) and `ytd_completed_working` (current values, what the unit has typed)."""
    queryset = annotate_ytd_completed(queryset, basis=Basis.APPROVED, name="ytd_completed")
    return annotate_ytd_completed(queryset, basis=Basis.WORKING, name="ytd_completed_working")


def _as_querydict(filters) -> QueryDict:
    """Accept request.GET as it is and plain dicts from code (a list value: several choices)."""
    if isinstance(filters, QueryDict):
        return filters
    result = QueryDict(mutable=True)
    for key, value in (filters or {}).items():
        if isinstance(value, list | tuple):
            result.setlist(key, [str(v) for v in value])
        elif value is not None:
            result[key] = str(value)
    return result


def report_list(*, user, filters=None, request=None):
    """`(filterset, queryset)`: the scoped, filtered reports, each with `ytd_completed`."""
    base = reports_for_user(user)
    filters = _as_querydict(filters)
    filterset = ReportFilterSet(filters, queryset=base, request=request)
    qs = filterset.qs if filterset.is_valid() else base.none()
    qs = with_ytd_completed(qs).select_related(
        "project", "project__county", "updated_by", "submitted_by", "reviewed_by"
    )
    if not (filters or {}).get("ordering"):
        qs = qs.order_by("-year", "-month", "project_id")
    return filterset, qs


def report_get_for_user(*, user, pk) -> MonthlyReport:
    """One report with its project, revisions and photos; 404 when out of scope (no existence leak)."""
    qs = (
        with_ytd_completed(reports_for_user(user))
        .select_related(
            "project",
            "project__county",
            "project__reporting_unit",
            "updated_by",
            "submitted_by",
            "reviewed_by",
        )
        .prefetch_related("revisions__approved_by", "photos")
    )
    try:
        return qs.get(pk=pk)
    except (MonthlyReport.DoesNotExist, ValueError, TypeError):
        raise Http404(gettext_lazy("月度进展不存在或不在您的管辖范围内。")) from None


def report_revisions(report: MonthlyReport):
    """Every approved version of a report, oldest first (the current values are the report itself)."""
    return ReportRevision.objects.filter(report=report).select_related("approved_by").order_by("revision")


# --- which projects must report ----------------------------------------------------------------


def reporting_projects(*, unit=None, year: int, month: int):
    """Projects of `unit` (reporting unit in its subtree; None: all) shown in the grid for `year`/`month`.

    - every project that owes the month (DOMAIN §3): in construction at any time in it per its stage
      history, or started in it — whatever happened to it since, so past grids never change;
    - every project that already has a report for the month;
    - 前期 projects planned as new this year with a planned start month ≤ month (they may start now:
      reporting a first investment starts them). They are offered, not owed.
    """
    qs = Project.objects.all()
    if unit is not None:
        qs = qs.filter(reporting_unit_id__in=subtree_ids(unit))
    return qs.filter(in_grid_q(year, month)).order_by("id")


def in_grid_q(year: int, month: int) -> Q:
    """The condition of `reporting_projects`, for filtering or as a boolean column."""
    may_start = AnnualPlan.objects.filter(
        project=OuterRef("pk"), year=year, is_new=True, planned_start_month__lte=month
    )
    has_report = MonthlyReport.objects.filter(project=OuterRef("pk"), year=year, month=month)
    return owes_report_q(year, month) | Q(Exists(has_report)) | Q(Exists(may_start), stage=Stage.PREWORK)


def owing_projects(*, unit=None, year: int, month: int):
    """Projects of `unit` that owe a report for `year`/`month` (the 应报 count)."""
    qs = Project.objects.filter(owes_report_q(year, month))
    if unit is not None:
        qs = qs.filter(reporting_unit_id__in=subtree_ids(unit))
    return qs.order_by("id")


# --- the report's trail since its last approval: four eyes, returns ----------------------------

# The steps that put content into a report (a return or an approval does not).
ENTRY_ACTIONS = (AuditAction.CREATE, AuditAction.UPDATE, AuditAction.SUBMIT, AuditAction.CORRECT)
CONTENT_CHANGES = (AuditAction.CREATE, AuditAction.UPDATE, AuditAction.CORRECT)
TRAIL_ACTIONS = (*ENTRY_ACTIONS, AuditAction.APPROVE, AuditAction.RETURN)


@dataclass
class ReportTrail:
    """What happened to a report since its last approval (from the audit log)."""

    editors: set[int] = field(default_factory=set)  # who entered or submitted its current content
    returns: list[str] = field(default_factory=list)  # the reasons it was returned for, oldest first
    # field → [value when last returned, value now] for what changed since the last return
    changed_since_return: dict[str, list] = field(default_factory=dict)

    @property
    def returned_before(self) -> bool:
        return bool(self.returns)


def report_trails(reports) -> dict[int, ReportTrail]:
    """Per report, its `ReportTrail` since the last approval: one query through the projects'
    audit index whatever the number of reports. `reports` need `pk`, `project_id`, `status`."""
    reports = list(reports)
    if not reports:
        return {}
    report_type = ContentType.objects.get_for_model(MonthlyReport)
    ids = {str(r.pk): r.pk for r in reports}
    roots = {f"projects.project:{r.project_id}" for r in reports}
    trails = {r.pk: ReportTrail() for r in reports}
    entries = (
        AuditLog.objects.filter(root_key__in=roots, content_type=report_type, object_id__in=list(ids))
        .filter(action__in=TRAIL_ACTIONS)
        .order_by("at", "id")
        .values_list("object_id", "action", "actor_id", "changes", "message")
    )
    for object_id, action, actor_id, changes, message in entries:
        pk = ids[object_id]
        trail = trails[pk]
        if action == AuditAction.APPROVE:
            trails[pk] = ReportTrail()  # what was approved is settled; the next round starts afresh
            continue
        if action == AuditAction.RETURN:
            trail.returns.append(message)
            trail.changed_since_return = {}
            continue
        if actor_id is not None:
            trail.editors.add(actor_id)
        if action in CONTENT_CHANGES and trail.returns:
            for name, pair in (changes or {}).items():
                if name in ("status", "version", "revision", "return_reason", "correction_reason"):
                    continue
                if name in trail.changed_since_return:
                    trail.changed_since_return[name][1] = pair[1]
                else:
                    trail.changed_since_return[name] = [pair[0], pair[1]]
    for r in reports:
        trail = trails[r.pk]
        trail.changed_since_return = {k: v for k, v in trail.changed_since_return.items() if v[0] != v[1]}
        # The last save and the submission are on the report itself too (a write without an audit
        # row, e.g. a data migration, still counts).
        if r.status != ReportStatus.APPROVED:
            for attr in ("updated_by_id", "submitted_by_id"):
                uid = getattr(r, attr, None)
                if uid is not None:
                    trail.editors.add(uid)
    return trails


def report_editors(reports) -> dict[int, set[int]]:
    """Per report, the users who entered or submitted its current content (four eyes)."""
    return {pk: trail.editors for pk, trail in report_trails(reports).items()}
