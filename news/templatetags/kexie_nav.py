from django import template

from news.models import Category

register = template.Library()


@register.simple_tag
def nav_categories():
    """Top-level categories for the main navigation (one query)."""
    return list(Category.objects.filter(parent__isnull=True).only("name", "slug"))
