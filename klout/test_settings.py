"""Settings for the test suite: the real settings with fast, deterministic overrides.

DATABASE_URL / REDIS_URL still come from the environment, so CI runs the same tests
against PostgreSQL and Redis.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-" + "0123456789abcdefghijklmnopqrstuvwxyz")  # noqa: S105
os.environ.setdefault("TOKEN_ENCRYPTION_KEY", "test-only-token-encryption-key")  # noqa: S105
_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("KLOUT_VAR_DIR", os.path.join(_ROOT, "var", "test"))

from klout.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
ACCOUNT_RATE_LIMITS = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SITE_URL = "http://testserver"
# Each test process its own cache, emptied before every test (tests/conftest.py): with Redis the
# processes of a parallel run would share cached pages whose keys repeat across their databases.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
