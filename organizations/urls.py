from django.urls import path
from django.views.generic import TemplateView

app_name = "organizations"

# Placeholder until the directory is built (issue 3).
urlpatterns = [
    path(
        "",
        TemplateView.as_view(template_name="organizations/organization_list.html"),
        name="organization-list",
    ),
]
