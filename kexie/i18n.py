"""Checks that the Chinese catalog is complete and its compiled file is current."""

import json
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


FRAGMENTS = Path(settings.BASE_DIR) / "locale" / "fragments"


def _load_fragments():
    """Translations kept as JSON beside the catalog, one file per area of work."""
    singles, plurals = {}, {}
    for path in sorted(FRAGMENTS.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for item in data.pop("_plurals", []):
            plurals[(item["msgid"], item["msgid_plural"])] = item["msgstr"]
        singles.update(data)
    return singles, plurals


def apply_fragments():
    """Fill untranslated catalog entries from the fragments, then compile the .mo."""
    singles, plurals = _load_fragments()
    po = polib.pofile(str(CATALOG.with_suffix(".po")))
    for entry in po:
        if entry.msgid_plural:
            forms = plurals.get((entry.msgid, entry.msgid_plural))
            if not forms or (entry.translated() and "fuzzy" not in entry.flags):
                continue
            entry.msgstr_plural = dict(enumerate(forms))
        elif entry.msgid in singles and (not entry.msgstr or "fuzzy" in entry.flags):
            entry.msgstr = singles[entry.msgid]
        else:
            continue
        # makemessages guesses translations for new strings and marks them fuzzy;
        # the fragment's translation replaces the guess.
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = entry.previous_msgid_plural = None
    po.metadata["Language"] = "zh_Hans"
    po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
    po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    po.save()
    po.save_as_mofile(str(CATALOG.with_suffix(".mo")))
    # Hand-kept JavaScript strings Django's own catalog lacks (see the file).
    javascript = CATALOG.with_name("djangojs.po")
    if javascript.exists():
        polib.pofile(str(javascript)).save_as_mofile(str(javascript.with_suffix(".mo")))
    return [entry.msgid for entry in po.untranslated_entries()]
