"""
Review workflow (三审): the only code that changes an article's status or its public content.

Each call checks the acting user's permission on the server, locks the article row
(``select_for_update``) inside one transaction, and records an ArticleEvent and an
audit entry, so the admin form, its buttons, list actions and any script share one
set of rules. Someone who may not publish never changes a published row: their edit
becomes a pending ArticleRevision that a reviewer publishes or sends back.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kexie import audit, guard
from kexie.models import AuditEntry
from news import integrity
from news.models import Article, ArticleEvent, ArticleRevision, submission_scope
from news.signals import public_content_changed

Status = Article.Status
Action = ArticleEvent.Action
RevisionStatus = ArticleRevision.Status

SUBMIT_PERMISSION = "news.submit_article"
PUBLISH_PERMISSION = "news.publish_article"
CHANGE_PERMISSION = "news.change_article"

# Fields that decide where and when the public sees an article: a reviewer's call.
PLACEMENT_FIELDS = ("publish_at", "is_pinned", "is_headline")


class WorkflowError(ValidationError):
    """A refused workflow step; the admin shows its message and nothing is written."""


class TransitionError(WorkflowError):
    pass


class StaleEdit(WorkflowError):
    pass


class NotAllowed(WorkflowError):
    pass


@dataclass(frozen=True)
class Transition:
    permission: str
    sources: frozenset
    target: str
    action: str
    refused: str
    needs_comment: bool = False
    comment_required: str = ""


TRANSITIONS = {
    "submit": Transition(
        permission=SUBMIT_PERMISSION,
        sources=frozenset({Status.DRAFT, Status.RETURNED, Status.WITHDRAWN}),
        target=Status.PENDING,
        action=Action.SUBMITTED,
        refused=gettext_lazy(
            "Only drafts, returned and withdrawn articles can be submitted for review."
        ),
    ),
    # A reviewer may still publish a declined article (信息报送: they changed their mind).
    "publish": Transition(
        permission=PUBLISH_PERMISSION,
        sources=frozenset(
            {Status.DRAFT, Status.RETURNED, Status.PENDING, Status.WITHDRAWN, Status.DECLINED}
        ),
        target=Status.PUBLISHED,
        action=Action.PUBLISHED,
        refused=gettext_lazy("This article is already published."),
    ),
    "send_back": Transition(
        permission=PUBLISH_PERMISSION,
        sources=frozenset({Status.PENDING}),
        target=Status.RETURNED,
        action=Action.SENT_BACK,
        refused=gettext_lazy("Only articles pending review can be sent back."),
        needs_comment=True,
        comment_required=gettext_lazy(
            "Say why the article is sent back, so its editor can fix it."
        ),
    ),
    # 信息报送: a submission that will not be used. Final for its writer (a declined
    # article cannot be submitted again); a reviewer may still publish it.
    "decline": Transition(
        permission=PUBLISH_PERMISSION,
        sources=frozenset({Status.PENDING}),
        target=Status.DECLINED,
        action=Action.DECLINED,
        refused=gettext_lazy("Only articles pending review can be declined."),
        needs_comment=True,
        comment_required=gettext_lazy(
            "Say why the article is declined, so its organization knows."
        ),
    ),
    "withdraw": Transition(
        permission=PUBLISH_PERMISSION,
        sources=frozenset({Status.PUBLISHED}),
        target=Status.WITHDRAWN,
        action=Action.WITHDRAWN,
        refused=gettext_lazy("Only published articles can be withdrawn."),
    ),
}

# Steps after which the public sees the article, or a reviewer is asked to let it.
GUARDED_TARGETS = frozenset({Status.PUBLISHED, Status.PENDING})

STALE_MESSAGE = gettext_lazy(
    "Someone else changed this article after you opened it. Nothing was saved: "
    "open the article again to see their change, then make yours."
)


def may_publish(user):
    return user.has_perm(PUBLISH_PERMISSION)


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
        raise TransitionError(str(transition.comment_required))
    return transition


OTHER_ORGANIZATION = gettext_lazy(
    "This article belongs to another organization: a 通讯员 works only on the articles "
    "of their own organization."
)
NO_ORGANIZATION = gettext_lazy(
    "Your account has no organization, so you cannot write articles for 信息报送. "
    "Ask a site administrator to set your organization."
)


def check_scope(article, user):
    """Refuse (NotAllowed) a 通讯员 acting on another organization's article.

    Every step below calls this on the stored row, so no request (form, button, list
    action, revision page, script) reaches around the admin's scoped lists.
    """
    if not article.is_visible_to(user):
        raise NotAllowed(OTHER_ORGANIZATION, code="scope")


def submitting_organization_id(user):
    """For a new article: the 通讯员's own organization (never the form's); None for others."""
    scope = submission_scope(user)
    if scope is None:
        return None
    if not scope:
        raise NotAllowed(NO_ORGANIZATION, code="no_organization")
    return scope


def check_banned_terms(article):
    """Refuse (TransitionError naming each term and field) an article with a blocking term."""
    hits = guard.blocking(guard.check(guard.texts_of(article)))
    if hits:
        raise TransitionError(guard.refusal_message(hits), code="banned_term")


def _lock(article_or_pk):
    pk = getattr(article_or_pk, "pk", article_or_pk)
    return Article.objects.select_for_update().get(pk=pk)


def _allowed(check):
    """Run a check that raises PermissionDenied as one that raises NotAllowed."""
    try:
        return check()
    except PermissionDenied as error:
        raise NotAllowed(str(error) or _("You do not have permission to do this.")) from None


# Steps after which the public sees something else (proposals and send-backs change nothing).
PUBLIC_ACTIONS = frozenset(
    {Action.PUBLISHED, Action.WITHDRAWN, Action.EDITED_AFTER_PUBLISHING, Action.CHANGE_PUBLISHED}
)


def _announce(article):
    """Tell receivers, once the transaction has committed, that the public view changed."""
    article_id = article.pk
    transaction.on_commit(
        lambda: public_content_changed.send(sender=Article, article_id=article_id)
    )


def _record(*, article, user, action, previous, comment="", revision=None, step=None):
    if action in PUBLIC_ACTIONS:
        _announce(article)
    audit.record(
        action=AuditEntry.Action.CONTENT,
        user=user,
        target=f"{article._meta.label_lower} #{article.pk} {article}",
        details={
            "step": step or action,
            "from": previous,
            "to": article.status,
            "comment": comment,
            **({"revision": revision.number} if revision else {}),
        },
    )
    return ArticleEvent.objects.create(
        article=article,
        action=action,
        from_status=previous,
        to_status=article.status,
        user=user,
        comment=comment,
        revision=revision,
    )


# --- Saving the article form ----------------------------------------------------


@dataclass(frozen=True)
class SaveOutcome:
    article: Article
    proposed: bool  # the edit waits for review; the public row is untouched
    revision: ArticleRevision | None
    step: str | None


@transaction.atomic
def save_article(*, article, user, expected_version=None, step=None, comment="", save_related=None):
    """Everything one save of the article form does, in one transaction.

    ``article`` carries the form's values (unsaved). ``expected_version`` is the
    version the form was opened at: a save from a stale form is refused. For a user
    who may not publish, the placement fields keep their stored values and an edit to
    a published article becomes a pending revision. ``save_related`` (the admin's
    inline formsets) runs after the row is saved. ``step`` is a review step to take
    right after saving (submit, publish, send back, withdraw).
    """
    current = None
    if article.pk is not None:
        current = _lock(article)
        check_scope(current, user)
        if expected_version != current.version:
            raise StaleEdit(STALE_MESSAGE, code="stale")
        if submission_scope(user) is not None:
            article.organization_id = current.organization_id
    else:
        organization_id = submitting_organization_id(user)
        if organization_id is not None:
            article.organization_id = organization_id
    state = current or Article(status=Status.DRAFT)
    transition = None
    if step:
        transition = _allowed(
            lambda: check_transition(step, article=state, user=user, comment=comment)
        )
    publisher = may_publish(user)
    # Status, approval and placement are the server's, whatever the form held.
    for name in ("status", "view_count", "version", "approved_digests", "approved_fingerprint"):
        setattr(article, name, getattr(state, name))
    if not publisher:
        for name in PLACEMENT_FIELDS:
            setattr(article, name, getattr(state, name))

    if current is not None and current.status == Status.PUBLISHED and not publisher:
        cover = article.cover
        if cover and not getattr(cover, "_committed", True):
            # A new cover is stored now and its thumbnail made when the change is approved.
            cover.save(cover.name, cover.file, save=False)
            article.cover_thumbnail = ""
        revision = propose_change(article=current, data=integrity.snapshot(article), user=user)
        return SaveOutcome(current, proposed=True, revision=revision, step=None)

    was_live = current is not None and current.status == Status.PUBLISHED
    if current is None:
        article.created_by = user
    article.updated_by = user
    article.save()
    if save_related is not None:
        save_related()
    revision = article.revisions.order_by("-number").first()
    if current is None:
        ArticleEvent.objects.create(
            article=article, action=Action.CREATED, to_status=article.status, user=user
        )
    if transition is not None:
        _apply(transition, step, article=article, user=user, comment=comment)
    elif was_live:
        _record(
            article=article,
            user=user,
            action=Action.EDITED_AFTER_PUBLISHING,
            previous=Status.PUBLISHED,
            comment=comment,
            revision=revision,
            step="edited",
        )
    if was_live:
        # What was proposed has been looked at: applied in this save, or overridden.
        article.revisions.filter(status=RevisionStatus.PENDING).update(
            status=RevisionStatus.SUPERSEDED
        )
    return SaveOutcome(article, proposed=False, revision=revision, step=step)


# --- Status changes ---------------------------------------------------------------


def _apply(transition, name, *, article, user, comment="", publish_at=None):
    previous = article.status
    fields = ["status", "updated_by", "updated_at"]
    if transition.target == Status.PUBLISHED:
        article.publish_at = publish_at or article.publish_at or timezone.now()
        fields.append("publish_at")
    article.status = transition.target
    article.updated_by = user
    if transition.target in GUARDED_TARGETS:
        check_banned_terms(article)
    article.save(update_fields=fields)
    revision = article.revisions.order_by("-number").first()
    return _record(
        article=article,
        user=user,
        action=transition.action,
        previous=previous,
        comment=comment,
        revision=revision,
        step=name,
    )


@transaction.atomic
def perform_transition(name, *, article, user, comment="", publish_at=None):
    """Take one review step on the stored article (list actions, scripts)."""
    current = _lock(article)
    check_scope(current, user)
    transition = check_transition(name, article=current, user=user, comment=comment)
    event = _apply(
        transition, name, article=current, user=user, comment=comment, publish_at=publish_at
    )
    article.refresh_from_db()
    return event


def publish(*, article, user, comment="", publish_at=None):
    return perform_transition(
        "publish", article=article, user=user, comment=comment, publish_at=publish_at
    )


def withdraw(*, article, user, comment=""):
    return perform_transition("withdraw", article=article, user=user, comment=comment)


def send_back(*, article, user, comment):
    return perform_transition("send_back", article=article, user=user, comment=comment)


def decline(*, article, user, comment):
    return perform_transition("decline", article=article, user=user, comment=comment)


@transaction.atomic
def set_placement(*, article, user, **placement):
    """Pin, unpin or feature an article: a reviewer's call, approved as it is saved."""
    if not may_publish(user):
        raise NotAllowed(_("You do not have permission to do this."))
    current = _lock(article)
    check_scope(current, user)
    unknown = set(placement) - set(PLACEMENT_FIELDS)
    if unknown:
        raise TransitionError(_("Unknown review step."))
    for name, value in placement.items():
        setattr(current, name, value)
    current.updated_by = user
    current.save(update_fields=[*placement, "updated_by", "updated_at"])
    if current.status == Status.PUBLISHED:
        _record(
            article=current,
            user=user,
            action=Action.EDITED_AFTER_PUBLISHING,
            previous=current.status,
            step="placement",
        )
    return current


