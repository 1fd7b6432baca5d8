"""Every admin link to an attachment goes through the download view, which works behind nginx.

In production /media/attachments/ answers 404 (the files have no public address);
only /news/attachments/<pk>/ delivers them, after its permission check.
"""

import re

import pytest
from django.urls import reverse

from tests.news.factories import ArticleFactory, AttachmentFactory

pytestmark = pytest.mark.django_db

PAYLOAD = b"%PDF-1.4\n% admin link test\n%%EOF\n"
REVIEWER_PERMS = [
    "news.view_article", "news.change_article", "news.publish_article",
    "news.view_attachment", "news.change_attachment", "news.add_attachment",
    "news.delete_attachment",
]  # fmt: skip
EDITOR_PERMS = [
    "news.view_article", "news.change_article", "news.view_attachment",
    "news.change_attachment", "news.add_attachment",
]  # fmt: skip


def _attachment(**article):
    from django.core.files.base import ContentFile

    attachment = AttachmentFactory(article=ArticleFactory(**article), title="活动方案")
    attachment.file.save("活动方案.pdf", ContentFile(PAYLOAD))
    return attachment


def _hrefs(html):
    return re.findall(r'href="([^"]+)"', html)


def _downloaded(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return b"".join(response.streaming_content)


@pytest.mark.parametrize(
    ("article", "perms"),
    [
        ({"draft": True}, REVIEWER_PERMS),  # an editable inline: the file widget's link
        ({}, REVIEWER_PERMS),  # published, editable by a reviewer
        ({}, EDITOR_PERMS),  # published, read-only for an editor: the read-only link
    ],
    ids=["draft", "published-reviewer", "published-readonly"],
)
def test_the_article_change_page_links_attachments_to_the_download_view(
    client, make_staff, settings, article, perms
):
    settings.KEXIE_ACCEL_REDIRECT_PREFIX = ""
    attachment = _attachment(**article)
    client.force_login(make_staff(*perms))
    html = client.get(reverse("admin:news_article_change", args=[attachment.article.pk])).text
    hrefs = _hrefs(html)
    assert not [href for href in hrefs if href.startswith(settings.MEDIA_URL)]
    assert "/media/attachments/" not in html
    download = reverse("news:attachment-download", args=[attachment.pk])
    assert download in hrefs
    assert _downloaded(client, download) == PAYLOAD


def test_the_download_link_serves_a_draft_to_staff_but_not_to_the_public(client, make_staff):
    attachment = _attachment(draft=True)
    url = attachment.file.url
    assert url == reverse("news:attachment-download", args=[attachment.pk])
    assert client.get(url).status_code == 404
    client.force_login(make_staff(*EDITOR_PERMS))
    assert _downloaded(client, url) == PAYLOAD
