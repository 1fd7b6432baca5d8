"""
Demo honours: every honour the seed article (/news/488.html, 2022-12-17) names.

The article reviews 2018–2022, so the year is stored only where the text gives
it; elsewhere it stays empty. Conferring bodies are those the text names. In
the paragraph on people ("我州多名科技、科协工作者获中国科协、省科协表彰"), the
national titles are taken as 中国科协's and the provincial ones as 湖北省科协's,
which is what that sentence says; 中国农技协 is named where the text names it.

Groups: where the text names each person (龙祥云、向家亮) there is one honour per
person; where it names only the first ("马焱雷等9人") the first is kept with the
group's size. “先后3次” and “连续两年” are one honour each, the citation saying how
often: three undated rows read as one unit listed three times over.

Years: the text dates only some honours (2020, 2021, 2022 where it says so); the rest
fall within the five years it reviews (2018–2022) and are kept without a year rather
than given one the source does not state.

Deliberately left out, as support, funding or mentions rather than honours:
the video “收录” by 中国科协; 科技馆 免费开放项目支持; “湖北省优秀科技志愿服务队”
项目支持; 优秀基层“三长”支撑行动计划资助; exchange speeches and 简报推介; and the
unnamed “全州40余名科普工作者” and “286件作品”, which have no recipient to record.
"""

from django.db.models import Q

from awards.models import Award, Honour, Level, RecipientKind
from news.demo import SEED_ARTICLE_ID
from news.models import Article
from organizations.models import County, Organization

N, P, F = Level.NATIONAL, Level.PROVINCIAL, Level.PREFECTURE
PERSON, UNIT = RecipientKind.INDIVIDUAL, RecipientKind.UNIT

# key: (name, level, conferring body, recipient kind, description)
AWARDS = {
    "zuimei": ("湖北省“最美科技工作者”", P, "", PERSON, ""),
    "suzhi": ("全国全民科学素质工作先进个人", N, "中国科协", PERSON, ""),
    "fupin": ("全国科技助力精准扶贫先进个人", N, "中国科协", PERSON, ""),
    "shijia": ("全国十佳乡土科技人才", N, "中国农技协", PERSON, ""),
    "baiqiang": ("百强乡土人才", N, "中国农技协", PERSON, ""),
    "kepu": ("湖北省“科普先进工作者”", P, "湖北省科协", PERSON, ""),
    "hbfupin": ("湖北省科技助力精准扶贫工作先进个人", P, "湖北省科协", PERSON, ""),
    "sanzhang": ("全省优秀基层“三长”", P, "湖北省科协", PERSON, ""),
    "chenguang": (
        "“晨光计划”",
        P,
        "湖北省科协",
        PERSON,
        "湖北省科协支持青年科技工作者赴海外学习交流的计划。",
    ),
    "chuangxin": ("湖北省企业“创新达人”", P, "", PERSON, ""),
    "jiankang": ("湖北省健康科普大赛冠军", P, "", PERSON, ""),
    "zhiyuanzhe": ("先进科技志愿者", N, "中国科协", PERSON, "科技志愿服务先进典型。"),
    "xiaoyuan": ("“科技小院”授牌", N, "中国农技协", UNIT, ""),
    "gaige": ("第二批地方科协深化改革试点项目", N, "中国科协", UNIT, ""),
    "sanxiaxiang": ("全国文化科技卫生“三下乡”活动示范项目", N, "", UNIT, ""),
    "shifanxian": ("2021—2025年度全国科普示范县（市、区）创建单位", N, "中国科协", UNIT, ""),
    "dianshi": ("全省科学普及电视大赛三等奖", P, "", UNIT, ""),
    "kepuri": ("全国科普日优秀活动", N, "中国科协", UNIT, ""),
    "huodongzhou": ("全国科技活动周及重大示范活动优秀单位", N, "科技部", UNIT, ""),
    "kepurizuzhi": ("全国科普日活动优秀组织单位", P, "湖北省科协", UNIT, ""),
    "diaochazuzhi": ("青少年科学调查体验活动优秀组织单位", N, "中国科协", UNIT, ""),
    "diaochaxuexiao": ("青少年科学调查体验活动优秀学校", N, "中国科协", UNIT, ""),
    "liudong": ("“筑梦·流动十年”中国流动科技馆项目优秀单位", N, "中国科协", UNIT, ""),
    "mingxing": ("科普大篷车“明星车队”", N, "中国科协", UNIT, ""),
    "zhiyuandian": ("先进科技志愿服务点", N, "中国科协", UNIT, "科技志愿服务先进典型。"),
    "tese": ("全国科普日优秀特色活动", N, "中国科协", UNIT, ""),
    "youxiu": ("优秀活动", N, "中国科协", UNIT, "原文未写明活动类别。"),
    "jingsai": ("州直单位“学党史、促发展、见行动”知识竞赛三等奖", F, "", UNIT, ""),
}

