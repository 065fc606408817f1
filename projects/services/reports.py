"""Every write to monthly progress reports (月度进展): save, submit, approve, return, correct.

One grid save (up to a unit's 500 projects), an Excel upload and an API call all go through
`reports_save`, so the same rules and the same Chinese messages apply everywhere. It is
all-or-nothing: one invalid row or one stale `version` and nothing is written.

The number of queries of a save does not grow with the number of rows: the projects, the
existing reports (locked with `select_for_update`) and the completed-before-this-month sums are
loaded in bulk, new reports are inserted with one INSERT, changed ones updated with one upsert,
and the audit rows are written with one INSERT. Only a 前期 project that reports its first
investment costs a few more queries (it is started through the lifecycle service).
"""

from __future__ import annotations

import calendar
import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone

from accounts import audit
from accounts.choices import AuditAction
from accounts.scoping import project_scope_q

from .. import permissions
from ..choices import EDITABLE_REPORT_STATUSES, ReportStatus, Stage
from ..exceptions import ConflictError, TransitionError
from ..models import MonthlyReport, Project, ReportRevision
from .lifecycle import project_transition

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999999.99")
# The values a user enters; a save compares these to decide whether a row changed.
CONTENT_FIELDS = ("invested", "image_progress", "percent_complete", "problems", "explanation")

MSG_OUT_OF_SCOPE = "项目不在您的管辖范围内"
MSG_APPROVED_LOCKED = "本月进展已审核，已锁定；如需修改请使用“更正”。"
MSG_SUBMITTED_LOCKED = "本月进展已提交，正在审核，不能修改；如需修改请联系审核人员退回。"


@dataclass
class ReportRow:
    """One row as a user entered it (grid, Excel upload, API)."""

    project_id: int
    invested: Decimal | None
    image_progress: str = ""
    percent_complete: Decimal | None = None
    problems: str = ""
    explanation: str = ""
    version: int | None = None  # version the user read; None when no report existed yet
    actual_start: dt.date | None = None  # required when a 前期 project reports its first investment

    @classmethod
    def from_report(cls, report: MonthlyReport, **changes) -> ReportRow:
        """The row a report currently holds, with `changes` applied (for PATCH-style edits)."""
        values = {f: getattr(report, f) for f in CONTENT_FIELDS}
        values.update(changes)
        values.setdefault("version", report.version)
        return cls(project_id=report.project_id, **values)

    def is_blank(self) -> bool:
        return self.invested is None and not (
            (self.image_progress or "").strip()
            or self.percent_complete is not None
            or (self.problems or "").strip()
            or (self.explanation or "").strip()
            or self.actual_start
        )


class ReportRowErrors(ValidationError):
    """Raised when any row is invalid; nothing is written.

    `row_errors`: project_id → field → Chinese messages ("__all__" for the row as a whole).
    """

    def __init__(self, row_errors: dict[int, dict[str, list[str]]], labels: dict[int, str] | None = None):
        self.row_errors = row_errors
        labels = labels or {}
        lines = []
        for project_id, fields in row_errors.items():
            label = labels.get(project_id) or f"项目 {project_id}"
            for messages in fields.values():
                lines.extend(f"{label}：{m}" for m in messages)
        super().__init__(lines)


class ReportConflict(ConflictError):
    """A row's report was changed by someone else after the user read it; nothing is written."""

    def __init__(self, project_ids: list[int], labels: dict[int, str] | None = None):
        self.project_ids = sorted(project_ids)
        labels = labels or {}
        names = "、".join(labels.get(pid) or str(pid) for pid in self.project_ids[:5])
        more = f"等{len(self.project_ids)}个项目" if len(self.project_ids) > 5 else ""
        super().__init__(
            f"以下项目的本月进展已被他人修改：{names}{more}。请刷新页面后重新填写，您的修改未保存。"
        )


# --- periods ---------------------------------------------------------------------------------


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def check_period(year: int, month: int) -> str | None:
    """The Chinese message when `year`/`month` cannot be reported (unknown or in the future)."""
    try:
        year, month = int(year), int(month)
    except (TypeError, ValueError):
        return "填报年月无效"
    if not (1 <= month <= 12) or not (2000 <= year <= 2100):
        return "填报年月无效"
    today = timezone.localdate()
    if (year, month) > (today.year, today.month):
        return "不能填报未来月份"
    return None


# --- validation ------------------------------------------------------------------------------


def _to_decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        value = repr(value)
    try:
        return Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValueError from None


