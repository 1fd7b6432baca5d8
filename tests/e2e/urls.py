"""The site's URLs plus static and media serving, for the browser tests' live server."""

from django.conf import settings
from django.contrib.staticfiles.views import serve as serve_static
from django.urls import re_path
from django.views.static import serve as serve_media

from kexie.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    re_path(r"^static/(?P<path>.*)$", serve_static, {"insecure": True}),
    re_path(
        r"^media/(?P<path>.*)$",
        lambda request, path: serve_media(request, path, settings.MEDIA_ROOT),
    ),
    *site_urlpatterns,
]
