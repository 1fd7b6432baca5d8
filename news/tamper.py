"""Serving only approved content: what public views do with a row that fails its fingerprint.

The check itself (news.integrity) costs no query; only a changed row costs queries
here: one to look for an existing alert, and one to load the approved revision.
"""

import hashlib
import json

from django.db import IntegrityError, transaction
from django.utils import timezone

from kexie import audit
from kexie.models import AuditEntry
from news import integrity
from news.models import Article, TamperAlert


def _key(article, fields):
    live = integrity.digests(article, fields)
    return hashlib.sha256(json.dumps(sorted(live.items())).encode()).hexdigest()


def report(article, fields):
    """Record an alert (and an audit entry) the first time this change of the row is seen."""
    key = _key(article, fields)
    if TamperAlert.objects.filter(article_id=article.pk, key=key).exists():
        return None
    try:
        with transaction.atomic():
            alert = TamperAlert.objects.create(article_id=article.pk, fields=fields, key=key)
    except IntegrityError:  # another request saw it at the same moment
        return None
    audit.record(
        action=AuditEntry.Action.CONTENT,
        target=f"{article._meta.label_lower} #{article.pk} {article.title}"[:255],
        details={"step": "tampered", "fields": fields},
    )
    return alert


def approved_version(article):
    """The approved revision as an Article to render, if it is recorded and due."""
    revision = article.approved_revision()
    if revision is None:
        return None
    approved = revision.as_article()
    if approved.publish_at is None or approved.publish_at > timezone.now():
        return None  # approved for later: a changed publish time must not bring it forward
    approved.view_count = article.view_count
    if approved.category_id == article.category_id and "category" in article._state.fields_cache:
        approved.category = article.category
    return approved


def served(article):
    """What the public may see of ``article``: itself, its approved revision, or None."""
    fields = article.approval_problems()
    if not fields:
        return article
    report(article, fields)
    return approved_version(article)


def vet(articles):
    """A list of public articles with changed rows replaced by their approved revision."""
    result = []
    for article in articles:
        shown = served(article)
        if shown is not None:
            result.append(shown)
    return result


def problems(queryset=None):
    """Every approved or published article whose row fails its check: [(article, fields)]."""
    queryset = queryset if queryset is not None else Article.objects.all()
    suspects = queryset.filter(status=Article.Status.PUBLISHED) | queryset.approved()
    found = []
    for article in suspects.select_related("category").order_by("pk").iterator(chunk_size=500):
        fields = article.approval_problems()
        if fields:
            found.append((article, fields))
    return found
