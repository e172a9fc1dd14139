"""Recall Desk settings, read from the environment.

SQLite under var/ by default; PostgreSQL (psycopg 3) when DATABASE_URL names one.
"""

import os
import secrets
from pathlib import Path

import dj_database_url

from recalldesk.notify.config import email_server_from_environment

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("RECALLDESK_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATA_DIR = BASE_DIR / "data"


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    """The key from SECRET_KEY, else one generated once into var/ (never committed)."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_bool("DEBUG", False)
_hosts = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost")
ALLOWED_HOSTS = [h.strip() for h in _hosts.split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "huey.contrib.djhuey",
    # Serves the API docs' Swagger UI from our static files, not a CDN the CSP would block.
    "ninja",
    "recalldesk",
    "recalldesk.registry",
    "recalldesk.notify",
    "recalldesk.identify",
    "recalldesk.accounts",
    "recalldesk.claims",
    "recalldesk.ledger",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "recalldesk.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "recalldesk.urls"
WSGI_APPLICATION = "recalldesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "recalldesk" / "templates"],
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

SQLITE_PATH = VAR_DIR / "recalldesk.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{SQLITE_PATH}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE takes the write lock when a transaction starts, so two writers queue
        # behind the busy timeout instead of failing with "database is locked" mid-way.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    # Django's cursors bind parameters on the client and never prepare. The one statement that
    # files a claim (claims/claim_rows.py) asks psycopg to prepare it, which psycopg does only
    # when the connection has a threshold; no other query comes near this one.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 1_000_000

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "registry:home"

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not _env_bool("RECALLDESK_TESTING", False)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# `make run` serves plain HTTP on 127.0.0.1; RECALLDESK_PRODUCTION=1 switches on what needs HTTPS
# (redirect, HSTS, secure cookies), so `manage.py check --deploy` passes. Behind a TLS proxy on
# another host, set TRUST_X_FORWARDED_PROTO=1 (gunicorn already trusts a proxy on 127.0.0.1).
PRODUCTION = _env_bool("RECALLDESK_PRODUCTION", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = _env_bool("SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = _env_bool("SECURE_COOKIES", PRODUCTION)
SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = _env_bool("SECURE_HSTS_PRELOAD", PRODUCTION)
if _env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

REDIS_URL = os.environ.get("REDIS_URL", "")

# The cache holds rate-limit counters: per process by default, shared by all workers with Redis.
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "recalldesk",
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "recalldesk"}
    )
}
# Off in tests unless a test turns it on (many requests come from one address there); number of
# reverse proxies in front that append the client's address to X-Forwarded-For.
RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", not _env_bool("RECALLDESK_TESTING", False))
RATELIMIT_TRUSTED_PROXIES = int(os.environ.get("RATELIMIT_TRUSTED_PROXIES", "0"))
# The firm API (bearer tokens): requests per token per minute; wrong tokens per address.
FIRM_API_REQUESTS_PER_MINUTE = int(os.environ.get("FIRM_API_REQUESTS_PER_MINUTE", "600"))
FIRM_API_WRONG_TOKENS_PER_10_MINUTES = int(
    os.environ.get("FIRM_API_WRONG_TOKENS_PER_10_MINUTES", "30")
)

# E-mail is printed on the console (so `make run` shows it) unless EMAIL_URL, e.g.
# smtp+tls://user:password@mail.example.org:587, or EMAIL_HOST & co. name a mail server.
_email_server = email_server_from_environment(os.environ)
EMAIL_BACKEND = _email_server.backend
EMAIL_HOST = _email_server.host
EMAIL_PORT = _email_server.port
EMAIL_HOST_USER = _email_server.user
EMAIL_HOST_PASSWORD = _email_server.password
EMAIL_USE_TLS = _email_server.use_tls
EMAIL_USE_SSL = _email_server.use_ssl
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "15"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Recall Desk <recalls@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Links in e-mails are absolute; this is where people reach this instance.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Background tasks (tasks.py of each app) run in `manage.py run_huey`: a queue in SQLite under
# var/ by default, in Redis when REDIS_URL is set. Tests run tasks inline unless HUEY_IMMEDIATE=0.
HUEY = {
    "name": "recalldesk",
    "immediate": _env_bool("HUEY_IMMEDIATE", _env_bool("RECALLDESK_TESTING", False)),
    "consumer": {
        "workers": int(os.environ.get("HUEY_WORKERS", "2")),
        "worker_type": "thread",
        # A graceful stop waits this long for running tasks (an e-mail waits EMAIL_TIMEOUT at most).
        "shutdown_timeout": 30,
    },
    **(
        {"huey_class": "huey.RedisHuey", "url": REDIS_URL}
        if REDIS_URL
        else {"huey_class": "huey.SqliteHuey", "filename": str(VAR_DIR / "huey.sqlite3")}
    ),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

RECALLS_PAGE_SIZE = 20

# Owners' evidence files: never under STATIC or MEDIA, served only through an authorized view.
EVIDENCE_ROOT = Path(os.environ.get("EVIDENCE_ROOT", VAR_DIR / "private" / "evidence"))
EVIDENCE_MAX_BYTES = int(os.environ.get("EVIDENCE_MAX_BYTES", str(10 * 1024 * 1024)))
