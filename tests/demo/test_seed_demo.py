"""`manage.py seed_demo`: a small demo city must be as consistent as the real ledgers are required to be."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections import Counter
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from accounts.models import AuditLog, Organisation, User
from demo.geography import AREAS
from projects.choices import ApprovalStatus, Stage
from projects.models import AnnualPlan, Approval, Leader, Project, StageChange
from projects.models.project import FUNDING_FIELDS
from projects.validators import PROJECT_CODE_RE, validate_credit_code
from reporting.choices import ReportStatus
from reporting.models import MonthlyReport, ReportRevision

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 23)
SMALL = 60
PASSWORD = "Demo@2025"


def seed(*args) -> str:
    out = io.StringIO()
    call_command("seed_demo", "--today", TODAY.isoformat(), *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(db):
    return seed("--projects", str(SMALL))


def month_index(year, month):
    return year * 12 + month - 1


def fingerprint() -> str:
    """A digest of the demo's content by natural keys (ids differ between runs on purpose)."""
    h = hashlib.sha256()
    for row in Project.objects.order_by("name").values_list(
        "name",
        "code",
        "county__name",
        "town__name",
        "department__name",
        "reporting_unit__name",
        "construction_unit",
        "credit_code",
        "industry",
        "key_level",
        "stage",
        "total_investment",
        "fund_self_raised",
        "fund_special_bond",
        "planned_start",
        "actual_start",
        "actual_completion",
        "operation_date",
        "liaison_leader__name",
        "liaison_leader_name",
        "longitude",
        "latitude",
    ):
        h.update(repr(row).encode())
    for model, fields in (
        (AnnualPlan, ("project__name", "year", "planned_investment", "is_new", "planned_start_month")),
        (Approval, ("project__name", "kind__code", "status", "actual_date", "planned_date")),
        (StageChange, ("project__name", "to_stage", "effective_date")),
        (MonthlyReport, ("project__name", "year", "month", "invested", "status", "submitted_at", "revision")),
        (ReportRevision, ("report__project__name", "report__year", "report__month", "revision", "invested")),
    ):
        for row in model.objects.order_by(*fields).values_list(*fields):
            h.update(repr(row).encode())
    return h.hexdigest()


# --- the organisation tree, leaders and logins ----------------------------------------------------


def test_builds_jincheng_with_its_counties_towns_and_departments(demo):
    city = Organisation.objects.get(name="晋城市", parent=None)
    assert city.division_code == "140500"
    areas = {o.name: o for o in Organisation.objects.filter(parent=city).exclude(kind="department")}
    assert set(areas) == {"城区", "沁水县", "阳城县", "陵川县", "泽州县", "高平市", "晋城经济技术开发区"}
    assert areas["泽州县"].division_code == "140525"
    assert areas["高平市"].kind == "county_city"
    assert areas["晋城经济技术开发区"].kind == "zone"
    zezhou_towns = Organisation.objects.filter(parent=areas["泽州县"], kind="town")
    names = set(zezhou_towns.values_list("name", flat=True))
    assert {"巴公镇", "金村镇", "高都镇", "大阳镇", "南村镇", "北义城镇", "李寨乡"} <= names
    assert all(len(t.division_code) == 9 and t.division_code.startswith("140525") for t in zezhou_towns)
    departments = Organisation.objects.filter(parent=city, kind="department")
    assert departments.count() >= 25
    assert departments.get(name="市发展和改革委员会").short_name == "市发改委"
    # every path is the parent's path plus the own id, as organisation_save keeps it
    for org in Organisation.objects.select_related("parent"):
        expected = (org.parent.path if org.parent else "/") + f"{org.pk}/"
        assert org.path == expected, org.name