def _validate_row(
    row: ReportRow, project: Project, year: int, month: int, completed_before: Decimal
) -> tuple[dict[str, list[str]], dict]:
    """`(errors, clean values)` for one row against its project. Pure: no queries."""
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    clean: dict = {
        "image_progress": (row.image_progress or "").strip(),
        "problems": (row.problems or "").strip(),
        "explanation": (row.explanation or "").strip(),
    }
    try:
        invested = _to_decimal(row.invested)
    except ValueError:
        add("invested", "本月完成投资须为数字（万元）")
        invested = None
    else:
        if invested is None:
            add("invested", "请填写本月完成投资（万元），没有投资请填0")
        elif not invested.is_finite():
            add("invested", "本月完成投资须为数字（万元）")
            invested = None
        elif invested < 0:
            add("invested", "本月完成投资不能为负数")
        elif invested != invested.quantize(CENT):
            add("invested", "本月完成投资最多保留两位小数（万元）")
        elif invested > MAX_AMOUNT:
            add("invested", "本月完成投资数额过大，请核对单位（万元）")
    clean["invested"] = invested.quantize(CENT) if invested is not None and invested.is_finite() else None

    try:
        percent = _to_decimal(row.percent_complete)
    except ValueError:
        add("percent_complete", "工程形象完成比例须为数字")
        percent = None
    if percent is not None and (not percent.is_finite() or percent < 0 or percent > 100):
        add("percent_complete", "工程形象完成比例应在0到100之间")
    elif percent is not None and percent != percent.quantize(CENT):
        add("percent_complete", "工程形象完成比例最多保留两位小数")
    clean["percent_complete"] = (
        percent.quantize(CENT) if percent is not None and percent.is_finite() else None
    )

    if len(clean["explanation"]) > 500:
        add("explanation", "超出说明不能超过500字")

    # The start month: the project's actual start, or for a 前期 project the date given now.
    start = project.actual_start
    clean["start_prework"] = False
    if project.stage == Stage.RESERVE:
        add("__all__", "储备项目不填报月度进展，请先转入前期或在建阶段")
    elif project.stage == Stage.CANCELLED:
        add("__all__", "项目已终止，不能填报月度进展")
    elif project.stage == Stage.PREWORK and invested is not None and invested > 0:
        start = row.actual_start or project.actual_start
        if not start:
            add("actual_start", "前期项目首次填报投资即视为开工，请填写实际开工日期")
        elif start > timezone.localdate():
            add("actual_start", "实际开工日期不能晚于今天")
        elif start > month_end(year, month):
            add("actual_start", f"实际开工日期应在{year}年{month}月或之前")
        else:
            clean["start_prework"] = True
            clean["actual_start"] = start
    if start and (year, month) < (start.year, start.month):
        add("__all__", f"项目于{start.year}年{start.month}月开工，不能填报开工前的月份")

    if invested is not None and invested > 0 and not clean["image_progress"]:
        add("image_progress", "本月有完成投资时须填写形象进度")
    if invested is not None and invested > 0 and project.total_investment:
        remaining = project.total_investment - completed_before
        if invested > remaining and not clean["explanation"]:
            add(
                "explanation",
                f"本月完成投资超过剩余投资（总投资{project.total_investment}万元，"
                f"已完成{completed_before}万元，剩余{max(remaining, ZERO)}万元），请填写超出说明",
            )
    return errors, clean


def _completed_before(project_ids, year: int, month: int) -> dict[int, Decimal]:
    """Since-start completed investment before `year`/`month`, per project (current values, one query)."""
    rows = (
        MonthlyReport.objects.filter(project_id__in=project_ids)
        .filter(Q(year__lt=year) | Q(year=year, month__lt=month))
        .order_by()
        .values("project_id")
        .annotate(total=Sum("invested"))
    )
    return {r["project_id"]: r["total"] or ZERO for r in rows}


def _changed(report: MonthlyReport, clean: dict) -> bool:
    return any(getattr(report, f) != clean[f] for f in CONTENT_FIELDS)


def _content_snapshot(report: MonthlyReport) -> dict:
    return audit.snapshot(
        report, fields=[*CONTENT_FIELDS, "status", "revision", "correction_reason", "return_reason"]
    )


