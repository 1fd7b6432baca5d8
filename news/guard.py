"""News content the banned-term guard watches (see kexie.guard)."""

from kexie import guard
from news.models import Article, Attachment, Category

ARTICLE_FIELDS = ["title", "subtitle", "summary", "body", "source", "author", "responsible_editor"]


def attachment_texts(article):
    title_label = Attachment._meta.get_field("title").verbose_name
    return {
        f"{attachment._meta.verbose_name} {number} {title_label}": attachment.title
        for number, attachment in enumerate(article.attachments.all(), start=1)
    }


def article_texts(article):
    """Attachment titles, and 来源 when it comes from the submitting organization."""
    texts = attachment_texts(article)
    if not article.source and article.organization_id:
        label = Article._meta.get_field("organization").verbose_name
        texts[str(label)] = article.source_display
    return texts


def public_articles():
    # Scheduled articles count: they go public by themselves when their time comes.
    return (
        Article.objects.filter(status=Article.Status.PUBLISHED)
        .select_related("organization")
        .prefetch_related("attachments")
    )


def public_attachments():
    return Attachment.objects.filter(article__in=public_articles())


# An article's attachment titles and its 来源 are checked with the article: publishing
# refuses them, and the scans report them once, on the article whose page shows them
# and whose change page edits them. The attachment's own registration declares the
# public field (for the admin form and the coverage test) without a second report.
guard.register(Article, ARTICLE_FIELDS, public=public_articles, texts=article_texts)
guard.register(Attachment, ["title"], public=public_attachments, scanned=False)
# Category names head the navigation of every page.
guard.register(Category, ["name", "slug", "description"])
