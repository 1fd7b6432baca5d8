import io
import random
import re

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from kexie import guard
from kexie.models import BannedTerm
from news import services
from news.models import Article
from tests.news.factories import ArticleFactory, AttachmentFactory
from tests.security.helpers import form_data

pytestmark = pytest.mark.django_db

SEED_TITLE = "88805tccn新蒲京(中国)官方版百科·GREEN LIFE"

# Each way of disguising 新蒲京 (or 88805tccn) the issue lists.
EVASIONS = {
    "plain": "新蒲京",
    "full width": "８８８０５ｔｃｃｎ",
    "letter case": "88805TCCN",
    "full width upper case": "８８８０５ＴＣＣＮ",
    "spaces": "新 蒲  京",
    "ideographic space": "新\u3000蒲\u3000京",
    "punctuation": "新.蒲-京",
    "full-width punctuation": "新，蒲。京",
    "zero-width space": "新\u200b蒲\u200b京",
    "zero-width joiner and BOM": "新\u200d蒲\ufeff京",
    "soft hyphen": "8880\u00ad5tccn",
    "html tags": "新<b>蒲</b>京",
    "html tags with attributes": '新<span style="color:red">蒲</span>京',
    "html entity": "新&#33970;京",
    "mixed": "８ 8 8 0 5 <i>T</i>.C\u200bC-N",
    # Look-alike letters from other scripts (UTS #39 confusables skeleton).
    "cyrillic es": "88805t\u0441\u0441n",
    "greek lunate sigma": "88805t\u03f2\u03f2n",
    "mathematical letters": "88805\U0001d42d\U0001d41c\U0001d41c\U0001d427",
    "letter o for zero": "888O5tccn",
    # Invisible fillers that are letters to Python.
    "hangul filler": "新\u3164蒲京",
    "hangul choseong filler": "新\u115f蒲\u1160京",
    "halfwidth hangul filler": "新\uffa0蒲京",
    "braille blank": "新\u2800蒲\u2800京",
    "variation selector": "新\ufe0f蒲京",
    "tag characters": "新\U000e0041蒲京",
}


def test_seed_terms_are_listed_by_the_migration():
    terms = dict(BannedTerm.objects.values_list("term", "action"))
    for term in ["88805tccn新蒲京", "新蒲京官方版", "新蒲京", "88805tccn"]:
        assert terms[term] == BannedTerm.Action.BLOCK
    assert set(BannedTerm.objects.values_list("category", flat=True)) == {"gambling"}


@pytest.mark.parametrize("text", list(EVASIONS.values()), ids=list(EVASIONS))
def test_matching_sees_through_evasions(text):
    hits = guard.check({"title": f"州科协召开年会{text}欢迎您"})
    assert hits, text
    assert all(hit.field == "title" and hit.action == guard.BLOCK for hit in hits)


def test_the_issue_examples_are_refused_by_the_admin_form():
    from organizations.admin import OrganizationAdminForm

    for text in ["88805t\u0441\u0441n", "新\u3164蒲京"]:
        form = OrganizationAdminForm(data={"name": f"某科协{text}", "host": text})
        assert not form.is_valid()
        assert "name" in form.errors and "host" in form.errors


def test_look_alikes_keep_ordinary_chinese_and_latin_text_apart():
    assert guard.normalize("市科协召开2025年年会").startswith("市科协召开")
    assert guard.check({"title": "新浦京剧团", "body": "88805 tcn 新年蒲公英京城"}) == []


def test_clean_text_has_no_hits():
    assert guard.check({"body": "<p>新年到来，浦江两岸、京城内外喜气洋洋。</p>"}) == []


def test_seed_title_names_every_term_found():
    terms = {hit.term for hit in guard.check({"title": SEED_TITLE})}
    assert {"88805tccn新蒲京", "新蒲京", "88805tccn"} <= terms


def test_term_hidden_in_an_attribute_or_angle_brackets_is_found():
    assert guard.check({"body": '<img alt="新蒲京官方版" src="/a.png">'})
    assert guard.check({"title": "<新蒲京>"})


def test_locate_maps_back_to_the_original_text():
    text = "欢迎访问 新<b>蒲</b>&#x4EAC; 官网"
    [(start, end)] = guard.locate(text, "新蒲京")
    assert text[start:end] == "新<b>蒲</b>&#x4EAC;"