# --- save ------------------------------------------------------------------------------------


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
        raise PermissionDenied("您没有填报月度进展的权限。")
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
                "同一项目在本次填报中出现了多次"
            )
        seen.add(row.project_id)
    ids = list(seen)

    projects = {p.pk: p for p in Project.objects.filter(project_scope_q(actor), pk__in=ids)}
    existing = {
        r.project_id: r
        # Only reports of projects in scope: a stale-version answer must not reveal other units' reports.
        # Locked in a fixed order so two bulk saves of overlapping rows cannot deadlock.
        for r in MonthlyReport.objects.select_for_update(of=("self",))
        .filter(project_id__in=list(projects), year=year, month=month)
        .order_by("project_id")
    }
    labels = {pk: p.name for pk, p in projects.items()}

    # A stale version wins over every other message: the user must reload before anything else.
    stale = [
        row.project_id
        for row in rows
        if row.project_id in existing and row.version != existing[row.project_id].version
    ]
    if stale:
        raise ReportConflict(stale, labels)

    before = _completed_before(list(projects), year, month)
    to_create: list[MonthlyReport] = []
    to_update: list[MonthlyReport] = []
    to_start: list[tuple[Project, dt.date]] = []
    submit_ids: list[int] = []
    sent: list[int] = []
    now = timezone.now()
    for row in rows:
        project = projects.get(row.project_id)
        if project is None:
            row_errors.setdefault(row.project_id, {}).setdefault("__all__", []).append(MSG_OUT_OF_SCOPE)
            continue
        report = existing.get(row.project_id)
        if report is None and row.is_blank():
            continue
        errors, clean = _validate_row(row, project, year, month, before.get(project.pk, ZERO))
        if report is not None and report.status not in EDITABLE_REPORT_STATUSES:
            # Submitted and approved reports may be sent back as they are (a whole grid is posted);
            # any change is refused.
            if not _changed(report, clean):
                sent.append(project.pk)
                continue
            errors = {
                "__all__": [
                    MSG_APPROVED_LOCKED if report.status == ReportStatus.APPROVED else MSG_SUBMITTED_LOCKED
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
        if report is None:
            to_create.append(
                MonthlyReport(
                    project_id=project.pk,
                    year=year,
                    month=month,
                    **values,
                    status=ReportStatus.DRAFT,
                    version=1,
                    created_at=now,
                    updated_at=now,
                    updated_by=actor,
                )
            )
        elif _changed(report, values):
            to_update.append(
                MonthlyReport(
                    project_id=project.pk,
                    year=year,
                    month=month,
                    **values,
                    status=report.status,
                    version=report.version + 1,
                    created_at=report.created_at,
                    updated_at=now,
                    updated_by=actor,
                )
            )
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
        to_submit = [current[pid] for pid in submit_ids if current[pid].status in EDITABLE_REPORT_STATUSES]
        _submit_reports(actor, to_submit, batch=batch)
    return [current[pid] for pid in sent if pid in current]


# --- submit ----------------------------------------------------------------------------------


def _submit_reports(actor, reports: list[MonthlyReport], *, batch: str = "") -> int:
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
    """Submit the draft/returned reports of `queryset`; already submitted or approved ones are skipped."""
    locked = list(
        queryset.select_for_update(of=("self",)).filter(status__in=EDITABLE_REPORT_STATUSES).order_by("pk")
    )
    projects = {p.pk: p for p in Project.objects.filter(pk__in={r.project_id for r in locked})}
    for r in locked:
        r.project = projects[r.project_id]
    return _submit_reports(actor, locked)


@transaction.atomic
def reports_submit(*, actor, year: int, month: int, unit=None, report_ids: list[int] | None = None) -> int:
    """Submit the actor's draft and returned reports of one month (of `unit`'s projects, or the given ids).

    Returns how many were submitted; those already submitted or approved are left as they are.
    """
    if not permissions.can_enter_reports(actor):
        raise PermissionDenied("您没有提交月度进展的权限。")
    qs = MonthlyReport.objects.filter(project_scope_q(actor, "project"), year=year, month=month)
    if unit is not None:
        qs = qs.filter(project__reporting_unit__path__startswith=unit.path)
    if report_ids is not None:
        ids = {int(i) for i in report_ids}
        found = set(qs.filter(pk__in=ids).values_list("pk", flat=True))
        if ids - found:
            raise PermissionDenied("部分月度进展不存在或不在您的管辖范围内。")
        qs = qs.filter(pk__in=ids)
    return _submit_queryset(actor, qs)


def _lock_in_scope(actor, report: MonthlyReport) -> MonthlyReport:
    locked = (
        MonthlyReport.objects.select_for_update(of=("self",))
        .filter(project_scope_q(actor, "project"), pk=report.pk)
        .first()
    )
    if locked is None:
        raise PermissionDenied("该月度进展不在您的管辖范围内。")
    return MonthlyReport.objects.select_related("project").get(pk=locked.pk)


@transaction.atomic
def report_submit(*, actor, report: MonthlyReport, expected_version: int | None = None) -> MonthlyReport:
    """Submit one draft or returned report; already submitted: nothing happens."""
    if not permissions.can_enter_reports(actor):
        raise PermissionDenied("您没有提交月度进展的权限。")
    locked = _lock_in_scope(actor, report)
    if expected_version is not None and locked.version != expected_version:
        raise ReportConflict([locked.project_id], {locked.project_id: locked.project.name})
    if locked.status == ReportStatus.SUBMITTED:
        return locked
    if locked.status == ReportStatus.APPROVED:
        raise TransitionError("本月进展已审核，不能再次提交；如需修改请使用“更正”。")
    _submit_reports(actor, [locked])
    return locked


# --- review ----------------------------------------------------------------------------------


@transaction.atomic
def reports_approve(*, actor, report_ids: list[int]) -> int:
    """Approve submitted reports: each is locked and its values frozen in a `ReportRevision`.

    Already approved ones are skipped; a draft or returned one in the list refuses the whole batch.
    """
    if not permissions.can_review_reports(actor):
        raise PermissionDenied("您没有审核月度进展的权限。")
    ids = {int(i) for i in report_ids}
    locked = list(
        MonthlyReport.objects.select_for_update(of=("self",))
        .filter(project_scope_q(actor, "project"), pk__in=ids)
        .order_by("pk")
    )
    if len(locked) != len(ids):
        raise PermissionDenied("部分月度进展不存在或不在您的管辖范围内。")
    not_submitted = [r for r in locked if r.status in EDITABLE_REPORT_STATUSES]
    if not_submitted:
        raise TransitionError(
            "只能审核已提交的月度进展：草稿或已退回的进展须先提交。"
            if len(ids) > 1
            else "该月度进展尚未提交，不能审核。"
        )
    todo = [r for r in locked if r.status == ReportStatus.SUBMITTED]
    if not todo:
        return 0
    now = timezone.now()
    ReportRevision.objects.bulk_create(
        [
            ReportRevision(
                report_id=r.pk,
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
    projects = {p.pk: p for p in Project.objects.filter(pk__in={r.project_id for r in todo})}
    for r in todo:
        r.project = projects[r.project_id]
    audit.record_many(
        actor=actor,
        entries=[
            audit.Entry(
                action=AuditAction.APPROVE,
                instance=r,
                root=projects[r.project_id],
                changes={"status": [ReportStatus.SUBMITTED.value, ReportStatus.APPROVED.value]},
                message=f"第{r.revision}次更正" if r.revision else "",
            )
            for r in todo
        ],
        batch=uuid.uuid4().hex,
    )
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
        raise PermissionDenied("您没有审核月度进展的权限。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "退回须填写原因。"})
    if len(reason) > 500:
        raise ValidationError({"reason": "退回原因不能超过500字。"})
    locked = _lock_in_scope(actor, report)
    if locked.status == ReportStatus.RETURNED and locked.return_reason == reason:
        return locked
    if locked.status == ReportStatus.APPROVED:
        raise TransitionError("本月进展已审核，不能退回；如需修改请由填报单位使用“更正”。")
    if locked.status != ReportStatus.SUBMITTED:
        raise TransitionError("只能退回已提交的月度进展。")
    now = timezone.now()
    before = _content_snapshot(locked)
    locked.status = ReportStatus.RETURNED
    locked.return_reason = reason
    locked.reviewed_at = now
    locked.reviewed_by = actor
    locked.version += 1
    locked.updated_at = now
    locked.save(
        update_fields=["status", "return_reason", "reviewed_at", "reviewed_by", "version", "updated_at"]
    )
    audit.record(
        actor=actor,
        action=AuditAction.RETURN,
        instance=locked,
        root=locked.project,
        changes=audit.diff(before, _content_snapshot(locked)),
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
        raise PermissionDenied("您没有更正月度进展的权限。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"correction_reason": "更正须填写原因。"})
    if len(reason) > 500:
        raise ValidationError({"correction_reason": "更正原因不能超过500字。"})
    locked = _lock_in_scope(actor, report)
    project = locked.project
    if row.version is not None and row.version != locked.version:
        raise ReportConflict([project.pk], {project.pk: project.name})
    if locked.status != ReportStatus.APPROVED:
        raise TransitionError("只有已审核的月度进展需要更正；未审核的进展请直接修改。")
    before_sum = _completed_before([project.pk], locked.year, locked.month).get(project.pk, ZERO)
    errors, clean = _validate_row(row, project, locked.year, locked.month, before_sum)
    if errors:
        raise ReportRowErrors({project.pk: errors}, {project.pk: project.name})
    before = _content_snapshot(locked)
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
        changes=audit.diff(before, _content_snapshot(locked)),
        message=reason,
    )
    return locked
