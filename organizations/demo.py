"""Demo organizations from the seed article, and a few hundred obviously fake members.

Idempotent: organizations are found by name and members by organization and
membership number; what exists is left as it is.
"""

import datetime
import random

from organizations.models import County, Member, Organization

Kind = Organization.Kind
PREFECTURE_NAME = "恩施州科学技术协会"

COUNTIES = [
    # county, association, short name, townships
    (County.ENSHI, "恩施市科学技术协会", "恩施市科协", ["龙凤镇", "崔家坝镇", "板桥镇"]),
    (County.LICHUAN, "利川市科学技术协会", "利川市科协", ["谋道镇", "柏杨坝镇", "汪营镇"]),
    (County.JIANSHI, "建始县科学技术协会", "建始县科协", ["业州镇", "高坪镇", "花坪镇"]),
    (County.BADONG, "巴东县科学技术协会", "巴东县科协", ["信陵镇", "野三关镇"]),
    (County.XUANEN, "宣恩县科学技术协会", "宣恩县科协", ["珠山镇", "椒园镇", "万寨乡"]),
    (County.XIANFENG, "咸丰县科学技术协会", "咸丰县科协", ["高乐山镇", "忠堡镇"]),
    (County.LAIFENG, "来凤县科学技术协会", "来凤县科协", ["翔凤镇", "百福司镇", "绿水镇"]),
    (County.HEFENG, "鹤峰县科学技术协会", "鹤峰县科协", ["容美镇", "走马镇"]),
]

Discipline = Organization.Discipline
SOCIETIES = [
    ("恩施州茶叶学会", Discipline.AGRICULTURE),
    ("恩施州医学会", Discipline.MEDICINE),
    ("恩施州心理咨询师协会", Discipline.MEDICINE),
    ("恩施州农学会", Discipline.AGRICULTURE),
    ("恩施州林学会", Discipline.AGRICULTURE),
    ("恩施州护理学会", Discipline.MEDICINE),
    ("恩施州中医药学会", Discipline.MEDICINE),
    ("恩施州硒资源开发利用研究会", Discipline.CROSS),
    ("恩施州土木建筑学会", Discipline.ENGINEERING),
    ("恩施州电机工程学会", Discipline.ENGINEERING),
    ("恩施州计算机学会", Discipline.ENGINEERING),
    ("恩施州气象学会", Discipline.SCIENCE),
    ("恩施州数学学会", Discipline.SCIENCE),
]

