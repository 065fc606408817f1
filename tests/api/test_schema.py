"""The OpenAPI schema generates cleanly and, like everything else, needs a login."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_schema_generates_without_warnings(tmp_path, capsys):
    target = tmp_path / "schema.yml"
    try:
        call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target), stdout=StringIO())
    except Exception as exc:  # drf-spectacular prints the warnings, then raises
        pytest.fail(f"{exc}:\n{capsys.readouterr().err}")
    text = target.read_text(encoding="utf-8")
    assert "/api/v1/projects/{id}/:" in text
    assert "/api/v1/projects/totals/:" in text


def test_schema_lists_the_filter_parameters_of_the_html_list(client_for):
    schema = client_for("zezhou").get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    params = {p["name"] for p in schema["paths"]["/api/v1/projects/"]["get"]["parameters"]}
    assert {
        "county",
        "town",
        "department",
        "stage",
        "search",
        "year",
        "ordering",
        "page",
        "page_size",
    } <= params
    totals_params = {p["name"] for p in schema["paths"]["/api/v1/projects/totals/"]["get"]["parameters"]}
    assert {"county", "stage", "search", "year"} <= totals_params
    assert "page_size" not in totals_params


def test_schema_and_docs_answer_a_logged_in_user(client_for):
    client = client_for("leader")
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert "swagger" in docs.content.decode().lower()


@pytest.mark.parametrize("url", ["/api/schema/", "/api/docs/"])
def test_schema_and_docs_refuse_anonymous(client, url):
    assert client.get(url).status_code == 403


def test_docs_load_swagger_ui_from_our_own_static_files_not_a_cdn(client_for):
    """STYLE: vendored JS/CSS, no CDN (the portal runs on a government network)."""
    page = client_for("leader").get("/api/docs/").content.decode()
    assert "cdn.jsdelivr.net" not in page and "unpkg.com" not in page
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page


def test_detail_documents_the_year_parameter(client_for):
    schema = client_for("zezhou").get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    params = {p["name"] for p in schema["paths"]["/api/v1/projects/{id}/"]["get"]["parameters"]}
    assert params == {"id", "year"}
