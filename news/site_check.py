"""
网站自查: what the inspection rules for government-style sites would find.

Categories not kept up (Category.update_threshold), empty categories, broken
internal links, missing images and images without alt text in published
articles, and published content holding banned terms. The admin dashboard and
``manage.py site_check`` show the same report. The whole report takes a fixed
number of queries: one for categories, one for published articles, and the
guard's registered content lists (each with its prefetches).
"""

import datetime
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import Count, Max, Q
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kexie import guard
from news.models import Article, Category


@dataclass(frozen=True)
class Finding:
    kind: str  # one of KINDS
    item: str  # what is affected, as staff know it
    problem: str  # what is wrong, in words
    fix_url: str  # where to fix it


KINDS = ("stale", "empty", "broken_link", "missing_image", "no_alt", "banned_term")


def kind_labels():
    # Evaluated per call: the labels are translated in the active language.
    return {
        "stale": _("Categories not kept up"),
        "empty": _("Empty categories"),
        "broken_link": _("Broken internal links"),
        "missing_image": _("Missing images"),
        "no_alt": _("Images without alt text"),
        "banned_term": _("Banned terms in published content"),
    }


def _change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


class _LinksAndImages(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links = []
        self.images = []  # (src, alt)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"].strip())
        elif tag == "img":
            self.images.append(((attrs.get("src") or "").strip(), (attrs.get("alt") or "").strip()))


def _internal_path(url):
    """The path of a link to this site, or None for other sites, anchors, mail…"""
    parts = urlsplit(url)
    if parts.scheme and parts.scheme not in {"http", "https"}:
        return None
    if parts.netloc and parts.netloc.split(":")[0] not in settings.ALLOWED_HOSTS:
        return None
    if not parts.path.startswith("/"):
        return None
    return unquote(parts.path)


class _Targets:
    """What internal links may point to, loaded once."""

    def __init__(self, published_ids, category_slugs):
        self.published_ids = published_ids
        self.category_slugs = category_slugs

    def exists(self, path):
        if path.startswith(settings.MEDIA_URL):
            return default_storage.exists(path.removeprefix(settings.MEDIA_URL))
        try:
            match = resolve(path)
        except Resolver404:
            return False
        if match.view_name == "news:article-detail":
            return int(match.kwargs["pk"]) in self.published_ids
        if match.view_name == "news:category":
            return match.kwargs["slug"] in self.category_slugs
        return True


def category_findings(categories, now):
    findings = []
    last = {category.pk: category.last_published for category in categories}
    counts = {category.pk: category.published for category in categories}
    for category in categories:
        if category.parent_id in last:
            parent = category.parent_id
            counts[parent] += category.published
            if category.last_published and (
                last[parent] is None or category.last_published > last[parent]
            ):
                last[parent] = category.last_published
    for category in categories:
        url = _change_url(category)
        if not counts[category.pk]:
            findings.append(Finding("empty", str(category), _("No published article."), url))
            continue
        threshold = category.update_threshold()
        if threshold and last[category.pk] < now - datetime.timedelta(days=threshold):
            days = (now - last[category.pk]).days
            findings.append(
                Finding(
                    "stale",
                    str(category),
                    _("Last article published %(days)d days ago; the limit is %(limit)d days.")
                    % {"days": days, "limit": threshold},
                    url,
                )
            )
    return findings


def article_findings(articles, targets):
    findings = []
    for article in articles:
        parser = _LinksAndImages()
        parser.feed(article.body or "")
        url = _change_url(article)
        for href in parser.links:
            path = _internal_path(href)
            if path is not None and not targets.exists(path):
                findings.append(
                    Finding("broken_link", article.title, _("Link to %(url)s") % {"url": href}, url)
                )
        for src, alt in parser.images:
            path = _internal_path(src)
            if path is not None and not targets.exists(path):
                findings.append(
                    Finding("missing_image", article.title, _("Image %(url)s") % {"url": src}, url)
                )
            if not alt:
                findings.append(
                    Finding("no_alt", article.title, _("Image %(url)s") % {"url": src}, url)
                )
    return findings


def banned_term_findings():
    findings = []
    # One matcher for the whole run: guard.check() looks up the term list's version each time.
    matcher = guard.get_matcher()
    for content in guard.scanned():
        for obj in content.public():
            for hit in matcher.check(content.texts(obj)):
                findings.append(
                    Finding("banned_term", str(obj), guard.describe(hit), _change_url(obj))
                )
    return findings


def run(now=None):
    """Every finding, grouped by kind in the order of KINDS."""
    now = now or timezone.now()
    published = Q(articles__status=Article.Status.PUBLISHED, articles__publish_at__lte=now)
    categories = list(
        Category.objects.select_related("parent")
        .annotate(
            published=Count("articles", filter=published),
            last_published=Max("articles__publish_at", filter=published),
        )
        .order_by("parent__order", "order", "id")
    )
    articles = list(Article.objects.published().only("pk", "title", "body").order_by("-publish_at"))
    targets = _Targets({article.pk for article in articles}, {c.slug for c in categories})
    findings = [
        *category_findings(categories, now),
        *article_findings(articles, targets),
        *banned_term_findings(),
    ]
    return sorted(findings, key=lambda finding: KINDS.index(finding.kind))


def grouped(findings):
    """[(label, [findings])] for each kind with findings, in the order of KINDS."""
    labels = kind_labels()
    return [
        (labels[kind], items)
        for kind in KINDS
        if (items := [finding for finding in findings if finding.kind == kind])
    ]
