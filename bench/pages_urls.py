"""The site's URLs plus two yardsticks, for bench/pages.py only (never in production)."""

from django.http import HttpResponse
from django.template import engines
from django.urls import path

from kexie.urls import urlpatterns as site_urlpatterns
from news.models import Category

FLOOR_BYTES = b"<!DOCTYPE html><title>floor</title><p>" + b"x" * 1000 + b"</p>\n"
PLAIN_TEMPLATE = engines["django"].from_string(
    "<!DOCTYPE html><title>plain</title><ul>{% for c in categories %}<li>{{ c.name }}</li>"
    "{% endfor %}</ul>\n"
)


def floor(request):
    """The floor: the whole middleware stack and fixed bytes, nothing else."""
    return HttpResponse(FLOOR_BYTES, content_type="text/plain")


def plain(request):
    """A plain Django view: one query and a template."""
    categories = list(Category.objects.only("name")[:10])
    return HttpResponse(PLAIN_TEMPLATE.render({"categories": categories}))


urlpatterns = [
    path("bench/floor/", floor),
    path("bench/plain/", plain),
    *site_urlpatterns,
]