def test_personas_have_their_unit_and_role_and_can_sign_in(demo, client):
    expected = {
        "office": ("市发展和改革委员会", {"office"}),
        "leader": ("晋城市", {"leader"}),
        "stats": ("市统计局", {"statistics"}),
        "zezhou": ("泽州县", {"reporter"}),
        "zezhou_head": ("泽州县", {"reviewer"}),
        "gaoping": ("高平市", {"reporter"}),
        "jtj": ("市交通运输局", {"reporter"}),
        "gxj": ("市工业和信息化局", {"reporter"}),
        "admin": ("市发展和改革委员会", {"admin"}),
        "kaifaqu_head": ("晋城经济技术开发区", {"reviewer"}),
        "lingchuan": ("陵川县", {"reporter"}),
    }
    for username, (org_name, roles) in expected.items():
        user = User.objects.get(username=username)
        assert user.organisation.name == org_name
        assert set(user.roles.values_list("code", flat=True)) == roles
        assert user.full_name, username
        client.logout()
        client.post("/accounts/login/", {"username": username, "password": PASSWORD})
        assert client.session.get("_auth_user_id") == str(user.pk), username
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser


def test_leader_login_is_the_executive_vice_mayor(demo):
    leader = Leader.objects.get(user__username="leader")
    assert leader.title == "常务副市长"
    assert leader.organisation.name == "晋城市"
    assert User.objects.get(username="leader").full_name == leader.name
    zezhou_titles = set(Leader.objects.filter(organisation__name="泽州县").values_list("title", flat=True))
    assert {"县长", "县委常委、常务副县长", "副县长"} <= zezhou_titles


# --- projects ----------------------------------------------------------------------------------


def test_every_funding_breakdown_sums_exactly_to_the_total(demo):
    projects = list(Project.objects.all())
    assert len(projects) == SMALL
    for p in projects:
        parts = [getattr(p, f) for f, _ in FUNDING_FIELDS]
        assert all(part >= 0 for part in parts)
        assert sum(parts) == p.total_investment, p.name
        assert Decimal(500) <= p.total_investment <= Decimal(2_000_000)


def test_credit_codes_validate_and_project_codes_have_the_national_format(demo):
    for p in Project.objects.select_related("county"):
        validate_credit_code(p.credit_code)  # raises on a wrong check character
        if p.code:
            m = PROJECT_CODE_RE.match(p.code)
            assert m, p.code
            assert m.group(3) == p.county.division_code
        else:
            assert p.stage in (Stage.RESERVE, Stage.CANCELLED), p.name
    codes = [c for c in Project.objects.values_list("code", flat=True) if c]
    assert len(codes) == len(set(codes))


def test_every_row_passes_the_models_own_validation(demo):
    for p in Project.objects.select_related("town"):
        try:
            p.full_clean(validate_unique=False)
        except ValidationError as exc:  # the message names the row
            pytest.fail(f"{p}: {exc}")
    # children: field validators and clean(); their foreign keys are the rows just created
    for model, fks in (
        (AnnualPlan, ["project"]),
        (Approval, ["project", "kind"]),
        (MonthlyReport, ["project", "updated_by", "submitted_by", "reviewed_by"]),
    ):
        for obj in model.objects.all():
            try:
                obj.clean_fields(exclude=fks)
                obj.clean()
            except ValidationError as exc:
                pytest.fail(f"{model.__name__} {obj.pk}: {exc}")


def test_stage_dates_and_history_agree(demo):
    for p in Project.objects.prefetch_related("stage_changes"):
        started = p.stage in (Stage.CONSTRUCTION, Stage.COMPLETED, Stage.OPERATION) or (
            p.stage == Stage.SUSPENDED and p.stage_before_suspension == Stage.CONSTRUCTION
        )
        assert (p.actual_start is not None) == started, p.name
        assert (p.actual_completion is not None) == (p.stage in (Stage.COMPLETED, Stage.OPERATION))
        assert (p.operation_date is not None) == (p.stage == Stage.OPERATION)
        for day in (p.actual_start, p.actual_completion, p.operation_date):
            assert day is None or day <= TODAY
        history = sorted(p.stage_changes.all(), key=lambda c: (c.at, c.pk))
        assert history[0].from_stage == "" and history[0].to_stage == Stage.RESERVE
        assert history[-1].to_stage == p.stage
        for before, after in zip(history, history[1:], strict=False):
            assert after.from_stage == before.to_stage
            assert after.effective_date >= before.effective_date
        if p.stage in (Stage.SUSPENDED, Stage.CANCELLED):
            assert p.stage_reason and history[-1].reason == p.stage_reason
        if p.actual_start:
            assert any(
                c.to_stage == Stage.CONSTRUCTION and c.effective_date == p.actual_start for c in history
            )


