"""
Request-wide security plumbing: the request the audit log attributes changes to,
and the Content-Security-Policy chosen by area (public site, admin, editor).
"""

from contextvars import ContextVar

from csp.middleware import CSPMiddleware
from django.conf import settings

_current_request = ContextVar("kexie_current_request", default=None)


def current_request():
    """The request being handled, for audit records written by model signals."""
    return _current_request.get()


class CurrentRequestMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)
            # Refusals raised inside a transaction that then rolled back.
            from kexie.audit import write_deferred

            write_deferred(request)


EDITOR_MARKER = b'data-type="ckeditortype"'


class AreaCSPMiddleware(CSPMiddleware):
    """Public pages get the strict policy of settings.CONTENT_SECURITY_POLICY.

    The admin gets KEXIE_ADMIN_CSP (inline styles, data: and blob: images for
    upload previews) and only pages that carry the CKEditor 4 widget get
    KEXIE_EDITOR_CSP: CKEditor 4 wires its toolbar with inline event handlers
    and writes inline script into its editing frame, which no policy without
    'unsafe-inline' scripts allows.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if report_only or parts.config is not None:
            return parts
        admin_prefix = getattr(settings, "KEXIE_ADMIN_URL_PREFIX", "/admin/")
        if request.path_info.startswith(admin_prefix):
            parts.config = settings.KEXIE_ADMIN_CSP
            streaming = getattr(response, "streaming", False)
            if not streaming and EDITOR_MARKER in getattr(response, "content", b""):
                parts.config = settings.KEXIE_EDITOR_CSP
        return parts
