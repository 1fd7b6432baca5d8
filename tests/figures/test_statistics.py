"""数说科协 (/statistics/): figures equal the records, counts only, staff choose the blocks."""

import datetime
import zoneinfo
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from awards.models import Level
from kexie.models import FigureBlock
from news.models import Article, ArticleEvent
from organizations.models import County, Member, Organization
from tests.awards.factories import AwardFactory, HonourFactory
from tests.news.factories import ArticleFactory, CategoryFactory
from tests.organizations.factories import MemberFactory, OrganizationFactory

pytestmark = pytest.mark.django_db
URL = "/statistics/"
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
# Rendering the page (the page cache off, the header and footer warm in the shared cache, as
# on a running site): the years (news, honours), the block choices, eleven aggregates for ten
# blocks (five on organizations and members, three on honours, news by year and category plus
# the names of the top categories, accepted submissions per county and year). The navigation's
# categories come with the header, built once per content generation (kexie.pagecache.fragments).
# The 报送采用 block costs one aggregate over first publications, whatever the data size.
QUERIES = 14


class _Tables(HTMLParser):
    """{section id: {row label: [numbers as shown]}} from each block's table."""

    def __init__(self):
        super().__init__()
        self.tables, self.section, self.row, self.cell = {}, None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section" and "figure-block" in attrs.get("class", ""):
            self.section = attrs["id"]
            self.tables[self.section] = {}
        elif tag == "tr" and self.section:
            self.row = []
        elif tag in ("th", "td") and self.row is not None:
            self.cell = ""

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self.cell is not None:
            self.row.append(self.cell.strip())
            self.cell = None
        elif tag == "tr" and self.row is not None:
            if self.row and self.row[1:] and all(v.isdigit() for v in self.row[1:]):
                self.tables[self.section][self.row[0]] = [int(v) for v in self.row[1:]]
            self.row = None
        elif tag == "section":
            self.section = None


def tables(client, query=""):
    response = client.get(URL + query)
    assert response.status_code == 200
    parser = _Tables()
    parser.feed(response.content.decode())
    return parser.tables, response.content.decode()


def make_world(scale):
    """Generated records whose counts the page must reproduce exactly."""
    societies = [
        OrganizationFactory(
            kind=Organization.Kind.SOCIETY, discipline="medicine", county=County.ENSHI
        )
        for _ in range(2 * scale)
    ]
    counties = [
        OrganizationFactory(kind=Organization.Kind.COUNTY, county=County.LICHUAN)
        for _ in range(scale)
    ]
    OrganizationFactory(kind=Organization.Kind.SOCIETY, is_active=False)  # never counted
    for _ in range(3 * scale):
        OrganizationFactory(kind=Organization.Kind.GROUP_MEMBER, county=County.LICHUAN)
    for index in range(5 * scale):
        MemberFactory(organization=societies[index % len(societies)])
    MemberFactory(organization=counties[0], status=Member.Status.LEFT)  # not active
    national = AwardFactory(level=Level.NATIONAL, conferring_body="中国科协")
    provincial = AwardFactory(level=Level.PROVINCIAL, conferring_body="湖北省科协")
    for _ in range(scale):
        HonourFactory(award=national, year=2021)
        HonourFactory(award=provincial, year=2022, group_size=3)
    top = CategoryFactory(name="工作动态", slug="work")
    child = CategoryFactory(name="基层动态", slug="grassroots", parent=top)
    at = datetime.datetime(2022, 6, 1, 9, 0, tzinfo=SHANGHAI)
    for _ in range(2 * scale):
        ArticleFactory(category=child, publish_at=at)
    ArticleFactory(category=top, publish_at=at.replace(year=2021))
    ArticleFactory(category=top, status=Article.Status.DRAFT, publish_at=at)  # not public
    ArticleFactory(category=top, publish_at=timezone.now() + datetime.timedelta(days=3))
    # 报送采用: accepted submissions of county associations and a society without a county.
    for org in counties:
        for _ in range(2):
            accepted(org, at, category=child)
    nowhere = OrganizationFactory(kind=Organization.Kind.WORKSTATION, county="")
    for _ in range(scale):
        accepted(nowhere, at.replace(year=2021), category=child)
    return scale


def accepted(org, when, **fields):
    """An article ``org`` sent in, published (accepted) at ``when``."""
    article = ArticleFactory(organization=org, publish_at=when, **fields)
    ArticleEvent.objects.create(
        article=article, action=ArticleEvent.Action.SUBMITTED, created_at=when
    )
    ArticleEvent.objects.create(
        article=article, action=ArticleEvent.Action.PUBLISHED, created_at=when
    )
    return article


@pytest.mark.parametrize("scale", [1, 4])
def test_figures_equal_the_records(client, scale):
    make_world(scale)
    shown, _html = tables(client)
    assert shown["organizations-by-kind"]["学会"] == [2 * scale]
    assert shown["organizations-by-kind"]["县市科协"] == [scale]
    assert "团体会员" not in shown["organizations-by-kind"]
    assert shown["societies"]["医科"] == [2 * scale]
    # Individual members by their organization's county, group members by their own.
    assert shown["members"]["恩施市"] == [5 * scale, 0, 5 * scale]
    assert shown["members"]["利川市"] == [0, 3 * scale, 3 * scale]
    assert shown["honours-by-level"]["国家级"] == [scale]
    assert shown["honours-by-level"]["省级"] == [3 * scale]
    assert shown["honours-by-body"]["湖北省科协"] == [3 * scale]
    assert shown["honours-by-year"]["2022"] == [0, 3 * scale, 3 * scale]
    assert shown["honours-by-year"]["2021"] == [scale, 0, scale]
    # Published articles count towards their top-level category; drafts and future ones never.
    assert shown["news-by-category"]["2022"] == [2 * scale + 2 * scale]
    assert shown["news-by-category"]["2021"] == [1 + scale]
    # Accepted submissions per county and year; no county counts as 州直 (the first column).
    assert shown["submissions-by-county"]["2022"] == [0, 2 * scale, 2 * scale]
    assert shown["submissions-by-county"]["2021"] == [scale, 0, scale]


