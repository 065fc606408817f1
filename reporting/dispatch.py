"""Content of the monthly report reminders (called by `reporting/tasks.py`, timed by `scheduling`).

- before the due day: each unit that has not submitted all its owed reports, to its reporters;
- the working day after the due day: each unit's missing projects to its reviewers, and the list
  of units with missing reports to the office.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from urllib.parse import urlencode

from django.db.models import Count, Exists, OuterRef
from django.urls import reverse

from accounts.choices import RoleCode
from accounts.models import Organisation
from scheduling import periods
from scheduling.jobs import JobContext
from scheduling.recipients import users_by_unit

from .choices import ReportStatus
from .models import MonthlyReport
from .selectors.reports import owing_projects

LIST_LIMIT = 30  # projects named in one message; the rest are counted


def _not_submitted(year: int, month: int):
    """Projects owing (year, month) whose report is neither submitted nor approved."""
    done = MonthlyReport.objects.filter(
        project=OuterRef("pk"),
        year=year,
        month=month,
        status__in=[ReportStatus.SUBMITTED, ReportStatus.APPROVED],
    )
    return owing_projects(year=year, month=month).annotate(done=Exists(done)).filter(done=False)


def _grid_url(unit_id: int, year: int, month: int) -> str:
    return f"{reverse('reporting:report_grid')}?{urlencode({'unit': unit_id, 'year': year, 'month': month})}"


def _date(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def report_due_reminder(ctx: JobContext) -> None:
    year, month = ctx.period
    due = periods.due_date(year, month)
    if ctx.fire_date > due:
        ctx.note(f"{_date(due)}已截止，不再发送报送提醒（缺报清单另行发送）")
        return
    # Working days left, today included: on the last working day before the due day it is 1.
    days_left = ctx.calendar.working_days_between(ctx.fire_date - dt.timedelta(days=1), due)
    remaining = dict(
        _not_submitted(year, month)
        .order_by()
        .values("reporting_unit_id")
        .annotate(n=Count("pk"))
        .values_list("reporting_unit_id", "n")
    )
    units = Organisation.objects.in_bulk(list(remaining))
    reporters = users_by_unit(remaining, [RoleCode.REPORTER])
    label = f"{year}年{month}月"
    told = 0
    for unit_id, n in sorted(remaining.items(), key=lambda kv: (units[kv[0]].sort_order, kv[0])):
        unit = units[unit_id]
        context = {
            "period": label,
            "due": _date(due),
            "days_left": days_left,
            "unit": unit.display_name,
            "remaining": n,
        }
        if ctx.notify(
            reporters.get(unit_id, []),
            title=ctx.title(**context),
            body=ctx.body(**context),
            url=_grid_url(unit_id, year, month),
        ):
            told += 1
    ctx.note(f"{len(remaining)}个单位尚未全部提交，已提醒{told}个单位的填报员")


def report_missing_list(ctx: JobContext) -> None:
    year, month = ctx.period
    due = periods.due_date(year, month)
    missing: dict[int, list[str]] = defaultdict(list)
    for unit_id, name in (
        _not_submitted(year, month)
        .order_by("reporting_unit_id", "name")
        .values_list("reporting_unit_id", "name")
    ):
        missing[unit_id].append(name)
    if not missing:
        ctx.note("全部单位已按时报送")
        return
    units = Organisation.objects.in_bulk(list(missing))
    ordered = sorted(missing, key=lambda pk: (units[pk].sort_order, pk))
    reviewers = users_by_unit(missing, [RoleCode.REVIEWER])
    label = f"{year}年{month}月"
    for unit_id in ordered:
        names = missing[unit_id]
        listed = "\n".join(f"· {n}" for n in names[:LIST_LIMIT])
        if len(names) > LIST_LIMIT:
            listed += f"\n……等共{len(names)}个项目"
        context = {
            "period": label,
            "due": _date(due),
            "unit": units[unit_id].display_name,
            "missing": len(names),
        }
        ctx.notify(
            reviewers.get(unit_id, []),
            title=ctx.title(**context),
            body=ctx.body(f"未报送项目：\n{listed}", **context),
            url=_grid_url(unit_id, year, month),
        )
    summary = "\n".join(f"· {units[pk].display_name}：{len(missing[pk])}个项目" for pk in ordered)
    total = sum(len(v) for v in missing.values())
    context = {"period": label, "due": _date(due), "unit": f"全市{len(missing)}个单位", "missing": total}
    office_url = f"{reverse('reporting:report_office')}?{urlencode({'year': year, 'month': month})}"
    ctx.notify(
        ctx.office_ids(),
        title=ctx.title(**context),
        body=ctx.body(f"缺报单位：\n{summary}", **context),
        url=office_url,
        key_suffix="office",
    )
    ctx.note(f"{len(missing)}个单位缺报{total}个项目")