def test_started_projects_hold_their_construction_permit(demo):
    started = Project.objects.filter(actual_start__isnull=False)
    assert started.exists()
    for p in started:
        for a in p.approvals.select_related("kind"):
            assert a.status in (ApprovalStatus.DONE, ApprovalStatus.NOT_APPLICABLE), (p.name, a.kind.code)
            if a.actual_date:
                assert a.actual_date <= p.actual_start
    assert Approval.objects.filter(kind__code="construction_permit", status=ApprovalStatus.DONE).exists()
    # reserve projects have no approvals yet; pre-work ones have some still open
    assert not Approval.objects.filter(project__stage=Stage.RESERVE).exists()


def test_annual_plans_say_new_or_continuing_as_the_start_dates_do(demo):
    plans = AnnualPlan.objects.select_related("project")
    assert {p.year for p in plans} == {2024, 2025, 2026}
    for plan in plans:
        p = plan.project
        if p.actual_start:
            assert plan.is_new == (p.actual_start.year == plan.year)
            assert plan.year >= p.actual_start.year
        else:
            assert plan.is_new
        assert (plan.planned_start_month is not None) == plan.is_new
        assert Decimal(0) < plan.planned_investment <= p.total_investment


def test_projects_sit_in_their_county_and_reporting_unit(demo):
    boxes = {a.name: a.bbox for a in AREAS}
    for p in Project.objects.select_related("county", "town", "reporting_unit", "department"):
        if p.town:
            assert p.town.parent_id == p.county_id
        if p.county.kind == "city":  # 市本级: a city department reports it
            assert p.reporting_unit.kind == "department" and p.reporting_unit == p.department
        else:
            assert p.reporting_unit == p.county
            south, north, west, east = boxes[p.county.name]
            assert south <= p.latitude <= north and west <= p.longitude <= east, p.name
        assert p.department.kind == "department"


def test_zezhou_reporter_has_at_least_a_dozen_sites_to_report_on(demo):
    assert Project.objects.filter(reporting_unit__name="泽州县", stage=Stage.CONSTRUCTION).count() >= 12


# --- monthly reports ---------------------------------------------------------------------------


def test_monthly_reports_fall_between_start_and_completion(demo):
    reports = MonthlyReport.objects.select_related("project")
    assert reports.count() > SMALL
    first = month_index(2024, 11)
    for r in reports:
        p = r.project
        period = month_index(r.year, r.month)
        assert period >= first
        assert period >= month_index(p.actual_start.year, p.actual_start.month), (p.name, r.year, r.month)
        if p.actual_completion:
            assert period <= month_index(p.actual_completion.year, p.actual_completion.month)
        assert period <= month_index(TODAY.year, TODAY.month)


def test_report_statuses_match_the_calendar(demo):
    by_status = Counter()
    for r in MonthlyReport.objects.select_related("project__county"):
        period = month_index(r.year, r.month)
        if period <= month_index(2026, 9):
            assert r.status == ReportStatus.APPROVED
        if period == month_index(2026, 11):
            assert r.status == ReportStatus.DRAFT
            assert r.project.county.name != "泽州县"  # its grid stays empty for the browser demo
        if period == month_index(2026, 10):
            by_status[r.status] += 1
        if r.status in (ReportStatus.SUBMITTED, ReportStatus.APPROVED, ReportStatus.RETURNED):
            assert r.submitted_at and r.submitted_by_id
            made = r.submitted_at.date()
            assert (made.year, made.month) == ((r.year, r.month + 1) if r.month < 12 else (r.year + 1, 1))
        if r.status == ReportStatus.RETURNED:
            assert r.return_reason
    assert by_status[ReportStatus.APPROVED] > 0
    assert sum(by_status.values()) > 0


