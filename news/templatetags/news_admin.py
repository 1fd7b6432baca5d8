from django import template

from news.models import Article

register = template.Library()

WAITING_LIMIT = 10


@register.simple_tag(takes_context=True)
def articles_waiting_for_review(context):
    """What waits for the signed-in reviewer: pending articles, oldest first."""
    user = context["request"].user
    if not user.has_perm("news.publish_article"):
        return None
    pending = Article.objects.pending_review().select_related("category", "updated_by")
    return {
        "count": pending.count(),
        "articles": list(pending.order_by("updated_at")[:WAITING_LIMIT]),
    }
