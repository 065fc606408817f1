"""The demo's tracked matters: ~300 problem tickets in every state across the city (some overdue
and escalated, some sent back by unsatisfied enterprises) and a year of dispatch meetings at the
four levels with their decisions (some overdue). Built through the services with each step on its
own past day, so the timelines, checkpoints and statistics are what real use would leave."""

from __future__ import annotations

import datetime as dt
import random

from accounts.choices import OrgKind, RoleCode
from accounts.models import User
from issues import services
from issues.choices import Category, CheckpointStatus, Complexity, MeetingLevel, Satisfaction, Source, State
from issues.dispatch import record_missed
from issues.models import Checkpoint, Meeting, Ticket
from issues.recipients import LeaderBook
from projects.choices import Stage
from projects.models import Leader, Project
from scheduling.calendar import WorkCalendar

TITLES = {
    Category.PROCEDURES: ["施工许可办理进度慢", "规划许可要件不齐需协调", "环评批复待省厅审查"],
    Category.LAND_CLEARANCE: ["征地补偿款未落实到户", "两户拆迁未签约影响进场", "杆线迁改滞后"],
    Category.FINANCING: ["专项债资金未及时拨付", "银行贷款审批周期长", "配套资金缺口"],
    Category.LAND_USE: ["用地指标不足", "土地组卷报批待市级审核", "林地占用手续未办结"],
    Category.ENERGY: ["能评指标待调剂", "用能权交易未完成"],
    Category.ENVIRONMENT: ["污染物排放总量指标待落实", "环境容量不足需区域削减"],
    Category.UTILITIES: ["施工用电未接入", "天然气管网未接通", "供水管线待铺设"],
    Category.SITE: ["周边村民阻工", "施工道路被占用", "夜间施工许可受限"],
    Category.LABOUR: ["技术工人招聘困难", "农民工工资专户未开设"],
    Category.OTHER: ["设计变更待审批", "跨区域协调事项"],
}
DECISIONS = [
    "限期完成{project}征地拆迁扫尾",
    "协调解决{project}施工用电接入",
    "加快{project}施工许可办理",
    "落实{project}专项债资金拨付",
    "研究{project}用地指标调剂方案",
    "督促{project}加快形成实物工作量",
]
MEETING_TITLES = {
    MeetingLevel.OFFICE: "专班办公室{month}月调度会",
    MeetingLevel.VICE_MAYOR: "{leader}{month}月分管领域项目调度会",
    MeetingLevel.EXECUTIVE: "常务副市长{month}月专题调度会",
    MeetingLevel.MAYOR: "市长{month}月顶格调度会（“赛马”比拼）",
}


def _unit_user(unit, cache):
    if unit.pk not in cache:
        cache[unit.pk] = (
            User.objects.filter(organisation=unit, is_active=True, roles__code=RoleCode.REPORTER)
            .order_by("pk")
            .first()
        )
    return cache[unit.pk]