def test_approved_reports_keep_a_frozen_copy_per_revision(demo):
    """As the approval service numbers them: 0 for the first approval, n after the n-th correction."""
    approved = MonthlyReport.objects.filter(status=ReportStatus.APPROVED).prefetch_related("revisions")
    assert approved.exists()
    for r in approved:
        revisions = sorted(r.revisions.all(), key=lambda v: v.revision)
        assert [v.revision for v in revisions] == list(range(0, r.revision + 1))
        assert revisions[-1].invested == r.invested
        assert revisions[-1].approved_at == r.reviewed_at
        if r.revision:
            assert r.correction_reason and revisions[-1].correction_reason == r.correction_reason
        else:
            assert not r.correction_reason
    assert not ReportRevision.objects.exclude(report__status=ReportStatus.APPROVED).exists()


def test_a_larger_city_has_seasons_late_reports_corrections_and_a_full_stage_mix(db):
    seed("--projects", "300")
    stages = Counter(Project.objects.values_list("stage", flat=True))
    for stage in (Stage.RESERVE, Stage.PREWORK, Stage.CONSTRUCTION, Stage.COMPLETED, Stage.OPERATION):
        assert stages[stage] > 0, stage
    assert 0.35 < stages[Stage.CONSTRUCTION] / 300 < 0.6

    def month_total(year, month):
        return sum(MonthlyReport.objects.filter(year=year, month=month).values_list("invested", flat=True))

    # winter is slow, December rushes to finish the year's plan
    assert month_total(2025, 1) * 2 < month_total(2025, 6)
    assert month_total(2025, 6) < month_total(2025, 12)
    late = [r for r in MonthlyReport.objects.exclude(submitted_at=None) if r.submitted_at.day > 5]
    assert late
    assert MonthlyReport.objects.filter(revision=1).exclude(correction_reason="").exists()
    october = Counter(MonthlyReport.objects.filter(year=2026, month=10).values_list("status", flat=True))
    assert october[ReportStatus.SUBMITTED] and october[ReportStatus.DRAFT] and october[ReportStatus.RETURNED]
    # some active projects have no October report at all: the office has units to chase
    active = Project.objects.filter(stage=Stage.CONSTRUCTION, actual_start__lt=dt.date(2026, 10, 1)).count()
    assert sum(october.values()) < active
    assert Project.objects.filter(liaison_leader=None).exclude(liaison_leader_name="").exists()
    assert Project.objects.filter(county__name="晋城市", reporting_unit__kind="department").exists()


# --- the command ---------------------------------------------------------------------------------


def test_output_lists_counts_and_logins(demo):
    assert "项目" in demo and f"{SMALL}" in demo
    for username in ("office", "leader", "stats", "zezhou", "zezhou_head", "gaoping", "jtj", "admin"):
        assert username in demo
    assert PASSWORD in demo
    assert AuditLog.objects.filter(action="import", message="演示数据").count() == 1


def test_refuses_to_run_on_existing_projects_without_force(demo):
    with pytest.raises(CommandError, match="--force"):
        seed("--projects", "10")
    assert Project.objects.count() == SMALL


def test_if_empty_does_nothing_when_data_exists(demo):
    before = fingerprint()
    out = seed("--projects", "10", "--if-empty")
    # Only the start-up banner (address and logins, once, in Chinese): demo.sh prints no other.
    assert out.startswith("访问地址：") and "Demo@2025" in out and "演示数据已生成" not in out
    assert Project.objects.count() == SMALL
    assert fingerprint() == before


def test_if_empty_builds_the_city_on_an_empty_database(db):
    out = seed("--projects", "10", "--if-empty")
    assert Project.objects.count() == 10
    assert "Demo@2025" in out


def test_force_rebuilds_the_same_city_for_the_same_size(db):
    seed("--projects", "30")
    first = fingerprint()
    users = User.objects.count()
    orgs = Organisation.objects.count()
    seed("--projects", "30", "--force")
    assert fingerprint() == first
    assert User.objects.count() == users and Organisation.objects.count() == orgs  # reused, not doubled
    seed("--projects", "31", "--force")
    assert fingerprint() != first
    assert Project.objects.count() == 31
