"""Privacy routes; ``accounts.urls`` adds them to its own (namespace ``accounts``)."""

from django.urls import path

from accounts.privacy import views

urlpatterns = [
    path("account/privacy/", views.privacy_settings, name="privacy"),
    path("account/privacy/opt-out/", views.member_opt_out, name="privacy_opt_out"),
    path("account/privacy/export/", views.data_export, name="privacy_export"),
    path(
        "account/privacy/export/<int:export_id>/download/",
        views.data_export_download,
        name="privacy_export_download",
    ),
    path("account/privacy/delete/", views.account_delete, name="privacy_delete"),
    path("privacy/opt-out/", views.public_opt_out, name="privacy_public"),
    path("privacy/opt-out/x/start/", views.public_opt_out_x_start, name="privacy_public_x_start"),
    path("privacy/opt-out/x/callback/", views.public_opt_out_x_callback, name="privacy_public_x_callback"),
    path("privacy/opt-out/<str:token>/", views.public_opt_out_status, name="privacy_public_status"),
]
