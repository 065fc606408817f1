"""What demo projects look like, per industry: name patterns (worded like the ledgers and notices),
typical size, the responsible city department, the kind of construction unit, and the words a
monthly report uses for physical progress (形象进度)."""

from __future__ import annotations

from dataclasses import dataclass

from projects.choices import Industry


@dataclass(frozen=True)
class Template:
    pattern: (
        str  # placeholders: {area} {town} {t1} {t2} {park} {n} {x} {company} {river} {scenic} {cn} {phase}
    )
    median: int  # typical total investment, 万元
    unit: str  # "ent:<trade>" enterprise, "soe:<name>" state-owned company, "gov:<bureau>", "inst:<body>"
    dept: str  # key of the responsible city department (geography.DEPARTMENTS)
    content: str  # 建设规模及内容
    weight: float = 1.0
    high_tech: bool = False
    choices: tuple[str, ...] = ()  # values for {x}


@dataclass(frozen=True)
class IndustryProfile:
    industry: str
    weight: float
    progress: str  # key of PROGRESS
    templates: tuple[Template, ...]


# Data tables below are laid out by hand for reading; the formatter would put one word per line.
# fmt: off
CN_NUMERALS = "一二三四五六七八九十"
PHASES = ("一期", "二期", "三期")
RIVERS = ("丹河", "沁河", "长河", "白水河", "东大河", "获泽河", "芦苇河", "端氏河", "杨村河", "许河", "西峪河")
RESERVOIRS = ("任庄", "张峰", "东焦河", "杜河", "围滩", "申庄", "董封", "北留")
ROADS = ("凤台街", "泽州路", "中原街", "红星街", "书院街", "兰花路", "白马寺路", "景西路", "建设路", "文昌街")
PROVINCIAL_ROADS = ("阳济线", "晋韩线", "沁辉线", "长晋线", "陵侯线")
SCENIC = {
    "yangcheng": ("皇城相府", "郭峪古城", "蟒河", "析城山", "海会寺"),
    "lingchuan": ("王莽岭", "锡崖沟", "棋子山", "凤凰欢乐谷", "黄围山"),
    "zezhou": ("珏山", "青莲寺", "大阳古镇", "司徒小镇", "太行太极宫"),
    "gaoping": ("炎帝陵", "长平之战遗址", "羊头山", "良户古村"),
    "qinshui": ("湘峪古堡", "柳氏民居", "历山", "窦庄古堡"),
    "chengqu": ("白马寺山", "古书院", "泽州公园"),
    "kaifaqu": ("白马寺山森林公园", "凤凰山"),
    "city": ("太行一号旅游公路",),
}
BRANDS = (
    "华晟", "泓泰", "鑫磊", "瑞丰", "中晋", "太行", "丹河", "沁和", "凤鸣", "晋匠", "金鼎", "宏达", "恒信", "天泽",
    "星河", "润晋", "明达", "睿博", "嘉禾", "聚源", "汇能", "晋晟", "东方", "长平", "泽瑞", "锦程", "富源", "兴晋",
    "鼎盛", "利华", "中科", "国晟", "三晋", "凤城", "蓝焰", "晋煤", "华阳", "金泽", "九州", "同舟",
)
PROBLEMS = (
    "征地拆迁尚未完成，影响施工作业面。",
    "资金到位不足，需协调银行贷款。",
    "临时用电容量不足，需供电公司扩容。",
    "环评批复尚在办理，部分工程暂缓。",
    "阻工问题需属地乡镇协调解决。",
    "招工用人紧张，熟练技术工人短缺。",
    "用地指标待落实。",
    "燃气、供水配套管线接入滞后。",
)
RETURN_REASONS = (
    "本月完成投资与形象进度不符，请核实后重新报送。",
    "形象进度描述过于简单，请补充具体完成内容。",
    "完成投资超过年度计划较多，请附说明。",
    "未上传现场照片，请补充留影存档材料。",
)
CORRECTION_REASONS = (
    "统计核实后调整本月完成投资。",
    "发票入账后更正完成投资额。",
    "与入库纳统数据核对，更正填报错误。",
)
STAGE_REASONS = {
    "suspended": (
        "企业资金链紧张，项目暂缓建设。",
        "受市场行情影响，建设单位申请暂停。",
        "规划调整，待重新论证后实施。",
        "环保督察整改期间停工。",
    ),
    "cancelled": (
        "投资方撤资，项目终止。",
        "项目选址与国土空间规划冲突，终止实施。",
        "经论证不具备实施条件，调出项目库。",
    ),
}

