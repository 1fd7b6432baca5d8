"""Bulk loaders refresh the planner's statistics of the tables they filled."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from news.models import Article
from tests.news.factories import ArticleFactory

pytestmark = pytest.mark.django_db(transaction=True)  # ANALYZE must see committed rows


def planner_rows(table):
    """The row count the planner believes in, or None if the table was never analyzed."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
            value = cursor.fetchone()[0]
            return None if value < 0 else int(value)
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone() is None:
            return None
        cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s", [table])
        row = cursor.fetchone()
        return int(row[0].split()[0]) if row else None


def forget_statistics(table):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # As a bulk load leaves it: the planner still believes an empty table.
            cursor.execute("UPDATE pg_class SET reltuples = 0 WHERE relname = %s", [table])
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if cursor.fetchone():
                cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = %s", [table])


def test_rebuild_search_index_analyzes_entries_and_content():
    ArticleFactory.create_batch(30)
    forget_statistics("news_article")
    forget_statistics("kexie_searchentry")
    call_command("rebuild_search_index", stdout=io.StringIO())
    assert planner_rows("news_article") == Article.objects.count()
    assert planner_rows("kexie_searchentry") >= Article.objects.published().count()


def test_load_demo_analyzes_what_it_loaded():
    forget_statistics("news_article")
    call_command("load_demo", stdout=io.StringIO())
    assert planner_rows("news_article") == Article.objects.count() > 0
