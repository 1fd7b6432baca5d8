"""Checks that the Chinese catalog is complete and its compiled file is current."""

from pathlib import Path

import polib
from django.conf import settings

CATALOG = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django"


def catalog_problems():
    po = polib.pofile(str(CATALOG.with_suffix(".po")))
    problems = [f"untranslated: {entry.msgid!r}" for entry in po.untranslated_entries()]
    problems += [f"fuzzy: {entry.msgid!r}" for entry in po.fuzzy_entries()]
    mo = polib.mofile(str(CATALOG.with_suffix(".mo")))
    compiled = {(entry.msgctxt, entry.msgid): entry for entry in mo}
    for entry in po.translated_entries():
        other = compiled.get((entry.msgctxt, entry.msgid))
        if other is None or (other.msgstr, other.msgstr_plural) != (
            entry.msgstr,
            {int(k): v for k, v in entry.msgstr_plural.items()} if entry.msgstr_plural else {},
        ):
            problems.append(f"not compiled (run make compile): {entry.msgid!r}")
    return problems
