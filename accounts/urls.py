from django.urls import path

from accounts import token_views, views

app_name = "accounts"

urlpatterns = [
    path("account/", views.settings_view, name="settings"),
    path("account/api-tokens/", token_views.member_tokens, name="member_tokens"),
    path(
        "account/api-tokens/<int:token_id>/revoke/",
        token_views.member_token_revoke,
        name="member_token_revoke",
    ),
    path("brands/<slug:brand_slug>/api-tokens/", token_views.brand_tokens, name="brand_tokens"),
    path(
        "brands/<slug:brand_slug>/api-tokens/<int:token_id>/revoke/",
        token_views.brand_token_revoke,
        name="brand_token_revoke",
    ),
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
