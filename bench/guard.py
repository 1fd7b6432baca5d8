"""
Banned-term guard: one check of a 20,000-character article body against 5,000
terms, with the Aho-Corasick matcher (kexie.guard) and with a naive scan that
looks for each normalized term in the normalized text (str.find per term).
"""

import random
import statistics
import time

from kexie import guard
from kexie.models import BannedTerm

TERMS = 5_000
BODY_CHARS = 20_000
ROUNDS = 30

COMMON = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而"
    "方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好"
    "应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向"
    "道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特"
    "件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队"
    "南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风"
    "切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许"
)


def _body(rng):
    paragraphs = []
    length = 0
    while length < BODY_CHARS:
        text = "".join(rng.choices(COMMON, k=rng.randint(80, 200)))
        paragraphs.append(f"<p>{text}，{text[:20]}。</p>")
        length += len(paragraphs[-1])
    return "".join(paragraphs)[:BODY_CHARS]


def _terms(rng):
    terms = {"88805tccn新蒲京", "新蒲京官方版", "新蒲京", "88805tccn"}
    while len(terms) < TERMS:
        terms.add("".join(rng.choices(COMMON + "abcdefgh0123456789", k=rng.randint(3, 8))))
    return sorted(terms)


def _time(function, rounds=ROUNDS):
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        result = function()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), min(samples), result


def naive_check(terms, fields):
    """The baseline: normalize once, then look for every term on its own."""
    normalized = [(term, guard.normalize(term)) for term in terms]
    hits = set()
    for field, text in fields.items():
        parts = guard.normalized_parts(text)
        for term, key in normalized:
            if key and any(key in part for part in parts):
                hits.add((field, term))
    return hits


def main():
    rng = random.Random(2025)
    terms = _terms(rng)
    body = _body(rng)
    # The seed's brand, disguised, somewhere in the middle.
    middle = len(body) // 2
    body = body[:middle] + "新<b>蒲</b>京" + body[middle:]
    fields = {"body": body}

    # The confusables table is built once per process, on first use.
    start = time.perf_counter()
    guard.normalize("88805tссn")
    table_ms = (time.perf_counter() - start) * 1000

    BannedTerm.objects.all().delete()
    BannedTerm.objects.bulk_create(
        BannedTerm(term=term, category="custom", action="block") for term in terms
    )
    guard.invalidate()
    start = time.perf_counter()
    matcher = guard.get_matcher()
    build_ms = (time.perf_counter() - start) * 1000

    fast_median, fast_min, fast_hits = _time(lambda: guard.check(fields))
    core_median, core_min, _ = _time(lambda: matcher.check(fields))
    naive_median, naive_min, naive_hits = _time(lambda: naive_check(terms, fields), rounds=10)
    normalize_median, normalize_min, _ = _time(lambda: guard.normalized_parts(body))
    skeleton_median, skeleton_min, _ = _time(lambda: guard.skeleton(body))
    assert {(hit.field, hit.term) for hit in fast_hits} == naive_hits, "matchers disagree"

    print(f"{len(terms)} terms, {len(body)}-character body, {len(fast_hits)} hits")
    print(
        f"automaton build (once per term-list change): {build_ms:.1f} ms, "
        f"{matcher.automaton.size} states"
    )
    print(f"confusables table build (once per process): {table_ms:.1f} ms")
    print(f"{'method':<44}{'median ms':>10}{'best ms':>10}")
    print(
        f"{'guard.check (fingerprint query + automaton)':<44}{fast_median:>10.2f}{fast_min:>10.2f}"
    )
    print(f"{'Matcher.check (automaton only)':<44}{core_median:>10.2f}{core_min:>10.2f}")
    print(f"{'naive scan, one str search per term':<44}{naive_median:>10.2f}{naive_min:>10.2f}")
    print(f"{'  of which normalizing the body':<44}{normalize_median:>10.2f}{normalize_min:>10.2f}")
    print(
        f"{'  of which the confusables skeleton (one pass)':<44}{skeleton_median:>10.2f}{skeleton_min:>10.2f}"
    )
    print(f"speed-up over the naive scan: {naive_median / fast_median:.1f}x")
