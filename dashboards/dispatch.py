"""Content of the leaders' dispatch jobs (called by `dashboards/tasks.py`, timed by `scheduling`):
the Friday consultation digest, the 一月晾晒 notice, each vice mayor's monthly list, the bimonthly
赛马 notice and the mayor's 顶格调度 list. Every figure comes from `reporting.measures`, on the
approved basis, for the latest month whose reports are due.
"""

from __future__ import annotations

from collections import defaultdict
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse

from accounts.choices import AREA_KINDS, RoleCode
from accounts.models import Organisation
from projects.choices import Stage
from projects.models import AnnualPlan, Leader, Project
from reporting import measures
from reporting.measures import Basis
from reporting.text import figures_sentence
from scheduling import periods
from scheduling.jobs import JobContext
from scheduling.recipients import users_by_unit

from .choices import Audience, RacePeriod
from .selectors.ranking import compute_ranking

LIST_LIMIT = 20
BEHIND_POINTS = 10  # a key project this many points below time progress is "behind"


def _data_month(ctx: JobContext) -> tuple[int, int]:
    return periods.last_due_period(ctx.fire_date)


def _as_of(ctx: JobContext) -> str:
    day = ctx.fire_date
    return f"{day.year}年{day.month}月{day.day}日"


def _rate(f) -> str:
    return "—" if f.completion_rate is None else f"{f.completion_rate}%"


def _behind_key_projects(year: int, month: int):
    """Key projects with a plan this year, completion behind time progress by BEHIND_POINTS or more,
    worst first: [(project, Figures)]."""
    qs = Project.objects.exclude(key_level="").filter(
        annual_plans__year=year, annual_plans__planned_investment__gt=0
    )
    found = {p.pk: p for p in qs.only("pk", "name", "county_id", "liaison_leader_id")}
    figs = measures.figures_by_project(project_ids=list(found), year=year, month=month, basis=Basis.APPROVED)
    behind = [
        (found[pk], f)
        for pk, f in figs.items()
        if f.vs_time_progress_pp is not None and f.vs_time_progress_pp <= -BEHIND_POINTS
    ]
    return sorted(behind, key=lambda pf: pf[1].vs_time_progress_pp)


def _not_started_as_planned(year: int, month: int):
    """New projects of the year planned to start by `month` that are still in reserve or pre-work."""
    plans = AnnualPlan.objects.filter(
        year=year,
        is_new=True,
        planned_start_month__lte=month,
        project__stage__in=[Stage.RESERVE, Stage.PREWORK],
    )
    return list(plans.select_related("project").order_by("planned_start_month", "project__name"))


def _lines_behind(items) -> list[str]:
    lines = [
        f"· {p.name}：完成率{_rate(f)}，低于时间进度{f.gap_points}个百分点" for p, f in items[:LIST_LIMIT]
    ]
    if len(items) > LIST_LIMIT:
        lines.append(f"……等共{len(items)}个")
    return lines


def _lines_not_started(plans) -> list[str]:
    lines = [
        f"· {plan.project.name}：计划{plan.planned_start_month}月开工，现为{plan.project.get_stage_display()}"
        for plan in plans[:LIST_LIMIT]
    ]
    if len(plans) > LIST_LIMIT:
        lines.append(f"……等共{len(plans)}个")
    return lines


def _digest_text(behind, late) -> str:
    parts = [f"一、重点项目进度滞后（低于时间进度{BEHIND_POINTS}个百分点及以上）：{len(behind)}个"]
    parts += _lines_behind(behind) or ["· 无"]
    parts += [f"二、新开工项目未按计划开工：{len(late)}个"]
    parts += _lines_not_started(late) or ["· 无"]
    return "\n".join(parts)