@pytest.mark.parametrize("scale", [1, 4])
def test_a_fixed_number_of_queries(
    client, render_every_request, warm_site_chrome, django_assert_num_queries, scale
):
    make_world(scale)
    client.get(URL)  # warm anything cached per process
    with django_assert_num_queries(QUERIES):
        client.get(URL)
    with django_assert_num_queries(QUERIES):
        client.get(URL + "?year=2022")


def test_the_year_selector_narrows_yearly_blocks_only(client):
    make_world(1)
    shown, html = tables(client, "?year=2021")
    assert shown["honours-by-level"] == {"国家级": [1]}
    assert shown["news-by-category"] == {"2021": [2]}
    assert shown["submissions-by-county"] == {"2021": [1]}
    assert shown["organizations-by-kind"]["学会"] == [2]  # as of today, whatever the year
    assert '<option value="2021" selected>' in html


@pytest.mark.parametrize("junk", ["abc", "1999", "2021.5", "%00", "２０２１", "9" * 40])
def test_junk_years_are_ignored_with_a_notice(client, junk):
    make_world(1)
    response = client.get(URL, {"year": junk})
    assert response.status_code == 200
    assert "已忽略" in response.content.decode()


def test_no_personal_data_is_shown(client):
    member = MemberFactory(name="王秀英", mobile="13912345678", email="wxy@example.com")
    member.employer = "恩施州中心医院眼科"
    member.save()
    html = client.get(URL).content.decode()
    for private in ["王秀英", "13912345678", "wxy@example.com", "恩施州中心医院眼科", "M0"]:
        assert private not in html


def test_staff_choose_which_blocks_are_public(client):
    make_world(1)
    FigureBlock.objects.filter(key="members").update(is_public=False)
    FigureBlock.objects.filter(key="news-by-category").update(position=0)
    shown, html = tables(client)
    assert "members" not in shown
    assert list(shown)[0] == "news-by-category"


def test_site_admins_edit_the_blocks_and_editors_cannot(client, django_user_model):
    from django.contrib.auth.models import Group

    from kexie.accounts.roles import EDITOR, SITE_ADMIN

    admin = django_user_model.objects.create_user("guanli", password="x" * 12, is_staff=True)
    admin.groups.add(Group.objects.get(name=SITE_ADMIN))
    client.force_login(admin)
    page = client.get("/admin/kexie/figureblock/")
    assert page.status_code == 200
    assert "个人会员与团体会员" in page.content.decode()
    editor = django_user_model.objects.create_user("bianji", password="x" * 12, is_staff=True)
    editor.groups.add(Group.objects.get(name=EDITOR))
    client.force_login(editor)
    assert client.get("/admin/kexie/figureblock/").status_code == 403


def test_every_registered_block_has_a_row_after_migrate():
    from kexie import figures

    assert set(FigureBlock.objects.values_list("key", flat=True)) >= {
        block.key for block in figures.blocks()
    }


def test_an_accepted_submission_shows_on_the_next_request(client, django_user_model):
    """The page cache is on: publishing or withdrawing through the review steps invalidates it."""
    from django.contrib.auth.models import Group

    from kexie.accounts.roles import REVIEWER
    from news import services

    reviewer = django_user_model.objects.create_user("shenhe", password="x" * 12, is_staff=True)
    reviewer.groups.add(Group.objects.get(name=REVIEWER))
    reviewer = django_user_model.objects.get(pk=reviewer.pk)
    org = OrganizationFactory(kind=Organization.Kind.COUNTY, county=County.BADONG)
    article = ArticleFactory(organization=org, pending=True)
    ArticleEvent.objects.create(article=article, action=ArticleEvent.Action.SUBMITTED)
    shown, _html = tables(client)
    assert "submissions-by-county" not in shown or not shown["submissions-by-county"]
    services.publish(article=article, user=reviewer)
    year = str(timezone.localdate().year)
    shown, html = tables(client)
    assert shown["submissions-by-county"] == {year: [1]}
    assert "巴东县" in html[html.index('id="submissions-by-county"') :]
    # Withdrawn: no longer public, no longer counted; published again: counted once.
    services.withdraw(article=article, user=reviewer)
    shown, _html = tables(client)
    assert not shown.get("submissions-by-county")
    services.publish(article=article, user=reviewer)
    shown, _html = tables(client)
    assert shown["submissions-by-county"] == {year: [1]}


def test_the_submissions_block_explains_how_it_counts(client):
    make_world(1)
    html = client.get(URL).content.decode()
    block = html[html.index('id="submissions-by-county"') :]
    assert "各县市报送采用" in block
    assert "按首次发布的年份统计" in block
    assert "<svg" in block and "<table" in block


def test_the_submissions_block_shows_no_people(client):
    org = OrganizationFactory(kind=Organization.Kind.COUNTY, county=County.XUANEN)
    org.contact_person = "李建华"
    org.save()
    article = accepted(org, timezone.now() - datetime.timedelta(days=1))
    article.author = "张晓明"
    article.save()
    ArticleEvent.objects.filter(article=article).update(comment="联系电话 13812345678")
    html = client.get(URL).content.decode()
    for private in ["李建华", "张晓明", "13812345678", article.title]:
        assert private not in html
    assert "宣恩县" in html
