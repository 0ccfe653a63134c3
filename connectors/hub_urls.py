from django.urls import path

from connectors import hub

app_name = "connect"

urlpatterns = [path("", hub.connect_index, name="index")]
