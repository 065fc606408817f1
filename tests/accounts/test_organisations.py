import pytest
from django.core.exceptions import PermissionDenied

from accounts import services
from accounts.choices import OrgKind
from accounts.models import AuditLog, Organisation
from projects.selectors import projects_for_user

pytestmark = pytest.mark.django_db


def test_new_town_gets_a_path_under_its_county(world):
    town = services.organisation_save(
        actor=world["admin"], organisation=Organisation(name="高都镇", kind=OrgKind.TOWN, parent=world.zezhou)
    )
    assert town.path == f"{world.zezhou.path}{town.pk}/"
    assert AuditLog.objects.filter(object_id=str(town.pk), action="create").count() == 1


def test_moving_a_town_moves_its_subtree_and_its_projects_with_it(world):
    village = services.organisation_save(
        actor=world["admin"], organisation=Organisation(name="巴公村", kind=OrgKind.TOWN, parent=world.bagong)
    )
    world.bagong.parent = world.gaoping
    services.organisation_save(actor=world["admin"], organisation=world.bagong)
    village.refresh_from_db()
    world.bagong.refresh_from_db()
    assert world.bagong.path.startswith(world.gaoping.path)
    assert village.path == f"{world.bagong.path}{village.pk}/"
    # 区划调整: the town's project now belongs to 高平市, and 泽州县 no longer sees it
    world.zz_project.refresh_from_db()
    assert world.zz_project.county == world.gaoping
    assert "泽州县巴公智能装备产业园" in names_for(world["gaoping"])
    assert "泽州县巴公智能装备产业园" not in names_for(world["zezhou"])
    change = AuditLog.objects.get(object_id=str(world.zz_project.pk), action="update")
    assert change.changes == {"county": ["泽州县", "高平市"], "reporting_unit": ["泽州县", "高平市"]}


def names_for(user):
    return set(projects_for_user(user).values_list("name", flat=True))


def test_an_organisation_cannot_become_its_own_descendant(world):
    world.zezhou.parent = world.bagong
    with pytest.raises(ValueError, match="上级单位不能是本单位或其下级单位"):
        services.organisation_save(actor=world["admin"], organisation=world.zezhou)


def test_only_admins_maintain_the_tree(world):
    with pytest.raises(PermissionDenied):
        services.organisation_save(
            actor=world["office"],
            organisation=Organisation(name="新区", kind=OrgKind.ZONE, parent=world.city),
        )
