"""Content of the project jobs of the dispatch rhythm (called by `projects/tasks.py`):

- every 旬: pre-work approvals due within the 旬 or overdue, to the project's reporting unit and
  responsible unit (its reporters and reviewers, and the handler named on the approval where he
  has an account there);
- every quarter: the reserve pool review (储备库季度调整), to the counties, the zone and the
  departments, with their count of reserve projects.
"""

from __future__ import annotations

from collections import defaultdict
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse

from accounts.choices import AREA_KINDS, OrgKind, RoleCode
from accounts.models import Organisation, User
from scheduling import periods
from scheduling.jobs import JobContext
from scheduling.recipients import users_by_unit

from .choices import ApprovalStatus, Stage
from .models import Approval, Project

LIST_LIMIT = 40
OPEN_APPROVAL = (ApprovalStatus.NOT_STARTED, ApprovalStatus.IN_PROGRESS)


def _date(day) -> str:
    return f"{day.month}月{day.day}日"


def xun_approvals(ctx: JobContext) -> None:
    start = ctx.nominal_date
    xun = periods.xun_of(start)
    _, xun_end = periods.xun_bounds(start.year, start.month, xun)
    approvals = list(
        Approval.objects.filter(
            status__in=OPEN_APPROVAL,
            planned_date__isnull=False,
            planned_date__lte=xun_end,
            project__stage=Stage.PREWORK,
        )
        .select_related("project", "kind")
        .order_by("planned_date", "project_id", "id")
    )
    if not approvals:
        ctx.note("本旬没有到期或逾期的前期手续")
        return
    # Each approval concerns its project's reporting unit and responsible unit (责任单位).
    by_unit: dict[int, list[Approval]] = defaultdict(list)
    for a in approvals:
        for unit_id in {a.project.reporting_unit_id, a.project.department_id} - {None}:
            by_unit[unit_id].append(a)
    units = Organisation.objects.in_bulk(list(by_unit))
    staff = users_by_unit(by_unit, [RoleCode.REPORTER, RoleCode.REVIEWER])
    handlers = defaultdict(list)
    names = {a.handler.strip() for a in approvals if a.handler.strip()}
    for pk, org_id, full_name in User.objects.filter(
        is_active=True, organisation_id__in=list(by_unit), full_name__in=names
    ).values_list("pk", "organisation_id", "full_name"):
        handlers[(org_id, full_name)].append(pk)
    label = f"{start.year}年{start.month}月{periods.xun_label(xun)}"
    for unit_id, items in sorted(by_unit.items(), key=lambda kv: (units[kv[0]].sort_order, kv[0])):
        overdue = [a for a in items if a.planned_date < start]
        lines = []
        for a in items[:LIST_LIMIT]:
            late = (start - a.planned_date).days
            when = f"已逾期{late}天" if a.planned_date < start else f"{_date(a.planned_date)}到期"
            who = f"，承办人{a.handler}" if a.handler else ""
            lines.append(f"· {a.project.name}：{a.kind.name}（{a.get_status_display()}，{when}{who}）")
        if len(items) > LIST_LIMIT:
            lines.append(f"……等共{len(items)}项")
        recipients = set(staff.get(unit_id, []))
        for a in items:
            recipients.update(handlers.get((unit_id, a.handler.strip()), []))
        context = {
            "period": label,
            "unit": units[unit_id].display_name,
            "xun_end": _date(xun_end),
            "due_count": len(items) - len(overdue),
            "overdue_count": len(overdue),
        }
        url = (
            reverse("projects:project_detail", args=[items[0].project_id])
            if len({a.project_id for a in items}) == 1
            else f"{reverse('projects:project_list')}?{urlencode({'stage': Stage.PREWORK})}"
        )
        ctx.notify(
            recipients, title=ctx.title(**context), body=ctx.body("\n".join(lines), **context), url=url
        )
    ctx.note(f"{len(approvals)}项前期手续涉及{len(by_unit)}个单位")


def reserve_review(ctx: JobContext) -> None:
    year, month = ctx.nominal_date.year, ctx.nominal_date.month
    quarter = periods.quarter_of(month)
    units = list(
        Organisation.objects.filter(is_active=True, kind__in=[*AREA_KINDS, OrgKind.DEPARTMENT]).order_by(
            "sort_order", "id"
        )
    )
    reserve = Project.objects.filter(stage=Stage.RESERVE).order_by()
    counts = defaultdict(int)
    for row in reserve.values("county_id").annotate(n=Count("pk")):
        counts[row["county_id"]] += row["n"]
    for row in reserve.filter(~Q(department_id=None)).values("department_id").annotate(n=Count("pk")):
        counts[row["department_id"]] += row["n"]
    staff = users_by_unit([u.pk for u in units], [RoleCode.REPORTER, RoleCode.REVIEWER])
    label = f"{year}年第{quarter}"
    url = f"{reverse('projects:project_list')}?{urlencode({'stage': Stage.RESERVE})}"
    for unit in units:
        context = {"period": label, "unit": unit.display_name, "count": counts.get(unit.pk, 0)}
        ctx.notify(staff.get(unit.pk, []), title=ctx.title(**context), body=ctx.body(**context), url=url)
    ctx.note(f"已通知{len(units)}个县（市、区）和部门")
