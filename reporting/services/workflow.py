"""The workflow of a report: submit, approve, return, and correct after approval."""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit
from accounts.choices import AuditAction
from accounts.scoping import project_scope_q
from config.tasks import enqueue_on_commit
from projects.exceptions import TransitionError
from projects.money import ZERO

from .. import figures_cache, permissions
from ..choices import EDITABLE_REPORT_STATUSES, REPORT_TRANSITIONS, ReportStatus
from ..models import MonthlyReport, ReportRevision
from ..selectors.reports import report_editors
from .rows import (
    CONTENT_FIELDS,
    ReportConflict,
    ReportRow,
    ReportRowErrors,
    completed_before,
    content_snapshot,
    returned_unchanged,
    validate_row,
)


def submit_reports(actor, reports: list[MonthlyReport], *, batch: str = "") -> int:
    """Submit `reports` (locked by the caller, `project` attached) with one UPDATE and one audit INSERT."""
    if not reports:
        return 0
    now = timezone.now()
    MonthlyReport.objects.filter(pk__in=[r.pk for r in reports]).update(
        status=ReportStatus.SUBMITTED,
        submitted_at=now,
        submitted_by=actor,
        return_reason="",
        version=F("version") + 1,
        updated_at=now,
        updated_by=actor,
    )
    entries = []
    for r in reports:
        entries.append(
            audit.Entry(
                action=AuditAction.SUBMIT,
                instance=r,
                root=r.project,
                changes={"status": [r.status, ReportStatus.SUBMITTED.value]},
            )
        )
        r.status, r.submitted_at, r.submitted_by, r.return_reason = ReportStatus.SUBMITTED, now, actor, ""
        r.version, r.updated_at, r.updated_by = r.version + 1, now, actor
    audit.record_many(actor=actor, entries=entries, batch=batch or uuid.uuid4().hex)
    return len(reports)


def _submit_queryset(actor, queryset) -> int:
    """Submit the draft/returned reports of `queryset`; already submitted or approved ones are skipped,
    and so are returned ones not changed since their return (their reason still stands)."""
    locked = list(
        queryset.select_for_update(of=("self",)).filter(status__in=EDITABLE_REPORT_STATUSES).order_by("pk")
    )
    locked = [r for r in locked if not returned_unchanged(r)]
    prefetch_related_objects(locked, "project")  # one query; the audit rows hang off the project
    return submit_reports(actor, locked)


@transaction.atomic
def reports_submit(*, actor, year: int, month: int, unit=None, report_ids: list[int] | None = None) -> int:
    """Submit the actor's draft and returned reports of one month (of `unit`'s projects, or the given ids).

    Returns how many were submitted; those already submitted or approved are left as they are, and
    so are returned ones nobody changed since the return (`rows.returned_unchanged`). Only reports
    the actor may enter are touched (`permissions.entry_q`: its own reporting units).
    """
    if not permissions.can_enter_reports(actor):
        raise PermissionDenied(_("您没有提交月度进展的权限。"))
    qs = MonthlyReport.objects.filter(
        project_scope_q(actor, "project"), permissions.entry_q(actor, "project"), year=year, month=month
    )
    if unit is not None:
        qs = qs.filter(project__reporting_unit__path__startswith=unit.path)
    if report_ids is not None:
        ids = {int(i) for i in report_ids}
        found = set(qs.filter(pk__in=ids).values_list("pk", flat=True))
        if ids - found:
            raise PermissionDenied(_("部分月度进展不存在或不在您的管辖范围内。"))
        qs = qs.filter(pk__in=ids)
    return _submit_queryset(actor, qs)


def _may_move(report: MonthlyReport, to: str) -> bool:
    """Whether the workflow map (`choices.REPORT_TRANSITIONS`) allows `report` to move to `to`."""
    return to in REPORT_TRANSITIONS[report.status]


