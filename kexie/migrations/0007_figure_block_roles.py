from django.db import migrations

from kexie.accounts.roles import sync_roles


class Migration(migrations.Migration):
    """Site admins choose the public blocks of 数说科协 (kexie.accounts.roles)."""

    dependencies = [("kexie", "0006_figure_block")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
