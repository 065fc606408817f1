"""The bureau's pages as its users meet them: who sees what, a project moving to 已入库 and leaving the
list, what a unit is asked for on its project's page, and query counts that stay flat."""

from __future__ import annotations

from decimal import Decimal

import pytest

from inclusion.choices import InclusionStatus as S
from inclusion.models import EvidenceKind, InclusionRecord, InclusionRule
from tests.factories import AnnualPlanFactory, ProjectFactory
from tests.inclusion.conftest import attach_all_evidence, credit_code, pdf_upload

pytestmark = pytest.mark.django_db

ZZ_NAME, GP_NAME = "泽州县巴公智能装备产业园", "高平市米山新材料项目"


# --- county bureau vs city bureau vs reporters ---------------------------------------------

PAGES = ["/inclusion/", "/inclusion/directory/", "/inclusion/rules/", "/inclusion/exports/progress/"]


@pytest.mark.parametrize(
    "persona,expected",
    [
        ("stats", 200),
        ("zz_stats", 200),
        ("office", 200),
        ("leader", 200),
        ("admin", 200),
        ("zezhou", 403),
        ("zezhou_head", 403),
        ("jtj", 403),
        ("outsider", 403),
    ],
)
def test_who_opens_the_bureaus_pages(incl, client, persona, expected):
    client.force_login(incl[persona])
    for url in PAGES:
        assert client.get(url).status_code == expected, url


def test_the_county_bureau_sees_its_county_and_the_city_bureau_all(ready, client):
    client.force_login(ready["zz_stats"])
    page = client.get("/inclusion/")
    names = {r.name for r in page.context["s"].rows}
    assert names == {ZZ_NAME, "泽州县金村物流通道"}
    assert client.get(f"/inclusion/{ready.gp_project.pk}/").status_code == 404
    assert client.get(f"/api/v1/inclusion/{ready.gp_project.pk}/").status_code == 404
    assert client.post(f"/inclusion/{ready.gp_project.pk}/move/", {"to": "declared"}).status_code == 404
    client.force_login(ready["stats"])
    assert len(client.get("/inclusion/").context["s"].rows) == 3


def test_the_county_bureau_reads_its_countys_grids_and_state_only(ready, client):
    client.force_login(ready["zz_stats"])
    assert client.get("/reports/office/").status_code == 200
    assert client.get("/reports/", {"unit": ready.zezhou.pk}).status_code == 200
    assert client.get("/reports/", {"unit": ready.gaoping.pk}).status_code == 404
    assert client.get("/projects/", {"search": GP_NAME}).context["totals"].count == 0


def test_only_the_city_bureau_configures_the_rules(incl, client):
    rule = InclusionRule.objects.get(kind="min_investment")
    data = {"rule": rule.pk, "version": rule.version, "is_active": "on", "threshold": "800"}
    client.force_login(incl["zz_stats"])
    assert client.post("/inclusion/rules/", data).status_code == 403
    client.force_login(incl["stats"])
    assert client.post("/inclusion/rules/", data).status_code == 302
    rule.refresh_from_db()
    assert rule.threshold == Decimal("800.00")


def test_reporters_cannot_move_or_bulk(ready, client):
    client.force_login(ready["zezhou"])
    assert client.post(f"/inclusion/{ready.zz_project.pk}/move/", {"to": "declared"}).status_code == 403
    assert (
        client.post("/inclusion/bulk/", {"ids": [ready.zz_project.pk], "to": "declared"}).status_code == 403
    )
    assert (
        client.post(f"/api/v1/inclusion/{ready.zz_project.pk}/move/", {"to": "declared"}).status_code == 403
    )
    assert not InclusionRecord.objects.exists()


# --- done when: the list shows what each lacks; 已入库 leaves it --------------------------------


def test_the_screening_shows_what_each_project_lacks(incl, client):
    attach_all_evidence(incl.zz_road, incl["zezhou"])
    client.force_login(incl["stats"])
    body = client.get("/inclusion/").content.decode()
    assert ZZ_NAME in body and "缺少立项/备案文件" in body and "材料齐全" in body
    page = client.get("/inclusion/", {"ready": "no"})
    assert {r.name for r in page.context["s"].rows} == {ZZ_NAME, GP_NAME}
    kind_rule = next(r for r in page.context["s"].rules if r.name == "已上传发票")
    assert len(client.get("/inclusion/", {"lacks": kind_rule.id}).context["s"].rows) == 2


