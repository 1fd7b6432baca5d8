import pytest
from django.urls import reverse

from organizations.models import County, Member, Organization
from organizations.views import DIRECTORY_PAGE_SIZE, group_bounds
from tests.news.factories import ArticleFactory
from tests.organizations.factories import MemberFactory, OrganizationFactory

# Header and footer come from the cache, as on a running site (pages.chrome).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("warm_site_chrome")]
LIST_URL = reverse("organizations:organization-list")
Kind = Organization.Kind


def names_on(response):
    return [org.name for org in response.context["organizations"]]


def test_directory_groups_every_kind_and_hides_inactive(client):
    OrganizationFactory(name="恩施州茶叶学会", kind=Kind.SOCIETY)
    OrganizationFactory(name="利川市科学技术协会", kind=Kind.COUNTY, county=County.LICHUAN)
    OrganizationFactory(name="恩施州林科院科协", kind=Kind.GROUP_MEMBER)
    OrganizationFactory(name="已撤销学会", is_active=False)
    response = client.get(LIST_URL)
    assert response.status_code == 200
    assert set(names_on(response)) == {"恩施州茶叶学会", "利川市科学技术协会", "恩施州林科院科协"}
    text = response.text
    # One heading per kind, in the directory's kind order.
    headings = [f"<h2>{Kind(kind).label}</h2>" for kind in (Kind.COUNTY, Kind.SOCIETY)]
    assert all(heading in text for heading in headings)
    assert text.index(headings[0]) < text.index(headings[1])
    assert text.index("利川市科学技术协会") < text.index("恩施州茶叶学会")
    assert "已撤销学会" not in text


def test_filter_by_kind_county_and_name(client):
    OrganizationFactory(name="恩施州茶叶学会", short_name="州茶叶学会", kind=Kind.SOCIETY)
    OrganizationFactory(name="恩施州医学会", kind=Kind.SOCIETY)
    OrganizationFactory(name="利川市科学技术协会", kind=Kind.COUNTY, county=County.LICHUAN)
    OrganizationFactory(name="利川市谋道镇科学技术协会", kind=Kind.TOWNSHIP, county=County.LICHUAN)

    assert set(names_on(client.get(LIST_URL, {"kind": "society"}))) == {
        "恩施州茶叶学会",
        "恩施州医学会",
    }
    assert set(names_on(client.get(LIST_URL, {"county": "lichuan"}))) == {
        "利川市科学技术协会",
        "利川市谋道镇科学技术协会",
    }
    assert names_on(client.get(LIST_URL, {"county": "lichuan", "kind": "township"})) == [
        "利川市谋道镇科学技术协会"
    ]
    # Two-character search terms work (the directory is small: icontains is enough).
    assert names_on(client.get(LIST_URL, {"q": "茶叶"})) == ["恩施州茶叶学会"]
    response = client.get(LIST_URL, {"q": "不存在的组织"})
    assert names_on(response) == []
    assert "empty" in response.text


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "junk"},
        {"county": "nowhere", "kind": "<script>"},
        {"q": "\x00"},
        {"q": "x" * 5000},
        {"page": "abc"},
        {"page": "-1"},
        {"page": "99999999999999999999"},
        {"kind": ["county", "society"]},
    ],
)
def test_junk_parameters_are_ignored_not_an_error(client, params):
    OrganizationFactory(name="恩施州茶叶学会")
    response = client.get(LIST_URL, params)
    assert response.status_code == 200
    assert "恩施州茶叶学会" in response.text


def test_paging_keeps_filters(client):
    for number in range(DIRECTORY_PAGE_SIZE + 5):
        OrganizationFactory(name=f"恩施州测试学会{number:02d}", kind=Kind.SOCIETY)
    OrganizationFactory(name="利川市科学技术协会", kind=Kind.COUNTY)
    first = client.get(LIST_URL, {"kind": "society"})
    assert len(first.context["organizations"]) == DIRECTORY_PAGE_SIZE
    assert "kind=society" in first.text and "page=2" in first.text
    second = client.get(LIST_URL, {"kind": "society", "page": 2})
    assert len(second.context["organizations"]) == 5
    assert "利川市科学技术协会" not in second.text
    # Past the end shows the last page rather than an error.
    assert names_on(client.get(LIST_URL, {"kind": "society", "page": 7})) == names_on(second)


def test_detail_shows_public_facts_count_and_children_but_no_personal_data(client):
    county = OrganizationFactory(
        name="建始县科学技术协会",
        kind=Kind.COUNTY,
        county=County.JIANSHI,
        public_phone="0718-3322110",
        address="建始县业州镇",
        description='<p>服务全县科技工作者。</p><script>alert("x")</script>',
    )
    OrganizationFactory(name="建始县高坪镇科学技术协会", kind=Kind.TOWNSHIP, parent=county)
    OrganizationFactory(name="建始县撤并乡科学技术协会", parent=county, is_active=False)
    MemberFactory(
        organization=county,
        name="李四",
        mobile="13900009876",
        email="lisi@example.com",
        employer="建始县秘密单位",
    )
    MemberFactory(organization=county)
    MemberFactory(organization=county, status=Member.Status.LEFT)

    response = client.get(county.get_absolute_url())
    assert response.status_code == 200
    text = response.text
    assert "0718-3322110" in text and "建始县业州镇" in text
    assert "<p>服务全县科技工作者。</p>" in text and "<script>alert" not in text
    assert "建始县高坪镇科学技术协会" in text
    assert "建始县撤并乡科学技术协会" not in text
    assert response.context["member_count"] == 2
    assert '<td class="member-count">2</td>' in text
    for personal in ("李四", "13900009876", "lisi@example.com", "建始县秘密单位"):
        assert personal not in text
    assert "{% block" not in text


