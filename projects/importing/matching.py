"""Name lookups for one import: organisations, leaders and the soft vocabularies (行业, 建设性质, 重点级别).

Everything is loaded once per import (two queries), so resolving 5,000 rows costs no query per row.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict

from django.utils import translation

from accounts.choices import AREA_KINDS, OrgKind
from accounts.models import Organisation

from ..choices import Industry, KeyLevel, Nature
from ..models import Leader
from .parsing import compact

_AREA_SUFFIXES = ("自治县", "县", "市", "区")
_TOWN_SUFFIXES = ("街道办事处", "街道", "镇", "乡")
_TITLE_RE = re.compile(r"[（(【\[].*?[)）】\]]")
_TITLE_WORDS = re.compile(
    r"(县委|市委|常委|常务|副|县长|市长|区长|书记|主任|主席|部长|局长|秘书长|组长|政委|调研员|巡视员|同志|、|,|，)+$"
)


class OrgDirectory:
    """Every organisation of the tree, findable by full name, short name or name without its suffix."""

    def __init__(self, orgs=None):
        orgs = list(orgs if orgs is not None else Organisation.objects.filter(is_active=True))
        self.by_id = {o.pk: o for o in orgs}
        self._cache: dict[int, dict[str, list[Organisation]]] = {}
        self.city_names = [compact(o.name) for o in orgs if o.kind == OrgKind.CITY]
        self._areas: dict[str, list[Organisation]] = defaultdict(list)
        self._towns: dict[str, list[Organisation]] = defaultdict(list)
        self._departments: dict[str, list[Organisation]] = defaultdict(list)
        for org in orgs:
            if org.kind == OrgKind.CITY or org.kind in AREA_KINDS:
                index, suffixes = self._areas, _AREA_SUFFIXES
            elif org.kind == OrgKind.TOWN:
                index, suffixes = self._towns, _TOWN_SUFFIXES
            elif org.kind == OrgKind.DEPARTMENT:
                index, suffixes = self._departments, ()
            else:
                continue
            keys = self._keys(org, suffixes)
            if org.kind == OrgKind.ZONE:
                keys |= {"开发区", "经开区"}  # what ledgers call the city's development zone
            for key in keys:
                if org not in index[key]:
                    index[key].append(org)

    def _keys(self, org, suffixes) -> set[str]:
        """The names a ledger may use for `org`: the lookups' variants of its name and short name."""
        keys = set()
        for raw in (org.name, org.short_name):
            name = compact(raw)
            if not name:
                continue
            keys.update(self._variants(name, suffixes))
            if org.kind == OrgKind.DEPARTMENT and name.startswith("市") and len(name) > 3:
                keys.add(name[1:])  # "交通运输局" for "市交通运输局"
        return keys

    def _variants(self, text: str, suffixes) -> list[str]:
        name = compact(text)
        variants = [name]
        for city in self.city_names:  # "晋城市交通运输局" → "交通运输局" and "市交通运输局"
            if name.startswith(city) and len(name) > len(city):
                variants += [name[len(city) :], "市" + name[len(city) :]]
        for suffix in suffixes:
            if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                variants.append(name[: -len(suffix)])
                break
        return variants

    def _find(self, index, text, suffixes) -> list[Organisation]:
        # A ledger repeats the same few names thousands of times: remember each answer.
        cache = self._cache.setdefault(id(index), {})
        if text not in cache:
            cache[text] = next((index[v] for v in self._variants(text, suffixes) if v in index), [])
        return cache[text]

    def areas(self, text: str) -> list[Organisation]:
        return self._find(self._areas, text, _AREA_SUFFIXES)

    def towns(self, text: str) -> list[Organisation]:
        return self._find(self._towns, text, _TOWN_SUFFIXES)

    def departments(self, text: str) -> list[Organisation]:
        return self._find(self._departments, text, ())

    def area_in_text(self, text: str) -> Organisation | None:
        """The county an address like "泽州县巴公镇北石店村" starts with (for ledgers without a county column)."""
        name = compact(text)
        best = None
        for key, orgs in self._areas.items():
            if len(orgs) == 1 and len(key) >= 2 and name.startswith(key):
                if orgs[0].kind != OrgKind.CITY and (best is None or len(key) > best[0]):
                    best = (len(key), orgs[0])
        return best[1] if best else None

    def town_in_text(self, text: str, county: Organisation) -> Organisation | None:
        name = compact(text)
        for key, orgs in self._towns.items():
            if len(key) >= 2 and key in name:
                for org in orgs:
                    if org.parent_id == county.pk:
                        return org
        return None


