"""信息报送: a 通讯员 writes for their own organization only; reviewers accept, return, decline.

Every request a contributor of one organization can make on another organization's
article is tried, and each must answer 403/404 (or the admin's "no such object"
redirect) and change nothing. Accounts are in the role groups of the roles migration;
forms are posted as a browser would post them (read from the page).
"""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from kexie.accounts import roles
from kexie.models import AuditEntry, StaffProfile
from news import services
from news.models import Article, ArticleEvent, Category
from organizations.models import County, Organization
from tests.news.factories import ArticleFactory, AttachmentFactory, CategoryFactory
from tests.organizations.factories import OrganizationFactory
from tests.security.helpers import form_data

pytestmark = pytest.mark.django_db

Status = Article.Status
Kind = Organization.Kind


@pytest.fixture
def lichuan():
    return OrganizationFactory(
        name="利川市科学技术协会", short_name="利川市科协", kind=Kind.COUNTY, county=County.LICHUAN
    )


@pytest.fixture
def jianshi():
    return OrganizationFactory(
        name="建始县科学技术协会", short_name="建始县科协", kind=Kind.COUNTY, county=County.JIANSHI
    )


@pytest.fixture
def grassroots():
    return CategoryFactory(
        name="基层动态", slug="grassroots", receives_submissions_from=Kind.COUNTY
    )


@pytest.fixture
def societies():
    return CategoryFactory(
        name="学会动态", slug="societies", receives_submissions_from=Kind.SOCIETY
    )


@pytest.fixture
def member(django_user_model):
    def make(role, username, organization=None):
        user = django_user_model.objects.create_user(
            username=username, password="a-long-test-password", is_staff=True
        )
        user.groups.add(Group.objects.get(name=role))
        if organization is not None:
            StaffProfile.objects.update_or_create(
                user=user, defaults={"organization": organization}
            )
        return django_user_model.objects.get(pk=user.pk)

    return make


@pytest.fixture
def contributor(member, lichuan):
    return member(roles.CONTRIBUTOR, "lichuan01", lichuan)


@pytest.fixture
def reviewer(member):
    return member(roles.REVIEWER, "shenhe01")


@pytest.fixture
def theirs(jianshi):
    """An unpublished article of another organization, with an attachment and history."""
    article = ArticleFactory(title="建始县科协的待审稿件", organization=jianshi, pending=True)
    AttachmentFactory(article=article, title="建始县附件")
    ArticleEvent.objects.create(
        article=article, action=ArticleEvent.Action.SUBMITTED, comment="建始县的报送记录"
    )
    return Article.objects.get(pk=article.pk)


def change_url(article):
    return reverse("admin:news_article_change", args=[article.pk])


def unchanged(article):
    """Whether the stored row is still exactly what the fixture made."""
    stored = Article.objects.get(pk=article.pk)
    return (stored.title, stored.status, stored.version, stored.organization_id) == (
        article.title,
        article.status,
        article.version,
        article.organization_id,
    )


# --- Scope: nothing of another organization by any request ----------------------------


def test_contributor_lists_only_their_organizations_articles(client, contributor, theirs, lichuan):
    ArticleFactory(title="利川市科协的稿件", organization=lichuan, draft=True)
    client.force_login(contributor)
    url = reverse("admin:news_article_changelist")
    listed = client.get(url).text
    assert "利川市科协的稿件" in listed and "建始县科协的待审稿件" not in listed
    searched = client.get(url, {"q": "建始县"}).text
    assert "建始县科协的待审稿件" not in searched
    filtered = client.get(url, {"status__exact": "pending"}).text
    assert "建始县科协的待审稿件" not in filtered


@pytest.mark.parametrize("view", ["change", "history", "delete"])
def test_contributor_cannot_open_another_organizations_article(client, contributor, theirs, view):
    client.force_login(contributor)
    response = client.get(reverse(f"admin:news_article_{view}", args=[theirs.pk]))
    # The admin answers a missing object with a redirect to the index, never the page.
    assert response.status_code in (302, 403, 404)
    assert "建始县科协的待审稿件" not in response.text


