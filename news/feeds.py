import html

import nh3
from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from news import tamper
from news.models import Article
from pages import chrome

FEED_SIZE = 20
# XML 1.0 cannot carry control characters; one pasted into a title must not
# take the whole feed down.
CONTROL_CHARACTERS = dict.fromkeys(c for c in range(32) if chr(c) not in "\t\n\r")


def xml_safe(text):
    return (text or "").translate(CONTROL_CHARACTERS)


def plain_text(text):
    """``text`` as HTML-escaped plain text: markup stripped, so no reader renders any of it.

    Readers treat an RSS title as HTML or as text, as they please: a tag is
    dropped, and what looks like one after entities are decoded (``&lt;b&gt;``)
    is escaped, so it shows as the characters it is.
    """
    # nh3 with no allowed tag (not Django's strip_tags, which loses "A&B"'s "&B").
    stripped = html.unescape(nh3.clean(xml_safe(text), tags=set()))
    return escape(" ".join(stripped.split()))


class LatestArticlesFeed(Feed):
    link = reverse_lazy("news:article-list")
    description = _("The latest news and notices.")

    def title(self):
        return chrome.get().settings.site_name

    def items(self):
        return tamper.vet(
            Article.objects.published()
            .select_related("category")
            .order_by("-publish_at", "-id")[:FEED_SIZE]
        )

    def item_title(self, item):
        return plain_text(item.title)

    def item_description(self, item):
        # RSS readers render the description as HTML; the summary is plain text.
        return escape(xml_safe(item.summary))

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [plain_text(item.category.name)]
