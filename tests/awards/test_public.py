import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext, ngettext

from awards import demo
from awards.models import Honour, Level
from tests.awards.factories import (
    AwardFactory,
    HonourFactory,
    MemberFactory,
    OrganizationFactory,
    UnitHonourFactory,
)
from tests.news.factories import ArticleFactory

# Header and footer come from the cache, as on a running site (pages.chrome).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("warm_site_chrome")]
LIST_URL = "/honours/"


def recipients_shown(response):
    """The recipient names listed on the page, in order."""
    return re.findall(r'<a href="/honours/recipient/[^"]+/">([^<]+)</a>', response.text)


def recipients_heading(count):
    return ngettext("%(counter)s recipient", "%(counter)s recipients", count) % {"counter": count}


def chart_segments(response):
    return [
        (int(level_count[1]), level_count[0])
        for level_count in re.findall(r'data-series="(\w+)" data-count="(\d+)"', response.text)
    ]


@pytest.fixture
def seed(db):
    call_command("load_demo", stdout=StringIO())


def test_demo_records_the_seed_articles_honours(seed):
    def honours(name):
        return list(Honour.objects.filter(person_name=name).select_related("award"))

    (wu,) = honours("吴双清")
    assert (wu.year, wu.award.level) == (2021, Level.PROVINCIAL)
    assert wu.award.name == "湖北省“最美科技工作者”"
    (li,) = honours("李车书")
    assert (li.group_size, li.year, li.award.conferring_body) == (3, None, "中国科协")
    assert [h.group_size for h in honours("马焱雷") + honours("游景茂") + honours("钱大智")] == [
        9,
        6,
        8,
    ]
    yi = honours("易美军")
    assert {h.award.name for h in yi} == {"全国十佳乡土科技人才", "先进科技志愿者"}
    assert {h.award.conferring_body for h in yi} == {"中国农技协", "中国科协"}
    assert len({h.recipient_key for h in yi}) == 1  # one page for both
    assert Honour.objects.filter(award__name="百强乡土人才").count() == 2
    innovators = Honour.objects.filter(award__name="湖北省企业“创新达人”", year=2022)
    assert sorted(innovators.values_list("person_name", flat=True)) == sorted(
        ["丛欣", "刘华英", "邓绍南", "高融", "田宗仁", "刘芳玲"]
    )
    assert Honour.objects.filter(award__name="“晨光计划”").count() == 3
    assert Honour.objects.get(person_name="苏林冲").employer == "民大医院"
    community = Honour.objects.get(unit_name="恩施市航空路社区")
    assert (community.year, community.award.name) == (2022, "先进科技志愿服务点")
    assert Honour.objects.get(award__conferring_body="科技部").unit_name == "鹤峰县科学技术协会"
    (repeated,) = Honour.objects.filter(award__name="全国科普日优秀活动")  # one row, not three
    assert "先后3次" in repeated.citation
    assert Honour.objects.filter(award__level=Level.PREFECTURE).count() == 1
    assert Honour.objects.filter(unit_name__contains="岩洞寺小学").exists()
    assert Honour.objects.filter(unit_name="宣恩县科协科普大篷车").exists()
    # Linked to the seed article, so the recipient pages point back to the news.
    assert wu.articles.filter(pk=demo.SEED_ARTICLE_ID).exists()

    count = Honour.objects.count()
    call_command("load_demo", stdout=StringIO())
    assert Honour.objects.count() == count == len(demo.HONOURS)


def test_demo_links_units_to_organizations_already_in_the_directory(db):
    organization = OrganizationFactory(
        name="鹤峰县科学技术协会", short_name="鹤峰县科协", county="hefeng"
    )
    zhou = OrganizationFactory(name="恩施州科协", kind="prefecture")
    demo.load(StringIO())
    assert Honour.objects.get(award__conferring_body="科技部").organization == organization
    assert Honour.objects.filter(organization=zhou).count() == 6


def test_demo_merges_repeated_rows_left_by_earlier_versions(seed):
    (kept,) = Honour.objects.filter(award__name="全国科普日优秀活动")
    for _copy in range(2):
        Honour.objects.create(
            award=kept.award, unit_name=kept.unit_name, organization=kept.organization
        )
    call_command("load_demo", stdout=StringIO())
    assert list(Honour.objects.filter(award__name="全国科普日优秀活动")) == [kept]