@pytest.mark.parametrize("transition", ["", "submit", "publish", "send_back", "decline"])
def test_contributor_cannot_change_another_organizations_article(
    client, contributor, theirs, transition
):
    client.force_login(contributor)
    data = {
        "title": "被篡改的标题",
        "category": theirs.category_id,
        "body": "<p>篡改</p>",
        "opened_version": theirs.version,
        "review_comment": "理由",
        "_transition": transition,
        "attachments-TOTAL_FORMS": "0",
        "attachments-INITIAL_FORMS": "0",
    }
    response = client.post(change_url(theirs), data)
    assert response.status_code in (302, 403, 404)
    assert unchanged(theirs)
    assert not ArticleEvent.objects.filter(article=theirs, user=contributor).exists()


def test_contributor_cannot_delete_or_run_actions_on_another_organizations_article(
    client, contributor, theirs
):
    client.force_login(contributor)
    response = client.post(reverse("admin:news_article_delete", args=[theirs.pk]), {"post": "yes"})
    assert response.status_code in (302, 403, 404)
    for action in ["publish_selected", "withdraw_selected", "pin_selected", "delete_selected"]:
        client.post(
            reverse("admin:news_article_changelist"),
            {"action": action, "_selected_action": [theirs.pk], "post": "yes"},
        )
    assert Article.objects.filter(pk=theirs.pk).exists()
    assert unchanged(theirs)


