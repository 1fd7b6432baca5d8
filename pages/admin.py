from functools import partial

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from kexie import guard
from kexie.admin import StampedAdminMixin
from pages.models import FriendLink, Page, SiteSettings

SITE_SETTINGS_LOOK = ["site_name", "short_name", "emblem", "banner", "favicon"]
SITE_SETTINGS_FOOTER = [
    "host", "organizer", "address", "postcode", "phone", "email",
    "icp_number", "public_security_number", "site_code",
]  # fmt: skip


class SiteSettingsForm(guard.GuardedFormMixin, forms.ModelForm):
    class Meta:
        model = SiteSettings
        fields = [*SITE_SETTINGS_LOOK, *SITE_SETTINGS_FOOTER]


@admin.register(SiteSettings)
class SiteSettingsAdmin(guard.GuardedAdminMixin, admin.ModelAdmin):
    """One row: the list goes straight to its form; it is never added twice or deleted."""

    form = SiteSettingsForm
    readonly_fields = ["updated_at"]
    fieldsets = [
        (_("Name and look"), {"fields": SITE_SETTINGS_LOOK}),
        (_("Footer"), {"fields": SITE_SETTINGS_FOOTER}),
        (None, {"fields": ["updated_at"]}),
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        current = SiteSettings.objects.current()
        return HttpResponseRedirect(reverse("admin:pages_sitesettings_change", args=[current.pk]))


class FriendLinkForm(guard.GuardedFormMixin, forms.ModelForm):
    class Meta:
        model = FriendLink
        fields = ["name", "url", "order", "is_shown"]
        # Full addresses are required (model clean); never guess a scheme.
        field_classes = {"url": partial(forms.URLField, assume_scheme="https")}


@admin.register(FriendLink)
class FriendLinkAdmin(guard.GuardedAdminMixin, admin.ModelAdmin):
    form = FriendLinkForm
    # The changelist's list_editable form is built from the model, not from
    # FriendLinkForm: it needs the scheme rule too.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "url", "order", "is_shown"]
    list_editable = ["order", "is_shown"]
    list_filter = ["is_shown"]
    search_fields = ["name", "url"]


class PageForm(guard.GuardedFormMixin, forms.ModelForm):
    class Meta:
        model = Page
        fields = ["title", "slug", "body", "order", "show_in_navigation", "is_published"]


@admin.register(Page)
class PageAdmin(guard.GuardedAdminMixin, StampedAdminMixin, admin.ModelAdmin):
    form = PageForm
    list_display = [
        "title", "slug", "order", "show_in_navigation", "is_published", "updated_at",
        "preview_link",
    ]  # fmt: skip
    list_filter = ["is_published", "show_in_navigation"]
    search_fields = ["title", "slug"]
    readonly_fields = ["created_at", "updated_at", "created_by", "updated_by"]
    fields = [*PageForm.Meta.fields, *readonly_fields]
    list_select_related = ["updated_by"]

    @admin.display(description=_("preview"))
    def preview_link(self, page):
        return format_html(
            '<a href="{}" target="_blank">{}</a>', page.get_preview_url(), _("preview")
        )

    def view_on_site(self, page):
        # The change page's button: the live page once published, the staff preview before.
        return page.get_absolute_url() if page.is_published else page.get_preview_url()