def test_honours_page_shows_the_seed_grouped_by_year_then_level(client, seed):
    response = client.get(LIST_URL)
    assert response.status_code == 200
    text = response.text
    for name in ["吴双清", "李宜恩", "易美军", "龙祥云", "向家亮", "丛欣", "恩施市航空路社区"]:
        assert name in text
    group = gettext(" and others (%(size)s people in all)") % {"size": 3}
    assert f"李车书</a>{group}" in text
    years = re.findall(r'<section class="honour-year">\s*<h2>([^<]+)</h2>', text)
    assert years == ["2022", "2021", "2020", gettext("Year unknown")]
    section_2021 = text.split("<h2>2021</h2>")[1].split('<section class="honour-year">')[0]
    levels = re.findall(r'<h3 class="honour-level">([^<]+)</h3>', section_2021)
    assert levels == [Level.NATIONAL.label, Level.PROVINCIAL.label, Level.PREFECTURE.label]


def test_filters_combine(client, seed):
    shown = recipients_shown(client.get(LIST_URL, {"year": "2022", "level": "provincial"}))
    assert shown == ["丛欣", "刘华英", "邓绍南", "高融", "田宗仁", "刘芳玲"]
    shown = recipients_shown(client.get(LIST_URL, {"year": "2022", "kind": "unit"}))
    assert shown == ["恩施市航空路社区"]
    shown = recipients_shown(client.get(LIST_URL, {"body": "中国农技协", "kind": "individual"}))
    assert sorted(shown) == sorted(["易美军", "龙祥云", "向家亮"])
    shown = recipients_shown(client.get(LIST_URL, {"county": "badong", "year": "2022"}))
    assert shown == ["易美军"]
    shown = recipients_shown(client.get(LIST_URL, {"year": "unknown", "q": "易美军"}))
    assert shown == ["易美军"]
    shown = recipients_shown(client.get(LIST_URL, {"q": "乡土", "level": "national"}))
    assert sorted(shown) == sorted(["易美军", "龙祥云", "向家亮"])
    response = client.get(LIST_URL, {"year": "2020", "level": "provincial"})
    assert recipients_shown(response) == []
    assert gettext("No honours match these filters.") in response.text


def test_counts_and_chart_follow_the_filters(client):
    national = AwardFactory(level=Level.NATIONAL)
    provincial = AwardFactory(level=Level.PROVINCIAL)
    HonourFactory(award=national, year=2022, group_size=3)
    HonourFactory(award=national, year=2022)
    HonourFactory(award=provincial, year=2022)
    HonourFactory(award=provincial, year=2021)
    HonourFactory(award=provincial, year=None)
    response = client.get(LIST_URL)
    assert recipients_heading(7) in response.text
    # 2022: 4 national + 1 provincial = 5, the longest bar; 2021: 1; unknown: 1.
    assert chart_segments(response) == [
        (4, "national"),
        (1, "provincial"),
        (1, "provincial"),
        (1, "provincial"),
    ]
    assert 'width="80.0%"' in response.text and 'x="80.0%"' in response.text
    assert 'width="20.0%"' in response.text
    assert f"<title>2022 · {Level.NATIONAL.label}: 4</title>" in response.text
    assert '<th scope="row">2022</th><td>4</td><td>1</td><td>5</td>' in response.text
    assert 'role="img"' in response.text and "aria-labelledby" in response.text

    response = client.get(LIST_URL, {"level": "national"})
    assert chart_segments(response) == [(4, "national")]
    assert recipients_heading(4) in response.text


@pytest.mark.parametrize(
    "params",
    [
        {"year": "abc"},
        {"year": "99999999999999999999"},
        {"level": "galactic", "county": "atlantis", "kind": "robot", "body": "不存在的单位"},
        {"q": "x" * 500},
        {"q": "易\x00美军"},
        {"page": "last-ish"},
        {"page": "99999"},
        {"year": ["2022", "junk"]},
    ],
)
def test_junk_filters_are_ignored_never_a_500(client, params):
    HonourFactory(person_name="易美军", year=2022)
    response = client.get(LIST_URL, params)
    assert response.status_code == 200
    assert "易美军" in response.text


def test_an_ignored_value_is_named_and_the_valid_filters_still_apply(client):
    HonourFactory(person_name="张三", year=2022, award=AwardFactory(level=Level.NATIONAL))
    HonourFactory(person_name="李四", year=2022, award=AwardFactory(level=Level.PROVINCIAL))
    response = client.get(LIST_URL, {"level": "national", "year": "abc"})
    assert recipients_shown(response) == ["张三"]
    assert gettext("These values were not understood and were ignored:") in response.text