# Physical progress, by phase of completion: (upper bound of percent, phrase).
PROGRESS = {
    "building": (
        (5, "完成场地平整及临建搭设"),
        (15, "桩基施工完成{p}%"),
        (30, "基础施工，完成土方开挖及垫层"),
        (55, "主体结构施工至第{n}层"),
        (70, "主体结构封顶，二次结构施工"),
        (85, "钢结构安装完成，室内外装饰装修施工"),
        (97, "设备安装调试，室外配套工程施工"),
        (100, "工程完工，正在组织竣工验收"),
    ),
    "plant": (
        (5, "完成场地平整，办理施工许可"),
        (20, "厂房基础施工完成{p}%"),
        (45, "钢结构厂房吊装完成{p}%"),
        (65, "厂房封闭，设备基础施工"),
        (85, "生产设备安装完成{p}%"),
        (97, "生产线单机调试"),
        (100, "生产线联动试车，具备投产条件"),
    ),
    "linear": (
        (8, "征地拆迁完成{p}%，施工便道贯通"),
        (30, "路基土石方完成{p}%"),
        (50, "桥梁桩基完成{p}%，涵洞完成{n}道"),
        (70, "路基完成{p}%，路面基层施工"),
        (90, "路面铺设完成{p}%"),
        (97, "附属工程及交安设施施工"),
        (100, "全线完工，交工验收准备中"),
    ),
    "water": (
        (10, "施工准备，完成清表及导流"),
        (40, "管道铺设{n}公里"),
        (70, "主体工程完成{p}%"),
        (90, "河道整治及护岸完成{p}%"),
        (100, "完成水下工程，正在进行试运行"),
    ),
    "energy": (
        (10, "完成场平及道路施工"),
        (35, "基础施工完成{p}%"),
        (60, "设备及支架安装完成{p}%"),
        (85, "升压站土建及电气安装"),
        (100, "并网调试"),
    ),
    "farm": (
        (20, "土地平整{n}亩"),
        (50, "灌溉管网铺设完成{p}%"),
        (80, "设施大棚建设完成{p}%"),
        (100, "配套设施完善，准备验收"),
    ),
}

