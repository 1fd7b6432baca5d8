"""
The database under load or away: time limits for public requests and a Chinese 503 page.

Public requests on PostgreSQL run under ``statement_timeout``
(KEXIE_PUBLIC_STATEMENT_TIMEOUT_MS): one slow query (stale statistics, a deep
search page) must end in seconds instead of holding an app server worker until
gunicorn kills it. Staff and the admin keep no limit, and neither do management
commands, which never pass through this middleware and use their own connection.
The limit in effect is remembered per connection: only a change costs a round trip.

Any OperationalError or InterfaceError that reaches Django's 500 handler (a
query cancelled by that limit, the database restarting or down) is answered
with the 503 page instead: it says in Chinese that the site is busy, asks the
browser to retry, and renders without touching the database.
"""

import sys
import weakref

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse
from django.template import loader
from django.views import defaults

RETRY_AFTER_SECONDS = 10


def _exempt(request):
    admin_prefix = getattr(settings, "KEXIE_ADMIN_URL_PREFIX", "/admin/")
    if request.path_info.startswith(admin_prefix):
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_staff)


# The statement_timeout each DB-API connection is known to run under, kept by the
# connection itself (weakly), so a reconnect or a connection handed over by a pool
# starts from what that connection really has. No entry: the session default (a
# new connection, or after RESET). UNKNOWN: set inside a transaction, which a
# rollback may have undone; the next query sets the value it needs whatever it is.
DEFAULT = "default"
UNKNOWN = "unknown"
_in_effect = weakref.WeakKeyDictionary()


def timeout_in_effect(raw_connection):
    return _in_effect.get(raw_connection, DEFAULT)


def _apply(connection_, wanted):
    """Put the connection under ``wanted`` (ms, or DEFAULT) unless it already is.

    The statement goes straight to the DB-API cursor, as Django's own time-zone
    setup does: it configures the connection and is not one of the page's
    queries (the query budgets count those).
    """
    raw = connection_.connection
    if timeout_in_effect(raw) == wanted or _in_failed_transaction(raw):
        return
    sql = "RESET statement_timeout" if wanted == DEFAULT else f"SET statement_timeout = {wanted}"
    _in_effect[raw] = UNKNOWN  # until the statement is known to have run and to stay
    with raw.cursor() as cursor:
        cursor.execute(sql)
    if connection_.get_autocommit() and not connection_.in_atomic_block:
        if wanted == DEFAULT:
            _in_effect.pop(raw, None)
        else:
            _in_effect[raw] = wanted


def _in_failed_transaction(raw_connection):
    """A statement failed and the transaction awaits its rollback (to a savepoint, say):
    any other statement would be refused, so the limit waits for the next query after
    it (the value stays UNKNOWN inside a transaction, so that query sets it again)."""
    from psycopg2.extensions import TRANSACTION_STATUS_INERROR

    info = getattr(raw_connection, "info", None)
    return getattr(info, "transaction_status", None) == TRANSACTION_STATUS_INERROR


_UNDECIDED = "undecided"


def _enforce(execute, sql, params, many, context):
    """Before any query: the limit the current request wants, or none outside a public one.

    Installed once on each connection the middleware serves: a public request's
    queries run under the limit, everything else there (staff, the admin, a
    response streamed after the middleware returned, code that runs in the same
    process outside requests) without it. Sends a statement only when the value
    in effect must change; while the request is still being identified (loading
    its session and user) it changes nothing.
    """
    connection_ = context["connection"]
    wanted = getattr(connection_, "kexie_statement_timeout", None) or DEFAULT
    if wanted != _UNDECIDED:
        with connection_.wrap_database_errors:
            _apply(connection_, wanted)
    return execute(sql, params, many, context)


class PublicStatementTimeoutMiddleware:
    """Public requests' queries run under the limit; staff and admin requests without it.

    SET rather than a connection option because the same (persistent) connection
    serves staff too. The value in effect is remembered per connection, so
    consecutive public requests pay for the SET once, and a query outside a public
    request RESETs first only when a public one left the limit behind. A request
    that never queries (robots.txt, a page from the cache) sends nothing.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if connection.vendor != "postgresql":
            return self.get_response(request)
        if _enforce not in connection.execute_wrappers:
            connection.execute_wrappers.insert(0, _enforce)
        connection.kexie_statement_timeout = _UNDECIDED
        try:
            timeout = settings.KEXIE_PUBLIC_STATEMENT_TIMEOUT_MS
            public = timeout > 0 and not _exempt(request)
            connection.kexie_statement_timeout = int(timeout) if public else DEFAULT
            return self.get_response(request)
        finally:
            connection.kexie_statement_timeout = None  # outside requests: no limit


# How the busy page learns the site's name without the database that just failed: the
# pages app, which keeps the name in 站点设置, installs its reader (PagesConfig.ready).
_site_name_reader = None


def read_site_name_with(reader):
    global _site_name_reader
    _site_name_reader = reader


def _site_name():
    return _site_name_reader() if _site_name_reader is not None else settings.KEXIE_SITE_NAME


def service_unavailable(request=None):
    # No RequestContext: context processors may query the database that just failed.
    body = loader.render_to_string(
        "503.html", {"site_name": _site_name(), "retry_after": RETRY_AFTER_SECONDS}
    )
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    """handler500: a database that is away or too slow is a 503, not a 500."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        return service_unavailable(request)
    return defaults.server_error(request, template_name=template_name)


def analyze(models, *, using="default"):
    """Refresh the planner's statistics for these models' tables after a bulk load.

    Right after thousands of rows arrive the statistics still describe the old
    table (autovacuum may be late or off) and PostgreSQL can pick a plan that
    takes seconds; ``/search/?q=科`` over 20,000 fresh articles was such a case.
    SQLite's planner reads its own ANALYZE tables the same way.
    """
    from django.db import connections

    connection_ = connections[using]
    if connection_.vendor not in {"postgresql", "sqlite"}:
        return []
    tables = sorted({model._meta.db_table for model in models})
    with connection_.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection_.ops.quote_name(table)}")
    return tables
