import datetime
from unittest import mock

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from kexie import search
from kexie.models import SearchEntry
from kexie.search import backends
from news import services
from organizations.models import Organization
from tests.awards.factories import AwardFactory, HonourFactory
from tests.news.factories import ArticleFactory, CategoryFactory

# Header and footer come from the cache, as on a running site (pages.chrome).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("warm_site_chrome")]

# A small corpus of words that trip up segmenting search engines.
CORPUS = {
    "medical": ("州医学会召开年会", "<p>来自各县市的医学会会员参加。</p>"),
    "museum": ("科技馆开馆", "<p>恩施州科技馆今日开馆，市民踊跃参观。</p>"),
    "volunteer": ("志愿者服务队成立", "<p>科技志愿者深入乡村。</p>"),
    "revival": ("乡村振兴在行动", "<p>助力乡村振兴，科协在行动。</p>"),
    "apart": ("春耕", "<p>乡村道路修通，产业振兴有望。</p>"),
    "selenium": ("富硒茶产业发展", "<p>恩施富硒茶品质优良。</p>"),
    "laifeng": ("来凤县科协换届", "<p>来凤县科学技术协会第八次代表大会召开。</p>"),
    "network": ("5G网络进山区", "<p>GPS 定位与5G基站建设同步推进。</p>"),
    "fullwidth": ("新基建", "<p>全州建成５Ｇ基站一百座，Ｇｐｓ覆盖。</p>"),
    "society": ("学术年会", "<p>恩施州科协主办，州农学会承办。</p>"),
}


@pytest.fixture
def corpus():
    return {key: ArticleFactory(title=title, body=body) for key, (title, body) in CORPUS.items()}


def found(query, kind="article"):
    results = search.search(query)[kind]
    return {hit.object.pk for hit in results[: results.count()]}


def expected(corpus, query):
    words = search.parse_query(query).words
    return {
        article.pk
        for article in corpus.values()
        if all(
            word in SearchEntry.objects.get(kind="article", object_id=article.pk).text
            for word in words
        )
    }


@pytest.mark.parametrize(
    ("query", "keys"),
    [
        ("学会", {"medical", "society"}),
        ("医学会", {"medical"}),
        ("科技", {"museum", "volunteer"}),
        ("科技馆", {"museum"}),
        ("志愿", {"volunteer"}),
        ("乡村振兴", {"revival"}),
        ("乡村 振兴", {"revival", "apart"}),
        ("硒", {"selenium"}),
        ("来凤", {"laifeng"}),
        ("来凤县科学技术协会", {"laifeng"}),
        ("5G", {"network", "fullwidth"}),
        ("5g", {"network", "fullwidth"}),
        ("５Ｇ", {"network", "fullwidth"}),
        ("gps", {"network", "fullwidth"}),
        ("ＧＰＳ 基站", {"network", "fullwidth"}),
        ("恩施 茶", {"selenium"}),
        ("恩施州科协", {"society"}),
        ("科协 年会", {"society"}),
        ("农学会 医学会", set()),
        ("县市", {"medical"}),
        ("不存在的词", set()),
    ],
)
def test_recall_is_exact(corpus, query, keys):
    want = {corpus[key].pk for key in keys}
    assert found(query) == want
    assert want == expected(corpus, query)


def test_a_long_word_needs_its_characters_in_a_row_not_only_its_pairs():
    # Both pairs of 科技馆 (科技, 技馆) but never the word: the GIN index alone would
    # find it on PostgreSQL; the substring test on the text must turn it away.
    museum = ArticleFactory(title="科技馆开馆", body="<p>恩施州科技馆今日开馆。</p>")
    ArticleFactory(title="科技周", body="<p>县科技周在州技馆举行。</p>")
    assert found("科技馆") == {museum.pk}


def test_words_do_not_match_across_title_and_body():
    ArticleFactory(title="富硒", body="<p>茶叶</p>")
    assert found("硒茶") == set()


def test_title_matches_come_first_then_more_matches_then_newer():
    now = timezone.now()
    body_once = ArticleFactory(
        title="通知一", body="<p>硒</p>", publish_at=now - datetime.timedelta(hours=1)
    )
    body_twice = ArticleFactory(
        title="通知二", body="<p>硒硒</p>", publish_at=now - datetime.timedelta(days=3)
    )
    title = ArticleFactory(
        title="硒产业", body="<p>其他</p>", publish_at=now - datetime.timedelta(days=9)
    )
    older_once = ArticleFactory(
        title="通知三", body="<p>硒</p>", publish_at=now - datetime.timedelta(days=5)
    )
    results = search.search("硒")["article"]
    assert [hit.object for hit in results[:10]] == [title, body_twice, body_once, older_once]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL ranking window")
