"""``{% site_fragment "template" %}``: a part every public page shares, rendered once per generation.

The header, navigation and footer depend only on the site settings, the top
categories, the single pages in the navigation and the 友情链接, all public
content under the page cache. Each process renders such a template once per
content generation (kexie.pagecache.fragments) and pastes the result into every
page until the next change. The one value that differs between pages, the
search box's text, is put in at its place each time, escaped.
"""

from django import template
from django.template.loader import get_template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from kexie.pagecache import fragments

register = template.Library()

# Stands for the search box's text while the shared copy is rendered.
QUERY_SLOT = "kexie0fragment0search0query0slot"


@register.simple_tag(takes_context=True)
def site_fragment(context, name):
    request = context.get("request")

    def build():
        with context.push(search_query=QUERY_SLOT):
            html = get_template(name).template.render(context)
        return html.split(QUERY_SLOT)

    parts = fragments.memo(request, f"site_fragment:{name}", build)
    query = conditional_escape(context.get("search_query") or "")
    return mark_safe(query.join(parts))  # noqa: S308 - rendered by the engine, query escaped
