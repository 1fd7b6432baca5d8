from pathlib import PurePosixPath

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kexie import guard
from kexie.accounts.names import person_column
from kexie.admin import ReadOnlyAdminMixin, StampedAdminMixin
from news import diff, services
from news.models import (
    Article,
    ArticleEvent,
    ArticleRevision,
    Attachment,
    Category,
    submission_scope,
)
from organizations.models import Organization

Status = Article.Status


@admin.register(Category)
class CategoryAdmin(guard.GuardedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "parent", "slug", "order", "show_on_home"]
    list_editable = ["order", "show_on_home"]
    list_filter = ["parent", "show_on_home"]
    list_select_related = ["parent"]
    search_fields = ["name", "slug"]
    ordering = ["parent__order", "order", "id"]


def becomes_public(data, article):
    """Whether saving this form leaves the article published or pending review."""
    transition = services.TRANSITIONS.get(data.get("_transition", ""))
    if transition is not None:
        return transition.target in services.GUARDED_TARGETS
    return article.pk is not None and article.status in services.GUARDED_TARGETS


class GuardedAttachmentFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        self.guard_warnings = []
        if not becomes_public(self.data, self.instance):
            return
        label = Attachment._meta.get_field("title").verbose_name
        for number, form in enumerate(self.forms, start=1):
            cleaned = getattr(form, "cleaned_data", None) or {}
            if not cleaned or cleaned.get("DELETE"):
                continue
            title = cleaned.get("title") or ""
            upload = cleaned.get("file")
            if not title and upload is not None:
                # An empty title becomes the file's name, which is public too.
                title = PurePosixPath(upload.name).stem
            field = f"{Attachment._meta.verbose_name} {number} {label}"
            hits = guard.check({field: title})
            for hit in guard.blocking(hits):
                form.add_error(
                    "title" if cleaned.get("title") else "file", guard.refusal_message([hit])
                )
            self.guard_warnings.extend(guard.warnings(hits))


