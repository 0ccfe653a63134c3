"""The project's URLs plus the X connector's, until the project includes them itself."""

from django.urls import include, path

from klout.urls import urlpatterns as project_urls

urlpatterns = [*project_urls, path("connect/", include("connectors.twitter.urls"))]
