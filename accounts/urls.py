from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("account/", views.settings_view, name="settings"),
    path("brands/<slug:brand_slug>/team/", views.brand_team, name="brand_team"),
    path("brands/<slug:brand_slug>/details/", views.brand_details, name="brand_details"),
    path(
        "brands/<slug:brand_slug>/team/invitations/<int:invitation_id>/revoke/",
        views.brand_invitation_revoke,
        name="brand_invitation_revoke",
    ),
    path(
        "brands/<slug:brand_slug>/team/members/<int:membership_id>/remove/",
        views.brand_member_remove,
        name="brand_member_remove",
    ),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
]
