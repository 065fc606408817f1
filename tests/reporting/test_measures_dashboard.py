"""The dashboard and bulletin measures (DOMAIN §4) and the 赛马 scoring (§5), against numbers worked
out by hand on a fixture month (June 2025) — including rounding ties and tied ranks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from projects.choices import Stage
from projects.history import stage_history_relink
from projects.models import AnnualPlan, Project, StageChange
from reporting import measures
from reporting.measures import Rule
from tests.factories import ProjectFactory

from .conftest import enter

D = Decimal
pytestmark = pytest.mark.django_db


def plan(project, year, amount, *, new=False, start_month=None, completes=False):
    return AnnualPlan.objects.create(
        project=project,
        year=year,
        planned_investment=D(amount),
        is_new=new,
        planned_start_month=start_month,
        completes_this_year=completes,
    )


def reserve_since(project, stage, day):
    """Put a stage-history row of `stage` effective `day` before the project's own history."""
    first = project.stage_changes.order_by("at").first()
    at = (first.at if first else dt.datetime(2025, 1, 1, tzinfo=dt.UTC)) - dt.timedelta(days=1)
    StageChange.objects.create(project=project, to_stage=stage, effective_date=day, at=at)
    stage_history_relink([project.pk])


@pytest.fixture
def june(world):
    """Six 泽州县 projects with hand-known figures for 1–6月 2025 (see the test bodies)."""
    z = {"county": world.zezhou}
    a = ProjectFactory(
        name="A 新建提前开工", actual_start=dt.date(2025, 2, 10), is_industrial=True, is_private=True, **z
    )
    plan(a, 2025, "1000", new=True, start_month=3)
    b = ProjectFactory(
        name="B 新建未开工",
        stage=Stage.PREWORK,
        actual_start=None,
        total_investment=D("8000.00"),
        **z,
    )
    plan(b, 2025, "2000", new=True, start_month=5)
    c = ProjectFactory(name="C 储备转化", actual_start=dt.date(2025, 6, 1), is_high_tech=True, **z)
    plan(c, 2025, "500", new=True, start_month=8)
    d = ProjectFactory(
        name="D 续建已复工",
        actual_start=dt.date(2024, 3, 1),
        planned_completion=dt.date(2025, 5, 31),
        is_industrial=True,
        **z,
    )
    plan(d, 2025, "1200", completes=True)
    plan(d, 2024, "1000")
    e = ProjectFactory(
        name="E 续建未复工",
        actual_start=dt.date(2024, 3, 1),
        planned_completion=dt.date(2025, 12, 31),
        actual_completion=dt.date(2025, 6, 20),
        **z,
    )
    plan(e, 2025, "800", completes=True)
    r = ProjectFactory(
        name="R 储备", stage=Stage.RESERVE, actual_start=None, total_investment=D("30000.00"), **z
    )
    reserve_since(b, Stage.PREWORK, dt.date(2024, 6, 1))
    reserve_since(c, Stage.PREWORK, dt.date(2024, 5, 1))
    reserve_since(r, Stage.RESERVE, dt.date(2024, 1, 1))
    for month, amount in ((2, "100"), (3, "150"), (6, "250.50")):
        enter(world, a, 2025, month, amount, approve=True)
    enter(world, c, 2025, 6, "49.50", approve=True)
    enter(world, d, 2025, 4, "300", approve=True)
    enter(world, d, 2024, 6, "400", approve=True)
    enter(world, e, 2024, 6, "100", approve=True)  # E has no 2024 plan
    enter(world, e, 2025, 6, "100")  # a draft: never counts
    ids = [p.pk for p in (a, b, c, d, e, r)]
    return Project.objects.filter(pk__in=ids), {p.name[0]: p for p in (a, b, c, d, e, r)}


