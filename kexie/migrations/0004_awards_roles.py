from django.db import migrations

from kexie.accounts.roles import sync_roles


class Migration(migrations.Migration):
    """Give the roles their permissions on awards and honours (kexie.accounts.roles)."""

    dependencies = [
        ("kexie", "0003_banned_terms"),
        ("awards", "0001_initial"),
        ("organizations", "0002_member_ordering_joined_index"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
