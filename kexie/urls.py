from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.views.static import serve

from awards.sitemaps import HonourSitemap
from kexie import views
from kexie.accounts import twofactor
from kexie.figures.views import FiguresView
from kexie.search.views import SearchView
from news.sitemaps import ArticleSitemap, CategorySitemap, StaticSitemap
from news.views import HomeView
from organizations.sitemaps import OrganizationSitemap
from pages import chrome
from pages import views as page_views
from pages.sitemaps import PageSitemap

# The short name kept in the site settings (cached; see pages.chrome.admin_name).
admin.site.site_header = admin.site.site_title = format_lazy(
    _("{site} content management"), site=lazy(chrome.admin_name, str)()
)
admin.site.index_title = _("Dashboard")

# The URLs wire the apps together, so the apps' sitemaps are gathered here.
sitemaps = {
    "static": StaticSitemap,
    "categories": CategorySitemap,
    "articles": ArticleSitemap,
    "honours": HonourSitemap,
    "organizations": OrganizationSitemap,
    "pages": PageSitemap,
}

kexie_patterns = [
    path("admin/editor/upload/", views.editor_upload, name="editor-upload"),
    path("admin/2fa/setup/", twofactor.setup, name="2fa-setup"),
    path("admin/2fa/verify/", twofactor.verify, name="2fa-verify"),
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
    path("statistics/", FiguresView.as_view(), name="statistics"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]

# A database that is away or too slow answers 503 in Chinese, never 500 (kexie.db).
handler500 = "kexie.db.server_error"

if settings.DEBUG:
    # Development only; production serves media from the web server or object storage.
    urlpatterns += [
        path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}),
    ]
