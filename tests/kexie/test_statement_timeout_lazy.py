"""The public time limit costs nothing on requests that never query the database."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory

from kexie.db import PublicStatementTimeoutMiddleware


@pytest.mark.skipif(connection.vendor != "postgresql", reason="statement_timeout is PostgreSQL's")
def test_a_request_without_queries_opens_no_connection():
    # No django_db mark: any database access here fails the test.
    request = RequestFactory().get("/robots.txt")
    request.user = AnonymousUser()
    response = PublicStatementTimeoutMiddleware(lambda request: HttpResponse("ok"))(request)
    assert response.content == b"ok"