PROFILES = (
    IndustryProfile(Industry.INDUSTRY, 0.30, "plant", (
        Template("{area}{town}年产{n}万吨{x}项目", 30000, "ent:新材料科技", "gxj",
                 "新建生产车间、仓储及配套设施，形成年产{n}万吨{x}生产能力。", 2.0,
                 choices=("新型建材", "高性能球墨铸管", "精密铸件", "碳基新材料", "硅基新材料", "特种合金",
                          "再生铝", "镁合金型材", "耐火材料")),
        Template("{company}年产{n}万套{x}项目", 20000, "ent:智能装备", "gxj",
                 "新建标准化厂房，购置生产及检测设备，形成年产{n}万套{x}能力。", 1.5,
                 choices=("智能家居", "汽车零部件", "液压支架", "光机电组件", "数控机床部件", "新能源汽车电机")),
        Template("{area}{x}产业园标准化厂房{phase}", 60000, "soe:产业园区开发建设有限公司", "gxj",
                 "建设标准化厂房及研发楼、园区道路和配套管网。", 1.0, True,
                 ("光机电", "智能制造", "先进装备", "新材料", "半导体光电", "氢能装备", "绿色建材")),
        Template("{company}{x}智能化改造项目", 12000, "ent:实业", "gxj",
                 "对现有{x}生产线进行智能化、数字化改造，新增自动化控制系统。", 1.2,
                 choices=("焦化", "铸造", "炼钢", "轧钢", "化肥", "耐火材料", "陶瓷")),
        Template("{company}{n}万吨/年焦化超低排放改造项目", 25000, "ent:煤焦化", "gxj",
                 "实施焦炉烟气脱硫脱硝、干熄焦及无组织排放治理改造。", 0.6),
        Template("{company}{x}生产线建设项目", 40000, "ent:光电科技", "kjj",
                 "新建洁净厂房，引进{x}生产线及配套公辅设施。", 1.2, True,
                 ("光伏组件", "锂电池负极材料", "蓝宝石衬底", "碳化硅外延片", "光纤预制棒", "激光器件")),
        Template("{company}日用陶瓷及陶瓷卫浴生产线项目", 15000, "ent:陶瓷", "gxj",
                 "新建隧道窑及成型车间，形成年产日用陶瓷{n}00万件能力。", 0.5),
    )),
    IndustryProfile(Industry.ENERGY, 0.10, "energy", (
        Template("{area}{town}{n}0MW光伏发电项目", 40000, "ent:新能源", "nyj",
                 "建设{n}0MW光伏阵列及配套升压站、送出线路。", 2.0, True),
        Template("{area}{n}0万千瓦风电项目", 80000, "ent:风电", "nyj",
                 "安装风力发电机组及箱式变电站，新建110千伏升压站。", 1.0, True),
        Template("{area}{town}{n}0MW/{n}0MWh独立储能电站项目", 50000, "ent:储能科技", "nyj",
                 "建设磷酸铁锂储能系统及升压站。", 1.0, True),
        Template("{area}抽水蓄能电站", 800000, "soe:抽水蓄能有限公司", "nyj",
                 "建设上下水库、输水系统、地下厂房，装机容量120万千瓦。", 0.15),
        Template("{company}煤矿智能化改造项目", 15000, "ent:煤业", "nyj",
                 "建设智能化综采工作面、井下5G通信及智能调度系统。", 1.0),
        Template("{area}{town}220千伏输变电工程", 25000, "soe:国网晋城供电公司", "nyj",
                 "新建220千伏变电站一座及配套线路。", 0.8),
        Template("{area}煤层气{n}亿立方米/年开发利用项目", 60000, "ent:煤层气开发", "nyj",
                 "新钻煤层气井并建设集输管网、增压站。", 0.8),
    )),
    IndustryProfile(Industry.TRANSPORT, 0.10, "linear", (
        Template("{area}{t1}至{t2}二级公路改建工程", 30000, "gov:交通运输局", "jtj",
                 "按二级公路标准改建，路线全长{n}.{n}公里，路基宽度12米。", 2.0),
        Template("国道207线{area}段改线工程", 150000, "gov:交通运输局", "jtj",
                 "按一级公路标准建设，全长{n}公里，含互通立交一处。", 0.3),
        Template("省道{x}{area}段改建工程", 60000, "gov:交通运输局", "jtj",
                 "按二级公路标准改建，含桥梁{n}座。", 0.6, choices=PROVINCIAL_ROADS),
        Template("{area}{town}农村公路提质改造工程", 2500, "gov:交通运输局", "jtj",
                 "改造农村公路{n}公里，完善安防设施。", 2.0),
        Template("{area}{t1}至{t2}旅游公路工程", 20000, "gov:交通运输局", "jtj",
                 "新建旅游公路{n}公里及观景台、驿站。", 0.8),
        Template("{area}城乡公交一体化及充电设施项目", 6000, "soe:公共交通有限公司", "jtj",
                 "购置新能源公交车，建设公交首末站及充电桩。", 0.6),
    )),
    IndustryProfile(Industry.WATER, 0.06, "water", (
        Template("{area}{river}流域综合治理工程", 20000, "gov:水务局", "swj",
                 "河道清淤疏浚{n}公里，新建护岸及生态湿地。", 1.5),
        Template("{area}{town}农村供水保障工程", 3000, "gov:水务局", "swj",
                 "新建水源井、蓄水池，铺设供水管网{n}公里。", 2.0),
        Template("{area}{x}水库除险加固工程", 8000, "gov:水务局", "swj",
                 "大坝加固、溢洪道改造及安全监测设施建设。", 0.8, choices=RESERVOIRS),
        Template("{area}农村饮水安全巩固提升工程", 5000, "gov:水务局", "swj",
                 "改造农村供水工程{n}处，配套净化消毒设施。", 1.0),
        Template("{area}{town}污水处理厂提标改造工程", 6000, "soe:水务投资有限公司", "swj",
                 "污水处理厂提标至一级A标准，配套管网{n}公里。", 0.8),
    )),
    IndustryProfile(Industry.URBAN, 0.14, "building", (
        Template("{area}{town}片区城镇老旧小区改造", 5000, "gov:住房和城乡建设局", "zjj",
                 "改造老旧小区{n}个，涉及楼栋{n}0栋，改造供排水、供热、燃气管网及配套设施。", 2.5),
        Template("{area}城市燃气管网更新改造工程", 12000, "soe:燃气有限公司", "zjj",
                 "更新改造燃气管网{n}0公里及调压设施。", 1.0),
        Template("{area}集中供热管网改造工程", 10000, "soe:热力有限公司", "zjj",
                 "改造供热一级管网{n}公里、换热站{n}座。", 1.0),
        Template("{area}雨污分流改造工程", 15000, "gov:住房和城乡建设局", "zjj",
                 "新建雨水管网{n}公里，改造合流制管网。", 1.0),
        Template("{area}{town}城中村改造项目", 50000, "soe:城市建设投资开发有限公司", "zjj",
                 "拆除重建安置住房{n}00套及配套公共服务设施。", 0.8),
        Template("{area}{x}提质改造工程", 6000, "gov:城市管理局", "cgj",
                 "道路白改黑、人行道铺装、绿化亮化及附属设施改造。", 1.0, choices=ROADS),
        Template("{area}保障性租赁住房项目", 18000, "soe:城市建设投资开发有限公司", "zjj",
                 "新建保障性租赁住房{n}00套。", 0.6),
    )),
    IndustryProfile(Industry.SOCIAL, 0.12, "building", (
        Template("{area}第{cn}中学新建工程", 15000, "gov:教育局", "jyj",
                 "新建教学楼、实验楼、宿舍楼及运动场，办学规模{n}0个班。", 1.2),
        Template("{area}人民医院{x}", 25000, "inst:人民医院", "wjw",
                 "新建{x}，总建筑面积{n}万平方米，床位{n}00张。", 1.0, choices=("门诊综合楼", "住院楼", "传染病区")),
        Template("{area}中医医院迁建工程", 30000, "inst:中医医院", "wjw",
                 "迁建医院主体楼及配套设施。", 0.4),
        Template("{area}{town}中心敬老院建设项目", 2000, "gov:民政局", "mzj",
                 "新建养老床位{n}0张及配套用房。", 1.2),
        Template("{area}职业技术学校实训基地建设项目", 8000, "inst:职业技术学校", "jyj",
                 "新建实训楼及实训设备购置。", 0.6),
        Template("{area}{town}中心幼儿园新建工程", 2500, "gov:教育局", "jyj",
                 "新建{n}轨制幼儿园及室外活动场地。", 1.0),
        Template("{area}{town}卫生院改扩建工程", 1500, "gov:卫生健康局", "wjw",
                 "改扩建业务用房并购置医疗设备。", 1.0),
        Template("{area}零工市场及就业服务中心", 1200, "gov:人力资源和社会保障局", "rsj",
                 "建设零工市场及就业服务用房。", 0.3),
    )),
    IndustryProfile(Industry.AGRICULTURE, 0.07, "farm", (
        Template("{area}{town}高标准农田建设项目", 2500, "gov:农业农村局", "nyncj",
                 "建设高标准农田{n}万亩，配套灌溉及田间道路。", 2.0),
        Template("{area}{town}{x}种植基地建设项目", 3000, "ent:农业开发", "nyncj",
                 "建设{x}种植基地{n}000亩及加工仓储设施。", 1.5,
                 choices=("中药材", "连翘", "党参", "山楂", "小杂粮", "旱地西红柿", "食用菌", "设施蔬菜")),
        Template("{company}年出栏{n}0万头生猪养殖项目", 20000, "ent:牧业", "nyncj",
                 "新建标准化猪舍、饲料车间及粪污处理设施。", 0.8),
        Template("{area}农产品冷链物流中心", 8000, "ent:冷链物流", "nyncj",
                 "新建冷库{n}万吨及分拣配送中心。", 0.6),
        Template("{area}{town}现代农业产业园", 15000, "soe:农业投资有限公司", "nyncj",
                 "建设农产品加工区、科技示范区及配套设施。", 0.6),
    )),
    IndustryProfile(Industry.TOURISM, 0.05, "building", (
        Template("{area}{scenic}景区提升工程", 20000, "soe:文化旅游投资集团有限公司", "wlj",
                 "提升景区游客中心、游步道、停车场及智慧旅游设施。", 1.5),
        Template("{area}{town}康养小镇建设项目", 60000, "ent:康养产业", "wlj",
                 "建设康养公寓、医养中心及休闲配套。", 0.8),
        Template("{area}{town}古堡民宿集群项目", 5000, "ent:文化旅游发展", "wlj",
                 "修缮古院落{n}处改造为精品民宿。", 1.0),
        Template("{area}冰雪运动中心", 30000, "ent:冰雪运动", "wlj",
                 "建设滑雪场、雪具大厅及配套设施。", 0.3),
    )),
    IndustryProfile(Industry.SERVICE, 0.05, "building", (
        Template("{area}商贸物流园{phase}", 30000, "ent:物流", "swuj",
                 "建设仓储物流中心、分拨中心及信息平台。", 1.0),
        Template("{area}{town}城市综合体", 80000, "ent:置业", "swuj",
                 "建设商业、办公及酒店综合体，总建筑面积{n}万平方米。", 0.6),
        Template("{company}产业园", 10000, "ent:电子商务", "swuj",
                 "建设电商孵化中心、直播基地及仓配中心。", 0.8),
        Template("{area}县域商业体系建设项目", 3000, "gov:商务局", "swuj",
                 "改造乡镇商贸中心及村级便民店。", 0.6),
    )),
    IndustryProfile(Industry.OTHER, 0.01, "building", (
        Template("{area}算力中心建设项目", 50000, "ent:数据科技", "sjj",
                 "建设数据中心机房及算力服务平台。", 1.0, True),
        Template("{area}5G基站及数字乡村建设项目", 5000, "ent:信息技术", "sjj",
                 "新建5G基站{n}0座及数字乡村服务平台。", 1.0, True),
    )),
)
# fmt: on
PROFILE_BY_INDUSTRY = {p.industry: p for p in PROFILES}

