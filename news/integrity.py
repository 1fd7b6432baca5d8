"""The approved fingerprint of an article (and of each attachment) and the check that the
live row still matches it.

Whenever the application saves a published article (a reviewer's publish or edit, the
demo loader), the model stores a SHA-256 digest of each public field and one
fingerprint over those digests. Public pages recompute the digests of the fields they
loaded and compare: a row changed past the application (an ``UPDATE`` straight in the
database) no longer matches, and the public is served the approved revision instead.

Per-field digests, rather than one hash over everything, let list pages check the
fields they show without loading the body, and name the fields that were changed.
The fingerprint over them is an HMAC keyed with the project's secret key: someone who
can write to the database but does not hold the key cannot forge an approval to go
with their change (``SECRET_KEY_FALLBACKS`` keep approvals valid across a key rotation).
The functions take any object with the article's attributes, so the data migration
can use them on historical models.

Attachments are rows of their own, saved by the article form's inline after the
article row (and, for a reviewer, without any change to the article), so they do not
fit in the article's fingerprint: each attachment carries its own, with the same
mechanism (per-field digests, an HMAC under its own salt) over what the public gets
of it: the article it is listed on, its title, the stored file the download
delivers, the file name it is delivered under and the size shown. ``Attachment.save``
approves what it writes; who may save one is the admin's call (on a published
article only a reviewer changes attachments). The article page lists only
attachments that pass, and the download view refuses one that fails; there is no
approved revision of an attachment to fall back to, so a changed one is withheld
until a reviewer saves it again (``news.tamper``).
"""

import datetime
import hashlib
import json

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

# Everything that decides what the public sees of an article, or whether it sees it.
# Attachments are checked on their own (ATTACHMENT_FIELDS); view_count changes on every read.
CONTENT_FIELDS = (
    "title",
    "subtitle",
    "category_id",
    "cover",
    "cover_thumbnail",
    "summary",
    "body",
    "source",
    # 来源 falls back to the submitting organization (Article.source_display).
    "organization_id",
    "author",
    "responsible_editor",
    "publish_at",
    "is_pinned",
    "is_headline",
)
PUBLIC_FIELDS = ("status", *CONTENT_FIELDS)
PUBLISHED = "published"
HMAC_SALT = "kexie.news.approved-fingerprint"
ATTACHMENT_FIELDS = ("article_id", "title", "file", "original_name", "size")
ATTACHMENT_SALT = "kexie.news.approved-attachment"


def plain_value(value):
    """A field value as JSON-safe data, the same for a live row and a stored revision."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    if hasattr(value, "name"):  # a FieldFile: its stored name is what the page links to
        return value.name or ""
    return str(value)


def snapshot(article):
    """The content fields of ``article`` as a dict (what a revision stores)."""
    return {name: plain_value(getattr(article, name)) for name in CONTENT_FIELDS}


# Public pages check every article they list: the digests of short values (titles,
# times, flags) and the verdicts on stored fingerprints are remembered per process.
# Both are pure functions of their inputs (and of the keys, for the verdicts), so a
# changed row is still caught: its values, hence its digests, are new.
MEMO_ENTRIES = 20_000
MEMO_VALUE_CHARS = 1_000
_digest_memo = {}
_verdict_memo = {}


def _remember(memo, key, value):
    if len(memo) >= MEMO_ENTRIES:
        memo.clear()
    memo[key] = value
    return value


def _digest(value):
    short = isinstance(value, str | int | float | type(None)) and (
        not isinstance(value, str) or len(value) <= MEMO_VALUE_CHARS
    )
    key = (type(value), value)
    if short:
        found = _digest_memo.get(key)
        if found is not None:
            return found
    encoded = json.dumps(value, ensure_ascii=False, sort_keys=True).encode()
    digest = hashlib.sha256(encoded).hexdigest()
    return _remember(_digest_memo, key, digest) if short else digest


def digests_of_data(data, *, status=PUBLISHED, fields=PUBLIC_FIELDS):
    values = {**data, "status": status}
    return {name: _digest(values.get(name)) for name in fields}


def digests(article, fields=PUBLIC_FIELDS):
    return {name: _digest(plain_value(getattr(article, name))) for name in fields}


def fingerprint(field_digests, secret=None, salt=HMAC_SALT):
    """One HMAC-SHA256 over the per-field digests: the approved fingerprint on the 审核单."""
    message = json.dumps(sorted(field_digests.items()))
    return salted_hmac(salt, message, secret=secret, algorithm="sha256").hexdigest()


def fingerprint_matches(field_digests, stored, salt=HMAC_SALT):
    secrets = (settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", []))
    key = (salt, stored, tuple(sorted(field_digests.items())), secrets)
    verdict = _verdict_memo.get(key)
    if verdict is None:
        verdict = any(
            constant_time_compare(fingerprint(field_digests, secret=secret, salt=salt), stored)
            for secret in secrets
        )
        _remember(_verdict_memo, key, verdict)
    return verdict


def fingerprint_of_data(data):
    return fingerprint(digests_of_data(data))


def approval_of(article):
    """(digests, fingerprint) to store for a row saved while published; empty otherwise."""
    if article.status != PUBLISHED:
        return {}, ""
    field_digests = digests(article)
    return field_digests, fingerprint(field_digests)


def changed_fields(article, fields=PUBLIC_FIELDS, salt=HMAC_SALT):
    """The public fields of a published row that differ from what was approved.

    Only fields loaded on the instance are compared (lists defer the body), so the
    check costs no query. A row with no approval, or whose stored digests do not add
    up to its fingerprint, counts as changed in every field.
    """
    approved = article.approved_digests or {}
    if (
        not article.approved_fingerprint
        or set(approved) != set(fields)
        or not fingerprint_matches(approved, article.approved_fingerprint, salt=salt)
    ):
        return list(fields)
    deferred = article.get_deferred_fields()
    loaded = [name for name in fields if name not in deferred]
    live = digests(article, loaded)
    return [name for name in loaded if live[name] != approved[name]]


def attachment_approval(attachment):
    """(digests, fingerprint) of an attachment as the application saves it."""
    field_digests = digests(attachment, ATTACHMENT_FIELDS)
    return field_digests, fingerprint(field_digests, salt=ATTACHMENT_SALT)


def attachment_changes(attachment):
    """The public fields of an attachment that differ from what was saved through the app."""
    return changed_fields(attachment, ATTACHMENT_FIELDS, ATTACHMENT_SALT)
