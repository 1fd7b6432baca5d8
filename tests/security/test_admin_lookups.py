"""Changelists are filtered only by what their filters offer; regex lookups never run."""

import pytest
from django.contrib import admin
from django.urls import reverse

from kexie.models import AuditEntry
from tests.awards.factories import HonourFactory
from tests.news.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "query",
    [
        {"title__regex": "(.*?){8}ZZZ"},
        {"body__iregex": "(a+)+$"},
        {"body__icontains": "x"},  # not offered by a filter
        {"created_by__password__startswith": "pbkdf2"},
        {"category__name__regex": "x", "status__exact": "published"},
    ],
)
def test_lookups_not_offered_are_refused_with_a_message_and_audited(client, superuser, query):
    ArticleFactory(title="州科协年会")
    client.force_login(superuser)
    url = reverse("admin:news_article_changelist")
    response = client.get(url, query)
    assert response.status_code == 302
    refused = [key for key in query if key != "status__exact"]
    # Filters the list does offer are kept.
    assert ("status__exact=published" in response["Location"]) == ("status__exact" in query)
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "此列表不能按" in page.content.decode()
    entry = AuditEntry.objects.get(action=AuditEntry.Action.DENIED)
    assert entry.user == superuser and entry.details["lookups"] == refused


def test_offered_filters_and_links_still_work(client, superuser):
    honour = HonourFactory()
    ArticleFactory()
    client.force_login(superuser)
    for url in [
        reverse("admin:news_article_changelist") + "?status__exact=pending",
        reverse("admin:news_article_changelist") + "?publish_at__year=2024",
        reverse("admin:news_article_changelist") + "?q=年会&o=1&p=1",
        reverse("admin:awards_honour_changelist") + f"?award__id__exact={honour.award_id}",
        reverse("admin:awards_award_changelist"),
        reverse("admin:organizations_member_changelist") + "?joined_year=2020",
    ]:
        assert client.get(url).status_code == 200, url
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.DENIED).exists()


def test_every_changelist_refuses_a_regex_lookup(client, superuser):
    client.force_login(superuser)
    for model in admin.site._registry:
        meta = model._meta
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        response = client.get(url, {"id__regex": "(.*?){8}ZZZ"})
        assert response.status_code in (302, 403), url
