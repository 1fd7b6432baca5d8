from django.db import migrations

ENGLISH_NOTE = "Injected into the site this one replaces (defacement, 2022)."
CHINESE_NOTE = "2022 年旧网站被篡改时植入的内容。"


def notes_in_chinese(apps, schema_editor):
    # The seeded notes were written in English; staff read them in the admin.
    BannedTerm = apps.get_model("kexie", "BannedTerm")
    BannedTerm.objects.filter(note=ENGLISH_NOTE).update(note=CHINESE_NOTE)


def notes_in_english(apps, schema_editor):
    BannedTerm = apps.get_model("kexie", "BannedTerm")
    BannedTerm.objects.filter(note=CHINESE_NOTE).update(note=ENGLISH_NOTE)


class Migration(migrations.Migration):
    dependencies = [
        ("kexie", "0005_search_entry"),
    ]

    operations = [
        migrations.RunPython(notes_in_chinese, notes_in_english),
    ]
