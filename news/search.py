"""News content the site search finds (see kexie.search).

Results show an article as the list pages do (``news.tamper.served``): a row
changed past the application shows its approved revision, or is left out. The
index itself is built from the same version, so a rebuild never makes a
tampered word findable.
"""

from django.utils.translation import gettext_lazy as _

from kexie import search
from kexie.richtext import html_to_text
from news import tamper
from news.models import Article


def article_document(article):
    if article.status == Article.Status.PUBLISHED and article.approval_problems():
        article = tamper.approved_version(article)
        if article is None:  # nothing approved to show: nothing to find
            return search.Document(title="", body="")
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
    "article",
    Article,
    document=article_document,
    public=public_articles,
    label=_("Articles"),
    shown=tamper.served,
)
