"""Include under ``connect/``: the callback is then SITE_URL + /connect/youtube/callback/."""

from django.urls import path

from connectors.youtube import views

app_name = "youtube"

urlpatterns = [
    path("youtube/", views.account_page, name="account"),
    path("youtube/connect/", views.connect_start, name="connect"),
    path("youtube/callback/", views.connect_callback, name="callback"),
]
