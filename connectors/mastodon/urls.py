"""Include under ``connect/``: the callback is then SITE_URL + /connect/mastodon/callback/."""

from django.urls import path

from connectors.mastodon import views

app_name = "mastodon"

urlpatterns = [
    path("mastodon/", views.account_page, name="account"),
    path("mastodon/connect/", views.connect_start, name="connect"),
    path("mastodon/callback/", views.connect_callback, name="callback"),
]
