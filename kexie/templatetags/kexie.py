from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from kexie.accounts.names import display_name
from kexie.richtext import render_html

register = template.Library()


@register.filter
def richtext(value):
    """Render stored rich text, sanitized again on the way out."""
    return render_html(value)


# Breadcrumbs: one definition of the trail's markup for every public page.
#   {% breadcrumbs %}{% crumb url label %}…{% crumb "" current %}{% endbreadcrumbs %}
# The trail starts at the home page; a crumb without a URL is the current page.


class BreadcrumbsNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        # Each crumb starts with its separator; the strip drops the template's line breaks.
        crumbs = " " + self.nodelist.render(context).strip()  # escaped by the crumb tags
        return format_html(
            '<nav class="breadcrumbs" aria-label="{}"><a href="{}">{}</a>{}</nav>',
            _("Breadcrumbs"),
            reverse("home"),
            _("Home"),
            mark_safe(crumbs),  # noqa: S308 - rendered by the template engine, escaped there
        )


@register.tag
def breadcrumbs(parser, token):
    nodelist = parser.parse(("endbreadcrumbs",))
    parser.delete_first_token()
    return BreadcrumbsNode(nodelist)


@register.simple_tag
def crumb(url, label):
    if url:
        return format_html('› <a href="{}">{}</a> ', url, label)
    return format_html("› <span>{}</span> ", label)


@register.filter
def person(user):
    """A user as staff know them: their name, else their user name."""
    return display_name(user)
