"""factory_boy factories and the small world every test starts from."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from accounts.choices import OrgKind
from accounts.models import Organisation, Role, User
from projects.choices import Industry, Stage
from projects.models import AnnualPlan, Project

PASSWORD = "Demo@2025"


def make_org(name, kind, parent=None, **kw) -> Organisation:
    org = Organisation.objects.create(name=name, kind=kind, parent=parent, **kw)
    org.path = f"{parent.path if parent else '/'}{org.pk}/"
    org.save(update_fields=["path"])
    return org


def make_user(username, org, *roles, **kw) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, organisation=org, **kw)
    if roles:
        user.roles.set(Role.objects.filter(code__in=roles))
    return user


# The reason on the stage-history rows a factory project starts with; tests about the history a
# service writes leave these out.
FACTORY_HISTORY = "测试数据"


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"测试项目{n:04d}")
    construction_unit = factory.Sequence(lambda n: f"晋城市测试建设有限公司{n:04d}")
    total_investment = Decimal("10000.00")
    fund_self_raised = factory.SelfAttribute("total_investment")
    industry = Industry.INDUSTRY
    stage = Stage.CONSTRUCTION
    planned_start = dt.date(2025, 3, 1)
    actual_start = dt.date(2025, 3, 15)
    planned_completion = dt.date(2027, 12, 31)
    reporting_unit = factory.SelfAttribute("county")

    @factory.post_generation
    def history(self, create, extracted, **kwargs):
        """The stage history the project's dates imply (as entering it through a form writes)."""
        if create and extracted is not False:
            from projects.history import initial_history, stage_history_relink
            from projects.models import StageChange

            StageChange.objects.bulk_create(initial_history(self, actor=None, reason=FACTORY_HISTORY))
            stage_history_relink([self.pk])


class AnnualPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnnualPlan

    project = factory.SubFactory(ProjectFactory)
    year = 2025
    planned_investment = Decimal("1200.00")
    is_new = False


class World:
    """Jincheng in miniature: two counties with towns, the zone, departments and one user per persona."""

    def __init__(self):
        self.city = make_org("晋城市", OrgKind.CITY, division_code="140500")
        self.zezhou = make_org("泽州县", OrgKind.COUNTY, self.city, division_code="140525")
        self.bagong = make_org("巴公镇", OrgKind.TOWN, self.zezhou, division_code="140525101")
        self.jincun = make_org("金村镇", OrgKind.TOWN, self.zezhou, division_code="140525104")
        self.gaoping = make_org("高平市", OrgKind.COUNTY_CITY, self.city, division_code="140581")
        self.mizhen = make_org("米山镇", OrgKind.TOWN, self.gaoping, division_code="140581101")
        self.zone = make_org("晋城经济技术开发区", OrgKind.ZONE, self.city, division_code="140571")
        self.fgw = make_org("市发展和改革委员会", OrgKind.DEPARTMENT, self.city, short_name="市发改委")
        self.jtj = make_org("市交通运输局", OrgKind.DEPARTMENT, self.city, short_name="市交通局")
        self.gxj = make_org("市工业和信息化局", OrgKind.DEPARTMENT, self.city, short_name="市工信局")
        self.tjj = make_org("市统计局", OrgKind.DEPARTMENT, self.city)
        self.users = {
            "office": make_user("office", self.fgw, "office"),
            "leader": make_user("leader", self.city, "leader"),
            "stats": make_user("stats", self.tjj, "statistics"),
            "zezhou": make_user("zezhou", self.zezhou, "reporter"),
            "zezhou_head": make_user("zezhou_head", self.zezhou, "reviewer"),
            "gaoping": make_user("gaoping", self.gaoping, "reporter"),
            "jtj": make_user("jtj", self.jtj, "reporter"),
            "admin": make_user("admin", self.fgw, "admin", is_staff=True, is_superuser=True),
            "outsider": make_user("outsider", None),
        }
        self.zz_project = ProjectFactory(
            name="泽州县巴公智能装备产业园", county=self.zezhou, town=self.bagong, department=self.gxj
        )
        self.zz_road = ProjectFactory(
            name="泽州县金村物流通道",
            county=self.zezhou,
            town=self.jincun,
            department=self.jtj,
            industry=Industry.TRANSPORT,
        )
        self.gp_project = ProjectFactory(
            name="高平市米山新材料项目", county=self.gaoping, town=self.mizhen, department=self.gxj
        )
        for p in (self.zz_project, self.zz_road, self.gp_project):
            AnnualPlanFactory(project=p, year=2025)

    def __getitem__(self, username) -> User:
        return self.users[username]