def test_match_counts_rank_only_the_newest_results_on_postgres(monkeypatch):
    monkeypatch.setattr(backends, "RANK_WINDOW", 2)
    now = timezone.now()
    old_many = ArticleFactory(body="<p>硒硒硒</p>", publish_at=now - datetime.timedelta(days=9))
    new_once = ArticleFactory(body="<p>硒</p>", publish_at=now - datetime.timedelta(days=1))
    new_twice = ArticleFactory(body="<p>硒硒</p>", publish_at=now - datetime.timedelta(days=2))
    older_once = ArticleFactory(body="<p>硒</p>", publish_at=now - datetime.timedelta(days=3))
    title = ArticleFactory(
        title="硒", body="<p>无</p>", publish_at=now - datetime.timedelta(days=20)
    )
    results = search.search("硒")["article"]
    assert [hit.object for hit in results[:10]] == [
        title, new_twice, new_once, older_once, old_many,
    ]  # fmt: skip
    assert results.count() == 5


class TestVisibility:
    def test_only_published_articles_whose_time_has_come(self):
        visible = ArticleFactory(body="<p>富硒</p>")
        ArticleFactory(body="<p>富硒</p>", draft=True)
        ArticleFactory(body="<p>富硒</p>", pending=True)
        ArticleFactory(body="<p>富硒</p>", withdrawn=True)
        ArticleFactory(body="<p>富硒</p>", scheduled=True)
        assert found("硒") == {visible.pk}
        assert search.search("硒")["article"].count() == 1

    def test_scheduled_article_appears_when_its_time_comes(self):
        scheduled = ArticleFactory(body="<p>富硒</p>", scheduled=True)
        assert found("硒") == set()
        later = timezone.now() + datetime.timedelta(days=2)
        with mock.patch("django.utils.timezone.now", return_value=later):
            assert found("硒") == {scheduled.pk}

    def test_publishing_and_withdrawing_take_effect_at_once(self, make_staff):
        reviewer = make_staff("news.publish_article", username="reviewer")
        article = ArticleFactory(body="<p>富硒茶</p>", pending=True)
        assert found("富硒") == set()
        services.publish(article=article, user=reviewer)
        assert found("富硒") == {article.pk}
        services.withdraw(article=article, user=reviewer)
        assert found("富硒") == set()

    def test_edits_and_deletion_update_the_index(self):
        article = ArticleFactory(body="<p>富硒茶</p>")
        article.body = "<p>绿茶</p>"
        article.summary = ""
        article.save()
        assert found("富硒") == set()
        assert found("绿茶") == {article.pk}
        article.delete()
        assert found("绿茶") == set()
        assert not SearchEntry.objects.filter(kind="article").exists()

    def test_inactive_organizations_are_hidden(self):
        active = Organization.objects.create(name="恩施州农学会", kind="society")
        Organization.objects.create(name="恩施州医学会", kind="society", is_active=False)
        assert found("学会", "organization") == {active.pk}


def test_rebuild_restores_a_lost_index(corpus):
    SearchEntry.objects.all().delete()
    assert found("硒") == set()
    counts = search.rebuild()
    assert counts["article"] == len(CORPUS)
    assert found("硒") == {corpus["selenium"].pk}
    assert found("乡村振兴") == {corpus["revival"].pk}


def test_rebuild_command(corpus, capsys):
    from django.core.management import call_command

    SearchEntry.objects.all().delete()
    call_command("rebuild_search_index")
    assert found("来凤") == {corpus["laifeng"].pk}
    assert "article" in capsys.readouterr().out


class TestQueryParsing:
    def test_normalizes_width_case_and_space(self):
        query = search.parse_query("  ＧＰＳ\u3000乡村\t振兴 gps ")
        assert query.words == ("gps", "乡村", "振兴")

    def test_caps_length(self):
        query = search.parse_query("科" * 200)
        assert query.truncated
        assert query.words == ("科" * search.MAX_QUERY_LENGTH,)

    def test_blank_is_empty(self):
        assert not search.parse_query(" \u3000\t")
        assert not search.parse_query(None)

    def test_control_and_invisible_characters_are_dropped(self):
        assert search.parse_query("科\x00技").words == ("科", "技")
        assert search.parse_query("科\u200b技").words == ("科技",)


class TestHighlighting:
    def test_snippet_escapes_then_marks(self):
        text = "前文" * 100 + "公式 1 < 2 & 富硒 <b>x</b> 后文"
        snippet = search.snippet(text, ["硒"])
        assert "1 &lt; 2 &amp; 富<mark>硒</mark> &lt;b&gt;x&lt;/b&gt;" in snippet
        assert snippet.startswith("…")

    def test_marks_original_forms_of_normalized_matches(self):
        assert str(search.highlight("建成５Ｇ基站，GPS覆盖", ["5g", "gps"])) == (
            "建成<mark>５Ｇ</mark>基站，<mark>GPS</mark>覆盖"
        )

    def test_overlapping_words_give_one_mark(self):
        assert str(search.highlight("科技协会", ["科技", "技协"])) == "<mark>科技协</mark>会"


