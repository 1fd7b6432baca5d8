"""Staff accounts: creating one in a single step, and keeping staff status tied to roles."""

from django.db import transaction

from kexie.models import StaffProfile


def sync_staff_status(user):
    """A role (group) implies staff status; no role, no staff status (superusers keep theirs)."""
    should_be_staff = user.is_superuser or user.groups.exists()
    if user.is_staff != should_be_staff:
        user.is_staff = should_be_staff
        # save(), not update(): the audit log records the change of staff status.
        user.save(update_fields=["is_staff"])
    return user


def create_staff(*, user, full_name, password, roles, organization=None):
    """Save a new staff member with name, password, roles and organization in one transaction.

    ``user`` is an unsaved user carrying the user name (the admin's add form
    builds it); ``roles`` are groups.
    """
    with transaction.atomic():
        user.first_name = full_name.strip()
        user.last_name = ""
        user.set_password(password)
        user.is_staff = bool(roles)
        user.save()
        user.groups.set(roles)
        StaffProfile.objects.create(user=user, organization=organization)
    return user
