"""信息报送 in the browser: 利川市科协's 通讯员 submits, a reviewer accepts it into 基层动态."""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from kexie.accounts import roles
from kexie.models import StaffProfile
from news.models import Article, Category
from organizations.models import Organization
from tests.e2e.conftest import save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def account(django_user_model):
    def make(username, role, organization=None):
        user = django_user_model.objects.create_user(
            username=username, password="a-long-test-password", is_staff=True
        )
        user.groups.add(Group.objects.get_or_create(name=role)[0])
        if organization is not None:
            StaffProfile.objects.update_or_create(
                user=user, defaults={"organization": organization}
            )
        return user

    return make


def test_contributor_submits_and_reviewer_accepts_into_grassroots(page, site, login, account):
    # The demo content (site fixture) holds 利川市科协, 基层动态 and 学会动态; the
    # transactional flush took the role groups' permissions with it: restore them.
    from django.apps import apps

    roles.sync_roles(apps)
    lichuan = Organization.objects.get(name="利川市科学技术协会")
    grassroots = Category.objects.get(slug="grassroots")
    contributor = account("tongxun-test", roles.CONTRIBUTOR, lichuan)
    reviewer = account("shenhe-test", roles.REVIEWER)

    login(contributor)
    expect(page.locator("#my-submissions")).to_contain_text("我的报送")
    page.goto(f"{site}/admin/news/article/add/")
    # The category is preselected for a county association; no organization field.
    expect(page.locator("#id_category + .select2")).to_contain_text("基层动态")
    expect(page.locator("#id_organization")).to_have_count(0)
    page.fill("#id_title", "利川市科协开展科技助农直播活动")
    page.frame_locator("iframe.cke_wysiwyg_frame").locator("body").click()
    page.keyboard.type("利川市科协组织农技专家走进直播间，为群众讲解高山蔬菜种植技术。")
    page.click("button[name=_transition][value=submit]")
    expect(page.locator(".messagelist")).to_contain_text("已提交审核")
    article = Article.objects.get(title="利川市科协开展科技助农直播活动")
    assert article.organization == lichuan and article.status == Article.Status.PENDING

    sign_out(page, site)
    login(reviewer)
    expect(page.locator("#pending-submissions")).to_contain_text("待审")
    page.goto(f"{site}/admin/news/article/{article.pk}/change/")
    expect(page.locator("button[name=_transition][value=decline]")).to_be_visible()
    expect(page.locator("#id_category + .select2")).to_contain_text("基层动态")
    page.click("button[name=_transition][value=publish]")
    expect(page.locator(".messagelist")).to_contain_text("已发布")
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED and article.category == grassroots

    sign_out(page, site)
    page.goto(f"{site}/news/{article.pk}.html")
    expect(page.locator(".article-header .meta")).to_contain_text("来源：利川市科协")
    page.goto(f"{site}{lichuan.get_absolute_url()}")
    section = page.locator("#submissions")
    expect(section).to_contain_text("利川市科协开展科技助农直播活动")
    section.get_by_role("link", name="利川市科协开展科技助农直播活动").click()
    expect(page).to_have_url(f"{site}/news/{article.pk}.html")

    page.context.clear_cookies()  # a visitor until now: no session to end
    login(contributor)
    expect(page.locator("#my-submissions")).to_contain_text("利川市科协开展科技助农直播活动")
    expect(page.locator("#my-submissions")).to_contain_text("基层动态")
    save_screenshot(page, "admin-contributor-dashboard")


def sign_out(page, site):
    """Log out as staff do (the header's 注销 button), so no request still in flight
    can hand the old session back."""
    page.goto(f"{site}/admin/")
    page.locator("#logout-form button").click()
    page.wait_for_url(f"{site}/admin/logout/")
    page.context.clear_cookies()
