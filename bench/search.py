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
from news.models import Article, Category

ARTICLES = 20_000
BODY_CHARS = 1_500
SEED = 20_241_128
REPEATS = 5

COMMON = (
    "科技 科普 发展 工作 创新 服务 会议 活动 人才 企业 农业 乡村 振兴 学会 协会 志愿 专家 "
    "培训 技术 推广 产业 示范 基地 教育 学校 学生 青少年 竞赛 科学 普及 宣传 群众 干部 组织 "
    "建设 党建 引领 提升 能力 水平 项目 资金 支持 政策 合作 交流 平台 调研 指导 茶叶 富硒 "
    "中药材 种植 养殖 大数据 数字化 智能 基层 全州 全市 领导 同志 强调 要求 部署 落实 推进 "
    "开展 举办 召开 参加 积极 认真 深入 广泛 扎实 有效 重要 进一步 坚持 加强 完善 健全 机制 "
    "体系 成果 经验 做法 典型 先进 表彰 单位 个人 代表 委员 会员 科技工作者 科研 院所 高校 "
    "医院 医生 卫生 健康 防疫 安全 应急 生态 环境 保护 绿色 低碳 能源 交通 旅游 文化 民族 "
    "土家族 苗族 传统 特色 品牌 市场 销售 电商 直播 增收 致富 脱贫 巩固 衔接 人民 生活"
).split()
PLACES = "恩施 利川 建始 巴东 宣恩 咸丰 来凤 鹤峰 恩施州 来凤县 鹤峰县 巴东县 利川市".split()
SOCIETIES = (
    "恩施州科协 州医学会 州农学会 恩施州医学会 利川市科协 来凤县科协 州科技馆 科技馆 "
    "志愿者 科技志愿服务队 院士专家工作站 科普教育基地 农村专业技术协会"
).split()
ASCII = "5G GPS App Wi-Fi AI".split()
# Planted in exactly this many articles, so rare terms have a known count.
RARE = {"量子计算": 3, "石墨烯": 12, "鹤峰县走马镇": 25, "院士专家工作站": 60, "ＧＰＳ": 40}
FILLER = "的了在是和与及对为把被从向以由于并且或而但也都还又再就才更最很"

QUERIES = [
    # one character
    "硒", "茶", "科", "鹤", "烯",
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
    """The baseline: ``icontains`` on the same normalized text, same ranking and visibility."""

    def match(self, queryset, words):
        for word in words:
            queryset = queryset.filter(text__icontains=word)
        return queryset


def build_corpus(rng):
    vocabulary = COMMON + PLACES + SOCIETIES + ASCII + list(FILLER)
    # Zipf-like weights: a few words in nearly every article, a long tail.
    weights = [1 / (rank + 1) ** 0.9 for rank in range(len(vocabulary))]
    rng.shuffle(weights)
    cumulative = []
    total = 0.0
    for weight in weights:
        total += weight
        cumulative.append(total)
    rare_in = {term: set(rng.sample(range(ARTICLES), count)) for term, count in RARE.items()}
    category = Category.objects.create(name="新闻", slug="bench-news")
    now = timezone.now()
    statuses = [Article.Status.PUBLISHED] * 90 + [Article.Status.DRAFT] * 4
    statuses += [Article.Status.PENDING] * 2 + [Article.Status.WITHDRAWN] * 2
    articles = []
    for number in range(ARTICLES):
        words = []
        length = 0
        for word in rng.choices(vocabulary, cum_weights=cumulative, k=BODY_CHARS // 2):
            words.append(word)
            length += len(word)
            if length >= BODY_CHARS:
                break
        for term, chosen in rare_in.items():
            if number in chosen:
                words.insert(rng.randrange(len(words)), term)
        paragraphs = []
        for start in range(0, len(words), 80):
            sentence = "".join(
                word + ("，" if rng.random() < 0.15 else "") for word in words[start : start + 80]
            )
            paragraphs.append(f"<p>{sentence}。</p>")
        status = rng.choice(statuses)
        scheduled = number % 50 == 0  # 2% scheduled for the future
        publish_at = now + (
            datetime.timedelta(days=3) if scheduled else -datetime.timedelta(minutes=number)
        )
        title = "".join(rng.choices(vocabulary, cum_weights=cumulative, k=6))[:30]
        articles.append(
            Article(
                title=title,
                category=category,
                body="".join(paragraphs),
                status=status,
                publish_at=None if status == Article.Status.DRAFT else publish_at,
            )
        )
    Article.objects.bulk_create(articles, batch_size=1000)


def relation_size(name):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_relation_size(%s), pg_total_relation_size(%s)", [name, name])
        return cursor.fetchone()


def page(backend, query):
    results = backend.search(query, kinds=["article"])["article"]
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
            cursor.execute("VACUUM ANALYZE kexie_searchentry")
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
