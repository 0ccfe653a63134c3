"""Include under ``connect/``: the callback is then SITE_URL + /connect/instagram/callback/."""

from django.urls import path

from connectors.instagram import views

app_name = "instagram"

urlpatterns = [
    path("instagram/", views.account_page, name="account"),
    path("instagram/connect/", views.connect_start, name="connect"),
    path("instagram/callback/", views.connect_callback, name="callback"),
]
