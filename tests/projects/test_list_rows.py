"""The project list's rows and checkbox filters are built in Python (projects.templatetags.portal):
each cell says what the template said — code or "—", name linking to the dossier, 包联 leader, county
and town, department or "—", stage badge, key level, money with separators, dates — and filters keep
what was ticked."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from projects.models import Leader
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def row_of(html: str, name: str) -> str:
    match = re.search(
        r"<tr><td[^>]*>[^<]*</td><td class=\"col-name\"><a [^>]*>" + re.escape(name) + r"</a>.*?</tr>", html
    )
    assert match, f"no row for {name}"
    return match.group(0)


def cells(row: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "|", c).strip("|") for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]


def test_each_cell_reads_as_before(world, client_for):
    leader = Leader.objects.create(name="王副市长", organisation=world.city)
    project = ProjectFactory(
        name="泽州县<测试>项目",
        code="",
        county=world.zezhou,
        town=world.bagong,
        department=None,
        key_level="city",
        liaison_leader=leader,
        total_investment=Decimal("123456.7"),
        planned_start=dt.date(2025, 4, 1),
    )
    html = client_for("office").get(reverse("projects:project_list")).content.decode()
    row = row_of(html, "泽州县&lt;测试&gt;项目")
    assert f'href="/projects/{project.pk}/"' in row
    got = cells(row)
    assert got[0] == "—"
    assert got[1].endswith("包联：王副市长")
    assert got[2] == "泽州县|巴公镇"
    assert got[3] == "—"
    assert "在建" in got[4] and 'class="badge text-bg-primary"' in row
    assert got[5] == project.get_key_level_display()
    assert got[6] == "123,456.70"
    assert got[8] == "2025-04-01"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", got[9])


def test_ticked_filters_stay_ticked(world, client_for):
    html = (
        client_for("office")
        .get(reverse("projects:project_list"), {"stage": ["construction", "reserve"]})
        .content.decode()
    )
    ticked = re.findall(
        r'<input class="form-check-input" type="checkbox" name="stage" value="(\w+)"[^>]*checked>', html
    )
    assert sorted(ticked) == ["construction", "reserve"]
    assert re.search(r"<span data-chosen>在建</span>", html) and re.search(
        r"<span data-chosen>储备</span>", html
    )
