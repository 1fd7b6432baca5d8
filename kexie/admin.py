from django.contrib import admin

from kexie.models import AuditEntry


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


# The audit log: written only by kexie.audit.record, read-only for everyone here.
@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "action", "username", "ip_address", "target"]
    list_filter = ["action", "created_at"]
    search_fields = ["username", "target"]
    date_hierarchy = "created_at"
    list_select_related = ["user"]
    show_full_result_count = False
    fields = ["created_at", "action", "user", "username", "ip_address", "target", "details"]
    readonly_fields = fields
