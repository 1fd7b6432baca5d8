"""
Site search at 20,000 articles: the CJK-bigram index against a plain ``icontains`` scan.

Generates a deterministic corpus of ~1,500-character Chinese articles from a weighted
vocabulary (frequent words in most articles, place and society names, rare terms planted
in a known number of articles), indexes it, then runs a fixed query set. For each approach
it prints recall against ground truth (Python ``in`` over the same normalized text), the
latency of a full results page (total count plus the ranked first 20 with snippets), and
for the index its build time and size.
"""

import datetime
import random
import statistics
import time

from django.db import connection, transaction
from django.utils import timezone

from kexie import search
from kexie.models import SearchEntry
from news import services
from news.models import Article, Category

ARTICLES = 20_000
BODY_CHARS = 1_500
SEED = 20_241_128
REPEATS = 5

# Everyday characters; pseudo-words built from them give each topic its own vocabulary.
CHARS = (
    "一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下"
    "过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都"
    "两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重"
    "新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想"
    "已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知"
    "较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处府究南保教观"
)
FILLER = "的了在是和与及对为把被从向以由于并且或而但也都还又再就才更最很，，，"
# Named words and the share of articles that mention them (a few times each).
NAMED = {
    "科技": 0.35,
    "科普": 0.30,
    "发展": 0.30,
    "工作": 0.35,
    "创新": 0.2,
    "人才": 0.15,
    "乡村": 0.15,
    "振兴": 0.12,
    "志愿者": 0.08,
    "志愿服务": 0.05,
    "院士": 0.03,
    "富硒茶": 0.06,
    "茶叶": 0.08,
    "中药材": 0.05,
    "科技馆": 0.05,
    "科技创新": 0.1,
    "恩施州科协": 0.25,
    "恩施州医学会": 0.03,
    "州农学会": 0.03,
    "利川市科协": 0.04,
    "来凤县科协": 0.04,
    "科技志愿服务队": 0.02,
    "科普教育基地": 0.04,
    "乡村振兴": 0.1,
    "5G基站": 0.02,
    "GPS": 0.02,
    "App": 0.03,
    "Wi-Fi": 0.01,
    "大数据": 0.04,
    "土家族": 0.05,
    "苗族": 0.03,
}
COUNTIES = "恩施市 利川市 建始县 巴东县 宣恩县 咸丰县 来凤县 鹤峰县".split()
# Planted in exactly this many articles, so rare terms have a known count.
RARE = {"量子计算": 3, "石墨烯": 12, "鹤峰县走马镇": 25, "院士专家工作站": 60, "ＧＰＳ": 40}
TOPICS = 200
TOPIC_WORDS = 60

QUERIES = [
    # one character
    "硒", "茶", "科", "鹤", "烯", "凤",
    # two characters (most reader queries)
    "科技", "科普", "学会", "志愿", "院士", "乡村", "振兴", "人才", "发展", "工作",
    # three and four
    "科技馆", "医学会", "志愿者", "石墨烯", "中药材", "乡村振兴", "科技创新", "量子计算",
    # six and more
    "科技志愿服务", "院士专家工作站", "鹤峰县走马镇",
    # place and society names
    "来凤", "鹤峰", "巴东县", "恩施州科协", "恩施州医学会", "州农学会", "利川市科协",
    # ASCII, case and width
    "5g", "gps", "ＧＰＳ", "wi-fi",
    # two-word AND
    "乡村 振兴", "科普 来凤", "5G 基站", "硒 茶", "院士 来凤",
    # nothing
    "火星基地",
]  # fmt: skip


class IcontainsScanBackend(search.DatabaseBackend):
    """The baseline: ``icontains`` on the same normalized text, newest first (its cheapest
    ordering, so the comparison flatters the scan)."""

    def match(self, queryset, words):
        for word in words:
            queryset = queryset.filter(text__icontains=word)
        return queryset

    def ranked(self, queryset, query):
        return queryset.order_by("-published_at", "-object_id")


def build_corpus(rng):
    pseudo_words = ["".join(rng.choices(CHARS, k=rng.choice((2, 2, 2, 3, 4)))) for _ in range(6000)]
    topics = [rng.sample(pseudo_words, TOPIC_WORDS) for _ in range(TOPICS)]
    rare_in = {term: set(rng.sample(range(ARTICLES), count)) for term, count in RARE.items()}
    category = Category.objects.create(name="新闻", slug="bench-news")
    now = timezone.now()
    statuses = [Article.Status.PUBLISHED] * 90 + [Article.Status.DRAFT] * 4
    statuses += [Article.Status.PENDING] * 2 + [Article.Status.WITHDRAWN] * 2
    articles = []
    for number in range(ARTICLES):
        vocabulary = rng.choice(topics) + rng.choice(topics)[:20]
        words = []
        length = 0
        while length < BODY_CHARS:
            word = rng.choice(vocabulary) if rng.random() < 0.7 else rng.choice(FILLER)
            words.append(word)
            length += len(word)
        county = rng.choice(COUNTIES)
        planted = [county] * rng.randint(1, 4)
        planted += [w for w, share in NAMED.items() if rng.random() < share for _ in range(3)]
        planted += [term for term, chosen in rare_in.items() if number in chosen]
        for word in planted:
            words.insert(rng.randrange(len(words)), word)
        paragraphs = ["".join(words[i : i + 120]) + "。" for i in range(0, len(words), 120)]
        status = rng.choice(statuses)
        scheduled = number % 50 == 0  # 2% scheduled for the future
        publish_at = now + (
            datetime.timedelta(days=3) if scheduled else -datetime.timedelta(minutes=number)
        )
        title_words = rng.sample(vocabulary, 3) + rng.sample(planted, min(2, len(planted)))
        rng.shuffle(title_words)
        articles.append(
            Article(
                title="".join(title_words)[:40],
                category=category,
                body="".join(f"<p>{paragraph}</p>" for paragraph in paragraphs),
                status=status,
                publish_at=None if status == Article.Status.DRAFT else publish_at,
            )
        )
    Article.objects.bulk_create(articles, batch_size=1000)
    # bulk_create bypasses save(): approve the loaded rows, or public pages withhold them.
    services.approve_loaded(Article.objects.all())