def test_starts_resumptions_completions_and_reserve_counts(june):
    projects, _ = june
    c = measures.counts(projects=projects, year=2025, month=6)
    assert (c.new_planned, c.new_planned_by, c.started, c.started_early, c.not_started_on_plan) == (
        3,
        2,
        2,
        2,
        1,
    )
    assert (c.continuing, c.resumed) == (2, 1)
    assert c.start_rate == D("66.7")  # 2/3
    assert c.start_rate_by_month == D("100.0")  # 2/2
    assert c.resume_rate == D("50.0")
    assert (c.start_resume_count, c.start_resume_base, c.start_resume_rate) == (3, 5, D("60.0"))
    assert (c.completion_planned, c.completed, c.completed_early, c.completion_late) == (2, 1, 1, 1)
    assert (c.reserve_at_start, c.reserve_converted, c.reserve_conversion) == (3, 1, D("33.3"))
    assert c.in_reserve == 2 and c.reserve_investment == D("38000.00")  # B 8000 + R 30000


def test_each_count_is_the_size_of_the_list_behind_it(june):
    projects, p = june
    for code in measures.PROJECT_SETS:
        listed = measures.set_projects(code, projects=projects, year=2025, month=6)
        assert listed.count() == getattr(measures.counts(projects=projects, year=2025, month=6), code), code
    started = measures.set_projects("started", projects=projects, year=2025, month=6)
    assert set(started.values_list("name", flat=True)) == {p["A"].name, p["C"].name}


def test_resumption_follows_the_approved_basis_as_of_a_cutoff(world, june):
    projects, p = june
    before = measures.counts(
        projects=projects, year=2025, month=6, as_of=dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    )
    assert before.resumed == 0 and measures.counts(projects=projects, year=2025, month=3).resumed == 0


def test_counts_by_county_add_up(world, june):
    projects, _ = june
    by = measures.counts_by(projects=Project.objects.all(), by="county", year=2025, month=6)
    whole = measures.counts(projects=Project.objects.all(), year=2025, month=6)
    assert sum(by.values(), measures.Counts()) == whole
    # the world's three continuing projects are in the set of all projects, not in the fixture set
    assert by[world.zezhou.pk].continuing == 2 + 2 and by[world.gaoping.pk].continuing == 1


def test_completion_month_by_month_with_a_rounding_tie(june):
    projects, p = june
    rows = measures.monthly_completion(projects=projects, year=2025, month=6)
    assert [r["ytd"] for r in rows] == [
        D("0.00"),
        D("100.00"),
        D("250.00"),
        D("550.00"),
        D("550.00"),
        D("850.00"),
    ]
    # 850 / 5500 = 15.4545… → 15.5; gap (850·1200 − 6·100·5500)/(12·5500) = −34.545… → −34.5
    assert rows[-1]["completion_rate"] == D("15.5") and rows[-1]["vs_time_progress_pp"] == D("-34.5")
    assert rows[-1]["time_progress"] == D("50.0")
    # A alone: 500.50 / 1000 = 50.05 exactly → 50.1 (half up)
    a = measures.project_figures(project=p["A"], year=2025, month=6)
    assert a.completion_rate == D("50.1")


def test_yoy_on_each_years_plan_list_differs_from_the_same_set(june):
    projects, _ = june
    this, last, rate = measures.yoy_on_plan_sets_by(projects=projects, by=None, year=2025, month=6)[None]
    # 2025's list: 850; 2024's list holds D only (E had no 2024 plan): 400 → +112.5%
    assert (this, last, rate) == (D("850.00"), D("400.00"), D("112.5"))
    same_set = measures.figures(projects=projects, year=2025, month=6)
    assert same_set.last_year_ytd == D("500.00") and same_set.yoy_rate == D("70.0")


def test_structure_shares_growth_and_share_change(june):
    projects, _ = june
    s = measures.structure_by(projects=projects, by=None, year=2025, month=6)[None]
    ind, prv, tech = s["is_industrial"], s["is_private"], s["is_high_tech"]
    assert (ind.ytd, ind.share, ind.last_year_ytd, ind.yoy_rate) == (
        D("800.50"),
        D("94.2"),
        D("400.00"),
        D("100.1"),
    )
    assert (prv.share, prv.yoy_rate) == (D("58.9"), None)
    # share now 500.5/850 = 58.88…%, a year ago 0/500 = 0% → +58.9 points
    assert prv.share_change_pp == D("58.9")
    assert tech.share == D("5.8")  # 49.5 / 850 = 5.82…