# fmt: off
# County-level industry mix: each area leans its own way (沁水 gas, 开发区 industry, 城区 city works).
AREA_INDUSTRY_BIAS = {
    "chengqu": {Industry.URBAN: 2.5, Industry.SOCIAL: 1.8, Industry.SERVICE: 2.0, Industry.INDUSTRY: 0.4,
                Industry.AGRICULTURE: 0.1, Industry.ENERGY: 0.3},
    "qinshui": {Industry.ENERGY: 3.0, Industry.AGRICULTURE: 1.3},
    "yangcheng": {Industry.TOURISM: 1.8, Industry.ENERGY: 1.5},
    "lingchuan": {Industry.TOURISM: 3.0, Industry.AGRICULTURE: 1.8, Industry.INDUSTRY: 0.6},
    "zezhou": {Industry.INDUSTRY: 1.2},
    "gaoping": {Industry.INDUSTRY: 1.2, Industry.ENERGY: 1.3, Industry.AGRICULTURE: 1.3},
    "kaifaqu": {Industry.INDUSTRY: 3.5, Industry.AGRICULTURE: 0.05, Industry.TOURISM: 0.2, Industry.WATER: 0.3,
                Industry.TRANSPORT: 0.3, Industry.ENERGY: 0.4},
    "city": {Industry.TRANSPORT: 6.0, Industry.URBAN: 2.5, Industry.WATER: 2.5, Industry.SOCIAL: 1.8,
             Industry.INDUSTRY: 0.15, Industry.ENERGY: 0.2, Industry.AGRICULTURE: 0.1, Industry.TOURISM: 0.5,
             Industry.SERVICE: 0.1},
}
# fmt: on
