from django.urls import path

from connectors import registry, views

app_name = "connectors"

# One upload page per file format of the registry, at the path and name it declares.
urlpatterns = [
    path(f.path, views.upload, {"run_source": f.run_source}, name=f.url_name) for f in registry.file_formats()
] + [
    path("import/runs/<int:run_id>/", views.run_detail, name="run_detail"),
    path("import/runs/<int:run_id>/status/", views.run_status, name="run_status"),
]