def friday_digest(ctx: JobContext) -> None:
    year, month = _data_month(ctx)
    iso = ctx.nominal_date.isocalendar()
    context = {
        "period": f"{iso.year}年第{iso.week}周",
        "as_of": _as_of(ctx),
        "basis": f"{year}年1–{month}月已审核数据",
    }
    city = measures.figures(projects=Project.objects.all(), year=year, month=month, basis=Basis.APPROVED)
    # The city's lists once; each 包联 leader's are the part of them that is his.
    behind = _behind_key_projects(year, month)
    late = _not_started_as_planned(year, ctx.fire_date.month if ctx.fire_date.year == year else 12)
    details = f"全市{figures_sentence(city)}。\n{_digest_text(behind, late)}"
    # 三、open problems: overdue and supervised tickets (issues' selector; issues never imports dashboards).
    from issues.selectors import digest_open_tickets

    tickets = digest_open_tickets(today=ctx.fire_date, limit=LIST_LIMIT)

    def ticket_line(t):
        unit = t.lead_unit.display_name if t.lead_unit_id else "待交办"
        label = f"，{t.get_supervision_display()}" if t.supervision else ""
        return f"· {t.number} {t.title}（{unit}，时限{t.deadline:%Y-%m-%d}{label}）"

    lines = [f"三、问题督办：未销号{tickets['open']}件，其中逾期{tickets['overdue_count']}件"]
    lines += [ticket_line(t) for t in tickets["overdue"]] or ["· 无逾期问题"]
    if tickets["overdue_count"] > len(tickets["overdue"]):
        lines.append(f"……等共{tickets['overdue_count']}件")
    lines.append(f"督办中{tickets['supervised_count']}件：")
    lines += [ticket_line(t) for t in tickets["supervised"]] or ["· 无"]
    details += "\n" + "\n".join(lines)
    ctx.notify(
        ctx.office_ids(),
        title=ctx.title(**context),
        body=ctx.body(details, **context),
        url=reverse("home"),
        key_suffix="office",
    )
    behind_by_leader, late_by_leader = defaultdict(list), defaultdict(list)
    for project, figures in behind:
        behind_by_leader[project.liaison_leader_id].append((project, figures))
    for plan in late:
        late_by_leader[plan.project.liaison_leader_id].append(plan)
    told = 0
    for leader in Leader.objects.filter(is_active=True, user__is_active=True).order_by("sort_order", "id"):
        mine_behind, mine_late = behind_by_leader.get(leader.pk, []), late_by_leader.get(leader.pk, [])
        if not (mine_behind or mine_late):
            continue
        told += ctx.notify(
            [leader.user_id],
            title=ctx.title(**context),
            body=ctx.body(f"您包联的项目：\n{_digest_text(mine_behind, mine_late)}", **context),
            url=f"{reverse('projects:project_list')}?{urlencode({'liaison_leader': leader.pk})}",
            key_suffix=f"leader{leader.pk}",
        )
    ctx.note(f"专班办公室及{told}位包联领导")


def monthly_bulletin_notice(ctx: JobContext) -> None:
    year, month = _data_month(ctx)
    city = measures.figures(projects=Project.objects.all(), year=year, month=month, basis=Basis.APPROVED)
    context = {"period": f"{year}年{month}月", "summary": f"全市{figures_sentence(city)}。"}
    ctx.notify(
        ctx.office_ids(),
        title=ctx.title(**context),
        body=ctx.body(**context),
        url=f"{reverse('reporting:report_office')}?{urlencode({'year': year, 'month': month})}",
    )


def _leader_list(leader, year, month) -> tuple[str, int]:
    projects = list(
        Project.objects.filter(liaison_leader=leader).exclude(stage=Stage.CANCELLED).order_by("name")
    )
    figs = measures.figures_by_project(
        project_ids=[p.pk for p in projects], year=year, month=month, basis=Basis.APPROVED
    )
    lines = []
    for p in projects[: LIST_LIMIT * 2]:
        f = figs[p.pk]
        lines.append(f"· {p.name}（{p.get_stage_display()}）：完成率{_rate(f)}")
    if len(projects) > LIST_LIMIT * 2:
        lines.append(f"……等共{len(projects)}个")
    return "\n".join(lines), len(projects)