class TestPage:
    url = reverse("search")

    def test_results_are_grouped_and_highlighted(self, client, corpus):
        Organization.objects.create(name="来凤县科学技术协会", kind="county")
        response = client.get(self.url, {"q": "来凤"})
        assert response.status_code == 200
        page = response.text
        assert "<mark>来凤</mark>县科协换届" in page
        assert corpus["laifeng"].get_absolute_url() in page
        assert corpus["laifeng"].category.name in page
        assert corpus["laifeng"].publish_at.astimezone().strftime("%Y-%m-%d") in page
        assert "search-organization" in page
        assert "<mark>来凤</mark>县科学技术协会" in page

    def test_articles_are_paged_by_twenty(self, client):
        category = CategoryFactory()
        ArticleFactory.create_batch(25, body="<p>富硒</p>", category=category)
        first = client.get(self.url, {"q": "硒"})
        assert first.text.count('class="snippet"') == 20
        second = client.get(self.url, {"q": "硒", "page": "2"})
        assert second.text.count('class="snippet"') == 5
        for junk in ["x'; drop", "0", "-1", "99", "9" * 30, ""]:
            response = client.get(self.url, {"q": "硒", "page": junk})
            assert response.status_code == 200
            assert response.text.count('class="snippet"') in {5, 20}

    def test_markup_in_the_query_is_escaped(self, client):
        ArticleFactory(title="提示", body="<p>请勿输入 &lt;script&gt; 标签</p>")
        response = client.get(self.url, {"q": "<script>"})
        assert response.status_code == 200
        assert "<script>" not in response.text.split("<main", 1)[1].split("</main>")[0]
        assert "<mark>&lt;script&gt;</mark>" in response.text

    @pytest.mark.parametrize(
        "query",
        [
            "",
            " ",
            "%",
            "_",
            "%%",
            "'",
            '"',
            "\\",
            "\\'",
            "''",
            "'\\",
            "*:*",
            "&",
            "|",
            "!",
            "a & b | !c",
            "科技:*",
            "<b>",
            "(",
            ")",
            "--",
            ";",
            "\x00",
            "科\x00技",
            "𠀀",
            "科" * 500,
            "'; DROP TABLE news_article; --",
            "\\x00",
            "%_%",
            "a:* & b",
        ],
    )
    def test_hostile_queries_give_a_normal_page(self, client, query):
        ArticleFactory(title="100% 覆盖", body="<p>符号 % _ ' \" \\ & | ! *:* 测试</p>")
        response = client.get(self.url, {"q": query})
        assert response.status_code == 200
        assert "<h1>" in response.text

    def test_symbols_are_found_literally(self, client):
        article = ArticleFactory(title="100% 覆盖", body="<p>符号 a_b 'q' 1\\2 x*:*y</p>")
        ArticleFactory(title="其他", body="<p>ab 百分之百</p>")
        for query in ["%", "a_b", "'q'", "1\\2", "*:*", "100%"]:
            assert found(query) == {article.pk}, query

    def test_repeated_q_parameter_and_empty_query(self, client):
        response = client.get(f"{self.url}?q=硒&q=茶")
        assert response.status_code == 200
        empty = client.get(self.url)
        assert empty.status_code == 200
        assert "Nothing found" not in empty.text

    def test_long_query_is_capped_with_a_notice(self, client):
        response = client.get(self.url, {"q": "科" * 80})
        assert response.status_code == 200
        assert response.context["query"].truncated

    @pytest.mark.parametrize("size", [3, 30])
    def test_query_count_does_not_grow_with_results(
        self, client, render_every_request, django_assert_num_queries, size
    ):
        category = CategoryFactory()
        ArticleFactory.create_batch(size, body="<p>富硒</p>", category=category)
        for n in range(size):
            Organization.objects.create(name=f"富硒协会{n}", kind="society")
        HonourFactory.create_batch(size, citation="富硒产业带头人")
        # Per kind (articles, organizations, honours) the total, the page of ids (one query on
        # PostgreSQL, which returns the total with the page) and the objects; the menu's
        # categories come with the header, built once per content generation.
        per_kind = 2 if connection.vendor == "postgresql" else 3
        client.get(self.url, {"q": "硒"})  # the term list, once per change
        with django_assert_num_queries(3 * per_kind):  # articles, organizations, honours
            response = client.get(self.url, {"q": "硒"})
        assert response.status_code == 200


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL index only")
class TestPostgresIndex:
    def test_backend_and_tokens(self):
        assert isinstance(search.get_backend(), search.PostgresBackend)
        article = ArticleFactory(title="硒", body="<p>It's a\\b  ５Ｇ</p>")
        assert found("it's") == {article.pk}
        assert found("a\\b") == {article.pk}
        assert found("'") == {article.pk}

    @pytest.mark.parametrize("text", ["", " ", "a", "ab c'd\\e  5g 科技 馆", "乡村振兴" * 50])
    def test_sql_tokens_agree_with_python(self, text):
        text = search.fold_text(text)
        with connection.cursor() as cursor:
            cursor.execute("SELECT array_agg(lexeme) FROM unnest(kexie_search_tokens(%s))", [text])
            (lexemes,) = cursor.fetchone()
        assert set(lexemes or []) == search.document_tokens(text)

    def test_queries_use_the_gin_index(self, corpus):
        entries = search.get_backend().match(SearchEntry.objects.all(), ["科技馆"])
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            sql, params = entries.query.sql_with_params()
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "search_entry_tokens_gin" in plan


