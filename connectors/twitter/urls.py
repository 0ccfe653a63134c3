"""Include under ``connect/``: the callback is then SITE_URL + /connect/x/callback/."""

from django.urls import path

from connectors.twitter import views

app_name = "x"

urlpatterns = [
    path("x/", views.account_page, name="account"),
    path("x/connect/", views.connect_start, name="connect"),
    path("x/callback/", views.connect_callback, name="callback"),
]