# Associations that the organizations demo may hold, with the names to look for
# (full name first), the name to record when absent, and the county.
ASSOCIATIONS = {
    "州科协": (["恩施州科学技术协会", "恩施州科协", "州科协"], County.PREFECTURE),
    "鹤峰县科协": (["鹤峰县科学技术协会", "鹤峰县科协"], County.HEFENG),
    "宣恩县科协": (["宣恩县科学技术协会", "宣恩县科协"], County.XUANEN),
    "咸丰县科协": (["咸丰县科学技术协会", "咸丰县科协"], County.XIANFENG),
    "巴东县科协": (["巴东县科学技术协会", "巴东县科协"], County.BADONG),
}

YI_MEIJUN_EMPLOYER = "巴东县易达杂粮蔬菜专业技术协会"

# (award key, year, name, extra fields). For units, a name in ASSOCIATIONS is
# linked to the directory when found there.
HONOURS = [
    ("zuimei", 2021, "吴双清", {"citation": "被推荐获评2021年度湖北省“最美科技工作者”"}),
    ("suzhi", None, "李宜恩", {}),
    ("fupin", None, "李车书", {"group_size": 3}),
    # The same person as the 2022 科技志愿者 below: the employer the article gives
    # there is recorded on both, so his two honours share one page.
    (
        "shijia",
        None,
        "易美军",
        {"employer": YI_MEIJUN_EMPLOYER, "county": County.BADONG},
    ),
    ("baiqiang", None, "龙祥云", {}),
    ("baiqiang", None, "向家亮", {}),
    ("kepu", None, "马焱雷", {"group_size": 9}),
    ("hbfupin", None, "游景茂", {"group_size": 6}),
    ("sanzhang", None, "钱大智", {"group_size": 8}),
    ("chenguang", None, "刘显明", {"citation": "获省科协“晨光计划”支持，赴海外学习交流"}),
    ("chenguang", None, "胡涛", {"citation": "获省科协“晨光计划”支持，赴海外学习交流"}),
    ("chenguang", None, "杨朝晖", {"citation": "获省科协“晨光计划”支持，赴海外学习交流"}),
    (
        "chuangxin",
        2022,
        "丛欣",
        {
            "employer": "恩施德源硒材料工程科技有限公司",
            "citation": "被选为2022年湖北省企业“创新达人”全国宣讲代表",
        },
    ),
    ("chuangxin", 2022, "刘华英", {}),
    ("chuangxin", 2022, "邓绍南", {}),
    ("chuangxin", 2022, "高融", {}),
    ("chuangxin", 2022, "田宗仁", {}),
    ("chuangxin", 2022, "刘芳玲", {}),
    ("jiankang", None, "苏林冲", {"employer": "民大医院"}),
    (
        "zhiyuanzhe",
        2022,
        "易美军",
        {
            "employer": YI_MEIJUN_EMPLOYER,
            "county": County.BADONG,
            "citation": "2022年度科技志愿服务先进典型，全省唯一",
        },
    ),
    # Units.
    ("xiaoyuan", None, "恩施州国硒冷水渔业", {}),
    ("xiaoyuan", None, "建始绮丽果业", {"county": County.JIANSHI}),
    ("xiaoyuan", None, "宣恩县伍台昌臣茶业", {"county": County.XUANEN}),
    ("gaige", None, "州科协", {"citation": "“科技助力乡村振兴”项目入选"}),
    ("sanxiaxiang", 2021, "宣恩马铃薯田间管理科普下乡活动", {"county": County.XUANEN}),
    ("shifanxian", None, "恩施市", {"county": County.ENSHI}),
    ("dianshi", None, "恩施职业技术学院", {}),
    ("kepuri", None, "州科协", {"citation": "“全国科普日”活动先后3次获评"}),
    ("huodongzhou", None, "鹤峰县科协", {}),
    ("kepurizuzhi", None, "咸丰县科协", {"citation": "咸丰县科协等获评"}),
    ("diaochazuzhi", None, "州科协", {"citation": "连续两年获评"}),
    (
        "diaochaxuexiao",
        None,
        "利川市东城街道办事处岩洞寺小学",
        {"county": County.LICHUAN},
    ),
    ("liudong", None, "州科协", {}),
    ("mingxing", None, "宣恩县科协", {"unit_name": "宣恩县科协科普大篷车"}),
    ("zhiyuandian", 2022, "恩施市航空路社区", {"county": County.ENSHI, "citation": "全省唯一"}),
    ("tese", None, "州科协", {"citation": "“‘决胜小康、奋斗有我’科技志愿服务在行动”"}),
    ("youxiu", 2020, "巴东县科协", {"citation": "“荆楚科技志愿服务巴东行”活动"}),
    ("jingsai", 2021, "州科协", {}),
]


