"""
Role implies staff status, whoever changes the roles.

Group membership changes through Django's own user and group forms, the
shell, fixtures and our services; a signal is the one place that sees them
all, so the rule lives here rather than in one form.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, post_delete, pre_delete

from kexie.accounts.services import sync_staff_status


def on_groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action == "pre_clear" and reverse:
        # group.user_set.clear(): remember who was in it, the ids are gone afterwards.
        instance._kexie_members = list(instance.user_set.values_list("pk", flat=True))
        return
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not reverse:
        sync_staff_status(instance)
        return
    if action == "post_clear":
        pk_set = getattr(instance, "_kexie_members", [])
    for user in get_user_model().objects.filter(pk__in=pk_set or []):
        sync_staff_status(user)


def remember_members(sender, instance, **kwargs):
    # Deleting a group removes its memberships without an m2m signal.
    instance._kexie_members = list(instance.user_set.values_list("pk", flat=True))


def on_group_deleted(sender, instance, **kwargs):
    for user in get_user_model().objects.filter(pk__in=getattr(instance, "_kexie_members", [])):
        sync_staff_status(user)


def connect():
    User = get_user_model()
    m2m_changed.connect(
        on_groups_changed, sender=User.groups.through, dispatch_uid="kexie_role_implies_staff"
    )
    pre_delete.connect(remember_members, sender=Group, dispatch_uid="kexie_role_members")
    post_delete.connect(on_group_deleted, sender=Group, dispatch_uid="kexie_role_deleted")
