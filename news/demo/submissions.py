"""Demo 信息报送: contributor accounts and their submissions in every state.

Written through news.services (as the admin would), so every submission has its
review history; the history's times are then moved back to when the story happened,
spread over the last two years. Idempotent: accounts are found by user name and
submissions by title; what exists is left as it is.

The accounts get no usable password: a site admin sets one (用户 → 修改密码, or
``manage.py changepassword tongxun-lichuan``) to try the contributor's view.
"""

import datetime

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from kexie.accounts import roles
from kexie.models import StaffProfile
from news import services
from news.models import Article, ArticleEvent, ArticleRevision, Category
from organizations.models import Organization

Kind = Organization.Kind

LICHUAN = "利川市科学技术协会"
ENSHI = "恩施市科学技术协会"
JIANSHI = "建始县科学技术协会"
BADONG = "巴东县科学技术协会"
XUANEN = "宣恩县科学技术协会"
TEA = "恩施州茶叶学会"
MEDICAL = "恩施州医学会"
AGRONOMY = "恩施州农学会"
UNIVERSITY = "湖北民族大学科协"

REVIEWER = ("demo-shenhe", "演示审核员")
CONTRIBUTORS = {
    # organization: (user name, full name)
    LICHUAN: ("tongxun-lichuan", "向明"),
    ENSHI: ("tongxun-enshi", "谭芳"),
    JIANSHI: ("tongxun-jianshi", "黄勇"),
    TEA: ("tongxun-chaye", "田静"),
    MEDICAL: ("tongxun-yixue", "冉杰"),
}

# Default categories for submissions, set where no category receives them yet.
RECEIVING = [("grassroots", Kind.COUNTY), ("societies", Kind.SOCIETY)]

DRAFT, PENDING, RETURNED, DECLINED, ACCEPTED = (
    "draft",
    "pending",
    "returned",
    "declined",
    "accepted",
)

SUBMISSIONS = [
    # organization, title, outcome, category chosen on acceptance (slug) or None, reason, days ago
    (LICHUAN, "利川市科协开展“科技三下乡”活动", ACCEPTED, None, "", 690),
    (LICHUAN, "谋道镇科协举办莼菜种植技术培训班", ACCEPTED, None, "", 540),
    (LICHUAN, "利川市举办第十届青少年科技创新大赛", ACCEPTED, "science-outreach", "", 420),
    (LICHUAN, "柏杨坝镇科协组织农技专家进村入户", ACCEPTED, None, "", 300),
    (LICHUAN, "利川市科协召开年度工作务虚会", DECLINED, None, "内部会议报道，不作公开发布。", 260),
    (LICHUAN, "利川市科协助力山药产业发展", ACCEPTED, None, "", 120),
    (
        LICHUAN,
        "汪营镇科普宣传周活动纪实",
        RETURNED,
        None,
        "缺少活动图片和具体时间，请补充后重新报送。",
        40,
    ),
    (LICHUAN, "利川市科协开展防灾减灾科普进社区活动", ACCEPTED, None, "", 25),
    (LICHUAN, "利川市科协走访慰问一线科技工作者", PENDING, None, "", 3),
    (LICHUAN, "利川市全国科普日活动安排", DRAFT, None, "", 1),
    (ENSHI, "恩施市科协举办硒茶加工技能培训", ACCEPTED, None, "", 600),
    (ENSHI, "龙凤镇科协开展科普大篷车巡展", ACCEPTED, None, "", 450),
    (ENSHI, "恩施市科协组织专家工作站建设调研", ACCEPTED, "news", "", 200),
    (ENSHI, "板桥镇科协召开会员代表会议", DECLINED, None, "与已刊发的稿件内容重复。", 150),
    (
        ENSHI,
        "崔家坝镇科普惠农服务站揭牌",
        RETURNED,
        None,
        "标题与正文不一致，请核实揭牌时间后重新报送。",
        20,
    ),
    (ENSHI, "恩施市科协开展“科学家精神进校园”活动", PENDING, None, "", 2),
    (JIANSHI, "建始县科协“3+1”试点工作推进会召开", ACCEPTED, None, "", 500),
    (JIANSHI, "高坪镇科协举办魔芋种植技术讲座", ACCEPTED, None, "", 330),
    (JIANSHI, "建始县科技馆开展暑期科普研学活动", ACCEPTED, "science-outreach", "", 180),
    (
        JIANSHI,
        "花坪镇科协关于表彰先进个人的决定",
        DECLINED,
        None,
        "属于内部表彰文件，不作为新闻发布。",
        90,
    ),
    (JIANSHI, "业州镇科普文化广场建成投用", PENDING, None, "", 5),
    (JIANSHI, "建始县科协开展科技工作者状况调查", DRAFT, None, "", 4),
    (TEA, "恩施州茶叶学会召开第三届会员代表大会", ACCEPTED, None, "", 620),
    (TEA, "恩施州茶叶学会开展春茶生产技术指导", ACCEPTED, None, "", 380),
    (TEA, "恩施玉露制作技艺交流会举行", ACCEPTED, "news", "", 240),
    (
        TEA,
        "茶叶学会专家赴鹤峰开展茶园病虫害防治培训",
        RETURNED,
        None,
        "请补充参训人数和授课专家姓名。",
        30,
    ),
    (TEA, "恩施州茶叶学会学术年会征文启事", PENDING, None, "", 6),
    (MEDICAL, "州医学会开展“医学博士团进基层”义诊活动", ACCEPTED, None, "", 560),
    (MEDICAL, "州医学会举办基层医师急救技能培训班", ACCEPTED, None, "", 270),
    (
        MEDICAL,
        "州医学会召开常务理事会",
        DECLINED,
        None,
        "会议内容已以简讯形式发布，不再单独采用。",
        100,
    ),
    (MEDICAL, "州医学会健康科普讲座走进社区", DRAFT, None, "", 2),
    # Sent in by e-mail: a reviewer enters them and records the organization.
    (BADONG, "巴东县科协开展科普进校园活动", ACCEPTED, None, "", 350),
    (XUANEN, "宣恩县科协举办贡水河畔科普夜市", ACCEPTED, None, "", 160),
    (AGRONOMY, "恩施州农学会开展高山蔬菜栽培技术培训", ACCEPTED, None, "", 70),
    (UNIVERSITY, "湖北民族大学科协举办大学生科技创新论坛", ACCEPTED, "news", "", 210),
    (XUANEN, "椒园镇科普示范基地建设有序推进", PENDING, None, "", 8),
]


