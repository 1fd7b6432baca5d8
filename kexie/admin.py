from django.apps import apps
from django.contrib import admin
from django.contrib.admin.templatetags import admin_list
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kexie.accounts import axes_admin, services
from kexie.accounts.forms import (
    KexieAdminAuthenticationForm,
    StaffChangeForm,
    StaffCreationForm,
)
from kexie.accounts.names import display_name, person_column
from kexie.accounts.privilege import GrantingGroupAdminMixin, GrantingUserAdminMixin
from kexie.models import AuditEntry, BannedTerm, FigureBlock, StaffProfile


def _boolean_icon(field_val):
    # Django writes the Python value ("True", "False") into the icon's alt text,
    # which screen readers speak; staff should hear 是/否.
    icon = {True: "yes", False: "no", None: "unknown"}[field_val]
    label = {True: _("Yes"), False: _("No"), None: _("Unknown")}[field_val]
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{icon}.svg"), label)


admin_list._boolean_icon = _boolean_icon
axes_admin.register()


class HideLinkRowsMixin:
    """Delete confirmations list the hidden rows linking users, groups and
    permissions ("User_groups object (1)"), which staff never see anywhere else
    and which go with the object anyway: leave them out."""

    def get_deleted_objects(self, objs, request):
        to_delete, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        links = [
            field.remote_field.through._meta
            for model in (get_user_model(), Group)
            for field in model._meta.many_to_many
        ]
        prefixes = tuple(f"{capfirst(opts.verbose_name)}: " for opts in links)
        plurals = {str(opts.verbose_name_plural) for opts in links}

        def keep(items):
            kept = []
            for item in items:
                if isinstance(item, list):
                    nested = keep(item)
                    if nested:
                        kept.append(nested)
                elif not str(item).startswith(prefixes):
                    kept.append(item)
            return kept

        model_count = {key: n for key, n in model_count.items() if str(key) not in plurals}
        return keep(to_delete), model_count, perms_needed, protected


class StampedAdminMixin:
    """Record who created and who last changed an object, and show them by name
    (read-only fields ``created_by_name`` and ``updated_by_name``)."""

    created_by_name = person_column("created_by", _lazy("created by"))
    updated_by_name = person_column("updated_by", _lazy("updated by"))

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
    list_display = ["created_at", "action", "username", "person", "ip_address", "target"]
    list_filter = [
        "action",
        ("user", admin.RelatedOnlyFieldListFilter),
        "created_at",
    ]
    list_select_related = ["user"]
    search_fields = ["username", "target", "ip_address"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    fields = ["created_at", "action", "person", "username", "ip_address", "target", "details"]
    readonly_fields = fields

    person = person_column("user", _lazy("user"))


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

    @admin.display(description=_lazy("block"))
    def block_title(self, obj):
        return str(obj)


User = get_user_model()


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    fields = ["organization"]
    autocomplete_fields = ["organization"]
    can_delete = False


class KexieUserAdmin(GrantingUserAdminMixin, HideLinkRowsMixin, UserAdmin):
    """Site admins manage accounts and their groups; only superusers grant single
    permissions or superuser status, so no one can raise themselves above their role.
    A new staff member is made in one form (name, user name, password, roles,
    organization); a role implies staff status (kexie.accounts.signals)."""

    add_form = StaffCreationForm
    form = StaffChangeForm
    # One 姓名 field (first_name) instead of Django's given name and family name.
    fieldsets = [
        (fields_name, {**options, "fields": ["first_name", "email"]})
        if "first_name" in options["fields"]
        else (fields_name, options)
        for fields_name, options in UserAdmin.fieldsets
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "full_name",
                    "username",
                    "password1",
                    "password2",
                    "roles",
                    "organization",
                ],
            },
        ),
    ]
    list_display = ["username", "name", "organization", "is_staff", "is_active", "last_login"]
    list_select_related = ["staff_profile__organization"]
    search_fields = ["username", "first_name", "last_name", "email"]

    @admin.display(description=_lazy("full name"), ordering="first_name")
    def name(self, user):
        return display_name(user)

    @admin.display(description=_lazy("organization"))
    def organization(self, user):
        profile = getattr(user, "staff_profile", None)
        return (profile and profile.organization) or ""

    def get_inlines(self, request, obj):
        return [StaffProfileInline] if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change or not isinstance(form, StaffCreationForm):
            return super().save_model(request, obj, form, change)
        services.create_staff(
            user=obj,
            full_name=form.cleaned_data["full_name"],
            password=form.cleaned_data["password1"],
            roles=form.cleaned_data["roles"],
            organization=form.cleaned_data["organization"],
        )

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


class KexieGroupAdmin(GrantingGroupAdminMixin, HideLinkRowsMixin, GroupAdmin):
    pass


admin.site.login_form = KexieAdminAuthenticationForm
if admin.site.is_registered(Group):
    admin.site.unregister(Group)
admin.site.register(Group, KexieGroupAdmin)


# django-otp's device admins speak only English and show the secret keys; a
# lost phone is handled with ``manage.py reset_2fa <user name>`` instead.
for _device_model in ("otp_totp.TOTPDevice", "otp_static.StaticDevice"):
    _model = apps.get_model(_device_model)
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
