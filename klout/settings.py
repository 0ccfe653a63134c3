"""Django settings, read from the environment (see README "Configuration").

With nothing set, the service runs on embedded defaults: a SQLite file and a
filesystem message broker under ``var/``, so a single command brings it up on a bare
machine. Production sets DATABASE_URL, REDIS_URL and SECRET_KEY.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from connectors import registry
from klout.env import env_bool, env_database, env_int, env_list, env_str, env_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("KLOUT_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", None)
# Long enough that it cannot be guessed (Django's own deployment check asks for 50 characters).
SECRET_KEY_MIN_LENGTH = 50
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (or set DEBUG=1 for local use)")
    SECRET_KEY = "insecure-development-key-only-used-with-DEBUG-on"  # noqa: S105
elif not DEBUG and (len(SECRET_KEY) < SECRET_KEY_MIN_LENGTH or len(set(SECRET_KEY)) < 5):
    raise ImproperlyConfigured(
        f"SECRET_KEY must be at least {SECRET_KEY_MIN_LENGTH} random characters when DEBUG is off "
        "(python -c 'import secrets; print(secrets.token_urlsafe(50))' makes one)"
    )
# Earlier signing keys, still accepted for sessions, password-reset links and stored tokens while
# they expire: rotate SECRET_KEY by moving the old one here.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", [])
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://localhost:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular_sidecar",
    "drf_spectacular",
    "allauth",
    "allauth.account",
    "django_celery_beat",
    "django_filters",
    "klout",
    "accounts",
    "connectors",
    "scoring",
    "privacy",
    "perks",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "klout.urls"
WSGI_APPLICATION = "klout.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "klout.context_processors.site",
                "accounts.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'klout.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache and (when set) the Celery broker -------------------------------------
REDIS_URL = env_url("REDIS_URL", None, schemes=("redis", "rediss"))
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery -----------------------------------------------------------------------------
# Unset broker: kombu's filesystem transport, which needs no server and lets the web,
# worker and beat processes of one machine talk through files under var/.
BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_URL = env_url(
    "CELERY_BROKER_URL", REDIS_URL or "filesystem://", schemes=("redis", "rediss", "amqp", "filesystem")
)
if CELERY_BROKER_URL == "filesystem://":
    for folder in ("queue", "processed"):
        (BROKER_DIR / folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "store_processed": False,
    }
    _default_results = f"file://{VAR_DIR / 'celery-results'}"
    (VAR_DIR / "celery-results").mkdir(exist_ok=True)
else:
    _default_results = CELERY_BROKER_URL if CELERY_BROKER_URL.startswith("redis") else None
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", _default_results)
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = "UTC"
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 30 * 60, minimum=1)
CELERY_TASK_SOFT_TIME_LIMIT = max(1, CELERY_TASK_TIME_LIMIT - 60)
# A task is acknowledged after it ran, so a worker that dies mid-task leaves it queued;
# tasks are written to be idempotent for that reason.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Sending a task retries briefly: a web request must not hang on a broker that is down, and
# the caller marks its row failed instead (klout.queue).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True

# --- Auth and accounts ------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_REDIRECT_URL = "home"
LOGIN_URL = "account_login"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupExtraForm"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Klout] "
ACCOUNT_RATE_LIMITS = False if env_bool("KLOUT_DISABLE_RATE_LIMITS", False) else {}

# --- Email --------------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if env_str("EMAIL_HOST", None)
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Klout <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- REST API ------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api_auth.ApiTokenAuthentication",
        "accounts.api_auth.SessionWithCsrf",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["accounts.api_auth.HasScope"],
    # Requests without credentials are counted per address by klout.api.ApiView, before the rest.
    "DEFAULT_THROTTLE_CLASSES": ["klout.api_throttles.TokenRateThrottle"],
    # Per token (or signed-in person) for each scope of endpoints, and per address without one.
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_RATE_ANON", "60/min"),
        "scores": env_str("API_RATE_SCORES", "6000/min"),
        "me": env_str("API_RATE_ME", "600/min"),
        "search": env_str("API_RATE_SEARCH", "120/min"),
        "perks": env_str("API_RATE_PERKS", "600/min"),
        "claims": env_str("API_RATE_CLAIMS", "60/min"),
    },
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "klout.api.Cursor",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "klout.api.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Klout API",
    "DESCRIPTION": (
        "Influence scores, their history and explanations; influencer search; perks and claims. "
        "Authenticate with a personal token: `Authorization: Bearer <key>`. Every error has the "
        'body `{"error": {"code", "message", "fields"}}`. See docs/api.md.'
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "AUTHENTICATION_WHITELIST": ["accounts.api_auth.ApiTokenAuthentication"],
}

# --- Static files, i18n ----------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Security (production) ---------------------------------------------------------------
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG and SITE_URL.startswith("https"))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_TLS_PROXY else None
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Redirect plain HTTP to HTTPS (the status page stays reachable for monitors inside the network),
# and tell browsers to use HTTPS only, for SECURE_HSTS_SECONDS (start small, then a year: 31536000).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Per-address limits (sign-in, sign-up, opt-out requests) count the client's address. Behind
# the TLS proxy it is the last one the proxy added to X-Forwarded-For (TRUSTED_PROXY_COUNT
# proxies of the operator's), or a header the proxy sets itself (TRUSTED_CLIENT_IP_HEADER, such
# as X-Real-IP); a client cannot forge either. Read by allauth and by klout.client_address.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1 if BEHIND_TLS_PROXY else 0, minimum=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env_str("TRUSTED_CLIENT_IP_HEADER", None) or None
# Who may see the status page's details and ask it to test a worker: staff, or a monitor sending
# "Authorization: Bearer <HEALTH_CHECK_TOKEN>".
HEALTH_CHECK_TOKEN = env_str("HEALTH_CHECK_TOKEN", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# --- Connectors ---------------------------------------------------------------------------
# Key(s) that encrypt OAuth tokens at rest: comma-separated, the first encrypts, all decrypt
# (rotate by putting the new key first). Required when DEBUG is off: a key derived from
# SECRET_KEY would lose every token the day SECRET_KEY is rotated. With DEBUG on, empty means
# derived from SECRET_KEY.
TOKEN_ENCRYPTION_KEY = env_str("TOKEN_ENCRYPTION_KEY", "")
if not TOKEN_ENCRYPTION_KEY.strip() and not DEBUG:
    raise ImproperlyConfigured(
        "TOKEN_ENCRYPTION_KEY must be set when DEBUG is off: it encrypts the networks' access tokens "
        "at rest, apart from SECRET_KEY so that rotating SECRET_KEY loses no token"
    )
# Uploaded archives and JSON Lines files: largest upload accepted, and the zip-bomb guards
# applied to an archive's content (total uncompressed size, and per-file expansion ratio).
IMPORT_MAX_UPLOAD_BYTES = env_int("IMPORT_MAX_UPLOAD_BYTES", 2 * 1024**3, minimum=1)
IMPORT_MAX_UNCOMPRESSED_BYTES = env_int("IMPORT_MAX_UNCOMPRESSED_BYTES", 8 * 1024**3, minimum=1)
IMPORT_MAX_COMPRESSION_RATIO = env_int("IMPORT_MAX_COMPRESSION_RATIO", 200, minimum=1)
# Entries an archive may hold: the zip's central directory costs memory per entry before any
# other check can run, so its count is read from the end record first.
IMPORT_MAX_ZIP_ENTRIES = env_int("IMPORT_MAX_ZIP_ENTRIES", 100_000, minimum=1)
# Uploads a member may have queued or importing at once.
IMPORT_MAX_WAITING_PER_MEMBER = env_int("IMPORT_MAX_WAITING_PER_MEMBER", 3, minimum=1)

# --- X/Twitter ------------------------------------------------------------------------------
# OAuth 2.0 app credentials from the X developer portal (User authentication settings:
# type "Web App", callback URL SITE_URL + /connect/x/callback/). Without X_CLIENT_ID the
# "Connect X" button explains that X is not configured, and nothing else changes.
X_CLIENT_ID = env_str("X_CLIENT_ID", "")
X_CLIENT_SECRET = env_str("X_CLIENT_SECRET", "")
X_API_BASE_URL = env_url("X_API_BASE_URL", "https://api.twitter.com", schemes=("https", "http")).rstrip("/")

# --- YouTube --------------------------------------------------------------------------------
# A Google OAuth client of type "Web application" (Google Cloud console, with the YouTube Data
# API v3 enabled), redirect URI SITE_URL + /connect/youtube/callback/. Without both, the
# "Connect YouTube" button explains that YouTube is not configured.
GOOGLE_CLIENT_ID = env_str("GOOGLE_CLIENT_ID", "")
GOOGLE_CLIENT_SECRET = env_str("GOOGLE_CLIENT_SECRET", "")
GOOGLE_TOKEN_URL = env_url(
    "GOOGLE_TOKEN_URL", "https://oauth2.googleapis.com/token", schemes=("https", "http")
)
YOUTUBE_API_BASE_URL = env_url(
    "YOUTUBE_API_BASE_URL", "https://youtube.googleapis.com/", schemes=("https", "http")
)
# The Google project's daily quota in units (each call of the sync costs one), shared by every
# channel; the part of it one sync may spend; and how often each channel is read.
# A Google API key (same project), for the public opt-out: reading a channel's description.
YOUTUBE_API_KEY = env_str("YOUTUBE_API_KEY", "")
# Seconds a call may wait on any one read from Google.
YOUTUBE_API_TIMEOUT_SECONDS = env_int("YOUTUBE_API_TIMEOUT_SECONDS", 30, minimum=1)
YOUTUBE_DAILY_QUOTA = env_int("YOUTUBE_DAILY_QUOTA", 10_000, minimum=1)
YOUTUBE_SYNC_UNITS = env_int("YOUTUBE_SYNC_UNITS", 200, minimum=5)
YOUTUBE_ACCOUNT_DAILY_UNITS = env_int("YOUTUBE_ACCOUNT_DAILY_UNITS", 1000, minimum=5)
YOUTUBE_SYNC_HOURS = env_int("YOUTUBE_SYNC_HOURS", 3, minimum=1)
# --- Instagram and Facebook (Meta's Graph API) --------------------------------------------------
# A Business app of Meta's developer dashboard with Facebook Login for Business; redirect URI
# SITE_URL + /connect/instagram/callback/.
META_APP_ID = env_str("META_APP_ID", "")
META_APP_SECRET = env_str("META_APP_SECRET", "")
META_GRAPH_BASE_URL = env_url("META_GRAPH_BASE_URL", "https://graph.facebook.com", schemes=("https", "http"))
# The operator's own Instagram professional account (its id and a long-lived token), through which
# the public opt-out reads an Instagram bio (business discovery).
META_LOOKUP_IG_USER_ID = env_str("META_LOOKUP_IG_USER_ID", "")
META_LOOKUP_TOKEN = env_str("META_LOOKUP_TOKEN", "")
META_API_TIMEOUT_SECONDS = env_int("META_API_TIMEOUT_SECONDS", 30, minimum=1)

# --- Foursquare / Swarm -----------------------------------------------------------------------
# An app of Foursquare's developer console, redirect URI SITE_URL + /connect/foursquare/callback/.
FOURSQUARE_CLIENT_ID = env_str("FOURSQUARE_CLIENT_ID", "")
FOURSQUARE_CLIENT_SECRET = env_str("FOURSQUARE_CLIENT_SECRET", "")
FOURSQUARE_API_BASE_URL = env_url(
    "FOURSQUARE_API_BASE_URL", "https://api.foursquare.com", schemes=("https", "http")
)
FOURSQUARE_API_TIMEOUT_SECONDS = env_int("FOURSQUARE_API_TIMEOUT_SECONDS", 30, minimum=1)
FOURSQUARE_TOKEN_URL = env_url(
    "FOURSQUARE_TOKEN_URL", "https://foursquare.com/oauth2/access_token", schemes=("https", "http")
)
# The X tasks live in a sub-package that Celery's app autodiscovery does not look into.
# Each API sync's task module (connectors.registry): the worker registers them at start.
CELERY_IMPORTS = registry.task_modules()

# --- Privacy --------------------------------------------------------------------------------
# Opt-out for anyone reads public profiles to find a one-time code in the bio.
# Mastodon: the person's own server, "{instance}" is replaced by the part after the second @.
MASTODON_INSTANCE_URL = env_url("MASTODON_INSTANCE_URL", "https://{instance}", schemes=("https", "http"))
# Bluesky: a public AppView answers app.bsky.actor.getProfile without authentication.
BLUESKY_APPVIEW_URL = env_url("BLUESKY_APPVIEW_URL", "https://public.api.bsky.app", schemes=("https", "http"))
# Where did:plc documents are read, to check that a DID names the handle back.
BLUESKY_PLC_DIRECTORY_URL = env_url(
    "BLUESKY_PLC_DIRECTORY_URL", "https://plc.directory", schemes=("https", "http")
).rstrip("/")
# X: reading a bio needs an app-only bearer token (X developer portal, "Keys and tokens").
# Without it the opt-out page offers signing in with X instead, when X OAuth is configured.
X_BEARER_TOKEN = env_str("X_BEARER_TOKEN", "")
PRIVACY_OPTOUT_CODE_LIFETIME_MINUTES = env_int("PRIVACY_OPTOUT_CODE_LIFETIME_MINUTES", 24 * 60, minimum=5)
PRIVACY_PROFILE_TIMEOUT_SECONDS = env_int("PRIVACY_PROFILE_TIMEOUT_SECONDS", 10, minimum=1)
# The most one profile read may take in all, however slowly the server sends its answer.
PRIVACY_PROFILE_DEADLINE_SECONDS = env_int("PRIVACY_PROFILE_DEADLINE_SECONDS", 20, minimum=1)
# Hosts taken from what a person typed must resolve to public addresses only. Never on in
# production: only tests, whose fake servers listen on 127.0.0.1, turn it on.
OUTBOUND_ALLOW_PRIVATE_ADDRESSES = False
# How long a data-export zip stays downloadable before the hourly cleanup deletes it.
PRIVACY_EXPORT_LIFETIME_HOURS = env_int("PRIVACY_EXPORT_LIFETIME_HOURS", 72, minimum=1)
