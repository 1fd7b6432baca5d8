"""
Audit records for sign-ins and for changes to accounts and permissions.

These are the security log's only signal receivers: the events come from
Django's auth, from django-axes and from model saves made anywhere (admin,
shell, management commands), so a signal is the one place that sees them all.
The acting user and address come from the request being handled, if any.
"""

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils import translation
from django.utils.text import capfirst

from kexie import audit
from kexie.accounts.names import display_name
from kexie.models import AuditEntry

Action = AuditEntry.Action

# Account fields whose change is worth a line in the log; the password only as "changed".
WATCHED_USER_FIELDS = ["username", "is_active", "is_staff", "is_superuser", "password"]


def _record_account(event, target, **details):
    audit.record(
        action=Action.ACCOUNT,
        target=target,
        details={"event": event, **details},
    )


def _target(obj):
    # Stored text, read later by staff: in the site's language, with the person's name.
    with translation.override(settings.LANGUAGE_CODE):
        name = display_name(obj) if isinstance(obj, get_user_model()) else str(obj)
        if name != str(obj):
            name = f"{name}（{obj}）"
        return f"{capfirst(obj._meta.verbose_name)}：{name}"


def on_logged_in(sender, request, user, **kwargs):
    audit.record(action=Action.LOGIN, request=request, user=user)


def on_logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit.record(action=Action.LOGOUT, request=request, user=user)


def on_login_failed(sender, credentials, request=None, **kwargs):
    username = credentials.get(get_user_model().USERNAME_FIELD) or credentials.get("username") or ""
    audit.record(action=Action.LOGIN_FAILED, request=request, username=str(username))


def on_locked_out(sender, request, username, ip_address, **kwargs):
    audit.record(
        action=Action.LOCKOUT,
        request=request,
        username=str(username or ""),
        ip_address=ip_address or None,
    )


def remember_user_state(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or instance.pk is None:
        return
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # every sign-in stamps last_login; nothing to record
    previous = sender.objects.filter(pk=instance.pk).values(*WATCHED_USER_FIELDS).first()
    instance._kexie_previous = previous


def on_user_saved(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if raw:
        return
    if created:
        _record_account("user_created", _target(instance))
        return
    previous = getattr(instance, "_kexie_previous", None) or {}
    changed = [
        name
        for name in WATCHED_USER_FIELDS
        if name in previous and previous[name] != getattr(instance, name)
    ]
    if changed:
        _record_account("user_changed", _target(instance), fields=changed)


def on_group_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    _record_account("group_created" if created else "group_changed", _target(instance))


def on_deleted(sender, instance, **kwargs):
    _record_account(f"{sender._meta.model_name}_deleted", _target(instance))


def _m2m_receiver(event):
    def receiver(sender, instance, action, reverse, model, pk_set, **kwargs):
        if action not in {"post_add", "post_remove", "post_clear"}:
            return
        names = []
        if pk_set:
            names = sorted(str(obj) for obj in model.objects.filter(pk__in=pk_set))
        _record_account(
            event,
            _target(instance),
            change=action.removeprefix("post_"),
            objects=names,
            reverse=reverse,
        )

    return receiver


on_user_groups_changed = _m2m_receiver("user_groups_changed")
on_user_permissions_changed = _m2m_receiver("user_permissions_changed")
on_group_permissions_changed = _m2m_receiver("group_permissions_changed")


def connect():
    User = get_user_model()
    user_logged_in.connect(on_logged_in, dispatch_uid="kexie_audit_login")
    user_logged_out.connect(on_logged_out, dispatch_uid="kexie_audit_logout")
    user_login_failed.connect(on_login_failed, dispatch_uid="kexie_audit_login_failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="kexie_audit_lockout")
    pre_save.connect(remember_user_state, sender=User, dispatch_uid="kexie_audit_user_pre")
    post_save.connect(on_user_saved, sender=User, dispatch_uid="kexie_audit_user")
    post_save.connect(on_group_saved, sender=Group, dispatch_uid="kexie_audit_group")
    post_delete.connect(on_deleted, sender=User, dispatch_uid="kexie_audit_user_deleted")
    post_delete.connect(on_deleted, sender=Group, dispatch_uid="kexie_audit_group_deleted")
    m2m_changed.connect(
        on_user_groups_changed, sender=User.groups.through, dispatch_uid="kexie_audit_user_groups"
    )
    m2m_changed.connect(
        on_user_permissions_changed,
        sender=User.user_permissions.through,
        dispatch_uid="kexie_audit_user_perms",
    )
    m2m_changed.connect(
        on_group_permissions_changed,
        sender=Group.permissions.through,
        dispatch_uid="kexie_audit_group_perms",
    )
