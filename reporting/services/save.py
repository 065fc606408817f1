"""`reports_save`: a unit's month in one all-or-nothing write (grid, Excel upload, API)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit
from accounts.choices import AuditAction
from accounts.scoping import project_scope_q
from projects.choices import Stage
from projects.history import owes_report_q
from projects.models import Project
from projects.money import ZERO
from projects.services.lifecycle import project_transition

from .. import permissions
from ..choices import EDITABLE_REPORT_STATUSES, ReportStatus
from ..models import MonthlyReport
from .rows import (
    CONTENT_FIELDS,
    MSG_APPROVED_LOCKED,
    MSG_OUT_OF_SCOPE,
    MSG_SUBMITTED_LOCKED,
    ReportConflict,
    ReportRow,
    ReportRowErrors,
    check_period,
    completed_before,
    content_changed,
    returned_unchanged,
    validate_row,
)
from .workflow import submit_reports


def not_owed_message(project: Project, year: int, month: int) -> str:
    return _(
        "%(name)s在%(year)s年%(month)s月不处于在建阶段（以阶段变更记录为准，当前为“%(stage)s”），"
        "不需要也不能填报该月进展。如阶段记录有误，请联系专班办公室更正。"
    ) % {"name": project.name, "year": year, "month": month, "stage": project.get_stage_display()}


@transaction.atomic
def reports_save(
    *, actor, year: int, month: int, rows: list[ReportRow], submit: bool = False, batch: str = ""
) -> list[MonthlyReport]:
    """All-or-nothing bulk upsert of one month's reports (drafts, or returned reports being fixed).

    Unchanged rows are left alone (no version bump, no audit row); blank rows without a report are
    skipped. Rows of submitted or approved reports may only be sent back unchanged. With
    `submit=True` the saved rows (and the unchanged draft/returned ones sent) are submitted too.
    Returns the reports of every row sent, in row order (blank rows without a report omitted).
    """
    if not permissions.can_enter_reports(actor):
        raise PermissionDenied(_("您没有填报月度进展的权限。"))
    period_error = check_period(year, month)
    if period_error:
        raise ReportRowErrors(
            {row.project_id: {"__all__": [period_error]} for row in rows} or {0: {"__all__": [period_error]}}
        )
    year, month = int(year), int(month)
    if not rows:
        return []

    row_errors: dict[int, dict[str, list[str]]] = {}
    seen: set[int] = set()
    for row in rows:
        if row.project_id in seen:
            row_errors.setdefault(row.project_id, {}).setdefault("__all__", []).append(
                _("同一项目在本次填报中出现了多次")
            )
        seen.add(row.project_id)
    ids = list(seen)

    visible = list(
        Project.objects.filter(project_scope_q(actor), pk__in=ids).select_related("reporting_unit")
    )
    projects = {}
    for p in visible:
        if permissions.may_enter_for(actor, p):
            projects[p.pk] = p
        else:
            # Seen (e.g. as its 责任单位) but reported by another unit: read only.
            row_errors.setdefault(p.pk, {}).setdefault("__all__", []).append(
                permissions.unit_message(permissions.MSG_NOT_YOUR_UNIT, p)
            )
    existing = {
        r.project_id: r
        # Only reports of projects in scope: a stale-version answer must not reveal other units' reports.
        # Locked in a fixed order so two bulk saves of overlapping rows cannot deadlock.
        for r in MonthlyReport.objects.select_for_update(of=("self",))
        .filter(project_id__in=list(projects), year=year, month=month)
        .order_by("project_id")
    }
    labels = {p.pk: p.name for p in visible}

    # A stale version wins over every other message: the user must reload before anything else.
    stale = [
        row.project_id
        for row in rows
        if row.project_id in existing and row.version != existing[row.project_id].version
    ]
    if stale:
        raise ReportConflict(stale, labels)

    before = completed_before(list(projects), year, month)
    # Who owes the month follows the stage history (DOMAIN §3); a 前期 project may still start in it.
    owing = set(
        Project.objects.filter(pk__in=list(projects))
        .filter(owes_report_q(year, month))
        .values_list("pk", flat=True)
    )
    to_create: list[MonthlyReport] = []
    to_update: list[MonthlyReport] = []
    to_start: list[tuple[Project, dt.date]] = []
    submit_ids: list[int] = []
    sent: list[int] = []
    now = timezone.now()
    for row in rows:
        project = projects.get(row.project_id)
        if project is None:
            if row.project_id not in row_errors:
                row_errors.setdefault(row.project_id, {}).setdefault("__all__", []).append(
                    str(MSG_OUT_OF_SCOPE)
                )
            continue
        report = existing.get(row.project_id)
        if report is None and row.is_blank():
            continue
        errors, clean = validate_row(row, project, year, month, before.get(project.pk, ZERO))
        if not errors and project.pk not in owing and not clean["start_prework"] and report is None:
            if project.stage == Stage.PREWORK:
                # A 前期 row offered in the grid and left at zero: it has not started, nothing to keep.
                continue
        if (
            not errors
            and project.pk not in owing
            and not clean["start_prework"]
            and (report is None or content_changed(report, clean))
        ):
            errors = {"__all__": [not_owed_message(project, year, month)]}
        if report is not None and report.status not in EDITABLE_REPORT_STATUSES:
            # Submitted and approved reports may be sent back as they are (a whole grid is posted);
            # any change is refused.
            if not content_changed(report, clean):
                sent.append(project.pk)
                continue
            errors = {
                "__all__": [
                    str(
                        MSG_APPROVED_LOCKED
                        if report.status == ReportStatus.APPROVED
                        else MSG_SUBMITTED_LOCKED
                    )
                ]
            }
        if errors:
            existing_errors = row_errors.setdefault(row.project_id, {})
            for field, messages in errors.items():
                existing_errors.setdefault(field, []).extend(messages)
            continue
        sent.append(project.pk)
        if clean["start_prework"]:
            to_start.append((project, clean["actual_start"]))
        values = {f: clean[f] for f in CONTENT_FIELDS}
        if report is None or content_changed(report, values):
            written = MonthlyReport(
                project_id=project.pk,
                year=year,
                month=month,
                **values,
                status=report.status if report else ReportStatus.DRAFT,
                version=report.version + 1 if report else 1,
                created_at=report.created_at if report else now,
                updated_at=now,
                updated_by=actor,
            )
            (to_create if report is None else to_update).append(written)
        if submit and (report is None or report.status in EDITABLE_REPORT_STATUSES):
            submit_ids.append(project.pk)
    if row_errors:
        raise ReportRowErrors(row_errors, labels)

    for project, start in to_start:
        try:
            projects[project.pk] = project_transition(
                actor=actor, project=project, to=Stage.CONSTRUCTION, effective_date=start
            )
        except ValidationError as exc:
            raise ReportRowErrors({project.pk: {"actual_start": exc.messages}}, labels) from None
        except PermissionDenied as exc:
            raise ReportRowErrors({project.pk: {"__all__": [str(exc)]}}, labels) from None

    batch = batch or uuid.uuid4().hex
    if to_create:
        try:
            # A plain INSERT: if someone created the same report since we looked, this fails
            # instead of overwriting their values.
            with transaction.atomic():
                MonthlyReport.objects.bulk_create(to_create, batch_size=1000)
        except IntegrityError:
            raise ReportConflict([r.project_id for r in to_create], labels) from None
    if to_update:
        # The rows are locked and their versions checked: one upsert writes them all.
        MonthlyReport.objects.bulk_create(
            to_update,
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["project", "year", "month"],
            update_fields=[*CONTENT_FIELDS, "version", "updated_at", "updated_by"],
        )

    # One read of every row sent, with pks and current values: the audit rows, the submission and
    # the result all work from it.
    current = {
        r.project_id: r for r in MonthlyReport.objects.filter(project_id__in=sent, year=year, month=month)
    }
    for project_id, report in current.items():
        report.project = projects[project_id]  # the full project, already loaded: no query per row
    entries = []
    for written in to_create + to_update:
        new = current[written.project_id]
        old = existing.get(written.project_id)
        old_values = audit.snapshot(old, fields=list(CONTENT_FIELDS)) if old else {}
        entries.append(
            audit.Entry(
                action=AuditAction.UPDATE if old else AuditAction.CREATE,
                instance=new,
                changes=audit.diff(old_values, audit.snapshot(new, fields=list(CONTENT_FIELDS))),
                root=new.project,
            )
        )
    if entries:
        audit.record_many(actor=actor, entries=entries, batch=batch)
    if submit:
        # A returned row nobody touched since its return stays returned: the head's reason stands.
        to_submit = [
            current[pid]
            for pid in submit_ids
            if current[pid].status in EDITABLE_REPORT_STATUSES and not returned_unchanged(current[pid])
        ]
        submit_reports(actor, to_submit, batch=batch)
    return [current[pid] for pid in sent if pid in current]
