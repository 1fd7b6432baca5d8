from django.db import migrations

from kexie.accounts.roles import sync_roles


class Migration(migrations.Migration):
    """Both statistics permissions (阅读统计, 报送统计) exist here: sync the roles once more."""

    dependencies = [
        ("kexie", "0013_reading_statistics_role"),
        ("kexie", "0013_submission_statistics_role"),
        ("news", "0010_merge_statistics"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