OTHERS = [
    # name, kind, county, extra fields
    ("恩施州林科院科协", Kind.GROUP_MEMBER, County.PREFECTURE, {}),
    ("恩施州茶产业协会", Kind.GROUP_MEMBER, County.PREFECTURE, {}),
    ("湖北民族大学科协", Kind.UNIVERSITY, County.ENSHI, {}),
    ("恩施职业技术学院科协", Kind.UNIVERSITY, County.ENSHI, {}),
    ("恩施州农业科学院科协", Kind.INSTITUTE, County.PREFECTURE, {}),
    ("恩施州疾病预防控制中心科协", Kind.INSTITUTE, County.PREFECTURE, {}),
    ("恩施长源轴承制造有限公司科协", Kind.ENTERPRISE, County.ENSHI, {}),
    ("恩施德源硒材料工程科技有限公司科协", Kind.ENTERPRISE, County.ENSHI, {}),
    ("恩施高新技术产业园区科协", Kind.PARK, County.ENSHI, {}),
    (
        "恩施德源硒材料专家工作站",
        Kind.WORKSTATION,
        County.ENSHI,
        {"host": "恩施德源硒材料工程科技有限公司", "lead_expert": "示例专家（演示数据）"},
    ),
    (
        "恩施长源轴承专家工作站",
        Kind.WORKSTATION,
        County.ENSHI,
        {"host": "恩施长源轴承制造有限公司", "lead_expert": "示例专家（演示数据）"},
    ),
    (
        "宣恩县伍台昌臣茶业专家工作站",
        Kind.WORKSTATION,
        County.XUANEN,
        {"host": "宣恩县伍台昌臣茶业有限公司", "lead_expert": "示例专家（演示数据）"},
    ),
    ("恩施州微型科技馆", Kind.EDUCATION_BASE, County.PREFECTURE, {"level": "prefecture"}),
    ("巴东县科技馆", Kind.EDUCATION_BASE, County.BADONG, {"level": "provincial"}),
    ("宣恩县科技馆", Kind.EDUCATION_BASE, County.XUANEN, {"level": "provincial"}),
    ("建始县科技馆", Kind.EDUCATION_BASE, County.JIANSHI, {"level": "provincial"}),
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐向田覃谭冉"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅建国志文斌宇"
EMPLOYERS = [
    "恩施州中心医院",
    "湖北民族大学",
    "恩施州农业科学院",
    "恩施市第一中学",
    "恩施州林业局",
    "利川市人民医院",
    "建始县农业农村局",
    "恩施职业技术学院",
]
TITLES = ["研究员", "副研究员", "高级农艺师", "农艺师", "主任医师", "副主任医师", "讲师", "工程师"]
MEMBERS_PER_ORGANIZATION = 20


def load(stdout):
    created = 0
    prefecture, new = _get(
        PREFECTURE_NAME,
        kind=Kind.PREFECTURE,
        short_name="恩施州科协",
        county=County.PREFECTURE,
        order=0,
        address="湖北省恩施市",
        description="<p>恩施州科学技术协会是恩施州科学技术工作者的群众组织，"
        "是党和政府联系科学技术工作者的桥梁和纽带。</p>",
    )
    created += new
    for order, (county, name, short_name, townships) in enumerate(COUNTIES, start=1):
        association, new = _get(
            name,
            kind=Kind.COUNTY,
            short_name=short_name,
            county=county,
            parent=prefecture,
            order=order,
        )
        created += new
        for township_order, township in enumerate(townships, start=1):
            county_prefix = short_name.removesuffix("科协")
            _org, new = _get(
                f"{county_prefix}{township}科学技术协会",
                kind=Kind.TOWNSHIP,
                short_name=f"{township}科协",
                county=county,
                parent=association,
                order=township_order,
            )
            created += new
    for order, (name, discipline) in enumerate(SOCIETIES, start=1):
        _org, new = _get(
            name,
            kind=Kind.SOCIETY,
            county=County.PREFECTURE,
            parent=prefecture,
            discipline=discipline,
            party_guide="演示党建指导员",
            order=order,
        )
        created += new
    badong = Organization.objects.get(name="巴东县科学技术协会")
    _org, new = _get(
        "巴东县易达杂粮蔬菜专业技术协会", kind=Kind.SOCIETY, county=County.BADONG, parent=badong
    )
    created += new
    for order, (name, kind, county, extra) in enumerate(OTHERS, start=1):
        _org, new = _get(name, kind=kind, county=county, parent=prefecture, order=order, **extra)
        created += new
    members = _load_members()
    stdout.write(f"Organizations: {created} added. Members: {members} added.")


def _get(name, **defaults):
    organization, created = Organization.objects.get_or_create(name=name, defaults=defaults)
    return organization, int(created)


def _load_members():
    """A fixed set of fake members (phones 139 0000 xxxx), the same on every run."""
    rng = random.Random(20221214)  # the day of the fifth congress, as a seed
    hosts = list(
        Organization.objects.filter(
            kind__in=[Kind.SOCIETY, Kind.GROUP_MEMBER, Kind.UNIVERSITY]
        ).order_by("name")
    )
    existing = set(Member.objects.values_list("organization_id", "membership_number"))
    new_members = []
    serial = 0
    for index, organization in enumerate(hosts, start=1):
        for number in range(1, MEMBERS_PER_ORGANIZATION + 1):
            serial += 1
            membership_number = f"DEMO-{index:02d}-{number:04d}"
            values = {
                "name": rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice([1, 2]))),
                "gender": rng.choice(Member.Gender.values),
                "birth_date": datetime.date(
                    rng.randint(1960, 1998), rng.randint(1, 12), rng.randint(1, 28)
                ),
                "joined_on": datetime.date(
                    rng.randint(2008, 2022), rng.randint(1, 12), rng.randint(1, 28)
                ),
                "employer": rng.choice(EMPLOYERS),
                "title": rng.choice(TITLES),
                "mobile": f"1390000{serial:04d}",
                "email": f"member{serial:04d}@example.com",
                "status": rng.choices(Member.Status.values, weights=[8, 1, 1])[0],
            }
            if (organization.pk, membership_number) in existing:
                continue
            new_members.append(
                Member(organization=organization, membership_number=membership_number, **values)
            )
    Member.objects.bulk_create(new_members, batch_size=500)
    return len(new_members)
