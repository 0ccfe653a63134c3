"""Include under ``connect/``."""

from django.urls import path

from connectors.bluesky import views

app_name = "bluesky"

urlpatterns = [
    path("bluesky/", views.account_page, name="account"),
    path("bluesky/connect/", views.connect, name="connect"),
]
