"""Demo content for the news app: the categories, the seed article and a dozen short articles."""

import datetime
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.core.management.color import no_style
from django.db import connection
from PIL import Image, ImageDraw

from news.models import Article, Attachment, Category

SHANGHAI = ZoneInfo("Asia/Shanghai")
SEED_ARTICLE_ID = 488  # the id of the original page, so /news/488.html keeps working

CATEGORIES = [
    # slug, name, parent slug, order, show on home
    ("news-center", "新闻中心", None, 1, False),
    ("news", "新闻资讯", "news-center", 1, True),
    ("notices", "通知公告", "news-center", 2, True),
    ("grassroots", "基层动态", "news-center", 3, True),
    ("societies", "学会动态", "news-center", 4, True),
    ("science-outreach", "科普活动", "news-center", 5, True),
    ("photos", "图片新闻", "news-center", 6, False),
]

ARTICLES = [
    # category, title, publish time, pinned, headline, body paragraphs
    (
        "notices",
        "关于开展2023年度全国科普日活动的通知",
        "2023-08-10 10:00:00",
        True,
        False,
        [
            "各县市科协、州级学会：根据中国科协统一部署，现就做好2023年全国科普日活动有关事项通知如下。",
            "请各单位于9月10日前报送活动方案，活动结束后及时总结上报。",
        ],
    ),
    (
        "notices",
        "关于征集2023年度科技创新智库研究课题选题的通知",
        "2023-03-02 09:30:00",
        False,
        False,
        ["面向州级学会、高校、科研院所征集科技创新智库研究课题选题，请按附件格式填报。"],
    ),
    (
        "news",
        "州科协召开2023年全州科协工作会议",
        "2023-02-20 15:00:00",
        False,
        False,
        ["2月20日，州科协召开2023年全州科协工作会议，总结2022年工作，部署2023年重点任务。"],
    ),
    (
        "grassroots",
        "建始县科协“3+1”试点工作经验在全国交流",
        "2023-04-12 11:20:00",
        False,
        False,
        ["建始县科协在全国基层科协“三长”论坛上作经验交流发言，工作经验被中国科协简报推介。"],
    ),
    (
        "grassroots",
        "宣恩县科协科普大篷车走进乡村学校",
        "2023-05-18 16:40:00",
        False,
        False,
        ["宣恩县科协科普大篷车开进万寨乡中心小学，带来机器人、VR等科普展品。"],
    ),
    (
        "societies",
        "恩施州茶叶学会举办茶园管理技术培训",
        "2023-06-06 09:00:00",
        False,
        False,
        ["恩施州茶叶学会组织专家深入茶园，为茶农讲解病虫害绿色防控技术。"],
    ),
    (
        "societies",
        "州医学会开展“医学博士团进基层”活动",
        "2023-07-01 14:10:00",
        False,
        False,
        ["州医学会组织医学博士深入来凤县开展义诊和健康科普讲座。"],
    ),
    (
        "science-outreach",
        "2023年恩施州全国科普日主场活动启动",
        "2023-09-16 09:00:00",
        False,
        True,
        [
            "9月16日，2023年恩施州全国科普日主场活动在州科技馆启动，数千名市民参与。",
            "活动设置了硒科普、应急科普、航天科普等展区。",
        ],
    ),
    (
        "science-outreach",
        "科技活动周：院士专家走进恩施",
        "2023-05-22 10:30:00",
        False,
        False,
        ["科技活动周期间，院士专家走进恩施市开展“乡村振兴院士行”活动。"],
    ),
    (
        "photos",
        "图片新闻：硒博会科普展区",
        "2023-10-08 08:45:00",
        False,
        False,
        ["硒博会期间，科普展区吸引大量市民参观。"],
    ),
    (
        "news",
        "州科协召开“全国科技工作者日”座谈会",
        "2023-05-30 15:30:00",
        True,
        False,
        ["5月30日，州科协召开“全国科技工作者日”座谈会，邀请科技工作者代表交流研讨。"],
    ),
    (
        "news",
        "恩施州专家工作站建设工作推进会召开",
        "2023-11-15 10:00:00",
        False,
        False,
        ["全州已建立专家工作站24家，涉及农、硒、茶等多个领域。"],
    ),
]


def _time(text):
    return datetime.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def _demo_cover():
    image = Image.new("RGB", (960, 540), (11, 79, 156))
    draw = ImageDraw.Draw(image)
    for step in range(0, 960, 60):
        draw.ellipse((step, 300 - step // 4, step + 180, 480 - step // 4), outline=(255, 255, 255))
    buffer = BytesIO()
    image.save(buffer, "PNG")
    return ContentFile(buffer.getvalue(), name="cover.png")


def _demo_pdf():
    # A minimal, valid one-page PDF.
    content = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )
    return ContentFile(content, name="科普日活动方案.pdf")


def load_late(stdout):
    """After every app's demo: the 信息报送 submissions need the directory's organizations;
    then daily views for every published article, so 阅读统计 has figures to show."""
    from news.demo import submissions
    from news.demo_views import fill_demo_views

    submissions.load(stdout)
    fill_demo_views()


def load(stdout):
    categories = {}
    for slug, name, parent, order, show_on_home in CATEGORIES:
        categories[slug], _ = Category.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "parent": categories.get(parent),
                "order": order,
                "show_on_home": show_on_home,
            },
        )

    seed_body = (Path(__file__).parent / "seed_article.html").read_text(encoding="utf-8")
    if not Article.objects.filter(pk=SEED_ARTICLE_ID).exists():
        Article.objects.create(
            pk=SEED_ARTICLE_ID,
            title="回望五年奋斗路，这份答卷请审阅！",
            summary="12月14日，恩施州科学技术协会第五次代表大会顺利召开。"
            "让我们一起回顾五年来州科协团结引领广大科技工作者奋斗新时代、开启新征程的进取篇章。",
            category=categories["news"],
            body=seed_body,
            source="恩施州科协",
            status=Article.Status.PUBLISHED,
            publish_at=_time("2022-12-17 09:53:03"),
            view_count=16389,
            is_headline=True,
        )
        # An explicit id does not advance PostgreSQL's sequence; move it past the seed.
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Article]):
                cursor.execute(sql)

    for slug, title, when, pinned, headline, paragraphs in ARTICLES:
        if Article.objects.filter(title=title).exists():
            continue
        article = Article(
            title=title,
            category=categories[slug],
            body="".join(f"<p>{text}</p>" for text in paragraphs),
            source="恩施州科协",
            author="州科协办公室",
            responsible_editor="张编辑",
            status=Article.Status.PUBLISHED,
            publish_at=_time(when),
            is_pinned=pinned,
            is_headline=headline,
            view_count=len(title) * 37,
        )
        if headline:
            article.cover = _demo_cover()
        article.save()
        if slug == "notices" and pinned:
            Attachment.objects.create(article=article, title="活动方案", file=_demo_pdf())
    stdout.write(
        f"News: {Category.objects.count()} categories, {Article.objects.count()} articles."
    )