def test_recipient_page_lists_all_of_a_persons_honours(client):
    article = ArticleFactory(title="易美军获评先进科技志愿者")
    draft = ArticleFactory(title="未发布的稿件", draft=True)
    first = HonourFactory(person_name="易美军", employer="巴东县易达协会", year=2022)
    first.articles.add(article, draft)
    HonourFactory(person_name="易美军", employer="巴东县易达协会", year=None)
    HonourFactory(person_name="易美军", employer="别的单位", year=2021)  # another person
    response = client.get(first.get_absolute_url())
    assert response.status_code == 200
    assert response.text.count('class="card"') == 2
    assert "易美军获评先进科技志愿者" in response.text
    assert "未发布的稿件" not in response.text
    assert client.get("/honours/recipient/p-nobody-0000000000/").status_code == 404


def test_recipient_page_never_shows_a_members_personal_data(client):
    member = MemberFactory(
        name="吴双清", employer="保密单位", mobile="13900001234", email="wu@example.org"
    )
    honour = HonourFactory(member=member, person_name="")
    text = client.get(honour.get_absolute_url()).text
    assert "吴双清" in text
    for private in ["保密单位", "13900001234", "wu@example.org", member.membership_number]:
        assert private not in text


def test_unit_page_links_to_the_organization_page(client):
    organization = OrganizationFactory(name="宣恩县科学技术协会", slug="xuanen")
    UnitHonourFactory(organization=organization, unit_name="宣恩县科协科普大篷车")
    honour = UnitHonourFactory(organization=organization, unit_name="", year=2020)
    response = client.get(honour.get_absolute_url())
    assert response.text.count('class="card"') == 2
    assert 'href="/organizations/xuanen/"' in response.text


def test_unit_page_without_an_organization_page_has_no_broken_link(client):
    organization = OrganizationFactory(name="宣恩县科学技术协会", slug="xuanen", is_active=False)
    honour = UnitHonourFactory(organization=organization, unit_name="")
    response = client.get(honour.get_absolute_url())
    assert response.status_code == 200
    assert "/organizations/xuanen/" not in response.text


def test_organization_honours_partial(db):
    organization = OrganizationFactory(name="鹤峰县科学技术协会")
    UnitHonourFactory(
        organization=organization, award=AwardFactory(name="全国科技活动周优秀单位", for_units=True)
    )
    html = render_to_string(
        "awards/includes/organization_honours.html",
        {"honours": Honour.objects.for_organization(organization)},
    )
    assert "全国科技活动周优秀单位" in html
    assert f"/honours/recipient/o-{organization.pk}/" in html
    assert (
        render_to_string(
            "awards/includes/organization_honours.html", {"honours": Honour.objects.none()}
        ).strip()
        == ""
    )


def test_sitemap_lists_recipient_pages(client):
    honour = HonourFactory(person_name="吴双清")
    response = client.get(reverse("django.contrib.sitemaps.views.sitemap"))
    assert response.status_code == 200
    assert honour.get_absolute_url() in response.text


def make_honours(count):
    awards = [AwardFactory(level=level) for level in Level.values]
    organization = OrganizationFactory(name="州科协")
    for number in range(count):
        HonourFactory(award=awards[number % 4], year=2018 + number % 5)
        UnitHonourFactory(organization=organization, year=2000 + number)


@pytest.mark.parametrize("size", [3, 30])
def test_list_query_count_is_constant(
    client, render_every_request, django_assert_num_queries, size
):
    make_honours(size)
    client.get(LIST_URL)  # warm caches (content types, site) out of the count
    # The navigation's categories come with the header, once per content generation.
    with django_assert_num_queries(5):
        response = client.get(LIST_URL, {"year": "2019", "q": "获奖"})
    assert response.status_code == 200
    with django_assert_num_queries(5):
        client.get(LIST_URL)


@pytest.mark.parametrize("size", [3, 30])
def test_recipient_query_count_is_constant(
    client, render_every_request, django_assert_num_queries, size
):
    make_honours(size)
    honour = Honour.objects.filter(organization__isnull=False).first()
    for other in Honour.objects.filter(organization__isnull=False)[:size]:
        other.articles.add(ArticleFactory())
    client.get(honour.get_absolute_url())  # the term list, once per change
    with django_assert_num_queries(2):  # the navigation comes with the header
        response = client.get(honour.get_absolute_url())
    assert response.text.count('class="card"') == size
