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


# An article's attachment titles are checked with the article (publishing
# refuses them) and on their own (scan_content names the attachment).
guard.register(Article, ARTICLE_FIELDS, public=public_articles, texts=article_texts)
guard.register(Attachment, ["title"], public=public_attachments)
# Category names head the navigation of every page.
guard.register(Category, ["name", "slug", "description"])
