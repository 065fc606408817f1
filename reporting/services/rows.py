"""One row of monthly progress as a user entered it, its errors, and the rules it must pass."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import audit
from projects.choices import Stage
from projects.exceptions import ConflictError, ServiceError
from projects.models import Project
from projects.money import ZERO, as_money
from projects.parsing import CellError, parse_money, parse_percent
from projects.periods import month_end
from projects.validators import EXCEL_TEXT_MAX, text_limit_message

from ..models import MonthlyReport

# The values a user enters; a save compares these to decide whether a row changed.
CONTENT_FIELDS = ("invested", "image_progress", "percent_complete", "problems", "explanation")

MSG_OUT_OF_SCOPE = gettext_lazy("项目不在您的管辖范围内")
MSG_APPROVED_LOCKED = gettext_lazy("本月进展已审核，已锁定；如需修改请使用“更正”。")
MSG_SUBMITTED_LOCKED = gettext_lazy("本月进展已提交，正在审核，不能修改；如需修改请联系审核人员退回。")


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


class ReportRowErrors(ValidationError, ServiceError):
    """Raised when any row is invalid; nothing is written.

    `row_errors`: project_id → field → Chinese messages ("__all__" for the row as a whole).
    """

    status_code = 400

    def __init__(self, row_errors: dict[int, dict[str, list[str]]], labels: dict[int, str] | None = None):
        self.row_errors = row_errors
        labels = labels or {}
        lines = []
        for project_id, fields in row_errors.items():
            label = labels.get(project_id) or _("项目 %(id)s") % {"id": project_id}
            for messages in fields.values():
                lines.extend(_("%(label)s：%(message)s") % {"label": label, "message": m} for m in messages)
        super().__init__(lines)

    def payload(self) -> dict[str, list[str]]:
        """Field → messages across the rows (the API sends one), `__all__` as `non_field_errors`."""
        fields: dict[str, list[str]] = {}
        for errors in self.row_errors.values():
            for field, messages in errors.items():
                fields.setdefault("non_field_errors" if field == "__all__" else field, []).extend(messages)
        return fields


class ReportConflict(ConflictError):
    """A row's report was changed by someone else after the user read it; nothing is written."""

    def __init__(self, project_ids: list[int], labels: dict[int, str] | None = None):
        self.project_ids = sorted(project_ids)
        labels = labels or {}
        names = _("、").join(labels.get(pid) or str(pid) for pid in self.project_ids[:5])
        more = _("等%(n)s个项目") % {"n": len(self.project_ids)} if len(self.project_ids) > 5 else ""
        super().__init__(
            _("以下项目的本月进展已被他人修改：%(names)s%(more)s。请刷新页面后重新填写，您的修改未保存。")
            % {"names": names, "more": more},
            project_ids=self.project_ids,
        )


# --- periods ---------------------------------------------------------------------------------


def check_period(year: int, month: int) -> str | None:
    """The Chinese message when `year`/`month` cannot be reported (unknown or in the future)."""
    try:
        year, month = int(year), int(month)
    except (TypeError, ValueError):
        return _("填报年月无效")
    if not (1 <= month <= 12) or not (2000 <= year <= 2100):
        return _("填报年月无效")
    today = timezone.localdate()
    if (year, month) > (today.year, today.month):
        return _("不能填报未来月份")
    return None


# --- validation ------------------------------------------------------------------------------


INVESTED_MESSAGES = {
    "invalid": gettext_lazy("本月完成投资须为数字（万元）"),
    "negative": gettext_lazy("本月完成投资不能为负数"),
    "decimals": gettext_lazy("本月完成投资最多保留两位小数（万元）"),
    "too_large": gettext_lazy("本月完成投资数额过大，请核对单位（万元）"),
}
PERCENT_MESSAGES = {
    "invalid": gettext_lazy("工程形象完成比例须为数字"),
    "range": gettext_lazy("工程形象完成比例应在0到100之间"),
    "decimals": gettext_lazy("工程形象完成比例最多保留两位小数"),
}


