import pytest

from tests.news.factories import ArticleFactory


@pytest.mark.django_db
def test_published_article_is_served(client):
    article = ArticleFactory(title="州科协召开年会")
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "州科协召开年会" in response.text
