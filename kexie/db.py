"""
The database under load or away: time limits for public requests and a Chinese 503 page.

Public requests on PostgreSQL run under ``statement_timeout``
(KEXIE_PUBLIC_STATEMENT_TIMEOUT_MS): one slow query (stale statistics, a deep
search page) must end in seconds instead of holding an app server worker until
gunicorn kills it. Staff and the admin keep no limit, and neither do management
commands, which never pass through this middleware.

Any OperationalError or InterfaceError that reaches Django's 500 handler (a
query cancelled by that limit, the database restarting or down) is answered
with the 503 page instead: it says in Chinese that the site is busy, asks the
browser to retry, and renders without touching the database.
"""

import logging
import sys

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse
from django.template import loader
from django.views import defaults

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 10


def _exempt(request):
    admin_prefix = getattr(settings, "KEXIE_ADMIN_URL_PREFIX", "/admin/")
    if request.path_info.startswith(admin_prefix):
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_staff)


class _PublicLimit:
    """Query wrapper that sets the limit just before the request's first query.

    A request that never queries (robots.txt, a page from the cache) opens no
    connection for it. The SET goes straight to the DB-API cursor, as Django's own
    time-zone setup does: it configures the connection and is not one of the
    page's queries (the query budgets count those).
    """

    def __init__(self, timeout):
        self.timeout = int(timeout)
        self.applied = False

    def __call__(self, execute, sql, params, many, context):
        if not self.applied:
            self.applied = True
            with context["connection"].connection.cursor() as cursor:
                cursor.execute(f"SET statement_timeout = {self.timeout}")
        return execute(sql, params, many, context)


class PublicStatementTimeoutMiddleware:
    """Public requests' queries run under the limit; the connection goes back without it.

    SET and RESET rather than a connection option because the same (persistent)
    connection serves staff and management commands too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timeout = settings.KEXIE_PUBLIC_STATEMENT_TIMEOUT_MS
        if connection.vendor != "postgresql" or timeout <= 0 or _exempt(request):
            return self.get_response(request)
        limit = _PublicLimit(timeout)
        try:
            with connection.execute_wrapper(limit):
                return self.get_response(request)
        finally:
            if limit.applied:
                self._reset()

    def _reset(self):
        try:
            with connection.wrap_database_errors, connection.connection.cursor() as cursor:
                cursor.execute("RESET statement_timeout")
        except (DatabaseError, AttributeError):
            # Never hand a connection with the public limit to the next request.
            logger.warning("Could not reset statement_timeout; closing the connection")
            connection.close()


def service_unavailable(request=None):
    # No RequestContext: context processors may query the database that just failed.
    body = loader.render_to_string(
        "503.html", {"site_name": settings.KEXIE_SITE_NAME, "retry_after": RETRY_AFTER_SECONDS}
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