def load(stdout):
    organizations = {
        organization.name: organization
        for organization in Organization.objects.filter(name__in={row[0] for row in SUBMISSIONS})
    }
    if len(organizations) < len({row[0] for row in SUBMISSIONS}):
        stdout.write("Submissions: skipped (the demo organizations are missing).")
        return
    for slug, kind in RECEIVING:
        if not Category.objects.filter(receives_submissions_from=kind).exists():
            Category.objects.filter(slug=slug).update(receives_submissions_from=kind)
    categories = {category.slug: category for category in Category.objects.all()}
    reviewer = _account(*REVIEWER, roles.REVIEWER)
    contributors = {
        name: _account(username, full_name, roles.CONTRIBUTOR, organizations[name])
        for name, (username, full_name) in CONTRIBUTORS.items()
    }
    existing = set(Article.objects.values_list("title", flat=True))
    added = 0
    now = timezone.now()
    for name, title, outcome, chosen, reason, days_ago in SUBMISSIONS:
        if title in existing:
            continue
        organization = organizations[name]
        default = Category.objects.default_for(organization) or categories.get("news")
        writer = contributors.get(name, reviewer)
        happened = now - datetime.timedelta(days=days_ago, hours=(len(title) * 7) % 9)
        article = Article(
            title=title,
            category=default,
            body=_body(organization, title),
            author=writer.first_name,
            organization=organization,
        )
        article = services.save_article(article=article, user=writer).article
        if outcome != DRAFT:
            services.perform_transition("submit", article=article, user=writer)
        reviewed = happened + datetime.timedelta(days=1, hours=2)
        if outcome == RETURNED:
            services.send_back(article=article, user=reviewer, comment=reason)
        elif outcome == DECLINED:
            services.decline(article=article, user=reviewer, comment=reason)
        elif outcome == ACCEPTED:
            article = Article.objects.get(pk=article.pk)
            article.category = categories.get(chosen, default) if chosen else default
            article.publish_at = reviewed
            services.save_article(
                article=article, user=reviewer, expected_version=article.version, step="publish"
            )
        _backdate(article, happened, reviewed)
        added += 1
    stdout.write(
        f"Submissions: {added} added, {len(contributors)} contributor accounts "
        f"({', '.join(username for username, _name in CONTRIBUTORS.values())})."
    )


def _account(username, full_name, role, organization=None):
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, first_name=full_name, is_staff=True)
        user.set_unusable_password()  # a site admin sets one to try the account
        user.save()
        if not Group.objects.filter(name=role).exists():
            roles.sync_roles(apps)  # a flushed test database: the roles migration's groups
        user.groups.add(Group.objects.get(name=role))
    if organization is not None:
        StaffProfile.objects.get_or_create(user=user, defaults={"organization": organization})
    return User.objects.get(pk=user.pk)


def _body(organization, title):
    who = organization.short_name or organization.name
    return (
        f"<p>近日，{who}{title.removeprefix(who)}。活动围绕服务科技工作者、服务创新发展、"
        "服务全民科学素质提升，组织专家深入一线开展交流和指导，受到当地群众欢迎。</p>"
        f"<p>下一步，{who}将继续发挥桥梁纽带作用，推动科普工作走深走实。（演示内容）</p>"
    )


def _backdate(article, happened, reviewed):
    """Move the review history back to when the story happened (created, submitted, reviewed)."""
    events = list(article.events.order_by("id"))
    times = [happened, happened + datetime.timedelta(hours=3), reviewed]
    for event, at in zip(events, times + [reviewed] * len(events), strict=False):
        ArticleEvent.objects.filter(pk=event.pk).update(created_at=at)
    ArticleRevision.objects.filter(article=article).update(created_at=happened)
    last = times[min(len(events), len(times)) - 1]
    Article.objects.filter(pk=article.pk).update(created_at=happened, updated_at=last)