def validate_row(
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
    # Text (grid, correction form), a float (an Excel number cell) or a Decimal (API): one parser reads all.
    try:
        invested = parse_money(row.invested, messages=INVESTED_MESSAGES)
    except CellError as exc:
        add("invested", str(exc))
        invested = None
    else:
        if invested is None:
            add("invested", _("请填写本月完成投资（万元），没有投资请填0"))
    clean["invested"] = invested

    try:
        clean["percent_complete"] = parse_percent(row.percent_complete, messages=PERCENT_MESSAGES)
    except CellError as exc:
        add("percent_complete", str(exc))
        clean["percent_complete"] = None

    if len(clean["explanation"]) > 500:
        add("explanation", _("超出说明不能超过500字"))
    for key, label in (("image_progress", _("形象进度")), ("problems", _("存在问题"))):
        if len(clean[key]) > EXCEL_TEXT_MAX:
            add(key, text_limit_message(label))

    # The start month: the project's actual start, or for a 前期 project the date given now.
    start = project.actual_start
    clean["start_prework"] = False
    if project.stage == Stage.RESERVE:
        add("__all__", _("储备项目不填报月度进展，请先转入前期或在建阶段"))
    elif project.stage == Stage.CANCELLED:
        add("__all__", _("项目已终止，不能填报月度进展"))
    elif project.stage == Stage.PREWORK and invested is not None and invested > 0:
        start = row.actual_start or project.actual_start
        if not start:
            add("actual_start", _("前期项目首次填报投资即视为开工，请填写实际开工日期"))
        elif start > timezone.localdate():
            add("actual_start", _("实际开工日期不能晚于今天"))
        elif start > month_end(year, month):
            add(
                "actual_start",
                _("实际开工日期应在%(year)s年%(month)s月或之前") % {"year": year, "month": month},
            )
        else:
            clean["start_prework"] = True
            clean["actual_start"] = start
    if start and (year, month) < (start.year, start.month):
        add(
            "__all__",
            _("项目于%(year)s年%(month)s月开工，不能填报开工前的月份")
            % {"year": start.year, "month": start.month},
        )

    if invested is not None and invested > 0 and not clean["image_progress"]:
        add("image_progress", _("本月有完成投资时须填写形象进度"))
    if invested is not None and invested > 0 and project.total_investment:
        remaining = project.total_investment - completed_before
        if invested > remaining and not clean["explanation"]:
            add(
                "explanation",
                _(
                    "本月完成投资超过剩余投资（总投资%(total)s万元，"
                    "已完成%(done)s万元，剩余%(remaining)s万元），请填写超出说明"
                )
                % {
                    "total": project.total_investment,
                    "done": completed_before,
                    "remaining": max(remaining, ZERO),
                },
            )
    return errors, clean


def completed_before(project_ids, year: int, month: int) -> dict[int, Decimal]:
    """Since-start completed investment before `year`/`month`, per project (current values, one query)."""
    rows = (
        MonthlyReport.objects.filter(project_id__in=project_ids)
        .filter(Q(year__lt=year) | Q(year=year, month__lt=month))
        .order_by()
        .values("project_id")
        .annotate(total=Sum("invested"))
    )
    # as_money: SQLite sums come back as 15-digit decimals, and this figure is quoted in messages.
    return {r["project_id"]: as_money(r["total"]) for r in rows}


def returned_unchanged(report: MonthlyReport) -> bool:
    return report.returned_unchanged


def content_changed(report: MonthlyReport, clean: dict) -> bool:
    return any(getattr(report, f) != clean[f] for f in CONTENT_FIELDS)


def content_snapshot(report: MonthlyReport) -> dict:
    return audit.snapshot(
        report, fields=[*CONTENT_FIELDS, "status", "revision", "correction_reason", "return_reason"]
    )
