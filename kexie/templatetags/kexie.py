from django import template

from kexie.accounts.names import display_name
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


@register.filter
def person(user):
    """A user as staff know them: their name, else their user name."""
    return display_name(user)
