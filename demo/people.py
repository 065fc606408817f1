"""Invented but plausible Chinese names, and the leaders of the demo city and its counties.

Titles follow the notices in `seeds/` (专班 of 晋城市 and 泽州县); every name is invented, so no real
official is tied to a made-up project.
"""

from __future__ import annotations

import random

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
    "余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
    "牛申原焦卫靳晋裴"
)
GIVEN_CHARS = (
    "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华建国志红文斌宇浩凯鹏俊帆晨阳海波玉兰春梅晓东亮飞峰辉"
    "宁鑫丹蕾琳瑞雪冰琦瑶博文轩泽宏毅鸿翔锋晶欣然思源子豪佳慧婷玲燕云龙虎林森旭日新月卫民建华振兴兆丰"
)


def person_name(rng: random.Random) -> str:
    surname = rng.choice(SURNAMES)
    n = 1 if rng.random() < 0.3 else 2
    return surname + "".join(rng.choice(GIVEN_CHARS) for _ in range(n))


def phone_number(rng: random.Random) -> str:
    prefix = rng.choice(
        ["135", "136", "137", "138", "139", "150", "151", "152", "158", "159", "187", "188", "133"]
    )
    return prefix + "".join(str(rng.randrange(10)) for _ in range(8))


# City leaders: (title, domains they take charge of). The first vice mayor is 常务副市长.
CITY_LEADER_TITLES = [
    ("市长", ()),
    ("常务副市长", ("industry", "service", "other")),
    ("副市长", ("energy", "industry")),
    ("副市长", ("transport", "urban")),
    ("副市长", ("water", "agriculture")),
    ("副市长", ("social", "tourism")),
    ("副市长、市公安局局长", ()),
    ("副市长", ("service", "urban")),
]

# 泽州县's 专班 as listed in seed 004 (titles only): 县长 leads, 常务副县长 and 副县长 are deputies.
ZEZHOU_LEADER_TITLES = [
    ("县长", ()),
    ("县委常委、常务副县长", ("industry", "service", "other")),
    ("副县长", ("energy", "industry")),
    ("副县长", ("transport", "urban")),
    ("副县长", ("water", "agriculture")),
    ("副县长、县公安局局长", ()),
    ("副县长", ("social", "tourism")),
    ("副县长", ("urban", "service")),
]


def area_leader_titles(kind: str, head: str) -> list[tuple[str, tuple[str, ...]]]:
    """Titles for the leaders of a county-level area: 县长/市长/区长, the 常务 deputy and three deputies."""
    if kind == "zone":
        return [
            ("管委会主任", ()),
            ("管委会常务副主任", ("industry", "service", "other", "energy")),
            ("管委会副主任", ("urban", "transport", "water", "social")),
            ("管委会副主任", ("industry", "tourism", "agriculture")),
        ]
    deputy = {"县长": "副县长", "市长": "副市长", "区长": "副区长"}[head]
    return [
        (head, ()),
        (f"常务{deputy}", ("industry", "service", "other")),
        (deputy, ("energy", "industry", "agriculture")),
        (deputy, ("transport", "urban", "water")),
        (deputy, ("social", "tourism", "urban")),
    ]
