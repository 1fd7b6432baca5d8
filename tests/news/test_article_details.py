import pytest

from tests.news.factories import ArticleFactory, AttachmentFactory


@pytest.mark.django_db
def test_article_page_labels_its_publish_time(client):
    article = ArticleFactory()
    page = client.get(article.get_absolute_url()).content.decode()
    assert "发布时间：<time" in page


@pytest.mark.django_db
def test_attachment_sizes_read_as_kb_or_mb_in_the_admin(client, superuser):
    attachment = AttachmentFactory()
    type(attachment).objects.filter(pk=attachment.pk).update(size=2_500_000)
    client.force_login(superuser)
    page = client.get(f"/admin/news/article/{attachment.article_id}/change/").content.decode()
    assert "2.4\xa0MB" in page  # filesizeformat keeps number and unit together
    assert "2500000" not in page