def test_honours_are_found_by_recipient_award_and_citation(client):
    award = AwardFactory(name="全国十佳乡土科技人才", conferring_body="中国农技协")
    honour = HonourFactory(award=award, person_name="易美军", citation="易达杂粮蔬菜专业技术协会")
    HonourFactory(person_name="吴双清")
    for query in ["易美军", "乡土科技", "农技协", "杂粮"]:
        response = client.get(reverse("search"), {"q": query})
        assert honour.get_absolute_url() in response.text, query
        assert "吴双清" not in response.text
    url = honour.get_absolute_url()
    honour.delete()
    assert url not in client.get(reverse("search"), {"q": "易美军"}).text


class TestGroupsArePaged:
    """Every group says how many results it has, and every one of them can be reached."""

    url = reverse("search")

    @pytest.fixture
    def organizations(self):
        return [
            Organization.objects.create(name=f"富硒产业协会{n:02}", kind="society")
            for n in range(38)
        ]

    def test_count_is_the_real_count_and_the_group_links_to_its_own_list(
        self, client, organizations
    ):
        response = client.get(self.url, {"q": "富硒"})
        page = response.text
        group = page.split("search-organization", 1)[1].split("</section>", 1)[0]
        assert "38" in group.split("</h2>", 1)[0]
        assert group.count("<li>") == 10
        assert "kind=organization" in group
        assert "查看组织机构全部 38 条结果" in group

    def test_the_groups_own_list_pages_through_every_result(self, client, organizations):
        seen = set()
        for number in (1, 2):
            response = client.get(self.url, {"q": "富硒", "kind": "organization", "page": number})
            assert response.status_code == 200
            assert "search-article" not in response.text
            group = response.context["groups"][0]
            assert group["count"] == 38
            seen |= {hit.object.pk for hit in group["hits"]}
        assert seen == {organization.pk for organization in organizations}
        assert "page=2" in client.get(self.url, {"q": "富硒", "kind": "organization"}).text

    @pytest.mark.parametrize(("size", "page"), [(3, "1"), (30, "2")])
    def test_one_kinds_list_has_a_fixed_query_count(
        self, client, render_every_request, django_assert_num_queries, size, page
    ):
        for n in range(size):
            Organization.objects.create(name=f"富硒协会{n}", kind="society")
        # The total, the page of ids (one query with the total on PostgreSQL) and the
        # objects; the menu's categories come with the header, once per generation.
        per_kind = 2 if connection.vendor == "postgresql" else 3
        params = {"q": "硒", "kind": "organization", "page": page}
        client.get(self.url, params)  # the term list, once per change
        with django_assert_num_queries(per_kind):
            response = client.get(self.url, params)
        assert response.status_code == 200

    def test_unknown_kind_shows_every_kind(self, client, organizations):
        response = client.get(self.url, {"q": "富硒", "kind": "nonsense"})
        assert response.status_code == 200
        assert response.context["kind"] is None
        assert response.context["groups"][0]["count"] == 38


def test_one_length_limit_for_the_header_box_and_the_search_page(client):
    page = client.get(reverse("search"), {"q": "科"}).text
    header, form = page.split('id="header-q"', 1)[1], page.split('name="q" value="科"', 1)[1]
    limit = f'maxlength="{search.MAX_QUERY_LENGTH}"'
    assert limit in header.split(">", 1)[0]
    assert limit in form.split(">", 1)[0]
    home = client.get(reverse("home")).text
    assert limit in home.split('id="header-q"', 1)[1].split(">", 1)[0]
