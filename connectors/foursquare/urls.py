"""Include under ``connect/``: the callback is then SITE_URL + /connect/foursquare/callback/."""

from django.urls import path

from connectors.foursquare import views

app_name = "foursquare"

urlpatterns = [
    path("foursquare/", views.account_page, name="account"),
    path("foursquare/connect/", views.connect_start, name="connect"),
    path("foursquare/callback/", views.connect_callback, name="callback"),
]
