from django import template

from kexie.richtext import render_html

register = template.Library()


@register.filter
def richtext(value):
    """Render stored rich text, sanitized again on the way out."""
    return render_html(value)


@register.simple_tag(takes_context=True)
def page_url(context, page_number):
    """The current URL with only ``page`` changed, keeping filters and search."""
    query = context["request"].GET.copy()
    query["page"] = page_number
    return f"?{query.urlencode()}"
