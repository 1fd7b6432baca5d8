"""The site's URLs with stand-in organization pages, for branches that lack them."""

from django.urls import include, path
from django.views.generic import TemplateView

from kexie.urls import urlpatterns as site_urlpatterns

stand_in = TemplateView.as_view(template_name="organizations/organization_list.html")
organization_patterns = (
    [
        path("", stand_in, name="organization-list"),
        path("<slug:slug>/", stand_in, name="organization-detail"),
    ],
    "organizations",
)

urlpatterns = [
    pattern
    for pattern in site_urlpatterns
    if getattr(pattern, "namespace", None) != "organizations"
] + [path("organizations/", include(organization_patterns))]
