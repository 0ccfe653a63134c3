from django.urls import path

from connectors import api

urlpatterns = [
    path("me/accounts/", api.MyAccountsApi.as_view(), name="api-my-accounts"),
]
