"""Walk every URL the resolver knows and knock on it anonymously: nothing but the public pages may answer.

New routes are picked up automatically. The HTML ones must send an anonymous visitor to the login
page; the API ones must answer 401/403. Only login, static, health and i18n are public.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RegexPattern, RoutePattern

from projects.models import Approval, ApprovalKind

pytestmark = pytest.mark.django_db

# What an anonymous visitor may open (see accounts/middleware.py PUBLIC_PREFIXES).
PUBLIC = {"accounts:login", "healthz", "set_language"}
PUBLIC_PREFIXES = ("/accounts/login/", "/static/", "/healthz/", "/i18n/")


@dataclass(frozen=True)
class Route:
    path: str
    name: str  # "namespace:name", or the route itself for unnamed patterns
    callback: object

    @property
    def is_api(self) -> bool:
        return self.path.startswith("/api/")


def _walk(patterns, prefix: list, namespace: str | None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = ":".join(filter(None, [namespace, entry.namespace])) or None
            yield from _walk(entry.url_patterns, [*prefix, entry.pattern], ns)
        elif isinstance(entry, URLPattern):
            yield [*prefix, entry.pattern], namespace, entry


def _sample_for(name: str, regex_body: str | None, samples: dict) -> str:
    if name == "format":
        return "json"
    if name in samples:
        return str(samples[name])
    if regex_body and re.fullmatch(r"[\w|]+", regex_body):  # alternation of literals: take the first
        return regex_body.split("|")[0]
    if regex_body == ".*":
        return "no-such-page/"
    return "1"


def _fill_route(route: str, samples: dict) -> str:
    def converter(m):
        conv, name = m.group(1), m.group(2)
        if conv == "drf_format_suffix":
            return ".json"
        return _sample_for(name, None, samples)

    return re.sub(r"<(?:(\w+):)?(\w+)>", converter, route)


def _fill_regex(regex: str, samples: dict) -> str:
    text = regex.lstrip("^").rstrip("$")
    text = re.sub(r"\(\?P<(\w+)>([^)]*)\)", lambda m: _sample_for(m.group(1), m.group(2), samples), text)
    return text.replace(r"\.", ".").replace("/?", "/")


def _fill(pattern, samples: dict) -> str:
    if isinstance(pattern, RoutePattern):
        return _fill_route(str(pattern), samples)
    if isinstance(pattern, RegexPattern):
        return _fill_regex(pattern.regex.pattern, samples)
    raise AssertionError(f"unknown pattern type {type(pattern)}")


def all_routes(samples: dict) -> list[Route]:
    routes = []
    for chain, namespace, entry in _walk(get_resolver().url_patterns, [], None):
        path = "/" + "".join(_fill(p, samples) for p in chain)
        full = "".join(str(p) for p in chain)
        name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name or full
        routes.append(Route(path=path, name=name, callback=entry.callback))
    return routes


@pytest.fixture
def samples(world):
    """Existing ids for the path converters, so a view that looks objects up first finds them."""
    plan = world.zz_project.annual_plans.first()
    approval = Approval.objects.create(project=world.zz_project, kind=ApprovalKind.objects.first())
    return {
        "pk": world.zz_project.pk,
        "plan_pk": plan.pk,
        "approval_pk": approval.pk,
        "object_id": world.zz_project.pk,
        "id": world["zezhou"].pk,
        "content_type_id": 1,
        "date": "2026-02-17",  # a day in the working-day calendar (春节)
        "day": "2026-02-17",
    }


@pytest.fixture
def routes(samples):
    return all_routes(samples)


def test_every_sample_path_resolves_back_to_its_own_view(routes):
    """Guards the sweep itself: a badly filled path would test some other view (or none)."""
    wrong = []
    for route in routes:
        match = resolve(route.path)
        if match.func is not route.callback:
            wrong.append(f"{route.name}: {route.path} resolves to {match.view_name or match.func}")
    assert not wrong, "\n".join(wrong)


def test_the_sweep_covers_the_whole_site(routes):
    names = {r.name for r in routes}
    for expected in (
        "home",
        "accounts:profile",
        "projects:project_list",
        "projects:project_detail",
        "api:project-list",
        "api:project-detail",
        "api-schema",
        "api-docs",
        "admin:index",
    ):
        assert expected in names, f"{expected} missing from the sweep"
    assert len(routes) > 50


def _refusal_problem(route: Route, method: str, response) -> str | None:
    code = response.status_code
    if route.is_api:
        if code in (401, 403):
            return None
        return f"{method} {route.path} ({route.name}) answered {code}, expected 401/403 for anonymous API"
    location = response.get("Location", "")
    if code == 302 and location.startswith("/accounts/login/?next="):
        return None
    return f"{method} {route.path} ({route.name}) answered {code} {location}, expected 302 to the login page"


@pytest.mark.parametrize("method", ["get", "post"])
def test_no_private_route_answers_an_anonymous_visitor(client, routes, method):
    problems = []
    for route in routes:
        if route.name in PUBLIC or route.path.startswith(PUBLIC_PREFIXES):
            continue
        # Anything but a refusal (2xx included) comes back as a problem.
        problem = _refusal_problem(route, method.upper(), getattr(client, method)(route.path))
        if problem:
            problems.append(problem)
    assert not problems, "Anonymous visitors reached private routes:\n" + "\n".join(problems)


def test_the_public_routes_are_only_the_expected_ones(client, routes):
    """The public set is small and named here; anything else opening up shows in the test above."""
    public = sorted({r.name for r in routes if r.path.startswith(PUBLIC_PREFIXES)})
    assert public == sorted(PUBLIC)
    assert client.get("/accounts/login/").status_code == 200
    assert client.get("/healthz/").status_code == 200


def test_the_login_redirect_keeps_the_page_asked_for(client, samples):
    response = client.get(f"/projects/{samples['pk']}/?tab=plans")
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/projects/{samples['pk']}/%3Ftab%3Dplans"


def test_healthz_reveals_no_project_data(client, world):
    body = client.get("/healthz/").content.decode()
    assert "泽州" not in body and "项目" not in body
