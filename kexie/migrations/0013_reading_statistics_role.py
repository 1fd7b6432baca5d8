from django.db import migrations

from kexie.accounts.roles import sync_roles


class Migration(migrations.Migration):
    """阅读统计 for 编辑, 审核 and 站点管理员 (kexie.accounts.roles)."""

    dependencies = [
        ("kexie", "0012_contributor_role"),
        ("news", "0009_reading_statistics"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
