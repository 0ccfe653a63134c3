from django.urls import path

from connectors import hub

app_name = "connect"

urlpatterns = [
    path("", hub.connect_index, name="index"),
    path("accounts/<int:account_id>/sync/", hub.account_sync_now, name="sync_now"),
]
