"""Who gets what: every page and endpoint × every persona, as one table.

Rows are routes (name + objects for the kwargs + method), columns are the personas of
`tests/factories.World`. A cell is the status the persona must see:

    LOGIN  302 to the login page (anonymous HTML)      API_ANON  401 or 403 (anonymous API)
    GO     302 elsewhere (after a successful POST, …)  ADMIN     302 to the admin login (not staff)
    200 / 400 / 403 (a forbidden write) / 404 (out of scope: no existence leak) / 405

Every named route of the `projects`, `accounts` and `api` namespaces must have a row here: a new
page fails `test_every_named_route_is_in_the_matrix` until someone decides who may open it.
The second half checks that nothing leaks through lists, filters, search or totals.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from projects.choices import ImportKind, ImportStatus, ReportStatus
from projects.models import Approval, ApprovalKind, ImportBatch, MonthlyReport

pytestmark = pytest.mark.django_db

PERSONAS = (
    "anon",
    "office",
    "leader",
    "stats",
    "zezhou",
    "zezhou_head",
    "gaoping",
    "jtj",
    "admin",
    "outsider",
)
COVERED_NAMESPACES = ("projects", "accounts", "api")

LOGIN = "login"
API_ANON = "api-anon"
GO = "go"
ADMIN = "admin-login"


@dataclass(frozen=True)
class Row:
    name: str
    expected: tuple
    kwargs: dict = field(default_factory=dict)  # kwarg → attribute of the matrix world
    method: str = "get"
    data: dict = field(default_factory=dict)
    note: str = ""

    def __post_init__(self):
        assert len(self.expected) == len(PERSONAS), f"{self.label}: {len(self.expected)} cells"

    @property
    def label(self) -> str:
        objects = ",".join(f"{v}" for v in self.kwargs.values())
        return (
            f"{self.method.upper()} {self.name}"
            + (f"[{objects}]" if objects else "")
            + (f" {self.note}" if self.note else "")
        )


# Column order:        anon      office leader stats zezhou z_head gaoping jtj  admin outsider
EVERYONE = (LOGIN, 200, 200, 200, 200, 200, 200, 200, 200, 200)
API_EVERYONE = (API_ANON, 200, 200, 200, 200, 200, 200, 200, 200, 200)
# A 泽州县 project not led by 市交通局: county users see it, gaoping/jtj/outsider get 404.
ZZ_READ = (LOGIN, 200, 200, 200, 200, 200, 404, 404, 200, 404)
# Writing on it: read-only roles get 403 (they see it), out-of-scope users 404.
ZZ_WRITE = (LOGIN, 200, 403, 403, 200, 200, 404, 404, 200, 404)
CREATE = (LOGIN, 200, 403, 403, 200, 200, 200, 200, 200, 403)
IMPORTERS = (LOGIN, 200, 403, 403, 200, 403, 200, 200, 200, 403)

MATRIX = [
    # --- the start page and one's account ---
    Row("home", EVERYONE),
    Row("healthz", (200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    Row("accounts:login", (200, GO, GO, GO, GO, GO, GO, GO, GO, GO), note="signed-in users go home"),
    Row("accounts:logout", (LOGIN, GO, GO, GO, GO, GO, GO, GO, GO, GO), method="post"),
    Row("accounts:profile", EVERYONE),
    Row("accounts:password_change", EVERYONE),
    Row("accounts:password_change_done", EVERYONE),
    # --- projects: list, dossier, history ---
    Row("projects:project_list", EVERYONE),
    Row("projects:project_detail", ZZ_READ, {"pk": "zz_project"}),
    Row(
        "projects:project_detail",
        (LOGIN, 200, 200, 200, 200, 200, 404, 200, 200, 404),
        {"pk": "zz_road"},
        note="led by 市交通局",
    ),
    Row(
        "projects:project_detail", (LOGIN, 200, 200, 200, 404, 404, 200, 404, 200, 404), {"pk": "gp_project"}
    ),
    Row("projects:project_history", ZZ_READ, {"pk": "zz_project"}),
    Row(
        "projects:project_history", (LOGIN, 200, 200, 200, 404, 404, 200, 404, 200, 404), {"pk": "gp_project"}
    ),
    # --- projects: writes ---
    Row("projects:project_create", CREATE),
    Row("projects:project_create", CREATE, method="post", note="empty form: errors shown, nothing saved"),
    Row("projects:project_edit", ZZ_WRITE, {"pk": "zz_project"}),
    Row("projects:project_edit", ZZ_WRITE, {"pk": "zz_project"}, method="post", note="empty form"),
    Row("projects:project_edit", (LOGIN, 200, 403, 403, 200, 200, 404, 200, 200, 404), {"pk": "zz_road"}),
    Row("projects:project_transition", ZZ_WRITE, {"pk": "zz_project"}),
    Row("projects:project_transition", ZZ_WRITE, {"pk": "zz_project"}, method="post", note="no stage chosen"),
    Row(
        "projects:project_transition",
        (LOGIN, GO, 403, 403, GO, GO, 404, 404, GO, 404),
        {"pk": "zz_project"},
        method="post",
        data={"to": "suspended", "reason": "资金未到位"},
        note="suspend with a reason",
    ),
    Row("projects:plan_create", ZZ_WRITE, {"pk": "zz_project"}),
    Row("projects:plan_edit", ZZ_WRITE, {"pk": "zz_project", "plan_pk": "zz_plan"}),
    Row(
        "projects:plan_edit",
        (LOGIN, 404, 403, 403, 404, 404, 404, 404, 404, 404),
        {"pk": "zz_project", "plan_pk": "gp_plan"},
        note="another project's plan",
    ),
    Row("projects:plan_delete", ZZ_WRITE, {"pk": "zz_project", "plan_pk": "zz_plan"}),
    Row(
        "projects:plan_delete",
        (LOGIN, GO, 403, 403, GO, GO, 404, 404, GO, 404),
        {"pk": "zz_project", "plan_pk": "zz_plan"},
        method="post",
    ),
    Row("projects:approval_create", ZZ_WRITE, {"pk": "zz_project"}),
    Row("projects:approval_edit", ZZ_WRITE, {"pk": "zz_project", "approval_pk": "zz_approval"}),
    Row(
        "projects:approval_edit",
        (LOGIN, 404, 403, 403, 404, 404, 404, 404, 404, 404),
        {"pk": "zz_project", "approval_pk": "gp_approval"},
        note="another project's approval",
    ),
    # --- ledger import ---
    Row("projects:import_list", IMPORTERS),
    Row(
        "projects:import_detail",
        (LOGIN, 200, 403, 403, 200, 403, 404, 404, 200, 403),
        {"pk": "zz_batch"},
        note="uploaded by zezhou",
    ),
    Row("projects:import_commit", (LOGIN, 405, 405, 405, 405, 405, 405, 405, 405, 405), {"pk": "zz_batch"}),
    Row(
        "projects:import_commit",
        (LOGIN, GO, 403, 403, GO, 403, 404, 404, GO, 403),
        {"pk": "zz_batch"},
        method="post",
        note="batch with errors: refused, back to the preview",
    ),
    # --- monthly progress ---
    Row("projects:report_grid", (LOGIN, 200, 200, 403, 200, 200, 200, 200, 200, 403)),
    Row(
        "projects:report_grid",
        (LOGIN, 200, 200, 403, 200, 200, 404, 404, 200, 403),
        {},
        data={"unit": "zezhou"},
        note="泽州县's grid",
    ),
    Row("projects:report_review", (LOGIN, 200, 403, 403, 403, 200, 403, 403, 200, 403)),
    Row("projects:report_office", (LOGIN, 200, 200, 403, 403, 403, 403, 403, 200, 403)),
    Row("projects:report_export", (LOGIN, 200, 200, 403, 200, 200, 200, 200, 200, 403)),
    Row("projects:report_import", (LOGIN, 200, 403, 403, 200, 403, 200, 200, 200, 403)),
    Row(
        "projects:report_import_preview",
        (LOGIN, 200, 403, 403, 200, 403, 404, 404, 200, 403),
        {"batch_id": "zz_monthly_batch"},
    ),
    Row(
        "projects:report_import_commit",
        (LOGIN, 405, 405, 405, 405, 405, 405, 405, 405, 405),
        {"batch_id": "zz_monthly_batch"},
    ),
    Row(
        "projects:report_import_commit",
        (LOGIN, GO, 403, 403, GO, 403, 404, 404, GO, 403),
        {"batch_id": "zz_monthly_batch"},
        method="post",
        note="batch not ready: back to the preview",
    ),
    Row("projects:report_detail", ZZ_READ, {"pk": "zz_draft"}),
    Row(
        "projects:report_photo_upload",
        (LOGIN, GO, 403, 403, GO, 403, 404, 404, GO, 404),
        {"pk": "zz_draft"},
        method="post",
        note="no file: message, back to the report",
    ),
    Row(
        "projects:report_photo_upload",
        (LOGIN, 405, 405, 405, 405, 405, 405, 405, 405, 405),
        {"pk": "zz_draft"},
    ),
    Row(
        "projects:report_correct", (LOGIN, 200, 403, 403, 200, 403, 404, 404, 200, 404), {"pk": "zz_approved"}
    ),
    Row(
        "projects:report_correct",
        (LOGIN, 403, 403, 403, 403, 403, 404, 404, 403, 404),
        {"pk": "zz_draft"},
        note="a draft is edited, not corrected",
    ),
    # --- API ---
    Row("api:api-root", API_EVERYONE),
    Row("api:project-list", API_EVERYONE),
    Row("api:project-list", (API_ANON, 405, 405, 405, 405, 405, 405, 405, 405, 405), method="post"),
    Row("api:project-totals", API_EVERYONE),
    Row("api:project-detail", (API_ANON, 200, 200, 200, 200, 200, 404, 404, 200, 404), {"pk": "zz_project"}),
    Row("api:project-detail", (API_ANON, 200, 200, 200, 200, 200, 404, 200, 200, 404), {"pk": "zz_road"}),
    Row(
        "api:project-detail",
        (API_ANON, 405, 405, 405, 405, 405, 405, 405, 405, 405),
        {"pk": "zz_project"},
        method="delete",
    ),
    Row(
        "api:project-detail",
        (API_ANON, 405, 405, 405, 405, 405, 405, 405, 405, 405),
        {"pk": "zz_project"},
        method="patch",
        data={"name": "改名"},
    ),
    Row("api:report-list", API_EVERYONE),
    Row(
        "api:report-list",
        (API_ANON, 400, 403, 403, 400, 403, 400, 400, 400, 403),
        method="post",
        note="empty body",
    ),
    Row("api:report-detail", (API_ANON, 200, 200, 200, 200, 200, 404, 404, 200, 404), {"pk": "zz_draft"}),
    Row(
        "api:report-detail",
        (API_ANON, 400, 403, 403, 400, 403, 404, 404, 400, 403),
        {"pk": "zz_draft"},
        method="patch",
        note="no version",
    ),
    Row(
        "api:report-submit",
        (API_ANON, 200, 403, 403, 200, 403, 404, 404, 200, 403),
        {"pk": "zz_draft"},
        method="post",
    ),
    Row(
        "api:report-approve",
        (API_ANON, 200, 403, 403, 403, 200, 403, 403, 200, 403),
        {"pk": "zz_submitted"},
        method="post",
    ),
    Row(
        "api:report-return",
        (API_ANON, 400, 403, 403, 403, 400, 403, 403, 400, 403),
        {"pk": "zz_submitted"},
        method="post",
        note="no reason",
    ),
    Row(
        "api:report-correct",
        (API_ANON, 400, 403, 403, 400, 403, 404, 404, 400, 403),
        {"pk": "zz_approved"},
        method="post",
        note="no reason",
    ),
    Row("api-schema", API_EVERYONE),
    Row("api-docs", API_EVERYONE),
    # --- admin: staff only ---
    Row("admin:index", (LOGIN, ADMIN, ADMIN, ADMIN, ADMIN, ADMIN, ADMIN, ADMIN, 200, ADMIN)),
    Row(
        "admin:projects_project_changelist",
        (LOGIN, ADMIN, ADMIN, ADMIN, ADMIN, ADMIN, ADMIN, ADMIN, 200, ADMIN),
    ),
]


@pytest.fixture
def matrix_world(world):
    """The small world plus one object of each kind a route needs."""
    kinds = ApprovalKind.objects.order_by("sort_order")
    world.zz_plan = world.zz_project.annual_plans.get()
    world.gp_plan = world.gp_project.annual_plans.get()
    world.zz_approval = Approval.objects.create(project=world.zz_project, kind=kinds[0])
    world.gp_approval = Approval.objects.create(project=world.gp_project, kind=kinds[0])
    world.zz_batch = ImportBatch.objects.create(
        kind=ImportKind.LEDGER,
        file_name="泽州县台账.xlsx",
        file_sha256="0" * 64,
        content=b"",
        uploaded_by=world["zezhou"],
        organisation=world.zezhou,
        status=ImportStatus.PREVIEWED,
        summary={"counts": {"errors": 1}},
    )
    world.zz_monthly_batch = ImportBatch.objects.create(
        kind=ImportKind.MONTHLY,
        file_name="泽州县10月.xlsx",
        file_sha256="1" * 64,
        content=b"",
        uploaded_by=world["zezhou"],
        organisation=world.zezhou,
        status=ImportStatus.REJECTED,
        period_year=2025,
        period_month=10,
        summary={"year": 2025, "month": 10, "rows": []},
    )

    def report(month, status):
        return MonthlyReport.objects.create(
            project=world.zz_project,
            year=2025,
            month=month,
            invested=Decimal("100.00"),
            status=status,
            image_progress="主体结构施工",
        )

    world.zz_approved = report(8, ReportStatus.APPROVED)
    world.zz_submitted = report(9, ReportStatus.SUBMITTED)
    world.zz_draft = report(10, ReportStatus.DRAFT)
    return world


def _outcome(response) -> str:
    location = response.get("Location", "")
    return f"{response.status_code} → {location}" if location else str(response.status_code)


def _matches(expected, response, is_api: bool) -> bool:
    code, location = response.status_code, response.get("Location", "")
    if expected == LOGIN:
        return code == 302 and location.startswith("/accounts/login/")
    if expected == API_ANON:
        return code in (401, 403)
    if expected == ADMIN:
        return code == 302 and location.startswith("/admin/login/")
    if expected == GO:
        return code == 302 and not location.startswith(("/accounts/login/?", "/admin/login/"))
    return code == expected


def _request(client, row: Row, url: str, world):
    method = getattr(client, row.method)
    # A data value naming an object of the matrix world stands for its id ({"unit": "zezhou"}).
    data = {
        k: getattr(getattr(world, v, None), "pk", v) if isinstance(v, str) else v for k, v in row.data.items()
    }
    if row.method in ("put", "patch", "delete") or url.startswith("/api/") and row.method == "post":
        return method(url, data=data, content_type="application/json")
    return method(url, data=data)


@pytest.mark.parametrize("row", MATRIX, ids=lambda row: row.label)
def test_matrix(row, matrix_world, client):
    kwargs = {k: getattr(matrix_world, v).pk for k, v in row.kwargs.items()}
    url = reverse(row.name, kwargs=kwargs)
    lines, failed = [], False
    for persona, expected in zip(PERSONAS, row.expected, strict=True):
        # Each persona starts from the same data: a write that succeeds is rolled back.
        with transaction.atomic():
            client.logout()
            if persona != "anon":
                client.force_login(matrix_world[persona])
            response = _request(client, row, url, matrix_world)
            transaction.set_rollback(True)
        ok = _matches(expected, response, url.startswith("/api/"))
        failed |= not ok
        lines.append(
            f"  {persona:<12} expected {expected!s:<12} got {_outcome(response):<40} {'' if ok else '✗'}"
        )
    assert not failed, f"{row.label}  {url}\n" + "\n".join(lines)


def _named_routes():
    def walk(patterns, namespace):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, entry.namespace or namespace)
            elif isinstance(entry, URLPattern) and entry.name and namespace in COVERED_NAMESPACES:
                yield f"{namespace}:{entry.name}"

    return set(walk(get_resolver().url_patterns, None))


def test_every_named_route_is_in_the_matrix():
    missing = _named_routes() - {row.name for row in MATRIX}
    assert not missing, (
        "These routes have no row in tests/test_matrix.py MATRIX; add one saying who may open them:\n  "
        + "\n  ".join(sorted(missing))
    )


def test_matrix_rows_name_existing_routes():
    known = _named_routes() | {
        "home",
        "healthz",
        "api-schema",
        "api-docs",
        "admin:index",
        "admin:projects_project_changelist",
    }
    assert {row.name for row in MATRIX} <= known


# --- no leaks through lists, filters, search or totals -------------------------------------------

GP_NAME = "高平市米山新材料项目"


def test_zezhou_searching_for_gaopings_project_finds_nothing_in_html_or_api(world, client_for):
    client = client_for("zezhou")
    page = client.get("/projects/", {"search": GP_NAME})
    assert page.status_code == 200
    assert page.context["totals"].count == 0
    body = page.content.decode()
    assert body.count(GP_NAME) == 1, "only the search box echoes the term"
    assert f"/projects/{world.gp_project.pk}/" not in body and world.gp_project.construction_unit not in body
    api = client.get("/api/v1/projects/", {"search": GP_NAME}).json()
    assert api["count"] == 0
    totals = client.get("/api/v1/projects/totals/", {"search": GP_NAME}).json()
    assert totals["count"] == 0 and totals["total_investment"] == "0.00"


def test_the_same_search_finds_it_for_the_office_and_gaoping(world, client_for):
    """The search above would find the project if it were in scope (so 0 means scoped, not broken)."""
    for persona in ("office", "gaoping"):
        client = client_for(persona)
        assert client.get("/projects/", {"search": GP_NAME}).context["totals"].count == 1
        assert client.get("/api/v1/projects/", {"search": GP_NAME}).json()["count"] == 1


def test_filtering_by_another_county_shows_nothing(world, client_for):
    client = client_for("zezhou")
    page = client.get("/projects/", {"county": world.gaoping.pk})
    assert page.status_code == 200
    assert GP_NAME not in page.content.decode()
    assert f"/projects/{world.gp_project.pk}/" not in page.content.decode()
    assert page.context["totals"].count == 0
    assert client.get("/api/v1/projects/", {"county": world.gaoping.pk}).json()["count"] == 0


def test_zezhou_totals_are_its_own_sums_in_html_and_api(world, client_for):
    world.zz_road.total_investment = world.zz_road.fund_self_raised = Decimal("2500.25")
    world.zz_road.save()
    client = client_for("zezhou")
    page = client.get("/projects/", {"year": 2025})
    totals = page.context["totals"]
    assert (totals.count, totals.total_investment, totals.annual_planned) == (
        2,
        Decimal("12500.25"),
        Decimal("2400.00"),
    )
    api = client.get("/api/v1/projects/totals/", {"year": 2025}).json()
    assert api == {"count": 2, "total_investment": "12500.25", "annual_planned": "2400.00", "year": 2025}


def test_html_list_and_api_agree_for_every_persona(world, client_for):
    for persona in PERSONAS[1:]:
        client = client_for(persona)
        html = client.get("/projects/", {"year": 2025}).context["totals"]
        api = client.get("/api/v1/projects/totals/", {"year": 2025}).json()
        assert (html.count, html.total_investment, html.annual_planned) == (
            api["count"],
            Decimal(api["total_investment"]),
            Decimal(api["annual_planned"]),
        ), persona


def test_department_sees_only_the_project_it_leads_in_lists(world, client_for):
    client = client_for("jtj")
    page = client.get("/projects/")
    body = page.content.decode()
    assert "泽州县金村物流通道" in body
    assert "泽州县巴公智能装备产业园" not in body and GP_NAME not in body
    assert page.context["totals"].count == 1


def test_outsider_sees_no_project_anywhere(world, client_for):
    client = client_for("outsider")
    assert client.get("/projects/").context["totals"].count == 0
    assert client.get("/api/v1/projects/").json()["count"] == 0
    assert client.get("/api/v1/projects/totals/").json()["count"] == 0
    home = client.get("/").content.decode()
    for name in ("泽州县巴公智能装备产业园", "泽州县金村物流通道", GP_NAME):
        assert name not in home


def test_out_of_scope_history_and_dossier_do_not_reveal_the_name(world, client_for):
    client = client_for("gaoping")
    for url in (
        f"/projects/{world.zz_project.pk}/",
        f"/projects/{world.zz_project.pk}/history/",
        f"/api/v1/projects/{world.zz_project.pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert "巴公智能装备" not in response.content.decode()


def test_the_transition_row_really_moves_the_project_for_the_office(matrix_world, client_for):
    """The matrix rolls successful writes back; check one of them did what the status suggests."""
    client = client_for("zezhou")
    response = client.post(
        f"/projects/{matrix_world.zz_project.pk}/transition/", {"to": "suspended", "reason": "资金未到位"}
    )
    assert response.status_code == 302
    matrix_world.zz_project.refresh_from_db()
    assert matrix_world.zz_project.stage == "suspended"
    assert matrix_world.zz_project.stage_changes.get().actor == matrix_world["zezhou"]
    assert dt.date.today() >= matrix_world.zz_project.actual_start
