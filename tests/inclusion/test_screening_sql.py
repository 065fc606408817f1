"""The screening computed in the database gives what the screening computed in Python gave.

`tests/inclusion/oracle.py` keeps the former implementation (every project read and checked in
Python, filtered and sorted in Python). Over a city with every kind of project the bureau meets —
each status, good and bad credit codes, in and out of the 名录库, evidence or none, started long ago,
today or not yet, below the threshold, cancelled, suspected duplicates — the SQL-first screening
must list the same rows in the same order with the same checks, and count the same by county,
department and status, for each list, filter and ordering.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest

from inclusion.choices import InclusionStatus as S
from inclusion.choices import RuleKind
from inclusion.conditions import RuleConditions
from inclusion.duplicates import duplicate_map, find_duplicates
from inclusion.models import DirectoryEntry, EvidenceFile, EvidenceKind, InclusionRecord, InclusionRule
from inclusion.rules import check
from inclusion.selectors import active_rules, population, screened, screening
from projects.choices import Stage
from projects.models import Project
from reporting.choices import ReportStatus
from reporting.models import MonthlyReport, ReportRevision
from tests.factories import ProjectFactory
from tests.inclusion.conftest import TODAY, credit_code
from tests.inclusion.oracle import old_filtered, old_rows

pytestmark = pytest.mark.django_db

GOOD = [credit_code(100 + i) for i in range(12)]
BAD_CHECK = GOOD[0][:-1] + ("0" if GOOD[0][-1] != "0" else "1")


def _project(world, n, **kw):
    base = {
        "name": f"泽州县筛选测试项目{n:02d}",
        "county": world.zezhou,
        "credit_code": GOOD[n % len(GOOD)],
        "construction_unit": f"晋城市筛选测试单位{n % len(GOOD):02d}有限公司",
        "total_investment": Decimal("800.00"),
        "fund_self_raised": Decimal("800.00"),
        "actual_start": TODAY - dt.timedelta(days=10 * n + 1),
        "history": False,
    }
    base.update(kw)
    if "fund_self_raised" not in kw:
        base["fund_self_raised"] = base["total_investment"]
    return ProjectFactory(**base)


def _record(project, status, **kw):
    defaults = {"stats_number": f"N-{project.pk}"} if status == S.INCLUDED else {}
    return InclusionRecord.objects.create(project=project, status=status, **defaults, **kw)


def _evidence(project, kinds):
    for kind in kinds:
        EvidenceFile.objects.create(project=project, kind=kind, file=f"x/{project.pk}.pdf", file_format="pdf")


@pytest.fixture
def city(incl):
    """About forty projects of every kind, spread over two counties, the zone and three departments."""
    w = incl
    kinds = list(EvidenceKind.objects.filter(is_active=True).order_by("sort_order"))
    for code in GOOD[:9]:
        DirectoryEntry.objects.get_or_create(
            credit_code=code, defaults={"name": f"晋城市筛选测试单位{GOOD.index(code):02d}有限公司"}
        )
    DirectoryEntry.objects.filter(credit_code=GOOD[3]).update(name="晋城市另一个名字有限公司")  # mismatch
    counties = [w.zezhou, w.gaoping, w.zone]
    departments = [None, w.gxj, w.jtj, w.fgw]
    statuses = [None, S.PENDING, S.DECLARED, S.INCLUDED, S.RETURNED]
    n = 0
    for i in range(30):
        n += 1
        p = _project(
            w,
            n,
            county=counties[i % 3],
            department=departments[i % 4],
            total_investment=Decimal("499.99") if i % 11 == 5 else Decimal(500 + 37 * i),
        )
        status = statuses[i % 5]
        if status:
            _record(
                p,
                status,
                declared_on=TODAY if status != S.PENDING else None,
                return_reason="资料不全" if status == S.RETURNED else "",
            )
        _evidence(p, kinds[: i % (len(kinds) + 1)])
    odd = [
        {"credit_code": ""},
        {"credit_code": BAD_CHECK},
        {"credit_code": credit_code(7, prefix="92")},
        {"credit_code": GOOD[1].lower()},
        {"credit_code": "ABC"},
        {"credit_code": GOOD[10]},  # valid, not in the 名录库
        {"actual_start": None, "stage": Stage.PREWORK},
        {"actual_start": TODAY},  # started today: no days yet
        {"actual_start": TODAY + dt.timedelta(days=5)},  # a date in the future
        {"stage": Stage.SUSPENDED},
        {"stage": Stage.CANCELLED},
        {"total_investment": Decimal("300.00"), "county": w.gaoping},
    ]
    for changes in odd:
        n += 1
        p = _project(w, n, **changes)
        _evidence(p, kinds[:2])
    # Worked on although no longer eligible (below the threshold now), and included ones lacking things.
    n += 1
    _record(_project(w, n, total_investment=Decimal("100.00")), S.DECLARED, declared_on=TODAY)
    n += 1
    _record(_project(w, n, credit_code=""), S.INCLUDED)
    # Suspected duplicates: same code written differently; same unit and a near-identical name; the
    # same unit name without credit codes; one across counties; one whose twin is included.
    a = _project(w, 90, name="泽州县巴公新材料产业园项目", code="2503-140525-04-01-000001")
    _project(w, 91, name="高平市新材料二期", code="2503140525-04-01000001", county=w.gaoping)
    _project(
        w, 92, name="晋城市巴公新材料产业园", credit_code=a.credit_code, construction_unit=a.construction_unit
    )
    _project(w, 93, name="陵川县光伏电站", credit_code="", construction_unit="晋城市某某能源公司")
    _project(w, 94, name="陵川县光伏电站工程", credit_code="", construction_unit="晋城市某某能源公司 ")
    twin = _project(w, 95, name="泽州县物流园", credit_code=GOOD[5])
    _record(twin, S.INCLUDED)
    _project(w, 96, name="泽州县物流园项目", credit_code=GOOD[5])
    # Money on the approved basis for the county figures.
    for i, p in enumerate(Project.objects.order_by("pk")[:25]):
        report = MonthlyReport.objects.create(
            project=p, year=2025, month=9, invested=Decimal(10 + i), status=ReportStatus.APPROVED
        )
        ReportRevision.objects.create(
            report=report, project=p, year=2025, month=9, invested=Decimal(10 + i), revision=0
        )
    return w


def _key(row):
    return (
        row.id,
        row.status,
        row.eligible,
        row.ready,
        row.days_since_start,
        tuple(row.checks),
        tuple(sorted((d["id"], d["reason"]) for d in row.duplicates)),
        row.county_name,
        row.department_name,
        row.stats_number,
        row.return_reason,
    )


def _compare(user, filters):
    rules = active_rules()
    f = {"list": "screening", "ordering": "-days", **filters}
    expected = [_key(r) for r in old_filtered(old_rows(user, rules, TODAY), f)]
    rows = screening(user=user, filters=f, year=2025, month=10, today=TODAY).rows
    got = [_key(r) for r in rows]
    assert got == expected, f
    assert len(rows) == len(expected)
    if len(expected) > 3:
        assert [_key(r) for r in rows[1:3]] == expected[1:3]
        assert _key(rows[2]) == expected[2]
    return len(expected)


LISTS = ["screening", "declared", "included", "returned", "all"]
ORDERINGS = ["-days", "days", "-total_investment", "county", "name"]


@pytest.mark.parametrize("user", ["stats", "zz_stats"])
def test_every_list_in_every_order_is_the_pythons(city, user):
    sizes = [
        _compare(city[user], {"list": lst, "ordering": o}) for lst, o in itertools.product(LISTS, ORDERINGS)
    ]
    assert max(sizes) > 10  # the lists are not trivially empty


def test_every_filter_is_the_pythons(city):
    user = city["stats"]
    rules = active_rules()
    by_kind = {r.kind: r for r in rules}
    filters = [
        {"county": city.zezhou},
        {"county": city.city},
        {"county": city.gaoping},
        {"department": city.gxj},
        *({"status": s} for s in S.values),
        *({"lacks": r.id} for r in rules),
        {"lacks": 99999},
        {"ready": "yes"},
        {"ready": "no"},
        {"duplicate": "yes"},
        {"min_days": 0},
        {"min_days": 100},
        {"search": "新材料"},
        {"search": "140525-04"},
        {"search": GOOD[2].lower()},
        {"search": "单位03 泽州"},
        {"search": "%"},
        {"county": city.zezhou, "ready": "no", "ordering": "name"},
        {"duplicate": "yes", "ordering": "county"},
    ]
    counted = 0
    for f in filters:
        for lst in ("screening", "all"):
            counted += _compare(user, {**f, "list": lst})
    assert counted > 100
    assert by_kind[RuleKind.LEGAL_ENTITY] and by_kind[RuleKind.IN_DIRECTORY]


def test_without_eligibility_or_readiness_rules(city):
    InclusionRule.objects.filter(kind__in=(RuleKind.MIN_INVESTMENT, RuleKind.STARTED)).update(is_active=False)
    for lst in LISTS:
        _compare(city["stats"], {"list": lst})
    InclusionRule.objects.update(is_active=False)
    for f in ({"list": "all"}, {"ready": "no"}, {"ready": "yes"}):
        _compare(city["stats"], f)


def test_each_condition_answers_as_its_check(city):
    """Per rule, the projects SQL says pass are exactly those whose check in words passes."""
    rules = active_rules()
    cond = RuleConditions(rules, TODAY)
    raw = {r.id: r for r in old_rows(city["stats"], rules, TODAY)}
    assert len(raw) > 30
    qs = screened(city["stats"], rules, TODAY)
    for rule in rules:
        passing = set(qs.filter(cond.passes(rule)).values_list("pk", flat=True))
        failing = set(qs.filter(cond.fails(rule)).values_list("pk", flat=True))
        expected = {
            pid for pid, row in raw.items() if next(c for c in row.checks if c.rule_id == rule.id).passed
        }
        assert passing == expected, rule.name
        assert failing == set(raw) - expected, rule.name


@pytest.mark.parametrize(
    "code",
    ["", "   ", "ABC", "abc", GOOD[0], GOOD[0].lower(), BAD_CHECK, credit_code(7, prefix="92"), "I" * 18],
)
def test_the_legal_entity_condition_on_odd_codes(incl, code):
    rule = next(r for r in active_rules() if r.kind == RuleKind.LEGAL_ENTITY)
    project = ProjectFactory(credit_code=code, county=incl.zezhou, history=False)
    passes = Project.objects.filter(pk=project.pk).filter(RuleConditions([rule], TODAY).passes(rule)).exists()
    facts = type("F", (), {"credit_code": code})
    assert passes is check(rule, facts, TODAY).passed


def test_counts_by_county_department_and_status_are_the_pythons(city):
    for user in ("stats", "zz_stats"):
        rules = active_rules()
        rows = old_rows(city[user], rules, TODAY)
        counted = [r for r in rows if r.eligible or r.status != S.PENDING]
        s = screening(user=city[user], year=2025, month=10, today=TODAY)

        def tally(key, counted=counted):
            out = {}
            for r in counted:
                t = out.setdefault(key(r), [0, 0, 0, 0, 0, 0])
                t[0] += 1
                t[["pending", "declared", "included", "returned"].index(r.status) + 1] += 1
                t[5] += r.status != S.INCLUDED and r.ready
            return out

        def got(areas):
            return {
                a.org_id: [a.population, a.pending, a.declared, a.included, a.returned, a.ready]
                for a in areas
            }

        assert got(s.by_county) == tally(lambda r: r.county_id)
        assert got(s.by_department) == tally(lambda r: r.department_id)
        assert got([s.totals]) == {None: tally(lambda r: None)[None]}
        lists = {key: len(old_filtered(rows, {"list": key, "ordering": "-days"})) for key in LISTS}
        assert s.list_counts == lists
        # The money: the approved 1–N月 of each county's screened projects, and of its included ones.
        from reporting import measures

        pop = population(city[user], rules, TODAY)
        for area in s.by_county:
            in_county = pop.filter(county_id=area.org_id)
            assert area.ytd_all == measures.figures(projects=in_county, year=2025, month=10).ytd_completed
            assert (
                area.ytd_included
                == measures.figures(
                    projects=in_county.filter(inclusion_record__status=S.INCLUDED), year=2025, month=10
                ).ytd_completed
            )
        assert s.totals.ytd_all > 0 and s.totals.ytd_included > 0


def test_duplicates_of_a_few_are_those_of_all(city):
    everything = duplicate_map()
    assert len(everything) >= 6
    ids = list(Project.objects.values_list("pk", flat=True))
    for pid in ids:
        assert find_duplicates([pid]) == ({pid: everything[pid]} if pid in everything else {})
    assert find_duplicates(ids[:20]) == {p: d for p, d in everything.items() if p in ids[:20]}
