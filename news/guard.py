"""News content the banned-term guard watches (see kexie.guard)."""

from kexie import guard
from news.models import Article, Attachment

ARTICLE_FIELDS = ["title", "subtitle", "summary", "body", "source", "author", "responsible_editor"]


def article_texts(article):
    texts = {
        str(Article._meta.get_field(name).verbose_name): getattr(article, name)
        for name in ARTICLE_FIELDS
    }
    title_label = Attachment._meta.get_field("title").verbose_name
    for number, attachment in enumerate(article.attachments.all(), start=1):
        texts[f"{attachment._meta.verbose_name} {number} {title_label}"] = attachment.title
    return texts


def public_articles():
    # Scheduled articles count: they go public by themselves when their time comes.
    return Article.objects.filter(status=Article.Status.PUBLISHED).prefetch_related("attachments")


guard.register(Article, public=public_articles, texts=article_texts)
