"""The project's URLs and, after them, ``/bench/plain/``: the baseline of ``bench.api_bench``.

The plain view returns a small ``JsonResponse`` with no DRF, no authentication, no throttle and
no database, through the project's whole middleware stack; it comes after the project's patterns
so that its URL is resolved past all of them, as ``/api/v1/...`` nearly is.
"""

from django.http import HttpRequest, JsonResponse
from django.urls import path

from klout.urls import urlpatterns as project_urlpatterns

PLAIN_BODY = {"network": "x", "handle": "plain", "score": 42.0, "day": "2026-12-01"}


def plain(request: HttpRequest) -> JsonResponse:
    return JsonResponse(PLAIN_BODY)


urlpatterns = [*project_urlpatterns, path("bench/plain/", plain, name="bench-plain")]
