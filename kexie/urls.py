from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.views.static import serve

from kexie import views
from kexie.search.views import SearchView
from kexie.sitemaps import sitemaps
from news.views import HomeView
from pages import views as page_views

admin.site.site_header = admin.site.site_title = format_lazy(
    _("{site} content management"), site=settings.KEXIE_SITE_SHORT_NAME
)
admin.site.index_title = _("Dashboard")

kexie_patterns = [
    path("admin/editor/upload/", views.editor_upload, name="editor-upload"),
]

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("", include((kexie_patterns, "kexie"))),
    path("news/", include("news.urls")),
    path("organizations/", include("organizations.urls")),
    path("honours/", include("awards.urls")),
    path("about/", include("pages.urls")),
    path("favicon.ico", page_views.favicon, name="favicon"),
    path(
        "sitemap.xml", sitemap, {"sitemaps": sitemaps}, name="django.contrib.sitemaps.views.sitemap"
    ),
    path("search/", SearchView.as_view(), name="search"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    # Development only; production serves media from the web server or object storage.
    urlpatterns += [
        path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}),
    ]
