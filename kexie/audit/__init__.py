"""The one way to write the audit log."""

from kexie.accounts.addresses import client_address
from kexie.middleware import current_request
from kexie.models import AuditEntry


def record(
    *, action, request=None, user=None, username="", target="", details=None, ip_address=None
):
    # Code without a request in hand (services, model signals) is attributed to
    # the request being handled, if there is one.
    if request is None:
        request = current_request()
    request_user = getattr(request, "user", None)
    if user is None and request_user is not None and request_user.is_authenticated:
        user = request_user
    if user is not None and not username:
        username = user.get_username()
    return AuditEntry.objects.create(
        action=action,
        user=user,
        username=username[:150],
        # The real client behind our trusted proxies: the address the lockout counts.
        ip_address=ip_address or client_address(request),
        target=str(target)[:255],
        details=details or {},
    )


def defer(request, **entry):
    """Record once the request is done: for a refusal raised inside a transaction.

    The exception that refuses rolls the transaction back, and an entry written
    in it with it; CurrentRequestMiddleware writes deferred entries at the end.
    """
    request.__dict__.setdefault("_kexie_deferred_audit", []).append(entry)


def write_deferred(request):
    for entry in request.__dict__.pop("_kexie_deferred_audit", []):
        record(request=request, **entry)