def build_issues(*, today: dt.date, seed: int, tickets: int = 300, log=None) -> dict[str, int]:
    log = log or (lambda message: None)
    rng = random.Random(seed + 11)
    cal = WorkCalendar()
    cal.preload(today - dt.timedelta(days=400), today + dt.timedelta(days=60))
    office = (
        User.objects.filter(username="office").first()
        or User.objects.filter(roles__code=RoleCode.OFFICE).first()
    )
    if office is None:
        return {"tickets": 0, "meetings": 0, "decisions": 0}
    projects = list(
        Project.objects.filter(stage__in=[Stage.PREWORK, Stage.CONSTRUCTION])
        .select_related("county", "department")
        .order_by("pk")
    )
    if not projects:
        return {"tickets": 0, "meetings": 0, "decisions": 0}
    users: dict[int, User] = {}
    city_leaders = list(
        Leader.objects.filter(organisation__kind=OrgKind.CITY, is_active=True).order_by("sort_order")
    )
    # Who is the matter's handling unit: the county for county matters, the department for city ones.
    counts = {"tickets": 0, "meetings": 0, "decisions": 0}
    # One cycle of 25: every state early, so even a small demo has each of them.
    plan = ["found", "suspended", "sent_back", "assigned", "pending_visit", "closed", "handling"]
    plan += ["closed", "handling"] * 6 + [
        "closed",
        "closed",
        "pending_visit",
        "pending_visit",
        "assigned",
        "handling",
    ]
    for n in range(tickets):
        kind = plan[n % len(plan)]
        project = projects[rng.randrange(len(projects))]
        category = rng.choice(list(TITLES))
        age = rng.randint(2, 20) if kind in ("found", "assigned") else rng.randint(5, 150)
        found_on = cal.on_or_before(today - dt.timedelta(days=age))
        city_level = project.department_id is not None and rng.random() < 0.35
        unit = project.department if city_level else project.county
        worker = _unit_user(unit, users)
        if worker is None:
            city_level, unit = False, project.county
            worker = _unit_user(unit, users)
        if worker is None:
            continue
        t = services.ticket_create(
            actor=office,
            project=project,
            title=rng.choice(TITLES[category]),
            description=f"{project.name}：{rng.choice(TITLES[category])}，企业多次反映，影响项目推进。",
            category=category,
            source=rng.choice(Source.values[:1] + Source.values[2:]),
            found_on=found_on,
        )
        counts["tickets"] += 1
        if kind == "found":
            continue
        day = cal.add_working_days(found_on, rng.randint(0, 1))
        day = min(day, today)
        major = rng.random() < 0.12
        t = services.ticket_assign(
            actor=office,
            ticket=t,
            lead_unit=unit,
            authority="city" if city_level else "county",
            complexity=Complexity.MAJOR if major else Complexity.ORDINARY,
            on_clock=rng.random() < 0.15 or None,
            note="请按期办结并反馈。",
            today=day,
        )
        if kind == "assigned":
            continue
        late = rng.random() < 0.25  # a unit that lets its checkpoints pass
        sign_day = cal.add_working_days(day, 2 if late else rng.randint(0, 1))
        if sign_day > today:
            continue
        t = services.ticket_sign(actor=worker, ticket=t, note="已签收，安排专人对接企业。", today=sign_day)
        feedback_day = cal.add_working_days(day, 5 if late else rng.randint(1, 3))
        if feedback_day <= today:
            t = services.ticket_progress(
                actor=worker, ticket=t, note="已与企业对接，正在协调相关部门。", today=feedback_day
            )
        if kind == "handling":
            continue
        if kind == "suspended":
            services.ticket_suspend(
                actor=office,
                ticket=t,
                reason="涉及国土空间规划调整，需长期跟踪。",
                progress_every=10,
                today=min(cal.add_working_days(day, 4), today),
            )
            continue
        solve_day = cal.add_working_days(day, rng.randint(4, 12) if not late else rng.randint(10, 25))
        if solve_day > today:
            continue
        t = services.ticket_report_solved(
            actor=worker, ticket=t, note="问题已解决，企业确认。", today=solve_day
        )
        if kind == "pending_visit":
            continue
        visit_day = cal.add_working_days(solve_day, rng.randint(1, 3))
        if kind == "sent_back" or rng.random() < 0.1:
            if visit_day > today:
                continue
            services.ticket_visit(
                actor=office,
                ticket=t,
                answer=Satisfaction.UNSATISFIED,
                words="问题只解决了一部分，仍影响施工。",
                today=visit_day,
            )
            t.refresh_from_db()
            if kind == "sent_back":
                continue
            solve_day = cal.add_working_days(visit_day, rng.randint(2, 6))
            if solve_day > today:
                continue
            t = services.ticket_report_solved(actor=worker, ticket=t, note="已全部落实。", today=solve_day)
            visit_day = cal.add_working_days(solve_day, 1)
        if visit_day > today:
            continue
        services.ticket_visit(
            actor=office,
            ticket=t,
            answer=rng.choice([Satisfaction.SATISFIED] * 3 + [Satisfaction.FAIRLY]),
            words="满意，感谢协调。",
            today=visit_day,
        )
        t.refresh_from_db()
        services.ticket_close(
            actor=office, ticket=t, grade=rng.choice(["excellent", "good", "good", "pass"]), today=visit_day
        )
    log(f"问题 {counts['tickets']}")

    # A year of dispatch meetings at the four levels, each with its decisions.
    vice_mayors = [x for x in city_leaders if "副市长" in x.title and "常务" not in x.title]
    departments = list({p.department_id: p.department for p in projects if p.department_id}.values())
    for months_back in range(12, -1, -1):
        y, m = today.year, today.month - months_back
        while m < 1:
            y, m = y - 1, m + 12
        for level, day_of_month in (
            (MeetingLevel.OFFICE, 8),
            (MeetingLevel.VICE_MAYOR, 15),
            (MeetingLevel.EXECUTIVE, 18),
            (MeetingLevel.MAYOR, 25),
        ):
            if level == MeetingLevel.MAYOR and m % 2:
                continue
            date = cal.on_or_before(dt.date(y, m, day_of_month))
            if date > today:
                continue
            leader = rng.choice(vice_mayors) if vice_mayors and level == MeetingLevel.VICE_MAYOR else None
            meeting = services.meeting_save(
                actor=office,
                meeting=Meeting(
                    level=level,
                    title=MEETING_TITLES[level].format(month=m, leader=leader.name if leader else ""),
                    date=date,
                    place="市政府第一会议室" if level != MeetingLevel.OFFICE else "市发改委三楼会议室",
                    chair=(
                        leader.name
                        if leader
                        else {
                            MeetingLevel.OFFICE: "专班办公室主任",
                            MeetingLevel.EXECUTIVE: "常务副市长",
                            MeetingLevel.MAYOR: "市长",
                        }[level]
                    ),
                    attendees="专班办公室\n各县（市、区）分管负责同志\n市直有关部门负责同志",
                    minutes=f"会议听取了{m}月项目建设进展汇报，研究了需协调解决的问题，议定事项如下。",
                ),
                attendee_units=departments[:6],
            )
            counts["meetings"] += 1
            picked = rng.sample(projects, k=min(4, len(projects)))
            for project in picked[:3]:
                services.agenda_add(actor=office, meeting=meeting, project=project, text=project.name)
            for project in picked[: rng.randint(2, 3)]:
                owner = project.department or project.county
                deadline = cal.add_working_days(date, rng.randint(5, 25))
                decision = services.decision_create(
                    actor=office,
                    meeting=meeting,
                    title=rng.choice(DECISIONS).format(project=project.name)[:200],
                    lead_unit=owner,
                    deadline=deadline,
                    responsible_leader=leader,
                    project=project,
                    today=date,
                )
                counts["decisions"] += 1
                worker = _unit_user(owner, users)
                if worker is None:
                    continue
                sign_day = cal.add_working_days(date, 1)
                if sign_day <= today:
                    decision = services.ticket_sign(actor=worker, ticket=decision, today=sign_day)
                done_day = cal.add_working_days(date, rng.randint(3, 30))
                if done_day <= today and decision.state == State.HANDLING and rng.random() < 0.85:
                    decision = services.ticket_report_solved(
                        actor=worker, ticket=decision, note="已按会议要求落实。", today=done_day
                    )
                    check_day = cal.add_working_days(done_day, 1)
                    if check_day <= today:
                        services.ticket_close(actor=office, ticket=decision, grade="good", today=check_day)
    log(f"调度会 {counts['meetings']}，议定事项 {counts['decisions']}")
    # What the daily job would have recorded day by day: each missed checkpoint and its 督办 on the
    # working day after its due day.
    book = LeaderBook()
    missed = escalated = 0
    dues = sorted(
        set(
            Checkpoint.objects.filter(status=CheckpointStatus.PENDING, due__lt=today).values_list(
                "due", flat=True
            )
        )
    )
    for run_day in sorted({min(cal.add_working_days(d, 1), today) for d in dues}):
        m, e, _ = record_missed(today=run_day, book=book)
        missed, escalated = missed + m, escalated + e
    log(f"逾期节点 {missed}，督办升级 {escalated}")
    counts["supervised"] = Ticket.objects.filter(supervision__gt=0).exclude(state=State.CLOSED).count()
    return counts


def wipe_issues() -> None:
    """Delete every matter and meeting (only `seed_demo --force` does: the portal itself never
    deletes them). Children first: events, checkpoints, visits and attachments cascade."""
    from issues.models import AgendaItem, TicketNumber

    AgendaItem.objects.all().delete()
    Ticket.objects.filter(source_decision__isnull=False).delete()
    Ticket.objects.all().delete()
    Meeting.objects.all().delete()
    TicketNumber.objects.all().delete()