def test_warn_terms_are_reported_as_warnings():
    BannedTerm.objects.create(term="博彩", action=BannedTerm.Action.WARN, category="gambling")
    hits = guard.check({"summary": "打击非法博彩活动"})
    assert [(hit.term, hit.action) for hit in hits] == [("博彩", guard.WARN)]


def test_term_list_changes_take_effect_at_once():
    assert not guard.check({"title": "澳门赌场"})
    term = BannedTerm.objects.create(term="赌场", category="gambling")
    assert guard.check({"title": "澳门赌场"})
    term.is_active = False
    term.save()
    assert not guard.check({"title": "澳门赌场"})
    term.is_active = True
    term.save()
    term.delete()
    assert not guard.check({"title": "澳门赌场"})


def test_term_made_only_of_punctuation_is_refused():
    term = BannedTerm(term=" ·、!? ")
    with pytest.raises(Exception) as error:
        term.full_clean()
    assert "term" in error.value.message_dict


def test_automaton_agrees_with_a_naive_scan():
    rng = random.Random(7)
    alphabet = "新蒲京官方版科协技术abc12"
    terms = {"".join(rng.choices(alphabet, k=rng.randint(1, 5))) for _ in range(300)}
    matcher = guard.Matcher((term, guard.BLOCK, "custom") for term in terms)
    for _ in range(200):
        text = "".join(rng.choices(alphabet, k=rng.randint(0, 60)))
        found = {hit.term for hit in matcher.check({"f": text})}
        expected = {term for term in terms if guard.normalize(term) in guard.normalize(text)}
        assert found == expected


# --- Enforcement in the admin -------------------------------------------------


def _change(client, article, **overrides):
    url = reverse("admin:news_article_change", args=[article.pk])
    data = form_data(client.get(url).text, "article_form", **overrides)
    return client.post(url, data)


ARTICLE_FIELDS = ["title", "subtitle", "summary", "body", "source", "author", "responsible_editor"]


@pytest.mark.parametrize("field", ARTICLE_FIELDS)
@pytest.mark.parametrize("evasion", ["plain", "full width", "html tags", "zero-width space"])
def test_publishing_with_a_blocking_term_is_refused(client, reviewer, field, evasion):
    article = ArticleFactory(pending=True, title="州科协年会")
    client.force_login(reviewer)
    text = f"欢迎{EVASIONS[evasion]}光临"
    response = _change(client, article, _transition="publish", **{field: text})
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.errors[field])
    label = str(response.context["adminform"].form.fields[field].label)
    assert label in errors
    assert "新蒲京" in errors or "88805tccn" in errors
    article.refresh_from_db()
    assert article.status == Article.Status.PENDING
    assert article.title == "州科协年会"


def test_submitting_with_a_blocking_term_is_refused(client, editor):
    article = ArticleFactory(draft=True)
    client.force_login(editor)
    response = _change(client, article, _transition="submit", title=SEED_TITLE)
    assert response.status_code == 200
    assert "88805tccn新蒲京" in " ".join(response.context["adminform"].form.errors["title"])
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_editing_a_published_article_is_guarded(client, reviewer):
    article = ArticleFactory(title="州科协年会")
    client.force_login(reviewer)
    response = _change(client, article, _save="1", body="<p>新<b>蒲</b>京官方版</p>")
    assert response.status_code == 200
    assert "body" in response.context["adminform"].form.errors
    article.refresh_from_db()
    assert "蒲" not in article.body


def test_drafts_may_hold_a_term_and_defaced_articles_can_be_withdrawn(client, reviewer):
    draft = ArticleFactory(draft=True)
    client.force_login(reviewer)
    assert _change(client, draft, _save="1", title=SEED_TITLE).status_code == 302
    draft.refresh_from_db()
    assert draft.title == SEED_TITLE
    defaced = ArticleFactory()
    Article.objects.filter(pk=defaced.pk).update(title=SEED_TITLE)
    assert _change(client, defaced, _transition="withdraw").status_code == 302
    defaced.refresh_from_db()
    assert defaced.status == Article.Status.WITHDRAWN


def test_attachment_titles_are_guarded(client, reviewer):
    article = ArticleFactory(pending=True)
    client.force_login(reviewer)
    url = reverse("admin:news_article_change", args=[article.pk])
    data = form_data(client.get(url).text, "article_form", _transition="publish")
    data["attachments-0-title"] = "新蒲京官方版下载"
    data["attachments-0-file"] = SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n")
    response = client.post(url, data)
    assert response.status_code == 200
    assert "新蒲京官方版" in response.text
    article.refresh_from_db()
    assert article.status == Article.Status.PENDING
    assert not article.attachments.exists()


