import datetime as dt

import pytest

from accounts.choices import OrgKind
from issues import services
from issues.choices import Category, Source
from projects.models import Leader
from tests.factories import make_user
from tests.reporting.test_browser import browser, cookies_without_expiry  # noqa: F401
from tests.scheduling.conftest import SHANGHAI, at, dispatch  # noqa: F401


@pytest.fixture
def leaders(world):
    """The city's leaders with accounts: the mayor, the executive vice mayor (`leader`), a vice mayor."""
    mayor = make_user("mayor", world.city, "leader", full_name="张市长")
    vice = make_user("vice", world.city, "leader", full_name="李副市长")
    return {
        "mayor": Leader.objects.create(name="张市长", title="市长", organisation=world.city, user=mayor),
        "executive": Leader.objects.create(
            name="王常务", title="常务副市长", organisation=world.city, user=world["leader"]
        ),
        "vice": Leader.objects.create(name="李副市长", title="副市长", organisation=world.city, user=vice),
    }


@pytest.fixture
def found(world):
    """`found(project=…)`: a problem registered by the office on a day."""

    def make(project=None, day=dt.date(2026, 9, 28), **kw):
        return services.ticket_create(
            actor=world["office"],
            project=project or world.zz_project,
            title=kw.pop("title", "施工用电未接入"),
            category=kw.pop("category", Category.UTILITIES),
            source=kw.pop("source", Source.SITE_VISIT),
            found_on=day,
            **kw,
        )

    return make


@pytest.fixture
def assigned(world, found):
    """`assigned(day, **assign_kwargs)`: found and assigned to 泽州县 on `day`."""

    def make(day=dt.date(2026, 9, 28), project=None, **kw):
        ticket = found(project=project, day=day)
        kw.setdefault("lead_unit", world.zezhou)
        return services.ticket_assign(actor=world["office"], ticket=ticket, today=day, **kw)

    return make


__all__ = ["OrgKind"]
