from django.urls import path
from django.views.generic import TemplateView

app_name = "awards"

# Placeholder until the honours pages are built (issue 4).
urlpatterns = [
    path("", TemplateView.as_view(template_name="awards/honour_list.html"), name="honour-list"),
]
