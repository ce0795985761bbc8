"""Django settings for the retrowalk studio app. Everything that differs between a laptop and production comes
from the environment (README "Deploying"): ``RETROWALK_DEBUG``, ``RETROWALK_SECRET_KEY``, ``DATABASE_URL``,
``RETROWALK_ALLOWED_HOSTS``, ``RETROWALK_DATA_DIR`` and the e-mail settings.

Without any of them this is a development site on an embedded SQLite database in ``./var``.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from retrowalk.web.env import env_bool, env_int, env_list, env_str

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env_str("RETROWALK_DATA_DIR", str(Path.cwd() / "var"))).resolve()

DEBUG = env_bool("RETROWALK_DEBUG", True)
_DEV_KEY = "dev-only-not-secret-retrowalk"
SECRET_KEY = env_str("RETROWALK_SECRET_KEY", _DEV_KEY if DEBUG else "")
if not SECRET_KEY or (not DEBUG and SECRET_KEY == _DEV_KEY):
    raise ImproperlyConfigured("RETROWALK_SECRET_KEY must be set to a long random value when RETROWALK_DEBUG is off")
ALLOWED_HOSTS = env_list("RETROWALK_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("RETROWALK_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "modeltranslation",  # before the admin: the studio's own words in each language, side by side in its forms
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",  # the public pages' sitemap.xml (frontdesk/sitemaps.py)
    "ninja",  # its API docs viewer from its own static files, not a CDN
    "retrowalk.web.accounts",
    "retrowalk.web.walks",
    "retrowalk.web.coach",
    "retrowalk.web.frontdesk",
    "retrowalk.web.recordings",
    "retrowalk.web.sharing",
    "retrowalk.web.backups",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
]

MIDDLEWARE = [
    "retrowalk.web.clientip.ClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",  # the browser's language (cookie, then Accept-Language)
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "retrowalk.web.language.ProfileLanguageMiddleware",  # a signed-in person's profile language wins
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as axes asks: it turns a locked-out login into the lockout page
]

ROOT_URLCONF = "retrowalk.web.urls"
WSGI_APPLICATION = "retrowalk.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'retrowalk.sqlite3'}"),
        conn_max_age=env_int("RETROWALK_DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite makes its file but not its folder: on a fresh machine (a restore, a first run) the folder is made.
    Path(str(DATABASES["default"]["NAME"])).parent.mkdir(parents=True, exist_ok=True)
    # Several gunicorn workers share one file: wait for a writer instead of failing at once, and let readers
    # go on while one writes (WAL).
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Parameters bound by the server and each statement prepared once a connection has run it a few times: PostgreSQL
    # then parses and plans the dashboard's statements once, not on every page (measured: the coach dashboard's
    # request 11.6 -> 9.5 ms in-process). Behind a pooler in transaction mode (PgBouncer), set
    # RETROWALK_PG_PREPARE=0: prepared statements do not survive its switching of server connections.
    prepare = env_int("RETROWALK_PG_PREPARE", 5)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"server_side_binding": True, "prepare_threshold": prepare if prepare > 0 else None})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
"""Every page, message, cue and export in both (issue 17); Spanish is the studio's clients' second language."""
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en", "es")
"""What the studio writes itself (its page, published answers, session titles: frontdesk/translation.py) has a
column per language; a text not written in the page's language is shown in the one it was written in, and the page
marks it with that language's ``lang`` (frontdesk/templatetags/studio_text.py)."""
TIME_ZONE = env_str("RETROWALK_TIME_ZONE", "America/New_York")  # the seed's studio is in the US
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# In development WhiteNoise serves straight from the app's folders; in production from collectstatic's output.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage" if DEBUG
        else "retrowalk.web.storage.StaticStorage",
    },
}

