"""Articles published before revisions existed are approved as they stand, each with its first revision."""

from django.db import migrations


def approve_existing(apps, schema_editor):
    from news import integrity

    Article = apps.get_model("news", "Article")
    ArticleRevision = apps.get_model("news", "ArticleRevision")
    for article in Article.objects.all().iterator(chunk_size=500):
        data = integrity.snapshot(article)
        published = article.status == "published"
        ArticleRevision.objects.create(
            article=article,
            number=1,
            status="approved" if published else "saved",
            data=data,
            fingerprint=integrity.fingerprint_of_data(data),
            created_by_id=article.updated_by_id,
            reviewed_by_id=article.updated_by_id if published else None,
            reviewed_at=article.updated_at if published else None,
        )
        digests, fingerprint = integrity.approval_of(article)
        Article.objects.filter(pk=article.pk).update(
            approved_digests=digests, approved_fingerprint=fingerprint, version=1
        )


class Migration(migrations.Migration):
    dependencies = [("news", "0003_revisions_and_fingerprints")]

    operations = [migrations.RunPython(approve_existing, migrations.RunPython.noop)]
