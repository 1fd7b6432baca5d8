"""
Who may grant rights: superusers only.

DESIGN.md: a site admin manages accounts but cannot grant permissions. So for
anyone but a superuser, the permissions of every group and of every user are
read-only, and so is who belongs to 审核 (reviewers, who publish) and to
站点管理员 (site admins, who manage accounts): otherwise a site admin could give
their own group the publish permission, or make themselves a reviewer.

The admin shows this as read-only fields and pages with a clear message
(kexie.admin); the model signals below are the backstop for every other path
through a request (another form, a bulk action, a future view). Work done
outside a request (migrations, ``manage.py`` commands) is the operator's own.
Every refusal is written to the audit log.
"""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models.signals import m2m_changed, pre_delete, pre_save
from django.utils.translation import gettext_lazy as _lazy

from kexie.accounts.roles import REVIEWER, SITE_ADMIN
from kexie.middleware import current_request

PROTECTED_GROUPS = (REVIEWER, SITE_ADMIN)
REFUSAL = _lazy("Only a superuser can grant permissions or change who reviews or administers.")


def may_grant(user):
    return bool(user is not None and user.is_active and user.is_superuser)


def is_protected_group(group):
    return group is not None and group.name in PROTECTED_GROUPS


def belongs_to_protected_group(user):
    return user.pk is not None and user.groups.filter(name__in=PROTECTED_GROUPS).exists()


def record_refusal(*, event, target, request=None, **details):
    from kexie import audit
    from kexie.models import AuditEntry

    audit.record(
        action=AuditEntry.Action.DENIED,
        request=request,
        target=str(target),
        details={"event": event, **details},
    )


def refuse(*, event, target, request=None, **details):
    """Record the refusal in the audit log and stop the request with a 403."""
    record_refusal(event=event, target=target, request=request, **details)
    raise PermissionDenied(REFUSAL)


def _refuse_inside_transaction(*, event, target):
    """For the model signals: they run inside the write's transaction, which the
    refusal rolls back, so the audit entry is written when the request ends."""
    from kexie import audit
    from kexie.models import AuditEntry

    audit.defer(
        current_request(),
        action=AuditEntry.Action.DENIED,
        target=str(target),
        details={"event": event},
    )
    raise PermissionDenied(REFUSAL)


def _acting_user():
    """The user of the request being handled; None outside requests."""
    request = current_request()
    if request is None:
        return None, False
    return getattr(request, "user", None), True


def _outside_requests_or_superuser():
    user, in_request = _acting_user()
    return not in_request or may_grant(user)


def _on_group_permissions(sender, instance, action, **kwargs):
    if action.startswith("pre_") and not _outside_requests_or_superuser():
        _refuse_inside_transaction(
            event="group_permissions", target=f"group #{instance.pk} {instance}"
        )


def _on_user_permissions(sender, instance, action, **kwargs):
    if action.startswith("pre_") and not _outside_requests_or_superuser():
        _refuse_inside_transaction(
            event="user_permissions", target=f"user #{instance.pk} {instance}"
        )