class LeaderDirectory:
    """包联 leaders by name; tolerant of a title after the name ("张三（副县长）", "张三 副县长")."""

    def __init__(self, leaders=None):
        leaders = list(leaders if leaders is not None else Leader.objects.filter(is_active=True))
        self.by_name: dict[str, list[Leader]] = defaultdict(list)
        for leader in leaders:
            self.by_name[compact(leader.name)].append(leader)
        self.names_longest_first = sorted(self.by_name, key=len, reverse=True)
        self._cache: dict = {}

    @staticmethod
    def clean_name(text: str) -> str:
        name = _TITLE_RE.sub("", compact(text))
        return name

    def find(self, text: str, *, area: Organisation | None = None) -> Leader | None:
        key = (text, area.pk if area is not None else None)
        if key not in self._cache:
            self._cache[key] = self._find(text, area)
        return self._cache[key]

    def _find(self, text: str, area: Organisation | None) -> Leader | None:
        name = self.clean_name(text)
        candidates = self.by_name.get(name) or self.by_name.get(_TITLE_WORDS.sub("", name))
        if not candidates:
            for known in self.names_longest_first:
                if len(known) >= 2 and name.startswith(known):
                    candidates = self.by_name[known]
                    break
        if not candidates:
            return None
        if len(candidates) > 1 and area is not None:
            # Two leaders of the same name: prefer the one of the project's county, then the city.
            for leader in candidates:
                if leader.organisation_id == area.pk:
                    return leader
        return candidates[0]


# Soft vocabularies: (canonical value, words that mean it). Exact labels map silently; other words
# map with a warning so the uploader sees what was assumed.
NATURE_WORDS = [
    (Nature.NEW, ("新建", "新开工", "新建项目", "新开工项目")),
    (Nature.CONTINUING, ("续建", "续建项目", "续建工程", "复工")),
    (Nature.EXPANSION, ("改扩建", "改建", "扩建", "技改", "技术改造", "改造", "迁建", "扩能", "提升改造")),
]
INDUSTRY_WORDS = [
    (
        Industry.INDUSTRY,
        (
            "工业",
            "制造",
            "装备",
            "材料",
            "化工",
            "冶金",
            "钢铁",
            "铸造",
            "半导体",
            "光机电",
            "电子",
            "医药",
            "食品",
            "纺织",
            "建材",
            "煤化工",
            "新材料",
            "产业",
        ),
    ),
    (
        Industry.ENERGY,
        ("能源", "煤炭", "煤矿", "电力", "光伏", "风电", "氢能", "储能", "燃气", "新能源", "煤层气"),
    ),
    (Industry.TRANSPORT, ("交通", "公路", "铁路", "道路", "高速", "物流", "桥梁", "机场")),
    (Industry.WATER, ("水利", "水务", "供水", "引水", "水库", "防洪", "治水")),
    (
        Industry.URBAN,
        ("城建", "市政", "城市", "城镇", "基础设施", "住房", "棚改", "房地产", "管网", "供热", "老旧小区"),
    ),
    (
        Industry.SOCIAL,
        ("社会民生", "民生", "教育", "学校", "医疗", "医院", "卫生", "养老", "体育", "社会事业", "保障"),
    ),
    (Industry.AGRICULTURE, ("农业", "农林", "林业", "畜牧", "乡村振兴", "农村", "种植", "养殖")),
    (Industry.TOURISM, ("文旅", "旅游", "文化", "康养", "景区")),
    (Industry.SERVICE, ("服务业", "商贸", "现代服务", "金融", "商业", "电商", "数字经济", "信息")),
]
KEY_LEVEL_WORDS = [
    (KeyLevel.PROVINCE_PROVINCE, ("省定省管",)),
    (KeyLevel.PROVINCE_CITY, ("省定市管",)),
    (KeyLevel.PROVINCE_PROVINCE, ("省级重点", "省重点", "省级")),
    (KeyLevel.CITY, ("市级重点", "市重点", "市级")),
    (KeyLevel.COUNTY, ("县级重点", "县重点", "县级", "区级")),
]
KEY_LEVEL_NONE = {"", "无", "否", "一般", "非重点", "一般项目"}


def soft_choice(text: str, words, choices, default):
    """`(value, warning or "")` for a soft reference; unknown words → default with a warning.

    Ledgers are Chinese whatever language the uploader's pages are in, so labels are compared in Chinese.
    """
    with translation.override("zh-hans"):
        return _soft_choice(text, words, choices, default)


def _soft_choice(text: str, words, choices, default):
    key = compact(text)
    for value in choices:
        if key == compact(value.label):
            return value.value, ""
    for value, synonyms in words:
        if key in synonyms:
            return value.value, f"“{text}”按“{choices(value).label}”导入"
    for value, synonyms in words:
        if any(s in key for s in synonyms):
            return value.value, f"“{text}”按“{choices(value).label}”导入"
    return default.value, f"无法识别“{text}”，按“{choices(default).label}”导入"


@functools.lru_cache(maxsize=512)
def nature_from(text: str):
    return soft_choice(text, NATURE_WORDS, Nature, Nature.OTHER)


@functools.lru_cache(maxsize=512)
def industry_from(text: str):
    return soft_choice(text, INDUSTRY_WORDS, Industry, Industry.OTHER)


@functools.lru_cache(maxsize=512)
def key_level_from(text: str):
    key = compact(text)
    if key in KEY_LEVEL_NONE:
        return "", ""
    for value, synonyms in KEY_LEVEL_WORDS:
        if any(s in key for s in synonyms):
            with translation.override("zh-hans"):
                label = str(KeyLevel(value).label)
            return value.value, "" if key == compact(label) else f"“{text}”按“{label}”导入"
    return "", f"无法识别重点项目级别“{text}”，按“无”导入"
