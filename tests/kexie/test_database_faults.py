"""A slow or absent database: public requests get a Chinese 503 page, never a 500."""

from unittest import mock

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import DataError, InterfaceError, OperationalError, connection, transaction
from django.http import HttpResponse
from django.test import RequestFactory

from kexie.db import PublicStatementTimeoutMiddleware

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="statement_timeout is PostgreSQL's"
)


@pytest.fixture
def quiet_client(client):
    client.raise_request_exception = False
    return client


def assert_busy_page(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    text = response.content.decode()
    assert "网站繁忙" in text and "秒后再试" in text
    assert "Server Error" not in text and "Traceback" not in text


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("server closed the connection unexpectedly"),
        OperationalError("canceling statement due to statement timeout"),
        InterfaceError("connection already closed"),
    ],
)
def test_database_errors_in_a_view_answer_503_in_chinese(quiet_client, error):
    with mock.patch("news.views.HomeView.get", side_effect=error):
        assert_busy_page(quiet_client.get("/"))


def test_database_errors_in_middleware_answer_503(quiet_client, make_staff):
    quiet_client.force_login(make_staff())
    failing = OperationalError("the database system is starting up")
    with mock.patch("django.contrib.sessions.backends.db.SessionStore.load", side_effect=failing):
        assert_busy_page(quiet_client.get("/news/"))


def test_other_errors_stay_500(quiet_client):
    with mock.patch("news.views.HomeView.get", side_effect=RuntimeError("bug")):
        response = quiet_client.get("/")
    assert response.status_code == 500
    assert "Retry-After" not in response


def current_timeout_view(request):
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        return HttpResponse(cursor.fetchone()[0])


@on_postgresql
@pytest.mark.parametrize(
    ("path", "staff", "expected"),
    [("/news/", False, "250ms"), ("/admin/", False, "0"), ("/news/", True, "0")],
)
def test_only_public_requests_run_under_the_limit(settings, make_staff, path, staff, expected):
    settings.KEXIE_PUBLIC_STATEMENT_TIMEOUT_MS = 250
    request = RequestFactory().get(path)
    request.user = make_staff() if staff else AnonymousUser()
    response = PublicStatementTimeoutMiddleware(current_timeout_view)(request)
    assert response.content.decode() == expected


def timeout_under(path, user):
    """SHOW statement_timeout as a request for ``path`` by ``user`` sees it."""
    request = RequestFactory().get(path)
    request.user = user
    return PublicStatementTimeoutMiddleware(current_timeout_view)(request).content.decode()


# Outside a test transaction (autocommit, as in production) the middleware trusts
# what it set on the persistent connection: these exercise that bookkeeping.
@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_limit_follows_the_kind_of_request_on_one_connection(settings, make_staff):
    settings.KEXIE_PUBLIC_STATEMENT_TIMEOUT_MS = 250
    staff = make_staff()
    assert timeout_under("/news/", AnonymousUser()) == "250ms"
    assert timeout_under("/admin/", AnonymousUser()) == "0"  # admin right after public
    assert timeout_under("/news/", AnonymousUser()) == "250ms"  # public right after admin
    assert timeout_under("/news/", staff) == "0"  # staff on the public site
    assert timeout_under("/news/", AnonymousUser()) == "250ms"
    settings.KEXIE_PUBLIC_STATEMENT_TIMEOUT_MS = 400  # a changed setting reaches the connection
    assert timeout_under("/news/", AnonymousUser()) == "400ms"
    # Work done in the same process outside any request (a bulk load after serving
    # pages, a streamed export's queries) runs without the limit.
    assert current_timeout_view(None).content == b"0"


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_consecutive_public_requests_send_the_limit_once(settings):
    settings.KEXIE_PUBLIC_STATEMENT_TIMEOUT_MS = 250
    assert timeout_under("/news/", AnonymousUser()) == "250ms"
    # Changed behind the middleware's back: the next public request sends no SET
    # (it would have put 250ms back), which is the round trip it saves.
    with connection.connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 1234")
    assert timeout_under("/news/", AnonymousUser()) == "1234ms"


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_limit_set_inside_a_transaction_is_not_trusted_afterwards(settings):
    settings.KEXIE_PUBLIC_STATEMENT_TIMEOUT_MS = 250

    def rolled_back_view(request):
        try:
            with transaction.atomic():
                current_timeout_view(request)  # the SET runs inside this transaction
                raise RuntimeError
        except RuntimeError:
            pass  # the rollback undid the SET
        return current_timeout_view(request)

    request = RequestFactory().get("/news/")
    request.user = AnonymousUser()
    # The next query finds the value unknown and sets it again rather than assume it.
    assert PublicStatementTimeoutMiddleware(rolled_back_view)(request).content == b"250ms"
    assert timeout_under("/news/", AnonymousUser()) == "250ms"


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_failed_statement_inside_a_savepoint_is_rolled_back_cleanly(settings):
    """As when two readers create the day's view row at once: the loser's INSERT fails
    in a savepoint, is rolled back, and the request goes on under the limit."""
    settings.KEXIE_PUBLIC_STATEMENT_TIMEOUT_MS = 250

    def racing_view(request):
        with transaction.atomic():
            current_timeout_view(request)  # the SET runs inside this transaction
            try:
                with transaction.atomic():
                    with connection.cursor() as cursor:
                        cursor.execute("SELECT 1/0")  # aborts the savepoint
            except DataError:
                pass
            return current_timeout_view(request)

    request = RequestFactory().get("/news/")
    request.user = AnonymousUser()
    assert PublicStatementTimeoutMiddleware(racing_view)(request).content == b"250ms"
    assert timeout_under("/admin/", AnonymousUser()) == "0"


def slow_view(self, request, *args, **kwargs):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(2)")
    return HttpResponse("finished")


@on_postgresql
@pytest.mark.django_db(transaction=True)  # a cancelled statement aborts the test's transaction
def test_a_slow_public_query_is_cut_off_with_the_busy_page(quiet_client, settings, make_staff):
    settings.KEXIE_PUBLIC_STATEMENT_TIMEOUT_MS = 200
    with mock.patch("news.views.HomeView.get", slow_view):
        assert_busy_page(quiet_client.get("/"))
        quiet_client.force_login(make_staff())
        assert quiet_client.get("/").content == b"finished"