def test_quarter_slogans():
    assert measures.quarter_slogan(3, D("25.0")) == ("开门红", True)
    assert measures.quarter_slogan(6, D("49.9")) == ("双过半", False)
    assert measures.quarter_slogan(6, D("50.0")) == ("双过半", True)
    assert measures.quarter_slogan(9, D("75.0")) == ("超时序", False)  # must exceed
    assert measures.quarter_slogan(12, D("100.0")) == ("收好官", True)
    assert measures.quarter_slogan(10, None) == ("收好官", None)


def test_pace_ranking_within_classes_and_the_lists(world, june):
    projects, p = june
    Project.objects.filter(pk=p["D"].pk).update(key_level="city")
    bands = [(5000, "5000万元以上"), (0, "5000万元以下")]
    ranking = measures.pace_ranking(projects=projects, year=2025, month=6, bands=bands)
    # Started projects with a plan: A, C, E (D is key); B has not started
    assert [e.project_id for e in ranking["5000万元以下"]] == [p["A"].pk, p["C"].pk, p["E"].pk]
    assert [e.project_id for e in ranking["重点项目"]] == [p["D"].pk]
    a = ranking["5000万元以下"][0]
    assert (a.rank, a.group_size, a.vs_time_progress_pp, a.completion_rate) == (1, 3, D("0.1"), D("50.1"))
    fast, slow = measures.fastest_and_slowest(ranking, top=1, fast_min_pp=D("0"), slow_max_pp=D("-20"))
    assert measures.with_figures(fast, year=2025, month=6)[0].figures.ytd_completed == D("500.50")
    assert [e.project_id for e in fast] == [p["A"].pk]
    # E: nothing approved (−50 points); D: 300/1200 = 25% (−25 points), slowest first
    assert [e.project_id for e in slow] == [p["E"].pk, p["D"].pk]


def _pace_by_decimals(projects, year, month, bands):
    """The ranking as the measures define it, one Decimal division per project (the reference)."""
    plans = AnnualPlan.objects.filter(
        year=year,
        planned_investment__gt=0,
        project__actual_start__lte=dt.date(year, month, 28),
        project__in=projects,
    ).values_list("project_id", "planned_investment", "project__key_level")
    ytd = measures.ytd_completed([pid for pid, _, _ in plans], year, month)
    groups = {}
    for pid, plan, key_level in plans:
        gap = measures.gap_to_time_progress(ytd[pid], plan, month)
        group = "重点项目" if key_level else measures.size_band(plan, bands)
        groups.setdefault(group, []).append((pid, gap, measures.rate(ytd[pid], plan)))
    for members in groups.values():
        members.sort(key=lambda m: (-m[1], -m[2], m[0]))
    return {
        g: [(pid, i + 1, len(m), str(gap), str(c)) for i, (pid, gap, c) in enumerate(m)]
        for g, m in groups.items()
    }


def test_pace_ranking_in_hundredths_equals_the_decimal_definition_with_ties(world):
    """Many projects whose gaps and 完成率 tie after rounding (and some just below zero: "-0.0")."""
    bands = [(1000, "1000万元以上"), (0, "1000万元以下")]
    cases = [
        ("2000.00", "0.01"),  # 完成率 0.0005 → 0.0 … rate 0.05% → 0.1 (a tie rounds up)
        ("2000.00", "1000.00"),  # 50.0%, gap 50.0 − 50.0 = 0.0
        ("2000.00", "999.99"),  # just behind: gap −0.0005 → "-0.0"
        ("2000.00", "999.00"),  # gap −0.05 → −0.1 (a negative tie rounds away from zero)
        ("1200.00", "600.00"),  # 50.0%, ties the second case on both keys: by id
        ("300.00", "150.05"),
        ("300.00", "0"),
        ("333.33", "166.67"),
        ("777.77", "388.89"),
        ("5000.00", "2500.00"),
        ("5000.00", "2499.99"),
    ]
    projects = []
    for i, (plan_amount, done) in enumerate(cases):
        p = ProjectFactory(name=f"P{i}", county=world.zezhou, actual_start=dt.date(2024, 3, 1))
        plan(p, 2025, plan_amount)
        if D(done):
            enter(world, p, 2025, 6, done, approve=True)
        projects.append(p.pk)
    qs = Project.objects.filter(pk__in=projects)
    got = measures.pace_ranking(projects=qs, year=2025, month=6, bands=bands)
    flat = {
        g: [
            (e.project_id, e.rank, e.group_size, str(e.vs_time_progress_pp), str(e.completion_rate))
            for e in m
        ]
        for g, m in got.items()
    }
    assert flat == _pace_by_decimals(qs, 2025, 6, bands)
    assert "-0.0" in {row[3] for rows in flat.values() for row in rows}
    # The dashboard's lists, made for the listed projects only, are the same entries as the ranking's.
    Project.objects.filter(pk__in=projects[::3]).update(key_level="city")
    ranking = measures.pace_ranking(projects=qs, year=2025, month=6, bands=bands)
    for top, fast_min, slow_max, limit in ((1, "0", "-20", 15), (3, "-50", "0", 2), (2, "0.1", "-0.1", 1)):
        fast, slow = measures.fastest_and_slowest(
            ranking, top=top, fast_min_pp=D(fast_min), slow_max_pp=D(slow_max)
        )
        behind = sorted(
            (e for e in ranking["重点项目"] if e.vs_time_progress_pp < 0),
            key=lambda e: (e.vs_time_progress_pp, e.project_id),
        )[:limit]
        lists = measures.pace_lists(
            projects=qs,
            year=2025,
            month=6,
            bands=bands,
            top=top,
            fast_min_pp=D(fast_min),
            slow_max_pp=D(slow_max),
            behind_limit=limit,
        )
        assert lists == (fast, slow, behind)
        assert any(lists), (top, fast_min, slow_max)


