"""`/api/v1/inclusion/`: the page's filters and rows, moves by role, the directory."""

from __future__ import annotations

import pytest

from inclusion.choices import InclusionStatus as S
from inclusion.models import InclusionRecord

pytestmark = pytest.mark.django_db


def test_the_api_lists_what_the_page_lists(ready, client):
    client.force_login(ready["stats"])
    for params in ({}, {"county": ready.zezhou.pk}, {"search": "物流"}, {"list": "included"}):
        page = client.get("/inclusion/", params).context["s"].rows
        api = client.get("/api/v1/inclusion/", params).json()
        assert api["count"] == len(page)
        assert [r["id"] for r in api["results"]] == [r.id for r in page][:25]
    assert client.get("/api/v1/inclusion/", {"min_days": "-1"}).status_code == 400


def test_moves_through_the_api_answer_with_the_services_words(ready, client):
    client.force_login(ready["stats"])
    url = f"/api/v1/inclusion/{ready.zz_project.pk}/move/"
    assert (
        client.post(url, {"to": "declared"}, content_type="application/json").json()["status"] == "declared"
    )
    refused = client.post(url, {"to": "included"}, content_type="application/json")
    assert refused.status_code == 400 and "统计库项目编号" in refused.json()["detail"]
    done = client.post(url, {"to": "included", "stats_number": "X-9"}, content_type="application/json").json()
    assert (done["status"], done["stats_number"]) == ("included", "X-9")
    assert [e["to_status"] for e in done["events"]] == ["included", "declared"]
    stale = client.post(url, {"to": "declared", "reason": "r", "version": 1}, content_type="application/json")
    assert stale.status_code == 409


def test_bulk_through_the_api(ready, client):
    client.force_login(ready["stats"])
    body = {"ids": [ready.zz_project.pk, ready.gp_project.pk], "to": "declared"}
    result = client.post("/api/v1/inclusion/bulk/", body, content_type="application/json").json()
    assert sorted(result["moved"]) == sorted(body["ids"]) and result["skipped"] == []
    client.force_login(ready["zz_stats"])  # 高平's project is outside the county bureau's scope
    body = {"ids": [ready.gp_project.pk], "to": "pending"}
    assert client.post("/api/v1/inclusion/bulk/", body, content_type="application/json").json()["moved"] == []
    assert InclusionRecord.objects.get(project=ready.gp_project).status == S.DECLARED


def test_the_directory_is_searchable(incl, client):
    client.force_login(incl["office"])
    code = incl.zz_project.credit_code
    result = client.get("/api/v1/inclusion/directory/", {"search": code.lower()}).json()
    assert [r["credit_code"] for r in result["results"]] == [code]
    client.force_login(incl["zezhou"])
    assert client.get("/api/v1/inclusion/directory/").status_code == 403
