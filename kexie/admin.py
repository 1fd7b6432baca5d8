from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from kexie.accounts.privilege import GrantingGroupAdminMixin, GrantingUserAdminMixin
from kexie.models import AuditEntry, BannedTerm, FigureBlock


class StampedAdminMixin:
    """Record who created and who last changed an object."""

    def save_model(self, request, obj, form, change):
        if not change and hasattr(obj, "created_by_id"):
            obj.created_by = request.user
        if hasattr(obj, "updated_by_id"):
            obj.updated_by = request.user
        super().save_model(request, obj, form, change)


class ReadOnlyAdminMixin:
    """For records written by the system (audit, review history): look, never touch."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "action", "username", "user", "ip_address", "target"]
    list_filter = [
        "action",
        ("user", admin.RelatedOnlyFieldListFilter),
        "created_at",
    ]
    list_select_related = ["user"]
    search_fields = ["username", "target", "ip_address"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    fields = ["created_at", "action", "user", "username", "ip_address", "target", "details"]
    readonly_fields = fields


@admin.register(BannedTerm)
class BannedTermAdmin(admin.ModelAdmin):
    list_display = ["term", "category", "action", "is_active", "note", "updated_at"]
    list_filter = ["category", "action", "is_active"]
    list_editable = ["action", "is_active"]
    search_fields = ["term", "note"]
    fields = ["term", "category", "action", "is_active", "note"]


@admin.register(FigureBlock)
class FigureBlockAdmin(admin.ModelAdmin):
    """Blocks come from code (kexie.figures); staff only choose which are public."""

    list_display = ["block_title", "is_public", "position"]
    list_editable = ["is_public", "position"]
    list_display_links = None
    list_filter = ["is_public"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("block"))
    def block_title(self, obj):
        return str(obj)


User = get_user_model()


class KexieUserAdmin(GrantingUserAdminMixin, UserAdmin):
    """Site admins manage accounts and their groups; only superusers grant single
    permissions or superuser status, so no one can raise themselves above their role."""

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_superuser", "user_permissions"]
        return readonly

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if not request.user.is_superuser:
            # Superuser accounts are out of reach of anyone who is not one.
            queryset = queryset.filter(is_superuser=False)
        return queryset


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, KexieUserAdmin)


class KexieGroupAdmin(GrantingGroupAdminMixin, GroupAdmin):
    pass


if admin.site.is_registered(Group):
    admin.site.unregister(Group)
admin.site.register(Group, KexieGroupAdmin)


# django-otp's device admins speak only English and show the secret keys; a
# lost phone is handled with ``manage.py reset_2fa <user name>`` instead.
for _device_model in ("otp_totp.TOTPDevice", "otp_static.StaticDevice"):
    _model = apps.get_model(_device_model)
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