@pytest.mark.parametrize("seed", range(3))
def test_half_up_in_whole_numbers_is_round_rate_of_the_quotient(seed):
    import random

    rnd = random.Random(seed)
    for _ in range(3000):
        base = rnd.choice([rnd.randint(1, 10**6), rnd.randint(1, 10**12), 2 * rnd.randint(1, 10**4)])
        done = rnd.choice([rnd.randint(0, 2 * base), base // 2, base * 1 // 20, rnd.randint(0, 10**12)])
        month = rnd.randint(1, 12)
        plan_, ytd = D(base).scaleb(-2), D(done).scaleb(-2)
        gap = measures._half_up((done * 1200 - month * 100 * base) * 10, 12 * base)
        assert str(gap) == str(measures.gap_to_time_progress(ytd, plan_, month)), (done, base, month)
        assert str(measures._half_up(done * 1000, base)) == str(measures.rate(ytd, plan_)), (done, base)


# --- 赛马 -----------------------------------------------------------------------------------


def test_competition_ranks_share_ties_and_skip():
    assert measures.competition_ranks({"a": D("3"), "b": D("5"), "c": D("5"), "d": None}) == {
        "a": 3,
        "b": 1,
        "c": 1,
        "d": None,
    }
    assert measures.competition_ranks({"a": D("3"), "b": D("1")}, higher_is_better=False) == {"a": 2, "b": 1}


def test_points_by_method():
    linear = Rule("completion_rate", "完成率", "scale", D("30"), "linear", floor=D("0"), target=D("100"))
    assert measures.rule_points(linear, D("40"), None, 4) == D("12.00")
    assert measures.rule_points(linear, D("33.335"), None, 4) == D("10.00")  # 10.0005 → 10.00
    assert measures.rule_points(linear, D("120"), None, 4) == D("30.00")
    assert measures.rule_points(linear, D("-5"), None, 4) == D("0.00")
    ranked = Rule("start_rate", "开工率", "start", D("20"), "rank")
    assert [measures.rule_points(ranked, D("1"), r, 4) for r in (1, 2, 3, 4)] == [
        D("20.00"),
        D("15.00"),
        D("10.00"),
        D("5.00"),
    ]
    steps = Rule(
        "reserve_conversion", "储备转化率", "reserve", D("10"), "threshold", thresholds=((30, 10), (20, 5))
    )
    assert [measures.rule_points(steps, D(v), None, 4) for v in ("35", "30", "25", "10")] == [
        D("10.00"),
        D("10.00"),
        D("5.00"),
        D("0.00"),
    ]
    assert measures.rule_points(linear, None, None, 4) == D("0.00")


def test_race_scores_against_a_hand_scored_table_with_ties():
    rules = [
        Rule("completion_rate", "完成率", "scale", D("30"), "linear", floor=D("0"), target=D("100")),
        Rule("start_rate", "开工率", "start", D("20"), "rank", target=D("80")),
        Rule(
            "reserve_conversion",
            "储备转化率",
            "reserve",
            D("10"),
            "threshold",
            thresholds=((30, 10), (20, 5)),
        ),
    ]
    values = {
        "a": {"completion_rate": D("50"), "start_rate": D("80"), "reserve_conversion": D("35")},
        "b": {"completion_rate": D("40"), "start_rate": D("80"), "reserve_conversion": D("25")},
        "c": {"completion_rate": D("90"), "start_rate": D("60"), "reserve_conversion": None},
        "d": {"completion_rate": D("120"), "start_rate": None, "reserve_conversion": D("10")},
    }
    # by hand:  a 15 + 20 + 10 = 45 · b 12 + 20 + 5 = 37 · c 27 + 10 + 0 = 37 · d 30 + 0 + 0 = 30
    scores = measures.race_scores(values, rules)
    assert [(s.key, s.total, s.rank) for s in scores] == [
        ("a", D("45.00"), 1),
        ("b", D("37.00"), 2),
        ("c", D("37.00"), 2),
        ("d", D("30.00"), 4),
    ]
    c = scores[2]
    assert [(line.value, line.rank, line.points) for line in c.lines] == [
        (D("90"), 2, D("27.00")),  # ranked on every indicator, scored by its method
        (D("60"), 3, D("10.00")),
        (None, None, D("0.00")),
    ]
    assert c.lines[1].met is False and scores[0].lines[1].met is True
    assert c.dimension_points() == {"scale": D("27.00"), "start": D("10.00"), "reserve": D("0.00")}


def test_indicator_values_per_county_in_a_few_queries(world, june, django_assert_max_num_queries):
    # money_view (plans, values: figures, 同比 and structure from one scan, the monthly line) and
    # counts_by (plans, stage history)
    with django_assert_max_num_queries(5):
        values = measures.indicator_values(
            projects=Project.objects.all(),
            by="county",
            keys=[world.zezhou.pk, world.gaoping.pk],
            year=2025,
            month=6,
            fai_targets={world.zezhou.pk: D("19000")},
        )
    zz = values[world.zezhou.pk]
    assert zz["start_rate"] == D("66.7") and zz["resume_rate"] == D("25.0")  # D of D, E, and the world's two
    assert zz["reserve_multiple"] == D("2.00")  # 38000 / 19000
    assert values[world.gaoping.pk]["reserve_multiple"] is None  # no target


def test_yi_and_planned_total(june):
    projects, _ = june
    assert measures.to_yi(D("6290450.00")) == D("629.0")  # 629.045 → 629.0
    assert measures.to_yi(D("6290500.00")) == D("629.1")  # a tie rounds up
    assert measures.to_yi(D("12345.00"), 2) == D("1.23")
    # A, B, C, D, E (10000 each but B 8000): 48000
    assert measures.counts(projects=projects, year=2025, month=6).planned_total == D("48000.00")


def test_drill_lists_for_unions_and_flags(june):
    projects, p = june
    both = measures.set_projects("started_or_resumed", projects=projects, year=2025, month=6)
    assert set(both) == {p["A"], p["C"], p["D"]}
    assert both.count() == measures.counts(projects=projects, year=2025, month=6).start_resume_count
    industrial = measures.set_projects("is_industrial", projects=projects, year=2025, month=6)
    assert set(industrial) == {p["A"], p["D"]}
    with pytest.raises(KeyError):
        measures.set_projects("nonsense", projects=projects, year=2025, month=6)


def test_counts_by_each_match_the_separate_counts(world, june):
    everything = Project.objects.all()
    period = {"year": 2025, "month": 6}
    total, by = measures.counts_by_each(projects=everything, dims=("county", "department"), **period)
    assert total == measures.counts(projects=everything, **period)
    assert by["county"] == measures.counts_by(projects=everything, by="county", **period)
    assert by["department"][world.gxj.pk] == measures.counts(
        projects=everything.filter(department=world.gxj), **period
    )


@pytest.mark.parametrize("month", [1, 6, 12])
def test_money_view_is_figures_groups_structure_series_and_yoy_from_one_scan(
    world, june, month, django_assert_num_queries
):
    everything = Project.objects.all()
    period = {"year": 2025, "month": month}
    # the plans; the values by group (the two plan lists are subqueries); the values by month
    with django_assert_num_queries(3):
        view = measures.money_view(projects=everything, dims=("county", "department"), **period)
    assert view.figures == measures.figures(projects=everything, **period)
    for dim in ("county", "department"):
        assert view.groups[dim] == measures.figures_by(projects=everything, by=dim, **period)
        assert view.group_yoy[dim] == measures.yoy_on_plan_sets_by(projects=everything, by=dim, **period)
        assert view.group_structure[dim] == measures.structure_by(projects=everything, by=dim, **period)
    assert view.structure == measures.structure_by(projects=everything, by=None, **period)[None]
    assert view.series == measures.monthly_completion(projects=everything, **period)
    assert view.yoy == measures.yoy_on_plan_sets_by(projects=everything, by=None, **period)[None]
    zezhou = measures.money_view(projects=everything.filter(county=world.zezhou), **period)
    assert zezhou.figures == measures.figures(projects=everything.filter(county=world.zezhou), **period)


def test_a_county_filter_reads_the_same_figures_as_its_id_list(world, june):
    """A queryset of plain equalities becomes conditions on the joined project (one read of the
    project table); any other queryset an id list: the figures are the same either way."""
    county = Project.objects.filter(county=world.zezhou)
    listed = Project.objects.filter(pk__in=list(county.values_list("pk", flat=True)))
    assert measures._project_filter(county) == {"project__county": world.zezhou.pk}
    assert measures._project_filter(county.filter(is_industrial=True)) == {
        "project__county": world.zezhou.pk,
        "project__is_industrial": True,
    }
    for other in (
        listed,
        county.exclude(is_industrial=True),
        Project.objects.filter(county__name="泽州县"),
        Project.objects.filter(county=None),
        county | Project.objects.filter(department=world.gxj),
        county.distinct(),
    ):
        assert set(measures._project_filter(other)) == {"project__in"}
    bands = [(1000, "大"), (0, "小")]
    for month in (1, 6):
        period = {"year": 2025, "month": month}
        assert measures.money_view(projects=county, **period) == measures.money_view(
            projects=listed, **period
        )
        assert measures.counts(projects=county, **period) == measures.counts(projects=listed, **period)
        assert measures.pace_ranking(projects=county, bands=bands, **period) == measures.pace_ranking(
            projects=listed, bands=bands, **period
        )
    assert (
        measures.counts(projects=county, year=2025, month=6).planned == 5 + 2
    )  # june's five, the world's two


def test_a_grids_figures_in_one_statement_equal_the_orm_queries(
    world, june, postgres_only, django_assert_num_queries
):
    """`figures_on_bases` for a list of ids on PostgreSQL is one statement (every grid page); it gives
    the figures of the general path (a queryset of the same projects) on both bases, January (which
    reads last December) included."""
    projects, p = june
    enter(world, p["D"], 2024, 12, "70", approve=True)
    enter(world, p["D"], 2025, 1, "12.34")  # a draft: the working line only
    ids = list(projects.values_list("pk", flat=True))
    for month in (1, 2, 6, 7, 12):
        with django_assert_num_queries(1):
            fast = measures.figures_on_bases(projects=ids, year=2025, month=month)
        general = measures.figures_on_bases(projects=projects, year=2025, month=month)
        assert fast == general, month
    june_lines = measures.figures_on_bases(projects=ids, year=2025, month=6)
    # plan 1000 + 2000 + 500 + 1200 + 800; approved 1–6月 A 500.50 + C 49.50 + D 300; the drafts (E 100
    # in June, D 12.34 in January) count on the working line only
    assert june_lines["approved"].annual_plan == D("5500.00")
    assert june_lines["approved"].ytd_completed == D("850.00")
    assert june_lines["working"].ytd_completed == D("962.34")
    assert june_lines["approved"].last_year_ytd == D("500.00")  # D 400 + E 100 in June 2024
    assert measures.figures_on_bases(projects=ids, year=2025, month=1)["approved"].prev_month_invested == D(
        "70.00"
    )