# --- Proposed changes to published articles -------------------------------------


def propose_change(*, article, data, user, restored_from=None):
    """Store ``data`` as a pending revision of the (locked, published) ``article``."""
    number = (article.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
    revision = ArticleRevision.objects.create(
        article=article,
        number=number,
        status=RevisionStatus.PENDING,
        data=data,
        fingerprint=integrity.fingerprint_of_data(data),
        created_by=user,
        restored_from=restored_from,
    )
    # A newer proposal replaces the ones before it: the reviewer decides on the latest.
    article.revisions.filter(status=RevisionStatus.PENDING).exclude(pk=revision.pk).update(
        status=RevisionStatus.SUPERSEDED
    )
    # The version moves on so that forms opened before this proposal are stale; the
    # public fields are untouched, so the row is not saved.
    Article.objects.filter(pk=article.pk).update(version=F("version") + 1)
    article.version += 1
    _record(
        article=article,
        user=user,
        action=Action.RESTORED if restored_from else Action.PROPOSED,
        previous=article.status,
        revision=revision,
    )
    return revision


def _apply_data(article, data):
    for name, value in data.items():
        if name == "publish_at" and value:
            value = datetime.datetime.fromisoformat(value)
        setattr(article, name, value)


def _locked_revision(revision, user):
    article = _lock(revision.article_id)
    check_scope(article, user)
    revision = ArticleRevision.objects.select_for_update().get(pk=revision.pk)
    return article, revision


def _revision_for_review(revision, user):
    """The locked article and revision, if ``user`` may decide on it and it is still open."""
    if not may_publish(user):
        raise NotAllowed(_("You do not have permission to do this."))
    article, revision = _locked_revision(revision, user)
    if revision.status != RevisionStatus.PENDING:
        raise TransitionError(_("This change has already been handled."))
    return article, revision


@transaction.atomic
def publish_revision(*, revision, user, comment=""):
    """A reviewer publishes a proposed change: it becomes the approved, public content."""
    article, revision = _revision_for_review(revision, user)
    if article.status != Status.PUBLISHED:
        raise TransitionError(_("Only changes to published articles wait here for review."))
    _apply_data(article, revision.data)
    check_banned_terms(article)
    article.updated_by = user
    revision.comment = comment
    article.save(revision=revision)
    article.revisions.filter(status=RevisionStatus.PENDING).update(status=RevisionStatus.SUPERSEDED)
    _record(
        article=article,
        user=user,
        action=Action.CHANGE_PUBLISHED,
        previous=Status.PUBLISHED,
        comment=comment,
        revision=revision,
    )
    return revision


@transaction.atomic
def send_back_revision(*, revision, user, comment):
    if not comment.strip():
        raise TransitionError(_("Say why the article is sent back, so its editor can fix it."))
    article, revision = _revision_for_review(revision, user)
    revision.status = RevisionStatus.RETURNED
    revision.comment = comment
    revision.reviewed_by = user
    revision.reviewed_at = timezone.now()
    revision.save()
    Article.objects.filter(pk=article.pk).update(version=F("version") + 1)
    _record(
        article=article,
        user=user,
        action=Action.CHANGE_SENT_BACK,
        previous=article.status,
        comment=comment,
        revision=revision,
    )
    return revision


@transaction.atomic
def restore_revision(*, revision, user):
    """Bring back an earlier revision's content, as a new revision that is reviewed as usual.

    On a published article it becomes a pending change; on any other it becomes the
    working copy (the article keeps its status: a pending article stays pending).
    """
    if not user.has_perm(CHANGE_PERMISSION):
        raise NotAllowed(_("You do not have permission to do this."))
    article, revision = _locked_revision(revision, user)
    if article.status == Status.PUBLISHED:
        return propose_change(
            article=article, data=dict(revision.data), user=user, restored_from=revision
        )
    previous = article.status
    _apply_data(article, revision.data)
    if previous in GUARDED_TARGETS:
        check_banned_terms(article)
    article.updated_by = user
    article.save()
    restored = article.revisions.order_by("-number").first()
    if restored.pk != revision.pk:
        restored.restored_from = revision
        restored.save(update_fields=["restored_from"])
    _record(
        article=article, user=user, action=Action.RESTORED, previous=previous, revision=restored
    )
    return restored


# --- Content loaded in bulk -------------------------------------------------------


@transaction.atomic
def approve_loaded(queryset):
    """Approve published rows written with ``bulk_create`` (benchmarks, bulk loaders).

    bulk_create bypasses save(), so such rows carry no approval and the public pages
    would not serve them. This records each one's first revision and its approval, in
    a fixed number of queries per thousand rows. Returns the number approved.
    """
    articles = list(queryset.filter(status=Status.PUBLISHED, approved_fingerprint=""))
    revisions = []
    for article in articles:
        article.approved_digests, article.approved_fingerprint = integrity.approval_of(article)
        data = integrity.snapshot(article)
        revisions.append(
            ArticleRevision(
                article=article,
                number=1,
                status=RevisionStatus.APPROVED,
                data=data,
                fingerprint=article.approved_fingerprint,
                reviewed_at=timezone.now(),
            )
        )
    Article.objects.bulk_update(
        articles, ["approved_digests", "approved_fingerprint"], batch_size=1000
    )
    ArticleRevision.objects.filter(article__in=[a.pk for a in articles]).delete()
    ArticleRevision.objects.bulk_create(revisions, batch_size=1000)
    return len(articles)