def test_detail_lists_published_news_naming_the_organization(client):
    society = OrganizationFactory(name="恩施州茶叶学会", short_name="州茶叶学会")
    ArticleFactory(title="恩施州茶叶学会举办茶园管理技术培训")
    ArticleFactory(title="恩施州茶叶学会年会草稿", draft=True)
    ArticleFactory(title="州医学会义诊")
    text = client.get(society.get_absolute_url()).text
    assert "恩施州茶叶学会举办茶园管理技术培训" in text
    assert "草稿" not in text and "州医学会义诊" not in text


def test_inactive_or_unknown_organization_is_404(client):
    hidden = OrganizationFactory(name="已撤销学会", is_active=False)
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert client.get("/organizations/no-such-thing/").status_code == 404


def test_sitemap_lists_active_organizations(client):
    active = OrganizationFactory(name="恩施州医学会")
    hidden = OrganizationFactory(name="已撤销学会", is_active=False)
    text = client.get("/sitemap.xml").text
    assert active.get_absolute_url() in text
    assert hidden.get_absolute_url() not in text


def _populate(size):
    prefecture = OrganizationFactory(name="恩施州科学技术协会", kind=Kind.PREFECTURE)
    for number in range(size):
        parent = OrganizationFactory(
            name=f"第{number}县科学技术协会", kind=Kind.COUNTY, parent=prefecture
        )
        OrganizationFactory(name=f"第{number}县某镇科学技术协会", kind=Kind.TOWNSHIP, parent=parent)
        MemberFactory.create_batch(2, organization=parent)
        ArticleFactory(title=f"第{number}县科学技术协会开展科普活动")
    return prefecture


@pytest.mark.parametrize("size", [2, 12])
def test_list_query_count_is_constant(
    client, render_every_request, django_assert_num_queries, size
):
    _populate(size)
    client.get(LIST_URL)  # the term list, once per change
    # count, page of organizations (parents joined); the navigation comes with the header
    with django_assert_num_queries(2):
        response = client.get(LIST_URL, {"q": "科学技术协会"})
    assert len(response.context["organizations"]) == 2 * size + 1


@pytest.mark.parametrize("size", [2, 12])
def test_detail_query_count_is_constant(
    client, render_every_request, django_assert_num_queries, size
):
    prefecture = _populate(size)
    client.get(prefecture.get_absolute_url())  # the term list, once per change
    # organization with parent, children, member count, news mentions, news sent in
    # (信息报送), honours
    with django_assert_num_queries(6):
        response = client.get(prefecture.get_absolute_url())
    assert len(response.context["children"]) == size


def test_organization_page_lists_the_honours_it_received(client):
    from tests.awards.factories import AwardFactory, UnitHonourFactory

    organization = OrganizationFactory(name="鹤峰县科学技术协会")
    award = AwardFactory(name="全国科技活动周及重大示范活动优秀单位")
    UnitHonourFactory(organization=organization, unit_name="鹤峰县科协", award=award, year=2021)
    UnitHonourFactory(unit_name="别的单位", award=AwardFactory(name="别人的荣誉"))
    text = client.get(organization.get_absolute_url()).text
    assert "全国科技活动周及重大示范活动优秀单位" in text
    assert "别人的荣誉" not in text


def test_the_association_itself_comes_first(client):
    OrganizationFactory(name="恩施州茶叶学会", kind=Kind.SOCIETY)
    OrganizationFactory(name="巴东县科技馆", kind=Kind.EDUCATION_BASE)
    OrganizationFactory(name="鹤峰县科学技术协会", kind=Kind.COUNTY)
    OrganizationFactory(name="恩施州科学技术协会", kind=Kind.PREFECTURE)
    names = names_on(client.get(LIST_URL))
    assert names[0] == "恩施州科学技术协会"
    assert names.index("鹤峰县科学技术协会") < names.index("恩施州茶叶学会")


def test_a_group_is_never_split_across_pages(client):
    OrganizationFactory(name="恩施州科学技术协会", kind=Kind.PREFECTURE)
    for number in range(DIRECTORY_PAGE_SIZE - 10):
        OrganizationFactory(name=f"第{number:02d}镇科学技术协会", kind=Kind.TOWNSHIP)
    for number in range(13):
        OrganizationFactory(name=f"恩施州第{number:02d}学会", kind=Kind.SOCIETY)
    first = names_on(client.get(LIST_URL))
    second = names_on(client.get(LIST_URL, {"page": 2}))
    assert not any("学会" in name for name in first)
    assert len([name for name in second if "学会" in name]) == 13


def test_page_bounds_fall_between_groups_unless_a_group_is_larger_than_a_page():
    assert group_bounds([1, 8, 22, 13, 2], 40) == [(0, 31), (31, 46)]
    assert group_bounds([5, 45, 3], 40) == [(0, 5), (5, 45), (45, 53)]
    assert group_bounds([], 40) == []