def test_a_project_moves_to_included_and_leaves_the_list(ready, client):
    client.force_login(ready["stats"])
    pk = ready.zz_project.pk
    assert client.post(f"/inclusion/{pk}/move/", {"to": "declared"}).status_code == 302
    response = client.post(f"/inclusion/{pk}/move/", {"to": "included", "stats_number": "140525-2025-001"})
    assert response.status_code == 302
    screening = client.get("/inclusion/")
    assert pk not in {r.id for r in screening.context["s"].rows}
    included = client.get("/inclusion/", {"list": "included"})
    assert [r.id for r in included.context["s"].rows] == [pk]
    assert screening.context["s"].totals.included == 1


def test_a_refused_move_is_explained_on_the_page(incl, client):
    client.force_login(incl["stats"])
    response = client.post(f"/inclusion/{incl.zz_project.pk}/move/", {"to": "declared"})
    assert response.status_code == 400
    assert "尚缺：" in response.content.decode()


def test_bulk_declare_from_the_list(ready, client):
    client.force_login(ready["stats"])
    ids = [ready.zz_project.pk, ready.zz_road.pk]
    response = client.post("/inclusion/bulk/", {"ids": ids, "to": "declared"}, follow=True)
    assert "已将 2 个项目改为“已申报”" in response.content.decode()
    assert set(InclusionRecord.objects.filter(status=S.DECLARED).values_list("project_id", flat=True)) == set(
        ids
    )


def test_the_unit_sees_the_request_and_uploads_on_its_project_page(incl, client):
    client.force_login(incl["stats"])
    invoice = EvidenceKind.objects.get(code="invoice")
    client.post(f"/inclusion/{incl.zz_project.pk}/request/", {"kinds": [invoice.pk], "message": "补10月发票"})
    client.force_login(incl["zezhou"])
    dossier = client.get(f"/projects/{incl.zz_project.pk}/").content.decode()
    assert "统计局要求补充资料" in dossier and "补10月发票" in dossier
    response = client.post(
        f"/inclusion/{incl.zz_project.pk}/evidence/", {"kind": invoice.pk, "file": pdf_upload("发票.pdf")}
    )
    assert response.status_code == 302
    dossier = client.get(f"/projects/{incl.zz_project.pk}/").content.decode()
    assert "统计局要求补充资料" not in dossier and "发票.pdf" in dossier
    evidence = incl.zz_project.inclusion_evidence.get()
    assert client.get(f"/inclusion/evidence/{evidence.pk}/").status_code == 200
    client.force_login(incl["gaoping"])
    assert client.get(f"/inclusion/evidence/{evidence.pk}/").status_code == 404


# --- query counts stay flat ----------------------------------------------------------------


def _grow(world, n, start):
    for i in range(n):
        p = ProjectFactory(
            name=f"泽州县新增项目{start + i:03d}",
            county=world.zezhou,
            department=world.gxj,
            credit_code=credit_code(500 + start + i),
            total_investment=Decimal("900"),
            fund_self_raised=Decimal("900"),
        )
        AnnualPlanFactory(project=p, year=2025)


def _count(client, django_assert_max_num_queries, url, limit):
    with django_assert_max_num_queries(limit) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url",
    [
        "/inclusion/?year=2025&month=10",
        "/inclusion/?list=all&year=2025&month=10",
        "/api/v1/inclusion/?year=2025&month=10",
        "/inclusion/exports/screening/?year=2025&month=10",
        "/inclusion/exports/progress/?year=2025&month=10",
        "/inclusion/exports/investment/?year=2025&month=10",
        "/inclusion/directory/",
    ],
)
def test_pages_and_exports_keep_their_query_count(incl, client, django_assert_max_num_queries, url):
    client.force_login(incl["stats"])
    _grow(incl, 2, 0)
    few = _count(client, django_assert_max_num_queries, url, 60)
    _grow(incl, 12, 100)
    many = _count(client, django_assert_max_num_queries, url, 60)
    assert many == few, f"{url}: {few} queries with 5 projects, {many} with 17"
