from django.urls import path

from organizations import views

app_name = "organizations"

urlpatterns = [
    path("", views.OrganizationListView.as_view(), name="organization-list"),
    path("<slug:slug>/", views.OrganizationDetailView.as_view(), name="organization-detail"),
]
