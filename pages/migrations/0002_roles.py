from django.db import migrations

from kexie.accounts.roles import sync_roles


class Migration(migrations.Migration):
    """Give site admins their permissions on site settings, links and single pages."""

    dependencies = [
        ("pages", "0001_initial"),
        ("kexie", "0005_search_entry"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
