"""News content the site search finds (see kexie.search)."""

from django.utils.translation import gettext_lazy as _

from kexie import search
from kexie.richtext import html_to_text
from news.models import Article


def article_document(article):
    body = [article.subtitle, article.summary, html_to_text(article.body)]
    body += [article.source, article.author]
    return search.Document(
        title=article.title,
        body="\n".join(part for part in body if part),
        published_at=article.publish_at,
    )


def public_articles():
    return Article.objects.published().select_related("category")


search.register(
    "article", Article, document=article_document, public=public_articles, label=_("Articles")
)
