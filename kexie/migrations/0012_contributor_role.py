from django.db import migrations

from kexie.accounts.roles import sync_roles


class Migration(migrations.Migration):
    """The 通讯员 (contributor) role of 信息报送 (kexie.accounts.roles)."""

    dependencies = [
        ("kexie", "0011_merge_0007_staff_profile_0010_audit_actions"),
        ("news", "0008_submissions"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
