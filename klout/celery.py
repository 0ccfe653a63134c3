"""The Celery application shared by the web process, the worker and beat."""

from __future__ import annotations

import os

from celery import Celery

from klout.startup import load_settings_or_exit

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klout.settings")
if os.environ.get("KLOUT_CELERY_CHECK_SETTINGS", "1") == "1":
    load_settings_or_exit()

app = Celery("klout")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
