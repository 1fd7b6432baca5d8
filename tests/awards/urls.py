"""The site's URLs plus an organization page, for tests on branches without the directory."""

from django.urls import include, path
from django.views.generic import TemplateView

from kexie.urls import urlpatterns as site_patterns

organization_patterns = [
    path("", TemplateView.as_view(template_name="base.html"), name="organization-list"),
    path(
        "<slug:slug>/",
        TemplateView.as_view(template_name="base.html"),
        name="organization-detail",
    ),
]

urlpatterns = [
    path("organizations/", include((organization_patterns, "organizations"))),
    *(p for p in site_patterns if getattr(p, "namespace", None) != "organizations"),
]
