"""Privacy routes (namespace ``privacy``): the member's own, and the opt-out for anyone."""

from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("account/privacy/", views.privacy_settings, name="settings"),
    path("account/privacy/opt-out/", views.member_opt_out, name="opt_out"),
    path("account/privacy/export/", views.data_export, name="export"),
    path(
        "account/privacy/export/<int:export_id>/download/", views.data_export_download, name="export_download"
    ),
    path("account/privacy/delete/", views.account_delete, name="delete"),
    # Beside the connect page's other account actions; here because deleting what was read is a purge.
    path(
        "connect/accounts/<int:account_id>/disconnect/", views.account_disconnect, name="account_disconnect"
    ),
    path("privacy/opt-out/", views.public_opt_out, name="public"),
    path("privacy/opt-out/x/start/", views.public_opt_out_x_start, name="public_x_start"),
    path("privacy/opt-out/x/callback/", views.public_opt_out_x_callback, name="public_x_callback"),
    path("privacy/opt-out/<str:token>/", views.public_opt_out_status, name="public_status"),
]