# Route files up to 50 MiB (issue 3's reader limit); bigger bodies are refused before they are read.
ROUTE_UPLOAD_MAX_BYTES = 50 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = ROUTE_UPLOAD_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_BACKEND = env_str("RETROWALK_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("RETROWALK_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("RETROWALK_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("RETROWALK_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("RETROWALK_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("RETROWALK_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = env_str("RETROWALK_FROM_EMAIL", "retrowalk <noreply@localhost>")

# Text messages: "console" (the log, and RETROWALK_SMS_FILE if set) or "twilio" (its HTTP API).
SMS_BACKEND = env_str("RETROWALK_SMS_BACKEND", "console")
SMS_FILE = env_str("RETROWALK_SMS_FILE", "")
TWILIO_ACCOUNT_SID = env_str("TWILIO_ACCOUNT_SID", "")
TWILIO_AUTH_TOKEN = env_str("TWILIO_AUTH_TOKEN", "")
TWILIO_FROM = env_str("TWILIO_FROM", "")
TWILIO_BASE_URL = env_str("TWILIO_BASE_URL", "https://api.twilio.com")
if SMS_BACKEND == "twilio" and not (TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN and TWILIO_FROM):
    raise ImproperlyConfigured("RETROWALK_SMS_BACKEND=twilio needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM")

CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "retrowalk_cache"}}
"""The intro form's hourly limit lives here: shared by every worker through the database, no extra service."""

# The client's address: only requests from these proxies (addresses or networks) have X-Forwarded-For read.
TRUSTED_PROXIES = env_list("RETROWALK_TRUSTED_PROXIES", [])

# Logging in (django-axes; retrowalk.web.accounts.throttle): 10 failures for one name from one address lock that
# pair out for 15 minutes, on every form that logs in (the site's, the admin's).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "retrowalk.web.accounts.backends.ProfileBackend"]
"""The profile comes with the user (accounts/backends.py). Only one backend checks passwords: each listed one would
check it again (tests/security/test_login_throttle.py counts them). Sessions signed in through Django's ModelBackend
before this change sign in once more."""
AXES_FAILURE_LIMIT = env_int("RETROWALK_LOGIN_ATTEMPTS", 10)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "retrowalk.web.accounts.throttle.login_name"
AXES_CLIENT_IP_CALLABLE = "retrowalk.web.clientip.client_ip"
AXES_LOCKOUT_CALLABLE = "retrowalk.web.accounts.throttle.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Content-Security-Policy (django-csp): everything from this site only, no inline script without the response's
# nonce, no inline style, no plugins, no framing. The live coach's service worker, the map (inline SVG drawn from
# the route, no tiles) and the API docs (django-ninja's own static files) need nothing more.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "worker-src": [SELF],
        "manifest-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Production is served over HTTPS (a proxy in front sets X-Forwarded-Proto). RETROWALK_HTTPS=0 is for trying the
# production setup on one's own machine over plain http (`make run`): cookies then travel without TLS.
HTTPS = env_bool("RETROWALK_HTTPS", not DEBUG)
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("RETROWALK_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("RETROWALK_LOG_LEVEL", "INFO")},
    "loggers": {"django.server": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

# Background jobs (recorded-walk imports): Django's Tasks API (the django-tasks backport of Django 6's
# django.tasks). Embedded default: the database backend, worked by `retrowalk-admin db_worker` (make run starts
# one beside gunicorn). Production with many workers: RETROWALK_TASKS=rq and REDIS_URL (RQ on Redis; workers run
# `retrowalk-admin rqworker --job-class django_tasks_rq.Job default`).
TASKS_BACKEND = env_str("RETROWALK_TASKS", "database")
if TASKS_BACKEND == "rq":
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": env_str("REDIS_URL", "redis://127.0.0.1:6379/0"), "DEFAULT_TIMEOUT": 3600}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif TASKS_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
IMPORT_PAUSE_S = float(env_str("RETROWALK_IMPORT_PAUSE_S", "0"))
"""Seconds an import waits after each walk it stores: lets a small shared server breathe (and lets a test stop a
worker in the middle of a job)."""

