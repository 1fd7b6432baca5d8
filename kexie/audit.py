"""The one way to write the audit log."""

from kexie.models import AuditEntry


def client_ip(request):
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record(*, action, request=None, user=None, username="", target="", details=None):
    if user is None and request is not None and request.user.is_authenticated:
        user = request.user
    if user is not None and not username:
        username = user.get_username()
    return AuditEntry.objects.create(
        action=action,
        user=user,
        username=username[:150],
        ip_address=client_ip(request),
        target=str(target)[:255],
        details=details or {},
    )
