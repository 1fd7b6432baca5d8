from django import template
from django.db.models import Count, Exists, OuterRef, Q, Subquery

from news.models import (
    Article,
    ArticleEvent,
    ArticleRevision,
    Attachment,
    TamperAlert,
    submission_scope,
)
from news.tamper import ATTACHMENT_PREFIX
from organizations.models import Organization

register = template.Library()

WAITING_LIMIT = 10
RETURNED_LIMIT = 10
ALERT_LIMIT = 20


@register.filter
def person(user):
    """A person's name where staff read it; the user name when no name is recorded."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


@register.simple_tag(takes_context=True)
def articles_waiting_for_review(context):
    """What waits for the signed-in reviewer: pending articles and changes, oldest first."""
    user = context["request"].user
    if not user.has_perm("news.publish_article"):
        return None
    pending = Article.objects.pending_review().select_related("category", "updated_by")
    return {
        "count": pending.count(),
        "articles": list(pending.order_by("updated_at")[:WAITING_LIMIT]),
    }


@register.simple_tag(takes_context=True)
def sent_back_to_me(context):
    """Articles and changes a reviewer sent back to the signed-in editor, with the reason."""
    user = context["request"].user
    if not user.has_perm("news.change_article"):
        return None
    last_reason = (
        ArticleEvent.objects.filter(article=OuterRef("pk"), action=ArticleEvent.Action.SENT_BACK)
        .order_by("-created_at", "-id")
        .values("comment")[:1]
    )
    submitted_by_me = ArticleEvent.objects.filter(
        article=OuterRef("pk"), action=ArticleEvent.Action.SUBMITTED, user=user
    )
    articles = (
        Article.objects.visible_to(user)
        .filter(status=Article.Status.RETURNED)
        .filter(Q(created_by=user) | Exists(submitted_by_me))
        .annotate(reason=Subquery(last_reason))
        .select_related("category")
        .order_by("-updated_at")[:RETURNED_LIMIT]
    )
    later = ArticleRevision.objects.filter(
        article=OuterRef("article"), number__gt=OuterRef("number")
    )
    changes = (
        ArticleRevision.objects.filter(status=ArticleRevision.Status.RETURNED, created_by=user)
        .filter(article__in=Article.objects.visible_to(user))
        .exclude(Exists(later))
        .select_related("article", "reviewed_by")
        .order_by("-reviewed_at")[:RETURNED_LIMIT]
    )
    return {"articles": list(articles), "changes": list(changes)}


@register.simple_tag(takes_context=True)
def tamper_alerts(context):
    """Published articles changed outside the workflow that still do not match their approval."""
    user = context["request"].user
    if not (user.has_perm("news.publish_article") or user.has_perm("kexie.view_auditentry")):
        return None
    alerts = list(
        TamperAlert.objects.select_related("article", "attachment").order_by("-detected_at")[
            :ALERT_LIMIT
        ]
    )
    open_alerts = []
    seen = set()
    for alert in alerts:
        changed = alert.attachment or alert.article  # the row the alert is about
        if (alert.article_id, alert.attachment_id) in seen:
            continue
        seen.add((alert.article_id, alert.attachment_id))
        if not (alert.article.is_approved or alert.article.status == "published"):
            continue
        fields = changed.approval_problems()
        if fields:
            prefix = ATTACHMENT_PREFIX if alert.attachment_id else ""
            alert.current_fields = [prefix + name for name in fields]
            open_alerts.append(alert)
    return open_alerts


@register.filter
def field_labels(names):
    """Field names of an alert as staff read them (``attachments.title``: 附件标题)."""
    labels = []
    for name in names:
        model, label = Article, ""
        if name.startswith(ATTACHMENT_PREFIX):
            model, label = Attachment, str(Attachment._meta.verbose_name)
            name = name.removeprefix(ATTACHMENT_PREFIX)
        field = model._meta.get_field(name.removesuffix("_id"))
        labels.append(label + str(field.verbose_name))
    return "、".join(labels)


SUBMISSIONS_SHOWN = 10


@register.simple_tag(takes_context=True)
def my_submissions(context):
    """A 通讯员's dashboard (我的报送): their organization's articles by state and the latest ones.

    Each latest article carries the reviewer's reason when it was sent back or
    declined. Three queries, however many articles there are.
    """
    user = context["request"].user
    scope = submission_scope(user)
    if scope is None:
        return None
    if not scope:
        return {"no_organization": True}
    articles = Article.objects.visible_to(user)
    counts = dict(
        articles.order_by().values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    reason = (
        ArticleEvent.objects.filter(
            article=OuterRef("pk"),
            action__in=[ArticleEvent.Action.SENT_BACK, ArticleEvent.Action.DECLINED],
        )
        .order_by("-created_at", "-id")
        .values("comment")[:1]
    )
    latest = (
        articles.select_related("category", "organization")
        .defer("body")
        .annotate(reason=Subquery(reason))
        .order_by("-updated_at", "-id")[:SUBMISSIONS_SHOWN]
    )
    return {
        "organization": Organization.objects.filter(pk=scope).only("name").first(),
        "states": [
            {"status": value, "label": label, "count": counts.get(value, 0)}
            for value, label in Article.Status.choices
        ],
        "articles": list(latest),
    }


@register.simple_tag(takes_context=True)
def pending_submissions(context):
    """For reviewers and editors: how many submissions from organizations wait for review."""
    user = context["request"].user
    if submission_scope(user) is not None or not user.has_perm("news.change_article"):
        return None
    return Article.objects.filter(status=Article.Status.PENDING, organization__isnull=False).count()