def _find_organizations():
    wanted = {name for names, _county in ASSOCIATIONS.values() for name in names}
    found = {}
    for organization in Organization.objects.filter(Q(name__in=wanted) | Q(short_name__in=wanted)):
        for name in (organization.name, organization.short_name):
            found.setdefault(name, organization)
    result = {}
    for short, (names, county) in ASSOCIATIONS.items():
        organization = next((found[name] for name in names if name in found), None)
        result[short] = (organization, names[0], county)
    return result


def load(stdout):
    awards = {}
    for key, (name, level, body, kind, description) in AWARDS.items():
        awards[key], _created = Award.objects.get_or_create(
            name=name,
            conferring_body=body,
            defaults={"level": level, "recipient_kind": kind, "description": description},
        )
    associations = _find_organizations()
    article = Article.objects.filter(pk=SEED_ARTICLE_ID).first()
    created = 0
    for award_key, year, name, extra in HONOURS:
        award = awards[award_key]
        fields = dict(extra)
        count = fields.pop("count", 1)
        if award.recipient_kind == PERSON:
            fields["person_name"] = name
            identity = {"person_name": name}
        else:
            organization, full_name, county = associations.get(name, (None, name, ""))
            fields.setdefault("unit_name", organization.name if organization else full_name)
            fields["organization"] = organization
            if county:
                fields.setdefault("county", county)
            identity = {"person_name": "", "unit_name": fields["unit_name"]}
        # Names are stored on every honour, so they identify the demo rows even
        # when a directory link appears between two runs.
        existing = list(Honour.objects.filter(award=award, year=year, **identity).order_by("id"))
        # Earlier versions of this demo wrote repeated honours as separate rows: merge them.
        for surplus in existing[count:]:
            surplus.delete()
        existing = existing[:count]
        for honour in existing:
            if fields.get("organization") and not honour.organization_id:
                honour.organization = fields["organization"]
                honour.save()
        for _number in range(count - len(existing)):
            honour = Honour.objects.create(award=award, year=year, **fields)
            existing.append(honour)
            created += 1
        if article is not None:
            for honour in existing:
                honour.articles.add(article)
    stdout.write(f"Honours: {len(awards)} awards, {created} honours added.")
