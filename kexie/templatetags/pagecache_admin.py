import datetime

from django import template
from django.utils import timezone

from kexie.models import AuditEntry

register = template.Library()

ALERT_DAYS = 7
ALERT_LIMIT = 10


@register.simple_tag(takes_context=True)
def withheld_pages(context):
    """Public pages withheld for a banned term lately, for those who can act on it."""
    user = context["request"].user
    if not (user.has_perm("kexie.view_auditentry") or user.has_perm("news.publish_article")):
        return None
    since = timezone.now() - datetime.timedelta(days=ALERT_DAYS)
    return list(
        AuditEntry.objects.filter(
            action=AuditEntry.Action.PAGE_WITHHELD, created_at__gte=since
        ).only("created_at", "target", "details")[:ALERT_LIMIT]
    )
