"""Load the settings once at process start and turn a configuration error into one line.

Django would otherwise report a bad setting as a long traceback, or (for management
commands) swallow it and fail later with an unrelated message.
"""

from __future__ import annotations

import importlib
import os
import sys

from django.core.exceptions import ImproperlyConfigured


def load_settings_or_exit() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klout.settings")
    try:
        importlib.import_module(os.environ["DJANGO_SETTINGS_MODULE"])
    except ImproperlyConfigured as exc:
        sys.stderr.write(f"klout: configuration error: {exc}\n")
        sys.exit(2)