def relation_size(name):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_relation_size(%s), pg_total_relation_size(%s)", [name, name])
        return cursor.fetchone()


def page(backend, query):
    results = backend.search(query, kinds=["article"])["article"].expect(0, 20)
    return results.count(), results[0:20]


def all_ids(backend, query):
    kind = search.get_kind("article")
    return set(backend.entries(kind, search.parse_query(query)).values_list("object_id", flat=True))


def timed(function, *args):
    started = time.perf_counter()
    function(*args)
    return (time.perf_counter() - started) * 1000


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main():
    rng = random.Random(SEED)
    started = time.perf_counter()
    with transaction.atomic():
        build_corpus(rng)
    print(f"corpus: {ARTICLES} articles generated in {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    search.rebuild(["article"])
    build_seconds = time.perf_counter() - started
    is_postgres = connection.vendor == "postgresql"
    if is_postgres:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE news_article")

    published = set(Article.objects.published().values_list("pk", flat=True))
    texts = {
        object_id: text
        for object_id, text in SearchEntry.objects.filter(kind="article").values_list(
            "object_id", "text"
        )
        if object_id in published
    }
    average = statistics.mean(len(text) for text in texts.values())
    print(f"published: {len(published)}; normalized text {average:.0f} chars on average")

    index_backend = search.get_backend()
    scan_backend = IcontainsScanBackend()
    rows = []
    for query in QUERIES:
        words = search.parse_query(query).words
        truth = {oid for oid, text in texts.items() if all(word in text for word in words)}
        row = {"query": query, "chars": len(query.replace(" ", "")), "truth": len(truth)}
        approaches = (("index", index_backend, REPEATS), ("scan", scan_backend, 1))
        for name, backend, repeats in approaches:
            found = all_ids(backend, query)
            row[f"{name}_recall"] = len(found & truth) / len(truth) if truth else float(not found)
            row[f"{name}_extra"] = len(found - truth)
            count, hits = page(backend, query)  # warm-up, and the page must agree
            assert count == len(found), (query, name, count, len(found))
            assert len(hits) == min(20, count)
            row[f"{name}_ms"] = [timed(page, backend, query) for _ in range(repeats)]
        rows.append(row)

    header = f"{'query':<18}{'chars':>5}{'matches':>9}{'recall':>8}{'extra':>6}"
    header += f"{'index ms':>10}{'scan ms':>9}{'scan/idx':>9}"
    print("\n" + header)
    for row in rows:
        index_ms = statistics.median(row["index_ms"])
        scan_ms = row["scan_ms"][0]
        print(
            f"{row['query']:<18}{row['chars']:>5}{row['truth']:>9}{row['index_recall']:>8.3f}"
            f"{row['index_extra']:>6}{index_ms:>10.1f}{scan_ms:>9.1f}{scan_ms / index_ms:>8.0f}x"
        )

    index_all = [ms for row in rows for ms in row["index_ms"]]
    scan_all = [ms for row in rows for ms in row["scan_ms"]]
    print(
        f"\n{'approach':<22}{'queries':>8}{'min recall':>11}{'false pos':>10}"
        f"{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}"
    )
    for name, values in (("bigram index", index_all), ("icontains scan", scan_all)):
        key = "index" if name == "bigram index" else "scan"
        print(
            f"{name:<22}{len(rows):>8}{min(r[f'{key}_recall'] for r in rows):>11.3f}"
            f"{sum(r[f'{key}_extra'] for r in rows):>10}"
            f"{percentile(values, 0.5):>9.1f}{percentile(values, 0.95):>9.1f}{max(values):>9.1f}"
        )
    print(
        f"\nspeed-up (scan / index): p50 "
        f"{percentile(scan_all, 0.5) / percentile(index_all, 0.5):.0f}x, "
        f"p95 {percentile(scan_all, 0.95) / percentile(index_all, 0.95):.0f}x"
    )
    print(f"index build (normalize, tokens, insert) for {ARTICLES} articles: {build_seconds:.1f} s")
    if is_postgres:
        gin, _ = relation_size("search_entry_tokens_gin")
        table, total = relation_size("kexie_searchentry")
        article_table, article_total = relation_size("news_article")
        print(
            f"sizes: GIN index {gin / 2**20:.1f} MB; search table {table / 2**20:.1f} MB"
            f" heap, {total / 2**20:.1f} MB with TOAST and indexes"
            f" (articles: {article_total / 2**20:.1f} MB)"
        )
