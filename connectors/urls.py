from django.urls import path

from connectors import views

app_name = "connectors"

urlpatterns = [
    path("import/x-archive/", views.archive_upload, name="archive_upload"),
    path("import/activity/", views.activity_upload, name="activity_upload"),
    path("import/runs/<int:run_id>/", views.run_detail, name="run_detail"),
    path("import/runs/<int:run_id>/status/", views.run_status, name="run_status"),
]