def _on_memberships(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("pre_") or _outside_requests_or_superuser():
        return
    if reverse:  # group.user_set.add(...)
        touched = is_protected_group(instance)
    elif action == "pre_clear":
        touched = belongs_to_protected_group(instance)
    else:
        touched = Group.objects.filter(pk__in=pk_set or (), name__in=PROTECTED_GROUPS).exists()
    if touched:
        _refuse_inside_transaction(
            event="protected_membership", target=f"{instance._meta.model_name} #{instance.pk}"
        )


def _on_group_saved_or_deleted(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None or _outside_requests_or_superuser():
        return
    stored = Group.objects.filter(pk=instance.pk).values_list("name", flat=True).first()
    if stored in PROTECTED_GROUPS:
        _refuse_inside_transaction(event="protected_group", target=f"group #{instance.pk} {stored}")


def _on_user_saved(sender, instance, raw=False, **kwargs):
    if raw or _outside_requests_or_superuser():
        return
    stored = sender.objects.filter(pk=instance.pk).values_list("is_superuser", flat=True).first()
    if bool(stored) != instance.is_superuser:
        _refuse_inside_transaction(
            event="superuser_status", target=f"user #{instance.pk} {instance}"
        )


def connect():
    User = get_user_model()
    uid = "kexie_privilege_"
    m2m_changed.connect(
        _on_group_permissions, sender=Group.permissions.through, dispatch_uid=uid + "group_perms"
    )
    m2m_changed.connect(
        _on_user_permissions,
        sender=User.user_permissions.through,
        dispatch_uid=uid + "user_perms",
    )
    m2m_changed.connect(_on_memberships, sender=User.groups.through, dispatch_uid=uid + "members")
    pre_save.connect(_on_group_saved_or_deleted, sender=Group, dispatch_uid=uid + "group_save")
    pre_delete.connect(_on_group_saved_or_deleted, sender=Group, dispatch_uid=uid + "group_del")
    pre_save.connect(_on_user_saved, sender=User, dispatch_uid=uid + "user_save")


# --- Admin ----------------------------------------------------------------------


class _LockedObjectsMixin:
    """Objects for which ``_locked`` is true are read-only: seen, never changed or deleted."""

    def _locked(self, request, obj):
        raise NotImplementedError

    def has_change_permission(self, request, obj=None):
        return not self._locked(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._locked(request, obj) and super().has_delete_permission(request, obj)


class GrantingUserAdminMixin(_LockedObjectsMixin):
    """User admin: group choices without the protected groups, their members read-only."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not may_grant(request.user):
            kwargs["queryset"] = Group.objects.exclude(name__in=PROTECTED_GROUPS)
            kwargs["help_text"] = _lazy(
                "Only a superuser can make someone a reviewer (审核) or a site admin (站点管理员)."
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _locked(self, request, obj):
        return obj is not None and not may_grant(request.user) and belongs_to_protected_group(obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and not may_grant(request.user):
            obj = self.get_object(request, unquote(object_id)) if object_id else None
            if self._locked(request, obj):
                refuse(event="protected_member", target=f"user #{obj.pk} {obj}", request=request)
            asked = [pk for pk in request.POST.getlist("groups") if pk.isdigit()]
            protected = Group.objects.filter(pk__in=asked, name__in=PROTECTED_GROUPS)
            if protected.exists():
                # The form refuses the choice ("not one of the available choices").
                record_refusal(
                    event="protected_membership",
                    target=f"user #{obj.pk} {obj}" if obj else "new user",
                    request=request,
                    groups=sorted(group.name for group in protected),
                )
        return super().changeform_view(request, object_id, form_url, extra_context)

    def user_change_password(self, request, id, form_url=""):
        user = self.get_object(request, unquote(id))
        if self._locked(request, user):
            refuse(event="protected_member_password", target=f"user #{user.pk} {user}")
        return super().user_change_password(request, id, form_url)


class GrantingGroupAdminMixin(_LockedObjectsMixin):
    """Group admin: permissions read-only, and the protected groups untouchable, but for superusers."""

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not may_grant(request.user):
            readonly.append("permissions")
        return readonly

    def _locked(self, request, obj):
        return is_protected_group(obj) and not may_grant(request.user)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and not may_grant(request.user):
            obj = self.get_object(request, unquote(object_id)) if object_id else None
            if self._locked(request, obj):
                refuse(event="protected_group", target=f"group #{obj.pk} {obj}", request=request)
            if request.POST.getlist("permissions"):
                record_refusal(
                    event="group_permissions",
                    target=f"group #{obj.pk} {obj}" if obj else "new group",
                    request=request,
                )
                messages.warning(request, REFUSAL)
        return super().changeform_view(request, object_id, form_url, extra_context)
