"""Serving only approved content: what public views do with a row that fails its fingerprint.

The check itself (news.integrity) costs no query; only a changed row costs queries
here: one to look for an existing alert, and one to load the approved revision.
An attachment that fails its own check has no approved revision: it is left out
(``vet_attachments``) and its download refused, with an alert naming it.
"""

import hashlib
import json

from django.db import IntegrityError, transaction
from django.utils import timezone

from kexie import audit
from kexie.models import AuditEntry
from news import integrity
from news.models import Article, Attachment, TamperAlert

ATTACHMENT_PREFIX = "attachments."  # an alert's field names for an attachment's fields


def _key(obj, fields, prefix=""):
    live = integrity.digests(obj, fields)
    return hashlib.sha256(json.dumps([prefix, *sorted(live.items())]).encode()).hexdigest()


def _record(obj, *, article_id, attachment_id, fields, key):
    if TamperAlert.objects.filter(article_id=article_id, key=key).exists():
        return None
    try:
        with transaction.atomic():
            alert = TamperAlert.objects.create(
                article_id=article_id, attachment_id=attachment_id, fields=fields, key=key
            )
    except IntegrityError:  # another request saw it at the same moment
        return None
    audit.record(
        action=AuditEntry.Action.CONTENT,
        target=f"{obj._meta.label_lower} #{obj.pk} {obj}"[:255],
        details={"step": "tampered", "fields": fields},
    )
    return alert


def report(article, fields):
    """Record an alert (and an audit entry) the first time this change of the row is seen."""
    key = _key(article, fields)
    return _record(article, article_id=article.pk, attachment_id=None, fields=fields, key=key)


def report_attachment(attachment, fields):
    """The same for an attachment; the alert names its article and its changed fields."""
    key = _key(attachment, fields, prefix=f"attachment #{attachment.pk}")
    return _record(
        attachment,
        article_id=attachment.article_id,
        attachment_id=attachment.pk,
        fields=[ATTACHMENT_PREFIX + name for name in fields],
        key=key,
    )


def attachment_served(attachment):
    """Whether the public may see and download ``attachment``; a changed one is reported."""
    fields = attachment.approval_problems()
    if fields:
        report_attachment(attachment, fields)
    return not fields


def vet_attachments(attachments):
    """The attachments the public may see, in order: changed rows are left out."""
    return [attachment for attachment in attachments if attachment_served(attachment)]


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


def attachment_problems(articles=None):
    """Every attachment of an approved or published article that fails its check."""
    articles = articles if articles is not None else Article.objects.all()
    suspects = articles.filter(status=Article.Status.PUBLISHED) | articles.approved()
    attachments = Attachment.objects.filter(article__in=suspects.values("pk"))
    found = []
    for attachment in attachments.select_related("article").order_by("pk").iterator(500):
        fields = attachment.approval_problems()
        if fields:
            found.append((attachment, fields))
    return found


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
