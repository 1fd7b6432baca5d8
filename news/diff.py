"""What a revision changes, for the reviewer: each changed field, and the body's text marked up.

difflib.HtmlDiff would do the body, but its table carries English navigation links
and fixed-width columns; reviewers read paragraphs, so we mark changed paragraphs
and, inside them, the changed characters with <del>/<ins>.
"""

import datetime
import re
from difflib import SequenceMatcher
from html import unescape

from django.utils import timezone
from django.utils.html import escape, format_html, strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from kexie.richtext import sanitize_html
from news import integrity
from news.models import Article, Category
from organizations.models import Organization

BLOCK_END = re.compile(r"</(?:p|div|h[1-6]|li|tr|blockquote|table)>|<br\s*/?>", re.IGNORECASE)


def paragraphs_of(html):
    """The body's text, one line per paragraph (html_to_text joins everything into one)."""
    text = unescape(strip_tags(BLOCK_END.sub("\n", sanitize_html(html or ""))))
    return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


def _display(name, value):
    if value in (None, ""):
        return ""
    if name == "category_id":
        category = Category.objects.select_related("parent").filter(pk=value).first()
        return str(category) if category else str(value)
    if name == "organization_id":
        organization = Organization.objects.filter(pk=value).only("name").first()
        return organization.name if organization else str(value)
    if name == "publish_at":
        moment = timezone.localtime(datetime.datetime.fromisoformat(value))
        return moment.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return str(value)


def _label(name):
    field = Article._meta.get_field(name.removesuffix("_id"))
    return str(field.verbose_name)


def _inline(old, new):
    parts = []
    for op, a1, a2, b1, b2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(escape(old[a1:a2]))
            continue
        if a2 > a1:
            parts.append(format_html("<del>{}</del>", old[a1:a2]))
        if b2 > b1:
            parts.append(format_html("<ins>{}</ins>", new[b1:b2]))
    return mark_safe("".join(parts))  # noqa: S308 (every piece is escaped above)


def text_diff(old, new):
    """Paragraphs of the new text, changed ones marked; removed paragraphs shown struck."""
    old_lines = [line for line in old.splitlines() if line.strip()]
    new_lines = [line for line in new.splitlines() if line.strip()]
    rows = []
    matcher = SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            rows += [{"kind": "same", "html": escape(line)} for line in new_lines[b1:b2]]
        elif op == "replace" and a2 - a1 == b2 - b1:
            for before, after in zip(old_lines[a1:a2], new_lines[b1:b2], strict=True):
                rows.append({"kind": "changed", "html": _inline(before, after)})
        else:
            for line in old_lines[a1:a2]:
                rows.append({"kind": "removed", "html": format_html("<del>{}</del>", line)})
            for line in new_lines[b1:b2]:
                rows.append({"kind": "added", "html": format_html("<ins>{}</ins>", line)})
    return rows


def compare(old, new):
    """The changed content fields between two revision data dicts, in form order."""
    changes = []
    for name in integrity.CONTENT_FIELDS:
        before, after = old.get(name), new.get(name)
        if name == "cover_thumbnail" or before == after:
            continue
        change = {"label": _label(name), "name": name}
        if name == "body":
            change["body"] = text_diff(paragraphs_of(before), paragraphs_of(after))
        else:
            before_text, after_text = _display(name, before), _display(name, after)
            change["old"], change["new"] = before_text, after_text
            change["inline"] = _inline(before_text, after_text)
        changes.append(change)
    return changes