class AttachmentInline(admin.TabularInline):
    model = Attachment
    formset = GuardedAttachmentFormSet
    extra = 1
    fields = ["title", "file", "order", "original_name", "size_display"]
    readonly_fields = ["original_name", "size_display"]

    @admin.display(description=_("size"), ordering="size")
    def size_display(self, attachment):
        return filesizeformat(attachment.size) if attachment.size else ""

    # Attachments are public at once: on a published article only a reviewer changes them.
    def _locked(self, request, obj):
        return (
            obj is not None
            and obj.status == Status.PUBLISHED
            and not services.may_publish(request.user)
        )

    def has_add_permission(self, request, obj=None):
        return not self._locked(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._locked(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._locked(request, obj) and super().has_delete_permission(request, obj)


class ArticleEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ArticleEvent
    extra = 0
    fields = ["created_at", "action", "from_status", "to_status", "person", "comment"]
    readonly_fields = fields
    verbose_name_plural = _("review history")
    can_delete = False

    person = person_column("user", _("user"))


class ArticleAdminForm(guard.GuardedFormMixin, forms.ModelForm):
    guarded_fields = [
        "title", "subtitle", "summary", "body", "source", "author", "responsible_editor",
    ]  # fmt: skip

    review_comment = forms.CharField(
        label=_("review comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Recorded in the review history; required when sending an article back or declining it."
        ),
    )
    # The version the form was opened at; a save from an older form is refused.
    opened_version = forms.IntegerField(
        label=_("version"), widget=forms.HiddenInput, required=False
    )

    class Meta:
        model = Article
        fields = [
            "title", "subtitle", "category", "publish_at", "cover", "summary", "body",
            "source", "organization", "author", "responsible_editor", "is_pinned",
            "is_headline",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opened_version"].initial = self.instance.version

    def guard_applies(self):
        return becomes_public(self.data, self.instance)

    def clean(self):
        cleaned = super().clean()
        # The status is changed only by the workflow buttons; a forged field is refused.
        forged = self.data.get("status")
        if forged and forged != (self.instance.status if self.instance.pk else Status.DRAFT):
            raise ValidationError(
                _("The status cannot be set directly; use the review buttons."), code="status"
            )
        if self.instance.pk is not None:
            stored = (
                Article.objects.filter(pk=self.instance.pk)
                .values_list("version", flat=True)
                .first()
            )
            if cleaned.get("opened_version") != stored:
                raise ValidationError(services.STALE_MESSAGE, code="stale")
        name = self.data.get("_transition")
        if name:
            try:
                services.check_transition(
                    name,
                    article=self.instance,
                    user=self.request.user,
                    comment=cleaned.get("review_comment", ""),
                )
            except PermissionDenied as error:
                raise ValidationError(_error_text(error), code="permission") from None
        return cleaned


@admin.register(Article)
class ArticleAdmin(guard.GuardedAdminMixin, StampedAdminMixin, admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = [
        "title",
        "category",
        "status",
        "organization",
        "publish_at",
        "view_count",
        "is_pinned",
        "is_headline",
        "preview_link",
    ]
    list_filter = [
        "status",
        "category",
        ("organization", admin.RelatedOnlyFieldListFilter),
        "publish_at",
        "is_pinned",
        "is_headline",
    ]
    list_select_related = ["category", "category__parent", "organization"]
    search_fields = ["title", "body"]
    date_hierarchy = "publish_at"
    autocomplete_fields = ["category", "organization"]
    readonly_fields = [
        "status",
        "pending_change",
        "view_count",
        "created_at",
        "created_by_name",
        "updated_at",
        "updated_by_name",
    ]
    inlines = [AttachmentInline, ArticleEventInline]
    actions = [
        "publish_selected",
        "decline_selected",
        "withdraw_selected",
        "pin_selected",
        "unpin_selected",
    ]
    # The submitting organization is a reviewer's or editor's field; a 通讯员's articles
    # always carry their own organization (news.services.save_article).
    contributor_readonly_fields = ["organization"]
    fieldsets = [
        (
            None,
            {"fields": ["title", "subtitle", "category", "status", "pending_change", "publish_at"]},
        ),
        (_("Content"), {"fields": ["cover", "summary", "body"]}),
        (_("Credits"), {"fields": ["source", "organization", "author", "responsible_editor"]}),
        (_("Placement"), {"fields": ["is_pinned", "is_headline"]}),
        (_("Review"), {"fields": ["review_comment", "opened_version"]}),
        (
            _("Record"),
            {
                "classes": ["collapse"],
                "fields": [
                    "view_count",
                    "created_at",
                    "created_by_name",
                    "updated_at",
                    "updated_by_name",
                ],
            },
        ),
    ]
    change_form_template = "admin/news/article/change_form.html"

    @admin.display(description=_("preview"))
    def preview_link(self, obj):
        return format_html(
            '<a href="{}" target="_blank">{}</a>', obj.get_preview_url(), _("preview")
        )

    @admin.display(description=_("change waiting for review"))
    def pending_change(self, obj):
        revision = getattr(obj, "pending_revision", None)
        if revision is None and obj.pk and obj.status == Status.PENDING:
            revision = obj.revisions.order_by("-number").first()
        if revision is None:
            return "-"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:news_article_revision", args=[obj.pk, revision.pk]),
            _("Revision %(number)s by %(name)s: see what changed")
            % {"number": revision.number, "name": person(revision.created_by)},
        )

    def view_on_site(self, obj):
        return obj.get_preview_url()

    def has_publish_permission(self, request):
        return services.may_publish(request.user)

    def has_submit_permission(self, request):
        return request.user.has_perm(services.SUBMIT_PERMISSION)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not self.has_publish_permission(request):
            # Where and when the public sees an article is a reviewer's call.
            readonly += services.PLACEMENT_FIELDS
        if self.is_contributor(request):
            readonly += self.contributor_readonly_fields
        return readonly

    # --- 信息报送: a 通讯员 sees and touches only their organization's articles ----

    def is_contributor(self, request):
        return submission_scope(request.user) is not None

    def get_queryset(self, request):
        # Every admin path (list, change, history, actions, search, autocomplete,
        # revisions, review sheet) starts here.
        return super().get_queryset(request).visible_to(request.user)

    def get_list_filter(self, request):
        if self.is_contributor(request):
            return [item for item in self.list_filter if not isinstance(item, tuple)]
        return self.list_filter

    def has_add_permission(self, request):
        # A 通讯员 whose account has no organization cannot write for anyone.
        if self.is_contributor(request) and not submission_scope(request.user):
            return False
        return super().has_add_permission(request)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        scope = submission_scope(request.user)
        if scope and "category" not in initial:
            organization = Organization.objects.filter(pk=scope).first()
            category = Category.objects.default_for(organization)
            if category is not None:
                initial["category"] = category.pk
            elif request.method == "GET":
                self.message_user(
                    request,
                    _(
                        "No category is set to receive submissions from %(kind)s: "
                        "choose the category yourself."
                    )
                    % {"kind": organization.get_kind_display()},
                    messages.WARNING,
                )
        return initial

    def get_object(self, request, object_id, from_field=None):
        article = super().get_object(request, object_id, from_field)
        if article is not None and article.status == Status.PUBLISHED:
            # Whoever opens the article works on the change that waits for review.
            article.pending_revision = (
                article.revisions.filter(status=ArticleRevision.Status.PENDING)
                .order_by("-number")
                .first()
            )
            if article.pending_revision is not None:
                services._apply_data(article, article.pending_revision.data)
        return article

    # --- Saving and the review buttons ---------------------------------------

    def save_model(self, request, obj, form, change):
        # The row is written by services.save_article in save_related, together with
        # the inlines and the review step, so that one call decides what is saved.
        pass

    def save_related(self, request, form, formsets, change):
        outcome = services.save_article(
            article=form.instance,
            user=request.user,
            expected_version=form.cleaned_data.get("opened_version") if change else None,
            step=self._requested_transition(request),
            comment=form.cleaned_data.get("review_comment", ""),
            save_related=lambda: super(ArticleAdmin, self).save_related(
                request, form, formsets, change
            ),
        )
        if outcome.proposed:
            self.message_user(
                request,
                _(
                    "Your change waits for a reviewer; until it is published, "
                    "the public sees the published version."
                ),
                messages.WARNING,
            )
        elif outcome.step:
            self.message_user(request, _transition_message(outcome.step), messages.SUCCESS)

    def construct_change_message(self, request, form, formsets, add=False):
        # A proposed change saves no inline (see services.save_article): nothing to list.
        saved = [formset for formset in formsets if hasattr(formset, "new_objects")]
        return super().construct_change_message(request, form, saved, add)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.request = request  # a fresh class per request: the form checks the review step
        return form

    def _requested_transition(self, request):
        name = request.POST.get("_transition", "")
        return name if name in services.TRANSITIONS else None

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), **self._transition_context(request, object_id)}
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.WorkflowError as error:
            # Raised inside the admin's transaction, which has been rolled back.
            self.message_user(request, _error_text(error), messages.ERROR)
            return HttpResponseRedirect(request.path)

    def _transition_context(self, request, object_id):
        article = self.get_object(request, object_id) if object_id else None
        status = article.status if article else Status.DRAFT
        can_publish = self.has_publish_permission(request)
        can_submit = self.has_submit_permission(request)
        return {
            "can_submit": can_submit and status in services.TRANSITIONS["submit"].sources,
            "can_publish": can_publish and status != Status.PUBLISHED,
            "can_send_back": can_publish and status == Status.PENDING,
            "can_decline": can_publish and status == Status.PENDING,
            "can_withdraw": can_publish and status == Status.PUBLISHED,
            "proposes_change": not can_publish and status == Status.PUBLISHED,
        }

    # --- Revisions, their review, the 审核单 -------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/revisions/",
                view(self.revisions_view),
                name="news_article_revisions",
            ),
            path(
                "<int:pk>/revisions/<int:revision_pk>/",
                view(self.revision_view),
                name="news_article_revision",
            ),
            path(
                "<int:pk>/review-sheet/",
                view(self.review_sheet_view),
                name="news_article_review_sheet",
            ),
            *super().get_urls(),
        ]

    def _article_or_404(self, request, pk):
        article = (
            self.get_queryset(request).select_related("category__parent").filter(pk=pk).first()
        )
        if article is None or not self.has_view_permission(request, article):
            raise Http404
        return article

    def revisions_view(self, request, pk):
        article = self._article_or_404(request, pk)
        revisions = article.revisions.select_related("created_by", "reviewed_by")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Revisions of “%(title)s”") % {"title": article.title},
            "article": article,
            "revisions": revisions,
            "approved_fingerprint": article.approved_fingerprint,
        }
        return TemplateResponse(request, "admin/news/article/revisions.html", context)

    def revision_view(self, request, pk, revision_pk):
        article = self._article_or_404(request, pk)
        revision = get_object_or_404(
            article.revisions.select_related("created_by", "reviewed_by"), pk=revision_pk
        )
        if request.method == "POST":
            return self._revision_step(request, article, revision)
        base = article.approved_revision() if article.is_approved else None
        if base is None or base.pk == revision.pk:
            base = article.revisions.filter(number__lt=revision.number).order_by("-number").first()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Revision %(number)s of “%(title)s”")
            % {"number": revision.number, "title": article.title},
            "article": article,
            "revision": revision,
            "base": base,
            "changes": diff.compare(base.data if base else {}, revision.data),
            "can_review": self.has_publish_permission(request)
            and revision.status == ArticleRevision.Status.PENDING,
            "can_restore": self.has_change_permission(request, article),
        }
        return TemplateResponse(request, "admin/news/article/revision.html", context)

    def _revision_step(self, request, article, revision):
        step = request.POST.get("_step")
        comment = request.POST.get("review_comment", "")
        steps = {
            "publish": lambda: services.publish_revision(
                revision=revision, user=request.user, comment=comment
            ),
            "send_back": lambda: services.send_back_revision(
                revision=revision, user=request.user, comment=comment
            ),
            "restore": lambda: services.restore_revision(revision=revision, user=request.user),
        }
        if step not in steps:
            raise PermissionDenied
        try:
            steps[step]()
        except services.WorkflowError as error:
            self.message_user(request, _error_text(error), messages.ERROR)
            return HttpResponseRedirect(request.path)
        self.message_user(request, _revision_message(step), messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:news_article_change", args=[article.pk]))

    def review_sheet_view(self, request, pk):
        article = self._article_or_404(request, pk)
        events = article.events.select_related("user", "revision").order_by("created_at", "id")
        submitted = events.filter(action=ArticleEvent.Action.SUBMITTED).last()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Review sheet"),
            "article": article,
            "events": events,
            "submitted": submitted,
            "created_by": article.created_by,
            "approved_revision": article.approved_revision(),
        }
        return TemplateResponse(request, "admin/news/article/review_sheet.html", context)

    # --- List actions ----------------------------------------------------------

    def _run_transition(self, request, queryset, transition, done_message):
        done = 0
        for article in queryset:
            try:
                transition(article=article, user=request.user)
            except ValidationError as error:
                self.message_user(request, f"{article}: {_error_text(error)}", messages.WARNING)
            else:
                done += 1
        if done:
            self.message_user(request, done_message(done), messages.SUCCESS)

    @admin.action(description=_("Publish selected articles"), permissions=["publish"])
    def publish_selected(self, request, queryset):
        self._run_transition(
            request,
            queryset,
            services.publish,
            lambda n: (
                ngettext("%(n)d article published.", "%(n)d articles published.", n) % {"n": n}
            ),
        )

    @admin.action(description=_("Decline selected submissions"), permissions=["publish"])
    def decline_selected(self, request, queryset):
        """不予采用 in bulk: a page asks for the one reason recorded on each article."""
        reason = request.POST.get("review_comment", "").strip()
        if request.POST.get("confirm") and reason:
            self._run_transition(
                request,
                queryset,
                lambda **kw: services.decline(**kw, comment=reason),
                lambda n: (
                    ngettext("%(n)d submission declined.", "%(n)d submissions declined.", n)
                    % {"n": n}
                ),
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Decline submissions"),
            "articles": queryset.select_related("organization"),
            "action": "decline_selected",
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "missing_reason": bool(request.POST.get("confirm")),
        }
        return TemplateResponse(request, "admin/news/article/decline_selected.html", context)

    @admin.action(description=_("Withdraw selected articles"), permissions=["publish"])
    def withdraw_selected(self, request, queryset):
        self._run_transition(
            request,
            queryset,
            services.withdraw,
            lambda n: (
                ngettext("%(n)d article withdrawn.", "%(n)d articles withdrawn.", n) % {"n": n}
            ),
        )

    @admin.action(description=_("Pin selected articles"), permissions=["publish"])
    def pin_selected(self, request, queryset):
        self._run_transition(
            request,
            queryset,
            lambda **kw: services.set_placement(**kw, is_pinned=True),
            lambda n: ngettext("%(n)d article pinned.", "%(n)d articles pinned.", n) % {"n": n},
        )

    @admin.action(description=_("Unpin selected articles"), permissions=["publish"])
    def unpin_selected(self, request, queryset):
        self._run_transition(
            request,
            queryset,
            lambda **kw: services.set_placement(**kw, is_pinned=False),
            lambda n: ngettext("%(n)d article unpinned.", "%(n)d articles unpinned.", n) % {"n": n},
        )


