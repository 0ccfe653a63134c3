"""Include under ``connect/``: the callback is then SITE_URL + /connect/facebook/callback/."""

from django.urls import path

from connectors.facebook import views

app_name = "facebook"

urlpatterns = [
    path("facebook/", views.account_page, name="account"),
    path("facebook/connect/", views.connect_start, name="connect"),
    path("facebook/callback/", views.connect_callback, name="callback"),
]
