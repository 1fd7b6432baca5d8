"""The approved fingerprint now covers the submitting organization (shown as 来源).

Approvals made before it carry no digest of ``organization_id``. Each genuine one
(its fingerprint still matches its digests) is extended with the digest of "no
organization", which is what was approved, and signed again; a row changed behind the
application's back keeps failing its check. Revision fingerprints are recomputed the
same way, so the approved revision is still found.
"""

from django.db import migrations

OLD_PUBLIC_FIELDS = (
    "status", "title", "subtitle", "category_id", "cover", "cover_thumbnail", "summary",
    "body", "source", "author", "responsible_editor", "publish_at", "is_pinned", "is_headline",
)  # fmt: skip


def extend_approvals(apps, schema_editor):
    from news import integrity

    Article = apps.get_model("news", "Article")
    ArticleRevision = apps.get_model("news", "ArticleRevision")
    no_organization = integrity._digest(None)
    approved = Article.objects.exclude(approved_fingerprint="").only(
        "approved_digests", "approved_fingerprint"
    )
    for article in approved.iterator(chunk_size=500):
        digests = dict(article.approved_digests or {})
        if set(digests) != set(OLD_PUBLIC_FIELDS):
            continue
        if not integrity.fingerprint_matches(digests, article.approved_fingerprint):
            continue
        digests["organization_id"] = no_organization
        Article.objects.filter(pk=article.pk).update(
            approved_digests=digests, approved_fingerprint=integrity.fingerprint(digests)
        )
    for revision in ArticleRevision.objects.only("data", "fingerprint").iterator(chunk_size=500):
        data = revision.data or {}
        if "organization_id" in data:
            continue
        old = integrity.digests_of_data(data, fields=OLD_PUBLIC_FIELDS)
        if not integrity.fingerprint_matches(old, revision.fingerprint):
            continue
        ArticleRevision.objects.filter(pk=revision.pk).update(
            fingerprint=integrity.fingerprint_of_data(data)
        )


class Migration(migrations.Migration):
    dependencies = [("news", "0008_submissions")]

    operations = [migrations.RunPython(extend_approvals, migrations.RunPython.noop)]
