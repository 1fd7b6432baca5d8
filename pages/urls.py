from django.urls import path

from pages import views

app_name = "pages"

urlpatterns = [
    path("preview/<int:pk>/", views.PagePreviewView.as_view(), name="page-preview"),
    path("<slug:slug>/", views.PageDetailView.as_view(), name="page-detail"),
]
