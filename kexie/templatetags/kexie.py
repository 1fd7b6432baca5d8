from django import template

from kexie.richtext import render_html

register = template.Library()


@register.filter
def richtext(value):
    """Render stored rich text, sanitized again on the way out."""
    return render_html(value)