def test_attachment_named_after_a_term_is_guarded(client, reviewer):
    article = ArticleFactory(pending=True)
    client.force_login(reviewer)
    url = reverse("admin:news_article_change", args=[article.pk])
    data = form_data(client.get(url).text, "article_form", _transition="publish")
    data["attachments-0-file"] = SimpleUploadedFile("新蒲京.pdf", b"%PDF-1.4\n%%EOF\n")
    response = client.post(url, data)
    assert response.status_code == 200
    assert not article.attachments.exists()


def test_warn_terms_warn_and_let_the_reviewer_publish(client, reviewer):
    BannedTerm.objects.create(term="彩票", action=BannedTerm.Action.WARN, category="spam")
    article = ArticleFactory(pending=True)
    client.force_login(reviewer)
    response = _change(client, article, _transition="publish", summary="福利彩票公益金资助项目")
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    page = client.get(response.url)
    assert "彩票" in page.text


def test_publish_action_is_refused_on_the_server(client, reviewer):
    article = ArticleFactory(pending=True)
    Article.objects.filter(pk=article.pk).update(body="<p>新蒲京官方版</p>")
    client.force_login(reviewer)
    response = client.post(
        reverse("admin:news_article_changelist"),
        {"action": "publish_selected", "_selected_action": [article.pk]},
        follow=True,
    )
    assert "新蒲京官方版" in response.text
    article.refresh_from_db()
    assert article.status == Article.Status.PENDING


def test_services_refuse_scripts_too(reviewer):
    article = ArticleFactory(pending=True, subtitle="８８８０５ｔｃｃｎ")
    with pytest.raises(services.TransitionError) as error:
        services.publish(article=article, user=reviewer)
    assert "88805tccn" in " ".join(error.value.messages)
    article.refresh_from_db()
    assert article.status == Article.Status.PENDING


def test_services_check_attachment_titles(reviewer):
    article = ArticleFactory(pending=True)
    AttachmentFactory(article=article, title="新蒲京 官方版 说明")
    with pytest.raises(services.TransitionError):
        services.publish(article=article, user=reviewer)


def test_guarded_form_mixin_serves_any_form():
    class CitationForm(guard.GuardedFormMixin, forms.Form):
        guarded_fields = ["citation"]
        citation = forms.CharField(label="Citation")

    form = CitationForm({"citation": "授予88805TCCN公司荣誉"})
    assert not form.is_valid()
    assert "88805tccn" in form.errors["citation"][0]
    assert "Citation" in form.errors["citation"][0]
    assert CitationForm({"citation": "授予州农科院荣誉"}).is_valid()


# --- scan_content ---------------------------------------------------------------


def test_scan_content_finds_what_was_written_past_the_admin():
    clean = ArticleFactory(title="州科协年会")
    defaced = ArticleFactory(title="回望五年奋斗路")
    ArticleFactory(draft=True, title=SEED_TITLE)  # not public: not reported
    # Straight into the database, as in the original defacement.
    Article.objects.filter(pk=defaced.pk).update(title=SEED_TITLE)
    AttachmentFactory(article=clean, title="新蒲京官方版 app")
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("scan_content", stdout=out)
    report = out.getvalue()
    assert f"#{defaced.pk}" in report
    assert f"#{clean.pk}" in report
    assert "88805tccn新蒲京" in report
    assert "新蒲京官方版" in report
    assert "标题" in report  # the field where the term sits


def test_scan_content_shows_where_the_disguised_term_sits():
    article = ArticleFactory()
    Article.objects.filter(pk=article.pk).update(body="<p>欢迎访问新<b>蒲</b>京的网站</p>")
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("scan_content", stdout=out)
    assert "新<b>蒲</b>京" in out.getvalue()


def test_scan_content_passes_clean_sites_and_counts_what_it_checked():
    def checked():
        out = io.StringIO()
        call_command("scan_content", stdout=out)  # a hit would raise CommandError
        (number,) = re.findall(r"\d+", out.getvalue())
        return int(number)

    article = ArticleFactory(title="州科协年会")
    before = checked()
    assert before >= 1
    ArticleFactory.create_batch(2, category=article.category)
    assert checked() == before + 2
