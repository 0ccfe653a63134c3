from django.urls import path

from scoring import api

urlpatterns = [
    path("me/score/", api.MyScoreApi.as_view(), name="api-my-score"),
    path("me/history/", api.MyHistoryApi.as_view(), name="api-my-history"),
    path(
        "identities/<str:network>/<str:handle>/score/",
        api.IdentityScoreApi.as_view(),
        name="api-identity-score",
    ),
    path(
        "identities/<str:network>/<str:handle>/history/",
        api.IdentityHistoryApi.as_view(),
        name="api-identity-history",
    ),
]