@admin.register(ArticleEvent)
class ArticleEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "created_at",
        "article",
        "action",
        "from_status",
        "to_status",
        "person",
        "comment",
    ]
    list_filter = ["action", "created_at"]
    list_select_related = ["article", "user"]
    search_fields = ["article__title", "comment", "user__username", "user__first_name"]
    date_hierarchy = "created_at"

    person = person_column("user", _("user"))

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("news.view_articleevent") or request.user.has_perm(
            "news.view_article"
        )

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if submission_scope(request.user) is None:
            return queryset
        return queryset.filter(article__in=Article.objects.visible_to(request.user))


def _error_text(error):
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or str(_("You do not have permission to do this."))


def _revision_message(step):
    return {
        "publish": _("The change was published."),
        "send_back": _("The change was sent back to its editor."),
        "restore": _("The earlier revision was restored as a new revision."),
    }[step]


def person(user):
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _transition_message(name):
    return {
        "submit": _("The article was submitted for review."),
        "publish": _("The article was published."),
        "send_back": _("The article was sent back to its editor."),
        "decline": _("The submission was declined."),
        "withdraw": _("The article was withdrawn."),
    }[name]


# The statistics reports (阅读统计, 报送统计) register their own admin pages.
from news import reading_admin, submission_admin  # noqa: E402, F401
