from kexie.pagecache import fragments
from news.models import Category


def _top_categories():
    return list(Category.objects.filter(parent__isnull=True).only("name", "slug"))


def navigation(request):
    """Top-level categories for the main navigation of every page.

    Lives in news, so shared templates need no tag library from an app. A callable,
    which the template calls when it renders the menu: pages without it (the admin,
    feeds) pay no query.
    """
    return {"nav_categories": lambda: fragments.memo(request, "news.nav", _top_categories)}