def _required_reason(reason: str, *, field: str, action: str) -> str:
    """The stripped reason a return or a correction must give (at most 500 characters)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({field: _("%(action)s须填写原因。") % {"action": action}})
    if len(reason) > 500:
        raise ValidationError({field: _("%(action)s原因不能超过500字。") % {"action": action}})
    return reason


def _lock_in_scope(actor, report: MonthlyReport, *, review: bool = False) -> MonthlyReport:
    """Lock the report; the actor must see it, and be of its reporting unit (`permissions`): as a
    reporter to enter, as a reviewer to review."""
    locked = (
        MonthlyReport.objects.select_for_update(of=("self",))
        .filter(project_scope_q(actor, "project"), pk=report.pk)
        .first()
    )
    if locked is None:
        raise PermissionDenied(_("该月度进展不在您的管辖范围内。"))
    locked = MonthlyReport.objects.select_related("project", "project__reporting_unit").get(pk=locked.pk)
    allowed = permissions.may_review_for if review else permissions.may_enter_for
    if not allowed(actor, locked.project):
        template = permissions.MSG_NOT_YOUR_REVIEW if review else permissions.MSG_NOT_YOUR_UNIT
        raise PermissionDenied(permissions.unit_message(template, locked.project))
    return locked


@transaction.atomic
def report_submit(*, actor, report: MonthlyReport, expected_version: int | None = None) -> MonthlyReport:
    """Submit one draft or returned report; already submitted: nothing happens."""
    if not permissions.can_enter_reports(actor):
        raise PermissionDenied(_("您没有提交月度进展的权限。"))
    locked = _lock_in_scope(actor, report)
    if expected_version is not None and locked.version != expected_version:
        raise ReportConflict([locked.project_id], {locked.project_id: locked.project.name})
    if locked.status == ReportStatus.SUBMITTED:
        return locked
    if not _may_move(locked, ReportStatus.SUBMITTED):
        raise TransitionError(_("本月进展已审核，不能再次提交；如需修改请使用“更正”。"))
    submit_reports(actor, [locked])
    return locked


# --- review ----------------------------------------------------------------------------------


@transaction.atomic
def reports_approve(*, actor, report_ids: list[int]) -> int:
    """Approve submitted reports: each is locked and its values frozen in a `ReportRevision`.

    Already approved ones are skipped; a draft or returned one in the list refuses the whole batch.
    """
    if not permissions.can_review_reports(actor):
        raise PermissionDenied(_("您没有审核月度进展的权限。"))
    ids = {int(i) for i in report_ids}
    locked = list(
        MonthlyReport.objects.select_for_update(of=("self",))
        .filter(project_scope_q(actor, "project"), pk__in=ids)
        .order_by("pk")
    )
    if len(locked) != len(ids):
        raise PermissionDenied(_("部分月度进展不存在或不在您的管辖范围内。"))
    prefetch_related_objects(locked, "project__reporting_unit")
    foreign = [r for r in locked if not permissions.may_review_for(actor, r.project)]
    if foreign:
        raise PermissionDenied(permissions.unit_message(permissions.MSG_NOT_YOUR_REVIEW, foreign[0].project))
    # Four eyes: nobody approves what they entered or submitted since the last approval.
    editors = report_editors(locked)
    own = [
        r
        for r in locked
        if r.status == ReportStatus.SUBMITTED and permissions.is_own_work(actor, editors[r.pk])
    ]
    if own:
        names = _("、").join(r.project.name for r in own[:5]) + (
            _("等%(n)s个项目") % {"n": len(own)} if len(own) > 5 else ""
        )
        raise PermissionDenied(
            _("%(label)s：%(message)s") % {"label": names, "message": permissions.MSG_FOUR_EYES}
        )
    not_submitted = [r for r in locked if r.status in EDITABLE_REPORT_STATUSES]
    if not_submitted:
        raise TransitionError(
            _("只能审核已提交的月度进展：草稿或已退回的进展须先提交。")
            if len(ids) > 1
            else _("该月度进展尚未提交，不能审核。")
        )
    todo = [r for r in locked if r.status == ReportStatus.SUBMITTED]
    if not todo:
        return 0
    now = timezone.now()
    # The revision in force until now (if any) gives way to the one approved now.
    ReportRevision.objects.filter(report_id__in=[r.pk for r in todo], superseded_at__isnull=True).update(
        superseded_at=now
    )
    ReportRevision.objects.bulk_create(
        [
            ReportRevision(
                report_id=r.pk,
                project_id=r.project_id,
                year=r.year,
                month=r.month,
                revision=r.revision,
                invested=r.invested,
                image_progress=r.image_progress,
                percent_complete=r.percent_complete,
                problems=r.problems,
                explanation=r.explanation,
                correction_reason=r.correction_reason,
                approved_at=now,
                approved_by=actor,
            )
            for r in todo
        ]
    )
    MonthlyReport.objects.filter(pk__in=[r.pk for r in todo]).update(
        status=ReportStatus.APPROVED,
        reviewed_at=now,
        reviewed_by=actor,
        version=F("version") + 1,
        updated_at=now,
    )
    audit.record_many(
        actor=actor,
        entries=[
            audit.Entry(
                action=AuditAction.APPROVE,
                instance=r,
                root=r.project,
                changes={"status": [ReportStatus.SUBMITTED.value, ReportStatus.APPROVED.value]},
                message=f"第{r.revision}次更正" if r.revision else "",
            )
            for r in todo
        ],
        batch=uuid.uuid4().hex,
    )
    # Cached dashboards and rankings of these years read the new approved values from now on (bumped
    # now and again after the commit, so a page cached in between by another request is dropped too).
    years = {y for r in todo for y in (r.year, r.year + 1)}
    figures_cache.bump(*years)
    transaction.on_commit(lambda: figures_cache.bump(*years))
    # …and the dashboard API's stored snapshots of these years are recomputed in the background (a
    # reader before that computes them itself: see dashboards.snapshots).
    enqueue_on_commit("dashboards.refresh_snapshots", sorted(years))
    return len(todo)


@transaction.atomic
def report_approve(*, actor, report: MonthlyReport) -> MonthlyReport:
    """Approve one report (see `reports_approve`)."""
    reports_approve(actor=actor, report_ids=[report.pk])
    return MonthlyReport.objects.select_related("project").get(pk=report.pk)


@transaction.atomic
def report_return(*, actor, report: MonthlyReport, reason: str) -> MonthlyReport:
    """Send a submitted report back to its unit with a reason."""
    if not permissions.can_review_reports(actor):
        raise PermissionDenied(_("您没有审核月度进展的权限。"))
    reason = _required_reason(reason, field="reason", action=_("退回"))
    locked = _lock_in_scope(actor, report, review=True)
    if locked.status == ReportStatus.RETURNED and locked.return_reason == reason:
        return locked
    if locked.status == ReportStatus.APPROVED:
        raise TransitionError(_("本月进展已审核，不能退回；如需修改请由填报单位使用“更正”。"))
    if not _may_move(locked, ReportStatus.RETURNED):
        raise TransitionError(_("只能退回已提交的月度进展。"))
    now = timezone.now()
    before = content_snapshot(locked)
    locked.status = ReportStatus.RETURNED
    locked.return_reason = reason
    locked.reviewed_at = now
    locked.reviewed_by = actor
    locked.version += 1
    locked.returned_version = locked.version
    locked.updated_at = now
    locked.save(
        update_fields=[
            "status",
            "return_reason",
            "reviewed_at",
            "reviewed_by",
            "version",
            "returned_version",
            "updated_at",
        ]
    )
    audit.record(
        actor=actor,
        action=AuditAction.RETURN,
        instance=locked,
        root=locked.project,
        changes=audit.diff(before, content_snapshot(locked)),
        message=reason,
    )
    return locked


# --- correction ------------------------------------------------------------------------------


@transaction.atomic
def report_correct(*, actor, report: MonthlyReport, row: ReportRow, reason: str) -> MonthlyReport:
    """Reopen an approved report as a new revision with new values and a reason.

    The approved values stay in `ReportRevision`; the reopened report is a draft again (revision
    n+1) and goes through submit and approval like any other, which stores revision n+1.
    """
    if not permissions.can_enter_reports(actor):
        raise PermissionDenied(_("您没有更正月度进展的权限。"))
    reason = _required_reason(reason, field="correction_reason", action=_("更正"))
    locked = _lock_in_scope(actor, report)
    project = locked.project
    if row.version is not None and row.version != locked.version:
        raise ReportConflict([project.pk], {project.pk: project.name})
    if locked.status != ReportStatus.APPROVED:
        raise TransitionError(_("只有已审核的月度进展需要更正；未审核的进展请直接修改。"))
    before_sum = completed_before([project.pk], locked.year, locked.month).get(project.pk, ZERO)
    errors, clean = validate_row(row, project, locked.year, locked.month, before_sum)
    if errors:
        raise ReportRowErrors({project.pk: errors}, {project.pk: project.name})
    before = content_snapshot(locked)
    for f in CONTENT_FIELDS:
        setattr(locked, f, clean[f])
    locked.revision += 1
    locked.correction_reason = reason
    locked.status = ReportStatus.DRAFT
    locked.return_reason = ""
    locked.version += 1
    locked.updated_at = timezone.now()
    locked.updated_by = actor
    locked.save()
    audit.record(
        actor=actor,
        action=AuditAction.CORRECT,
        instance=locked,
        root=project,
        changes=audit.diff(before, content_snapshot(locked)),
        message=reason,
    )
    figures_cache.bump(locked.year, locked.year + 1)
    transaction.on_commit(lambda: figures_cache.bump(locked.year, locked.year + 1))
    return locked
