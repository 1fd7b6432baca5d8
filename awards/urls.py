from django.urls import path

from awards import views

app_name = "awards"

urlpatterns = [
    path("", views.HonourListView.as_view(), name="honour-list"),
    path("recipient/<slug:key>/", views.RecipientView.as_view(), name="recipient-detail"),
]
