"""Settings for ``bench.api_bench`` only: the project's own settings (read from the environment
as in production), with a URL configuration that adds the baseline's plain JSON view.

    DJANGO_SETTINGS_MODULE=bench.api_bench_site .venv/bin/gunicorn klout.wsgi ...

Static files are served from the plain storage instead of WhiteNoise's manifest, so that no
``collectstatic`` is needed: neither URL the benchmark requests renders a template or names a
static file, and WhiteNoise's middleware does the same dictionary lookup per request either way.
"""

from klout.settings import *  # noqa: F403
from klout.settings import STORAGES

ROOT_URLCONF = "bench.api_bench_urls"
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
