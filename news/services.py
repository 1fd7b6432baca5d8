"""
Review workflow (三审): the only code that changes an article's status.

Each transition checks the acting user's permission on the server, changes the
status inside a transaction and records an ArticleEvent, so the admin, admin
actions and any script share one set of rules.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kexie import audit, guard
from kexie.models import AuditEntry
from news.models import Article, ArticleEvent

Status = Article.Status
Action = ArticleEvent.Action

SUBMIT_PERMISSION = "news.submit_article"
PUBLISH_PERMISSION = "news.publish_article"


class TransitionError(ValidationError):
    pass


@dataclass(frozen=True)
class Transition:
    permission: str
    sources: frozenset
    target: str
    action: str
    refused: str
    needs_comment: bool = False


TRANSITIONS = {
    "submit": Transition(
        permission=SUBMIT_PERMISSION,
        sources=frozenset({Status.DRAFT, Status.WITHDRAWN}),
        target=Status.PENDING,
        action=Action.SUBMITTED,
        refused=_lazy("Only drafts and withdrawn articles can be submitted for review."),
    ),
    "publish": Transition(
        permission=PUBLISH_PERMISSION,
        sources=frozenset({Status.DRAFT, Status.PENDING, Status.WITHDRAWN}),
        target=Status.PUBLISHED,
        action=Action.PUBLISHED,
        refused=_lazy("This article is already published."),
    ),
    "send_back": Transition(
        permission=PUBLISH_PERMISSION,
        sources=frozenset({Status.PENDING}),
        target=Status.DRAFT,
        action=Action.SENT_BACK,
        refused=_lazy("Only articles pending review can be sent back."),
        needs_comment=True,
    ),
    "withdraw": Transition(
        permission=PUBLISH_PERMISSION,
        sources=frozenset({Status.PUBLISHED}),
        target=Status.WITHDRAWN,
        action=Action.WITHDRAWN,
        refused=_lazy("Only published articles can be withdrawn."),
    ),
}


def check_transition(name, *, article, user, comment=""):
    """Raise PermissionDenied or TransitionError unless ``user`` may do ``name`` now."""
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise TransitionError(_("Unknown review step."))
    if not user.has_perm(transition.permission):
        raise PermissionDenied(_("You do not have permission to do this."))
    if article.status not in transition.sources:
        raise TransitionError(transition.refused)
    if transition.needs_comment and not comment.strip():
        raise TransitionError(_("Say why the article is sent back, so its editor can fix it."))
    return transition


# Steps after which the public sees the article, or a reviewer is asked to let it.
GUARDED_TARGETS = frozenset({Status.PUBLISHED, Status.PENDING})


def check_banned_terms(article):
    """Refuse (TransitionError naming each term and field) an article with a blocking term."""
    hits = guard.blocking(guard.check(guard.texts_of(article)))
    if hits:
        raise TransitionError(guard.refusal_message(hits), code="banned_term")


@transaction.atomic
def perform_transition(name, *, article, user, comment="", publish_at=None):
    transition = check_transition(name, article=article, user=user, comment=comment)
    if transition.target in GUARDED_TARGETS:
        check_banned_terms(article)
    previous = article.status
    fields = ["status", "updated_by", "updated_at"]
    if transition.target == Status.PUBLISHED:
        article.publish_at = publish_at or article.publish_at or timezone.now()
        fields.append("publish_at")
    article.status = transition.target
    article.updated_by = user
    article.save(update_fields=fields)
    audit.record(
        action=AuditEntry.Action.CONTENT,
        user=user,
        target=f"{article._meta.label_lower} #{article.pk} {article}",
        details={"step": name, "from": previous, "to": article.status, "comment": comment},
    )
    return ArticleEvent.objects.create(
        article=article,
        action=transition.action,
        from_status=previous,
        to_status=article.status,
        user=user,
        comment=comment,
    )


def publish(*, article, user, comment="", publish_at=None):
    return perform_transition(
        "publish", article=article, user=user, comment=comment, publish_at=publish_at
    )


def withdraw(*, article, user, comment=""):
    return perform_transition("withdraw", article=article, user=user, comment=comment)


def record_created(*, article, user):
    return ArticleEvent.objects.create(
        article=article, action=Action.CREATED, to_status=article.status, user=user
    )


def record_edit_after_publishing(*, article, user, comment=""):
    audit.record(
        action=AuditEntry.Action.CONTENT,
        user=user,
        target=f"{article._meta.label_lower} #{article.pk} {article}",
        details={"step": "edited", "from": article.status, "to": article.status},
    )
    return ArticleEvent.objects.create(
        article=article,
        action=Action.EDITED_AFTER_PUBLISHING,
        from_status=article.status,
        to_status=article.status,
        user=user,
        comment=comment,
    )
