import pytest

from projects.selectors import projects_for_user

pytestmark = pytest.mark.django_db


def names(user):
    return set(projects_for_user(user).values_list("name", flat=True))


def test_county_reporter_sees_only_its_county(world):
    assert names(world["zezhou"]) == {"泽州县巴公智能装备产业园", "泽州县金村物流通道"}


def test_other_county_sees_none_of_zezhou(world):
    assert names(world["gaoping"]) == {"高平市米山新材料项目"}


def test_department_sees_projects_it_leads_across_counties(world):
    assert names(world["jtj"]) == {"泽州县金村物流通道"}


@pytest.mark.parametrize("persona", ["office", "leader", "stats", "admin"])
def test_citywide_roles_see_everything(world, persona):
    assert len(names(world[persona])) == 3


def test_user_without_organisation_or_role_sees_nothing(world):
    assert names(world["outsider"]) == set()


def test_town_user_sees_only_its_town(world):
    from tests.factories import make_user

    town_user = make_user("bagong", world.bagong, "reporter")
    assert names(town_user) == {"泽州县巴公智能装备产业园"}