def vice_mayor_dispatch(ctx: JobContext) -> None:
    year, month = _data_month(ctx)
    vice_mayors = (
        Leader.objects.filter(is_active=True, title__contains="副市长")
        .exclude(title__contains="常务")
        .select_related("user")
    )
    summary, total = [], 0
    for leader in vice_mayors:
        text, n = _leader_list(leader, year, month)
        summary.append(f"· {leader.name}：{n}个项目")
        total += n
        context = {
            "period": f"{year}年{month}月",
            "leader": leader.name,
            "count": n,
            "as_of": _as_of(ctx),
            "basis": f"{year}年1–{month}月已审核数据",
        }
        if leader.user_id and leader.user.is_active:
            ctx.notify(
                [leader.user_id],
                title=ctx.title(**context),
                body=ctx.body(text, **context),
                url=f"{reverse('projects:project_list')}?{urlencode({'liaison_leader': leader.pk})}",
                key_suffix=f"leader{leader.pk}",
            )
    if not summary:
        ctx.note("没有登记分管副市长（包联领导职务含“副市长”）")
        return
    context = {
        "period": f"{year}年{month}月",
        "leader": "各分管副市长",
        "count": total,
        "as_of": _as_of(ctx),
        "basis": f"{year}年1–{month}月已审核数据",
    }
    ctx.notify(
        ctx.office_ids(),
        title=ctx.title(**context),
        body=ctx.body("\n".join(summary), **context),
        key_suffix="office",
    )
    ctx.note(f"{len(summary)}位分管副市长")


def _county_lines(year, month) -> list[str]:
    counties = list(
        Organisation.objects.filter(is_active=True, kind__in=AREA_KINDS).order_by("sort_order", "id")
    )
    figs = measures.figures_by(
        projects=Project.objects.all(),
        by="county",
        year=year,
        month=month,
        basis=Basis.APPROVED,
        keys=[c.pk for c in counties],
    )
    return [f"· {c.display_name}：{figures_sentence(figs[c.pk])}" for c in counties]


def _ranking_lines(year: int, month: int) -> list[str]:
    """The counties' 赛马 standing for the data month: the bimonthly ranking in an even month, else
    the monthly one (the scheme the office set for the year)."""
    period = RacePeriod.BIMONTHLY if month % 2 == 0 else RacePeriod.MONTHLY
    ranking = compute_ranking(year=year, month=month, period=period, audience=Audience.AREAS)
    return [
        f"· 第{row['rank']}名 {row['name']}：{row['total']}分"
        for row in sorted(ranking["rows"], key=lambda r: r["rank"])
    ]


def _ranking_url(year: int, month: int) -> str:
    return f"{reverse('dashboards:ranking')}?{urlencode({'year': year, 'month': month})}"


def horse_race_notice(ctx: JobContext) -> None:
    year, month = _data_month(ctx)
    label = f"{ctx.nominal_date.year}年{ctx.nominal_date.month}月"
    context = {"period": label, "as_of": _as_of(ctx), "basis": f"{year}年1–{month}月已审核"}
    details = "当前得分（未发布，以专班办公室发布的排名为准）：\n" + "\n".join(_ranking_lines(year, month))
    ctx.notify(
        ctx.office_ids(),
        title=ctx.title(**context),
        body=ctx.body(details, **context),
        key_suffix="office",
        url=_ranking_url(year, month),
    )
    counties = Organisation.objects.filter(is_active=True, kind__in=AREA_KINDS).values_list("pk", flat=True)
    heads = users_by_unit(counties, [RoleCode.REVIEWER])
    ctx.notify(
        [pk for ids in heads.values() for pk in ids],
        title=ctx.title(**context),
        body=ctx.body(**context),
        url=_ranking_url(year, month),
    )


def mayor_dispatch_list(ctx: JobContext) -> None:
    year, month = _data_month(ctx)
    label = f"{ctx.nominal_date.year}年{ctx.nominal_date.month}月"
    context = {"period": label, "as_of": _as_of(ctx), "basis": f"{year}年1–{month}月已审核数据"}
    behind = _behind_key_projects(year, month)
    parts = ["一、各县（市、区）“赛马”得分："] + _ranking_lines(year, month)
    parts += ["二、各县（市、区）投资完成情况："] + _county_lines(year, month)
    parts += [f"三、进度滞后的重点项目：{len(behind)}个"] + (_lines_behind(behind) or ["· 无"])
    mayors = list(
        Leader.objects.filter(is_active=True, user__is_active=True)
        .filter(Q(title="市长") | Q(title__endswith="市长") & ~Q(title__contains="副"))
        .values_list("user_id", flat=True)
    )
    recipients = sorted(set(mayors) | set(ctx.office_ids()))
    ctx.notify(
        recipients,
        title=ctx.title(**context),
        body=ctx.body("\n".join(parts), **context),
        url=reverse("home"),
    )
    ctx.note(f"市长{len(mayors)}人及专班办公室")


_ = defaultdict  # kept for readers extending the per-county grouping