@pytest.mark.parametrize("name", ["news_article_revisions", "news_article_review_sheet"])
def test_contributor_cannot_read_revisions_or_the_review_sheet(client, contributor, theirs, name):
    client.force_login(contributor)
    response = client.get(reverse(f"admin:{name}", args=[theirs.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("step", ["", "publish", "send_back", "restore"])
def test_contributor_cannot_read_or_restore_a_revision(client, contributor, theirs, step):
    revision = theirs.revisions.get()
    url = reverse("admin:news_article_revision", args=[theirs.pk, revision.pk])
    client.force_login(contributor)
    response = client.post(url, {"_step": step}) if step else client.get(url)
    assert response.status_code == 404
    assert unchanged(theirs)
    assert theirs.revisions.count() == 1


def test_contributor_cannot_preview_or_download_another_organizations_files(
    client, contributor, theirs
):
    client.force_login(contributor)
    assert client.get(theirs.get_preview_url()).status_code == 404
    attachment = theirs.attachments.get()
    assert client.get(attachment.get_absolute_url()).status_code == 404


def test_contributor_sees_their_own_preview_and_files(client, contributor, lichuan):
    ours = ArticleFactory(title="利川市科协草稿", organization=lichuan, draft=True)
    attachment = AttachmentFactory(article=ours)
    client.force_login(contributor)
    assert "利川市科协草稿" in client.get(ours.get_preview_url()).text
    assert client.get(attachment.get_absolute_url()).status_code == 200


def test_contributor_reads_only_their_organizations_review_records(client, contributor, theirs):
    client.force_login(contributor)
    listed = client.get(reverse("admin:news_articleevent_changelist")).text
    assert "建始县的报送记录" not in listed and "建始县科协的待审稿件" not in listed
    searched = client.get(reverse("admin:news_articleevent_changelist"), {"q": "建始县"}).text
    assert "建始县的报送记录" not in searched
    event = theirs.events.get(comment="建始县的报送记录")
    response = client.get(reverse("admin:news_articleevent_change", args=[event.pk]))
    assert response.status_code in (302, 404)
    assert "建始县的报送记录" not in response.text


def test_contributor_autocomplete_never_offers_another_organizations_article(
    client, contributor, theirs
):
    client.force_login(contributor)
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "term": "建始县",
            "app_label": "awards",
            "model_name": "honour",
            "field_name": "articles",
        },
    )
    assert response.status_code in (403, 404) or "建始县" not in response.text


def test_services_refuse_a_contributor_on_another_organizations_article(contributor, theirs):
    theirs.title = "被篡改的标题"
    with pytest.raises(services.NotAllowed):
        services.save_article(article=theirs, user=contributor, expected_version=theirs.version)
    stored = Article.objects.get(pk=theirs.pk)
    with pytest.raises(services.NotAllowed):
        services.perform_transition("submit", article=stored, user=contributor)
    with pytest.raises(services.NotAllowed):
        services.restore_revision(revision=stored.revisions.get(), user=contributor)
    assert Article.objects.get(pk=theirs.pk).title == "建始县科协的待审稿件"


def test_a_contributor_without_an_organization_cannot_write(client, member, grassroots):
    loner = member(roles.CONTRIBUTOR, "noorg01")
    client.force_login(loner)
    assert client.get(reverse("admin:news_article_add")).status_code == 403
    dashboard = client.get(reverse("admin:index")).text
    assert "没有设置所属单位" in dashboard
    with pytest.raises(services.NotAllowed, match="所属单位"):
        services.save_article(
            article=Article(title="无单位稿件", category=grassroots, body="<p>x</p>"), user=loner
        )
    assert not Article.objects.filter(title="无单位稿件").exists()


# --- Writing and submitting -------------------------------------------------------------


def test_new_article_takes_the_contributors_organization_whatever_is_posted(
    client, contributor, lichuan, jianshi, grassroots
):
    client.force_login(contributor)
    page = client.get(reverse("admin:news_article_add"))
    assert 'name="organization"' not in page.text
    data = form_data(
        page.text,
        "article_form",
        title="谋道镇开展科普赶集活动",
        body="<p>正文</p>",
        organization=jianshi.pk,
        is_headline="on",
        _transition="submit",
    )
    assert data["category"] == str(grassroots.pk)  # preselected for a county association
    response = client.post(reverse("admin:news_article_add"), data)
    assert response.status_code == 302
    article = Article.objects.get(title="谋道镇开展科普赶集活动")
    assert article.organization == lichuan
    assert article.status == Status.PENDING
    assert not article.is_headline

    page = client.get(change_url(article))
    assert "利川市科学技术协会" in page.text  # shown, read-only
    data = form_data(page.text, "article_form", organization=jianshi.pk, title="改过的标题")
    client.post(change_url(article), data)
    article.refresh_from_db()
    assert article.organization == lichuan


def test_category_preselection_follows_the_organizations_kind(
    client, member, grassroots, societies
):
    township = OrganizationFactory(name="利川市谋道镇科学技术协会", kind=Kind.TOWNSHIP)
    society = OrganizationFactory(name="恩施州茶叶学会", kind=Kind.SOCIETY)
    university = OrganizationFactory(name="湖北民族大学科协", kind=Kind.UNIVERSITY)
    expected = {township: grassroots, society: societies, university: None}
    for number, (organization, category) in enumerate(expected.items()):
        client.force_login(member(roles.CONTRIBUTOR, f"tongxun{number}", organization))
        page = client.get(reverse("admin:news_article_add"))
        initial = page.context["adminform"].form.initial.get("category")
        assert initial == (category.pk if category else None)
        if category is None:
            assert "没有栏目设为接收" in page.text


def test_contributor_cannot_publish_pin_or_schedule(client, contributor, lichuan):
    article = ArticleFactory(organization=lichuan, draft=True)
    client.force_login(contributor)
    page = client.get(change_url(article))
    assert 'value="publish"' not in page.text and 'value="decline"' not in page.text
    data = form_data(
        page.text,
        "article_form",
        _transition="publish",
        is_pinned="on",
        publish_at_0="2030-01-01",
        publish_at_1="08:00:00",
    )
    client.post(change_url(article), data)
    article.refresh_from_db()
    assert article.status == Status.DRAFT and not article.is_pinned and article.publish_at is None


def test_editors_and_reviewers_may_set_the_organization(client, reviewer, jianshi, grassroots):
    client.force_login(reviewer)
    page = client.get(reverse("admin:news_article_add"))
    assert 'name="organization"' in page.text
    data = form_data(
        page.text,
        "article_form",
        title="邮件报送的稿件",
        category=grassroots.pk,
        body="<p>正文</p>",
        organization=jianshi.pk,
    )
    assert client.post(reverse("admin:news_article_add"), data).status_code == 302
    assert Article.objects.get(title="邮件报送的稿件").organization == jianshi


# --- Review: accept, return, decline -------------------------------------------------


def submitted(lichuan, title="汪营镇举办农业技术培训班"):
    article = ArticleFactory(title=title, organization=lichuan, pending=True)
    return Article.objects.get(pk=article.pk)


def test_reviewer_declines_with_a_reason(client, reviewer, contributor, lichuan):
    article = submitted(lichuan)
    client.force_login(reviewer)
    page = client.get(change_url(article))
    assert 'value="decline"' in page.text
    refused = client.post(
        change_url(article), form_data(page.text, "article_form", _transition="decline")
    )
    assert "说明不予采用的理由" in refused.text
    assert Article.objects.get(pk=article.pk).status == Status.PENDING

    response = client.post(
        change_url(article),
        form_data(
            page.text, "article_form", _transition="decline", review_comment="与本网定位不符"
        ),
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Status.DECLINED
    event = article.events.get(action=ArticleEvent.Action.DECLINED)
    assert (event.user, event.comment) == (reviewer, "与本网定位不符")
    assert AuditEntry.objects.filter(details__step="decline").exists()

    # The contributor cannot submit it again; a reviewer may still publish it.
    with pytest.raises(services.TransitionError):
        services.perform_transition("submit", article=article, user=contributor)
    services.publish(article=article, user=reviewer)
    assert Article.objects.get(pk=article.pk).status == Status.PUBLISHED


def test_declined_is_shown_and_filtered_in_chinese(client, reviewer, lichuan):
    article = submitted(lichuan)
    services.decline(article=article, user=reviewer, comment="重复报送")
    client.force_login(reviewer)
    listed = client.get(reverse("admin:news_article_changelist"), {"status__exact": "declined"})
    assert "汪营镇举办农业技术培训班" in listed.text and "不予采用" in listed.text
    events = client.get(reverse("admin:news_articleevent_changelist")).text
    assert "不予采用" in events


def test_contributor_dashboard_shows_outcomes_and_reasons(client, contributor, reviewer, lichuan):
    returned = submitted(lichuan, "柏杨坝镇科普宣传活动")
    services.send_back(article=returned, user=reviewer, comment="请补充活动照片")
    declined = submitted(lichuan, "利川市科协召开内部会议")
    services.decline(article=declined, user=reviewer, comment="内部事务不宜公开")
    accepted = submitted(lichuan, "利川市科协举办青少年科技创新大赛")
    services.publish(article=accepted, user=reviewer)
    submitted(lichuan, "谋道镇科普赶集")
    ArticleFactory(title="别家的稿件", organization=OrganizationFactory(), pending=True)

    client.force_login(contributor)
    text = client.get(reverse("admin:index")).text
    section = text.split('id="my-submissions"')[1].split('id="pending-submissions"')[0]
    for expected in ["请补充活动照片", "内部事务不宜公开", "利川市科协举办青少年科技创新大赛"]:
        assert expected in section
    assert "别家的稿件" not in section
    assert 'data-status="pending">1<' in section
    assert 'data-status="declined">1<' in section
    assert 'data-status="published">1<' in section

    client.force_login(reviewer)
    text = client.get(reverse("admin:index")).text
    assert "2 篇单位报送稿件待审" in text  # the two pending: ours and the other organization's


# --- Public: 来源, the organization page, the approval ---------------------------------


def test_the_done_when_flow(client, contributor, reviewer, lichuan, grassroots, societies):
    """利川市科协's 通讯员 submits; a reviewer accepts into 基层动态; the public sees it."""
    org_page = lichuan.get_absolute_url()
    assert "利川市科协举办科技下乡活动" not in client.get(org_page).text  # now cached

    client.force_login(contributor)
    page = client.get(reverse("admin:news_article_add"))
    client.post(
        reverse("admin:news_article_add"),
        form_data(
            page.text,
            "article_form",
            title="利川市科协举办科技下乡活动",
            category=societies.pk,  # the contributor chose wrongly; the reviewer corrects it
            body="<p>3月5日，利川市科协在汪营镇举办科技下乡活动。</p>",
            _transition="submit",
        ),
    )
    article = Article.objects.get(title="利川市科协举办科技下乡活动")
    assert article.status == Status.PENDING and article.organization == lichuan

    client.force_login(reviewer)
    page = client.get(change_url(article))
    response = client.post(
        change_url(article),
        form_data(page.text, "article_form", category=grassroots.pk, _transition="publish"),
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED and article.category == grassroots

    client.logout()
    public = client.get(article.get_absolute_url()).text
    assert "来源：利川市科协" in public
    assert "利川市科协举办科技下乡活动" in client.get(grassroots.get_absolute_url()).text
    organization_page = client.get(org_page).text
    assert "利川市科协举办科技下乡活动" in organization_page
    listed = client.get(reverse("news:article-list"), {"org": lichuan.slug}).text
    assert "利川市科协举办科技下乡活动" in listed

    # 报送统计 counts it for this year: submitted once, accepted once, into 基层动态.
    client.force_login(reviewer)
    report = client.get("/admin/news/submissionstatistics/").context["report"]
    row = next(row for row in report.rows if row.organization_id == lichuan.pk)
    assert (row.submitted, row.accepted, row.returned, row.declined) == (1, 1, 0, 0)
    assert row.by_category == {grassroots.pk: 1}
    # So does 数说科协's 报送采用 block, under 利川市, on the public page.
    client.logout()
    statistics = client.get("/statistics/")
    block = next(
        section
        for section in statistics.context["sections"]
        if section["block"].key == "submissions-by-county"
    )
    chart = block["chart"]
    counties = [str(label) for label, _colour in chart.series]
    this_year = next(row for row in chart.rows if row.label == str(timezone.localdate().year))
    assert this_year.counts[counties.index("利川市")] == 1

    # Withdrawn, it leaves the organization's page too.
    services.withdraw(article=article, user=reviewer)
    assert "利川市科协举办科技下乡活动" not in client.get(org_page).text


def test_a_typed_source_wins_over_the_organization(client, lichuan):
    article = ArticleFactory(organization=lichuan, source="利川日报")
    text = client.get(article.get_absolute_url()).text
    assert "来源：利川日报" in text and "来源：利川市科协" not in text


@pytest.mark.parametrize("junk", ["no-such-org", "", "../../etc", "%00", "x" * 500])
def test_the_organization_filter_answers_junk_with_404(client, junk):
    assert client.get(reverse("news:article-list"), {"org": junk}).status_code == 404


def test_the_organization_list_shows_only_its_accepted_articles(client, lichuan, jianshi):
    ArticleFactory(title="利川已采用", organization=lichuan)
    ArticleFactory(title="利川待审", organization=lichuan, pending=True)
    ArticleFactory(title="建始已采用", organization=jianshi)
    text = client.get(reverse("news:article-list"), {"org": lichuan.slug}).text
    assert "利川已采用" in text and "利川待审" not in text and "建始已采用" not in text
    assert "利川市科学技术协会" in text


@pytest.mark.parametrize("size", [2, 15])
def test_organization_page_query_count_is_fixed(
    client, render_every_request, django_assert_num_queries, lichuan, size
):
    for number in range(size):
        ArticleFactory(title=f"利川报送{number}", organization=lichuan)
    client.get(lichuan.get_absolute_url())  # the term list, once per change
    # organization with parent, children, member count, news mentions, news sent in, honours
    with django_assert_num_queries(6):
        response = client.get(lichuan.get_absolute_url())
    shown = response.context["submissions"]
    assert len(shown) == min(size, 8)
    assert response.context["more_submissions"] == (size > 8)


def test_a_changed_organization_behind_the_apps_back_is_caught(client, lichuan, jianshi):
    article = ArticleFactory(title="利川市科协的新闻", organization=lichuan)
    Article.objects.filter(pk=article.pk).update(organization=jianshi)
    stored = Article.objects.get(pk=article.pk)
    assert stored.approval_problems() == ["organization_id"]
    text = client.get(article.get_absolute_url()).text
    assert "来源：利川市科协" in text and "建始县科协" not in text


def test_banned_terms_in_an_organizations_name_are_guarded():
    from kexie import guard

    fields = guard.registration_for(Organization).fields
    assert {"name", "short_name"} <= set(fields)


def test_old_approvals_are_extended_by_the_migration(lichuan):
    """Approvals from before 来源 was covered stay valid after migration 0009."""
    from importlib import import_module

    from django.apps import apps

    from news import integrity

    migration = import_module("news.migrations.0009_approve_submitting_organization")
    article = ArticleFactory(title="旧的已发布稿件")
    old = {
        name: digest
        for name, digest in article.approved_digests.items()
        if name != "organization_id"
    }
    revision = article.revisions.get()
    old_data = {k: v for k, v in revision.data.items() if k != "organization_id"}
    old_revision = integrity.fingerprint(
        integrity.digests_of_data(old_data, fields=migration.OLD_PUBLIC_FIELDS)
    )
    Article.objects.filter(pk=article.pk).update(
        approved_digests=old, approved_fingerprint=integrity.fingerprint(old)
    )
    type(revision).objects.filter(pk=revision.pk).update(data=old_data, fingerprint=old_revision)
    tampered = ArticleFactory(title="被改过的旧稿件")
    Article.objects.filter(pk=tampered.pk).update(approved_fingerprint="0" * 64)

    assert Article.objects.get(pk=article.pk).approval_problems()
    migration.extend_approvals(apps, None)
    article = Article.objects.get(pk=article.pk)
    assert article.approval_problems() == []
    assert article.approved_revision() == revision
    assert Article.objects.get(pk=tampered.pk).approval_problems()


def test_category_default_for_a_kind(grassroots, societies):
    county = OrganizationFactory(name="鹤峰县科学技术协会", kind=Kind.COUNTY)
    assert Category.objects.default_for(county) == grassroots
    assert Category.objects.default_for(None) is None


def test_demo_has_contributors_and_submissions_in_every_state(client):
    from io import StringIO

    from django.core.management import call_command

    call_command("load_demo", stdout=StringIO())
    counts = (Article.objects.count(), ArticleEvent.objects.count())
    call_command("load_demo", stdout=StringIO())
    assert (Article.objects.count(), ArticleEvent.objects.count()) == counts

    submissions = Article.objects.filter(organization__isnull=False)
    assert 25 <= submissions.count() <= 40
    states = set(submissions.values_list("status", flat=True))
    assert {"draft", "pending", "returned", "declined", "published"} <= states
    kinds = set(submissions.values_list("organization__kind", flat=True))
    assert {Kind.COUNTY, Kind.SOCIETY} <= kinds
    assert submissions.values("organization").distinct().count() >= 6
    # Spread over two years, each with its review history in order.
    oldest = submissions.order_by("created_at").first()
    assert (submissions.latest("created_at").created_at - oldest.created_at).days > 600
    declined = submissions.filter(status=Status.DECLINED).first()
    event = declined.events.get(action=ArticleEvent.Action.DECLINED)
    assert event.comment and event.created_at > declined.created_at

    lichuan = Organization.objects.get(name="利川市科学技术协会")
    contributor = StaffProfile.objects.get(user__username="tongxun-lichuan")
    assert contributor.organization == lichuan
    assert not contributor.user.has_usable_password()
    grassroots = Category.objects.get(slug="grassroots")
    assert grassroots.receives_submissions_from == Kind.COUNTY
    accepted = submissions.filter(status=Status.PUBLISHED, organization=lichuan).first()
    assert accepted.approval_problems() == []
    assert "来源：利川市科协" in client.get(accepted.get_absolute_url()).text
    assert accepted.title in client.get(lichuan.get_absolute_url()).text


def test_the_service_keeps_a_contributors_organization_whatever_it_is_given(
    contributor, lichuan, jianshi, grassroots
):
    """Not only the admin form: any caller of save_article gets the contributor's organization."""
    created = services.save_article(
        article=Article(title="脚本写入的稿件", category=grassroots, organization=jianshi),
        user=contributor,
    ).article
    assert Article.objects.get(pk=created.pk).organization == lichuan
    article = Article.objects.get(pk=created.pk)
    article.organization = jianshi
    services.save_article(article=article, user=contributor, expected_version=article.version)
    assert Article.objects.get(pk=created.pk).organization == lichuan


def test_a_revision_diff_names_the_organization(client, reviewer, lichuan, jianshi):
    article = ArticleFactory(organization=lichuan, draft=True)
    article.organization = jianshi
    services.save_article(article=article, user=reviewer, expected_version=article.version)
    revision = article.revisions.order_by("-number").first()
    client.force_login(reviewer)
    text = client.get(reverse("admin:news_article_revision", args=[article.pk, revision.pk])).text
    assert "报送单位" in text and "<del>利川市</del><ins>建始县</ins>科学技术协会" in text


def test_reviewer_declines_several_submissions_with_one_reason(client, reviewer, lichuan):
    first, second = submitted(lichuan, "报送一"), submitted(lichuan, "报送二")
    draft = ArticleFactory(title="草稿三", organization=lichuan, draft=True)
    client.force_login(reviewer)
    url = reverse("admin:news_article_changelist")
    chosen = {"action": "decline_selected", "_selected_action": [first.pk, second.pk, draft.pk]}
    page = client.post(url, chosen)
    assert page.status_code == 200 and "报送一" in page.text and "不予采用" in page.text
    refused = client.post(url, {**chosen, "confirm": "1", "review_comment": "  "})
    assert "说明不予采用的理由" in refused.text
    assert Article.objects.filter(status=Status.DECLINED).count() == 0

    done = client.post(url, {**chosen, "confirm": "1", "review_comment": "本期已有同类报道"})
    assert done.status_code == 302
    statuses = dict(Article.objects.values_list("title", "status"))
    assert statuses == {"报送一": "declined", "报送二": "declined", "草稿三": "draft"}
    assert first.events.get(action=ArticleEvent.Action.DECLINED).comment == "本期已有同类报道"


def test_contributor_has_no_decline_action(client, contributor, lichuan):
    article = submitted(lichuan)
    client.force_login(contributor)
    url = reverse("admin:news_article_changelist")
    assert "decline_selected" not in client.get(url).text
    client.post(
        url,
        {
            "action": "decline_selected",
            "_selected_action": [article.pk],
            "confirm": "1",
            "review_comment": "x",
        },
    )
    assert Article.objects.get(pk=article.pk).status == Status.PENDING


def test_a_banned_term_in_the_organization_shown_as_source_blocks_publishing(reviewer):
    from kexie.models import BannedTerm

    BannedTerm.objects.create(term="博彩", action=BannedTerm.Action.BLOCK)
    renamed = OrganizationFactory(name="某博彩协会", is_active=False)
    article = submitted(renamed, "一篇普通的报送稿件")
    with pytest.raises(services.TransitionError, match="报送单位"):
        services.publish(article=article, user=reviewer)
    assert Article.objects.get(pk=article.pk).status == Status.PENDING
    article.source = "恩施州科协"  # a typed source is what the public sees instead
    article.save()
    services.publish(article=article, user=reviewer)


def test_a_contributor_account_needs_an_organization(client, member, django_user_model, lichuan):
    site_admin = member(roles.SITE_ADMIN, "guanli01")
    client.force_login(site_admin)
    contributor_group = Group.objects.get(name=roles.CONTRIBUTOR)
    data = {
        "full_name": "向明",
        "username": "tongxun99",
        "password1": "Kexie-2026-contrib",
        "password2": "Kexie-2026-contrib",
        "roles": [contributor_group.pk],
    }
    response = client.post(reverse("admin:auth_user_add"), data)
    assert response.status_code == 200 and "请选择其所在组织" in response.text
    assert not django_user_model.objects.filter(username="tongxun99").exists()
    response = client.post(reverse("admin:auth_user_add"), {**data, "organization": lichuan.pk})
    assert response.status_code == 302
    assert StaffProfile.objects.get(user__username="tongxun99").organization == lichuan
