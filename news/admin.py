from pathlib import PurePosixPath

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kexie import guard
from kexie.accounts.names import person_column
from kexie.admin import ReadOnlyAdminMixin, StampedAdminMixin
from news import services
from news.models import Article, ArticleEvent, Attachment, Category

Status = Article.Status


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
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
        help_text=_("Recorded in the review history; required when sending an article back."),
    )

    class Meta:
        model = Article
        fields = [
            "title", "subtitle", "category", "publish_at", "cover", "summary", "body",
            "source", "author", "responsible_editor", "is_pinned", "is_headline",
        ]  # fmt: skip

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
        "publish_at",
        "view_count",
        "is_pinned",
        "is_headline",
        "preview_link",
    ]
    list_filter = ["status", "category", "publish_at", "is_pinned", "is_headline"]
    list_select_related = ["category", "category__parent"]
    search_fields = ["title", "body"]
    date_hierarchy = "publish_at"
    autocomplete_fields = ["category"]
    readonly_fields = [
        "status",
        "view_count",
        "created_at",
        "created_by_name",
        "updated_at",
        "updated_by_name",
    ]
    inlines = [AttachmentInline, ArticleEventInline]
    actions = ["publish_selected", "withdraw_selected", "pin_selected", "unpin_selected"]
    fieldsets = [
        (None, {"fields": ["title", "subtitle", "category", "status", "publish_at"]}),
        (_("Content"), {"fields": ["cover", "summary", "body"]}),
        (_("Credits"), {"fields": ["source", "author", "responsible_editor"]}),
        (_("Placement"), {"fields": ["is_pinned", "is_headline"]}),
        (_("Review"), {"fields": ["review_comment"]}),
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

    @admin.display(description=_("preview"))
    def preview_link(self, obj):
        return format_html(
            '<a href="{}" target="_blank">{}</a>', obj.get_preview_url(), _("preview")
        )

    def view_on_site(self, obj):
        return obj.get_preview_url()

    def has_publish_permission(self, request):
        return request.user.has_perm(services.PUBLISH_PERMISSION)

    def has_submit_permission(self, request):
        return request.user.has_perm(services.SUBMIT_PERMISSION)

    # --- Saving and the review buttons ---------------------------------------

    def save_model(self, request, obj, form, change):
        was_published = change and obj.status == Status.PUBLISHED
        super().save_model(request, obj, form, change)
        if not change:
            services.record_created(article=obj, user=request.user)
        elif was_published and form.changed_data:
            services.record_edit_after_publishing(article=obj, user=request.user)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.request = request  # a fresh class per request: the form checks the review step
        return form

    def _requested_transition(self, request):
        name = request.POST.get("_transition", "")
        return name if name in services.TRANSITIONS else None

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), **self._transition_context(request, object_id)}
        with transaction.atomic():
            response = super().changeform_view(request, object_id, form_url, extra_context)
            name = self._requested_transition(request)
            saved = getattr(request, "_kexie_saved_article", None)
            if name and saved is not None:
                try:
                    services.perform_transition(
                        name,
                        article=saved,
                        user=request.user,
                        comment=request.POST.get("review_comment", ""),
                    )
                except (PermissionDenied, ValidationError) as error:
                    transaction.set_rollback(True)
                    self.message_user(request, _error_text(error), messages.ERROR)
                    return self._redirect_back(request, object_id)
                self.message_user(request, _transition_message(name), messages.SUCCESS)
        return response

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        request._kexie_saved_article = form.instance

    def _redirect_back(self, request, object_id):
        return HttpResponseRedirect(request.path)

    def _transition_context(self, request, object_id):
        article = self.get_object(request, object_id) if object_id else None
        status = article.status if article else Status.DRAFT
        can_publish = self.has_publish_permission(request)
        can_submit = self.has_submit_permission(request)
        return {
            "can_submit": can_submit and status in {Status.DRAFT, Status.WITHDRAWN},
            "can_publish": can_publish and status != Status.PUBLISHED,
            "can_send_back": can_publish and status == Status.PENDING,
            "can_withdraw": can_publish and status == Status.PUBLISHED,
        }

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
        count = queryset.update(is_pinned=True)
        self.message_user(
            request,
            ngettext("%(n)d article pinned.", "%(n)d articles pinned.", count) % {"n": count},
        )

    @admin.action(description=_("Unpin selected articles"), permissions=["publish"])
    def unpin_selected(self, request, queryset):
        count = queryset.update(is_pinned=False)
        self.message_user(
            request,
            ngettext("%(n)d article unpinned.", "%(n)d articles unpinned.", count) % {"n": count},
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


def _error_text(error):
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or str(_("You do not have permission to do this."))


def _transition_message(name):
    return {
        "submit": _("The article was submitted for review."),
        "publish": _("The article was published."),
        "send_back": _("The article was sent back to its editor."),
        "withdraw": _("The article was withdrawn."),
    }[name]
