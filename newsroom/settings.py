"""Newsroom settings: one file, read from the environment.

Every variable is prefixed NEWSROOM_ (plus the conventional DATABASE_URL). The helpers
below refuse malformed values with ImproperlyConfigured, so a typo in production fails at
start-up instead of silently falling back. Defaults are for a laptop: `make run` needs no
environment at all.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def envbool(name: str, *, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def envint(name: str, *, default: int, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw.strip().replace("_", ""))
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}.")
    return value


def envlist(name: str, *, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def _local_secret_key() -> str:
    """A key kept in var/ so that a laptop install needs no configuration and keeps
    sessions across restarts. Production sets NEWSROOM_SECRET_KEY instead."""
    path = VAR_DIR / "secret_key"
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    VAR_DIR.mkdir(exist_ok=True)
    key = secrets.token_urlsafe(50)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key)
    return key


DEBUG = envbool("NEWSROOM_DEBUG", default=False)
SECRET_KEY = os.environ.get("NEWSROOM_SECRET_KEY") or _local_secret_key()
ALLOWED_HOSTS = envlist("NEWSROOM_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = envlist("NEWSROOM_CSRF_TRUSTED_ORIGINS", default=[])

# Largest article accepted from any source (upload, paste, stdin, fetch), in bytes.
MAX_ARTICLE_BYTES = envint("NEWSROOM_MAX_ARTICLE_BYTES", default=5 * 1024 * 1024, minimum=1024)
# Django refuses larger request bodies before our view sees them; leave room for the form.
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_ARTICLE_BYTES + 64 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = MAX_ARTICLE_BYTES + 64 * 1024
# Share-link (/s/<token>/) lookups allowed per client address per minute.
SHARE_LINK_LOOKUPS_PER_MINUTE = envint("NEWSROOM_SHARE_LINK_RATE", default=60, minimum=1)
# Requests one personal API token may make a minute (counted in the database, so every
# process shares the count); past it the API answers 429 with Retry-After.
API_REQUESTS_PER_MINUTE = envint("NEWSROOM_API_RATE", default=600, minimum=1)
# Failed sign-ins allowed in SIGN_IN_WINDOW_MINUTES, per account and per client address;
# past either, signing in is refused (even with the right password) until the window ends.
SIGN_IN_WINDOW_MINUTES = envint("NEWSROOM_SIGN_IN_WINDOW_MINUTES", default=15, minimum=1)
SIGN_IN_FAILURES_PER_ACCOUNT = envint("NEWSROOM_SIGN_IN_PER_ACCOUNT", default=10, minimum=1)
SIGN_IN_FAILURES_PER_ADDRESS = envint("NEWSROOM_SIGN_IN_PER_ADDRESS", default=30, minimum=1)
# The reverse proxies in front of Newsroom (addresses or networks, comma-separated): only
# a request from one of them has its X-Forwarded-For believed (articles/ratelimit.py).
TRUSTED_PROXIES = envlist("NEWSROOM_TRUSTED_PROXIES", default=[])

# Saving from the web (articles/fetch.py, feeds.py, jobs.py). Private, loopback and other
# non-public addresses are refused unless this is on (intranets, tests).
FETCH_ALLOW_PRIVATE = envbool("NEWSROOM_FETCH_ALLOW_PRIVATE", default=False)
FETCH_CONNECT_TIMEOUT = envint("NEWSROOM_FETCH_CONNECT_TIMEOUT", default=10, minimum=1)
FETCH_READ_TIMEOUT = envint("NEWSROOM_FETCH_READ_TIMEOUT", default=20, minimum=1)
FETCH_MAX_ATTEMPTS = envint("NEWSROOM_FETCH_MAX_ATTEMPTS", default=4, minimum=1)
# Article images Newsroom fetches and keeps (articles/images.py): the largest one image
# may be, all of one article's together, and how many one article may have.
IMAGE_MAX_BYTES = envint("NEWSROOM_IMAGE_MAX_BYTES", default=5 * 1024 * 1024, minimum=1024)
IMAGE_MAX_ARTICLE_BYTES = envint(
    "NEWSROOM_IMAGE_MAX_ARTICLE_BYTES", default=25 * 1024 * 1024, minimum=1024
)
IMAGE_MAX_PER_ARTICLE = envint("NEWSROOM_IMAGE_MAX_PER_ARTICLE", default=100, minimum=1)
MAX_FEED_BYTES = envint("NEWSROOM_MAX_FEED_BYTES", default=10 * 1024 * 1024, minimum=1024)
FEED_INTERVAL_MINUTES = envint("NEWSROOM_FEED_INTERVAL_MINUTES", default=30, minimum=1)
# Background work runs through django.tasks on PostgreSQL; `manage.py worker` runs it.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # PostgreSQL's own fields and indexes (the desk's MinHash bands, articles.claims).
    "django.contrib.postgres",
    "django_htmx",
    "django_tasks_db",
    # Two-factor sign-in: TOTP devices and single-use recovery codes (articles.accounts).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # The API (/api/v1/): its OpenAPI document and its docs page, served from here.
    "ninja",
    "articles",
]

MIDDLEWARE = [
    # Compresses text answers last of all (BREACH-mitigated; see articles.middleware).
    "articles.middleware.TextGZipMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Refuses NUL bytes, broken text and unreadable forms with a 400, before the session
    # and CSRF checks read the cookies and the form: no view meets such input.
    "articles.middleware.malformed_input_middleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "articles.middleware.first_run_middleware",
    # Keeps each person's list of signed-in browsers, and sends anyone who must set up
    # two-factor sign-in (the team requires it) to do so first.
    "articles.middleware.account_middleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

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
                # The header's count of unread notifications, queried only when shown.
                "articles.context.notifications",
            ],
        },
    },
]

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.config(conn_max_age=60, conn_health_checks=True)}
    USING_LOCAL_CLUSTER = False
else:
    from articles import pgcluster

    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": pgcluster.DB_NAME,
            "USER": pgcluster.DB_USER,
            "HOST": str(pgcluster.socket_dir()),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    }
    USING_LOCAL_CLUSTER = True
if DATABASES["default"].get("ENGINE") != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL (postgres://...).")
# No JIT: a misestimated query (a search over 50,000 entities) spent 300 ms compiling
# for 30 ms of work. Newsroom's queries are short; JIT only ever adds latency here.
_db_options = DATABASES["default"].setdefault("OPTIONS", {})
_db_options["options"] = f"{_db_options.get('options', '')} -c jit=off".strip()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sign in with a username or an e-mail address (articles.accounts.UsernameOrEmailBackend).
AUTHENTICATION_BACKENDS = ["articles.accounts.UsernameOrEmailBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "library"
LOGOUT_REDIRECT_URL = "login"

# E-mail (password resets, invitations). By default messages are printed on the server's
# console, so under `make run` the reset link appears in the terminal. Set
# NEWSROOM_EMAIL_HOST (and the others below) to send through an SMTP server.
DEFAULT_FROM_EMAIL = os.environ.get("NEWSROOM_EMAIL_FROM", "Newsroom <newsroom@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Django 6.1's MAILERS: one "default" mailer, SMTP or the console.
_email_host = os.environ.get("NEWSROOM_EMAIL_HOST", "")
if _email_host:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _email_host,
                "port": envint("NEWSROOM_EMAIL_PORT", default=587),
                "username": os.environ.get("NEWSROOM_EMAIL_USER", ""),
                "password": os.environ.get("NEWSROOM_EMAIL_PASSWORD", ""),
                "use_tls": envbool("NEWSROOM_EMAIL_STARTTLS", default=True),
                "use_ssl": envbool("NEWSROOM_EMAIL_SSL", default=False),
                "timeout": envint("NEWSROOM_EMAIL_TIMEOUT", default=20),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
# The address people open Newsroom at, for links in e-mail sent without a request (the
# watchlist digests, sent by the worker).
NEWSROOM_SITE_URL = os.environ.get("NEWSROOM_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# A reset link works once, for a day.
PASSWORD_RESET_TIMEOUT = 24 * 60 * 60
# Two-factor: the issuer shown in authenticator apps; failures slow further tries.
OTP_TOTP_ISSUER = os.environ.get("NEWSROOM_TOTP_ISSUER", "Newsroom")

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("NEWSROOM_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Article images Newsroom keeps (articles.images); Newsroom serves them itself, so
    # any django-storages backend (S3-compatible, say) can take this one's place.
    "images": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "images")},
    },
    # Hashed names let browsers cache static files forever; `make run` and the
    # production recipe both run collectstatic, and tests swap in the plain storage.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Security headers. Scripts come only from our own static files: no inline script, so the
# policy needs no nonce. Images come from Newsroom alone: article images are fetched and
# served by Newsroom (articles/images.py), so no page asks another host for anything.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Behind HTTPS (production), turn on everything `manage.py check --deploy` asks for.
HTTPS = envbool("NEWSROOM_HTTPS", default=False)
if HTTPS:
    SECURE_SSL_REDIRECT = envbool("NEWSROOM_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = envint("NEWSROOM_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("NEWSROOM_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = envbool("NEWSROOM_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # A monitor may poll the health endpoint over plain HTTP, from inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    if envbool("NEWSROOM_BEHIND_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("NEWSROOM_LOG_LEVEL", "WARNING")},
    # The extraction libraries log every quirk of every page they read; a page that
    # cannot be used reaches the user as an IngestError instead.
    "loggers": {
        name: {"level": "CRITICAL"} for name in ("trafilatura", "htmldate", "courlan", "justext")
    },
}
