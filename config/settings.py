"""Crossover's settings: one module, driven by environment variables only.

Defaults are for development on a laptop (SQLite, local files, console email).
Production sets DJANGO_DEBUG=0 plus the variables listed in README.md; with DEBUG
off, a real secret key and allowed hosts are required and every HTTPS protection
is switched on.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def code_digest(root: Path) -> str:
    """A short digest of the site's Python code and templates (the cache's key version)."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted(root.glob("[!.]*/**/*.py")) + sorted(root.glob("templates/**/*.html")):
        if ".venv" not in path.parts and "node_modules" not in path.parts:
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value in (None, "") else int(value)


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def prepared_statements() -> dict:
    """PostgreSQL plans a query once per connection and reuses the plan once it has run
    DATABASE_PREPARE_THRESHOLD times (default 5): planning cost the database more than
    running the site's short queries. 0 turns it off, as a pooler in transaction mode
    (PgBouncer before 1.21) needs; then parameters are bound client-side, Django's default.
    """
    threshold = env_int("DATABASE_PREPARE_THRESHOLD", 5)
    if threshold <= 0:
        return {}
    return {"server_side_binding": True, "prepare_threshold": threshold}


def database_from_url(url: str) -> dict:
    """Turn postgres://user:pass@host:port/name?opt=v into a DATABASES entry."""
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise ImproperlyConfigured(f"DATABASE_URL scheme {parts.scheme!r} is not supported")
    return {
        "ENGINE": "core.postgresql",  # Django's, its health check the first query
        "NAME": unquote(parts.path.lstrip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        # Persistent connections, checked before reuse so a connection the server
        # dropped is replaced instead of failing the request.
        "CONN_MAX_AGE": env_int("DATABASE_CONN_MAX_AGE", 60),
        "CONN_HEALTH_CHECKS": True,
        # The planner's default costs are for spinning disks: with them, joining a page's
        # 30 credits to their artists read the whole artist table (1.7 ms at 3,000
        # artists, 0.26 ms by index). The site's data is on SSD or in memory.
        # `?options=` in the URL replaces this.
        "OPTIONS": {
            "options": "-c random_page_cost=1.1",
            **prepared_statements(),
            **dict(parse_qsl(parts.query)),
        },
        "TEST": {"NAME": env("DATABASE_TEST_NAME") or None},
    }


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = env("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY when DJANGO_DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production-0123456789"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set DJANGO_ALLOWED_HOSTS when DJANGO_DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# The site's name and public address: emails, canonical links, Open Graph tags, the
# sitemap and the feed are built on them, and the sites framework's Site row (which
# allauth's emails use) follows them (core.sites.site_sync: a migration and demo_data).
# `make run` sets SITE_URL to where it listens.
SITE_NAME = env("SITE_NAME", "Crossover")
# Stripped: an env file saved with CRLF line endings leaves a "\r" at the end. Inside it, a
# space or control character (which urlsplit silently drops) is refused: every link would
# carry it.
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").strip().rstrip("/")
if (
    urlsplit(SITE_URL).scheme not in ("http", "https")
    or not urlsplit(SITE_URL).netloc
    or not SITE_URL.isprintable()
    or any(c.isspace() for c in SITE_URL)
):
    raise ImproperlyConfigured(f"SITE_URL must be an http(s) address, not {SITE_URL!r}.")
SITE_ID = 1

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # The task queue's table (django-tasks-db): mail waits there for `manage.py db_worker`.
    "django_tasks_db",
    # Ours, lowest layer first: each app imports only from apps above it here.
    "core",
    "accounts",
    "comments",
    "collabs",
    "articles",
]

MIDDLEWARE = [
    # First, so its one log line per request sees every response and the whole duration.
    "core.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.PrivacyHeadersMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Fills every HTML response's holes for its own viewer (core/caching.py): inside the
    # CSRF, CSP and auth middleware it needs, outside the refusals it must fill too.
    "core.caching.HoleMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Refusals without a message for people get the site's: in place under htmx, else a page.
    "core.refusals.RefusalMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.AdminRequiresMFAMiddleware",
    "core.middleware.RateLimitMiddleware",
    "core.middleware.UnreadableInputMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "comments.context_processors.notifications",
                # Last: while a page renders for the page cache, the CSRF token and the
                # CSP nonce are holes, filled per response (core/caching.py).
                "core.caching.placeholders",
            ],
            "builtins": ["core.templatetags.site"],
        },
    }
]

# Databases -----------------------------------------------------------------
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": database_from_url(DATABASE_URL)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env("SQLITE_PATH") or BASE_DIR / "db.sqlite3",
            # Under gunicorn, reopening the file and running the PRAGMAs below cost each
            # request more than its queries. runserver starts a thread per request, which
            # defeats persistent connections, so development keeps 0.
            "CONN_MAX_AGE": env_int("DATABASE_CONN_MAX_AGE", 0 if DEBUG else 60),
            "OPTIONS": {
                # WAL lets readers and one writer work at once; IMMEDIATE avoids
                # "database is locked" upgrades from read to write transactions.
                "transaction_mode": "IMMEDIATE",
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache and sessions --------------------------------------------------------
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            # Redis errors are logged and bypassed: pages keep answering, sessions
            # fall back to the database (core/cache.py explains the trade-offs).
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "crossover"),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            # Per process. Django's default of 300 entries culled a third of them at a
            # time: pages, shared fragments and comment heads need more.
            "LOCATION": "crossover",
            "OPTIONS": {"MAX_ENTRIES": env_int("LOCMEM_CACHE_ENTRIES", 3000)},
        }
    }
# This process's own copies of pages, memo values and cards (core/caching.py): each is
# checked against the data's versions like the shared copy, and saves a round trip to
# Redis. Without Redis it is the default cache itself (the same LOCATION and options).
CACHES["local"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "crossover",
    "OPTIONS": (
        {"MAX_ENTRIES": env_int("LOCAL_CACHE_ENTRIES", 500)}
        if REDIS_URL
        else CACHES["default"]["OPTIONS"]
    ),
}
# What is cached is pickled code objects and rendered templates: a release that changes
# either must not read the last one's entries from a shared Redis. The key's version is
# a digest of the site's code and templates, so each release has entries of its own.
CACHES["default"]["VERSION"] = CACHES["local"]["VERSION"] = code_digest(BASE_DIR)
CACHES["local"]["KEY_PREFIX"] = CACHES["default"].get("KEY_PREFIX", "")
# Caching (core/caching.py; README "Caching"). Pages are kept this many seconds at most
# (0 turns the page cache off, nothing else); memo values as long as their data is unchanged.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 60)
CACHING_MEMO_SECONDS = 3600
# Columns that move with every vote, comment or login: updating only these bumps the
# table's "#counters" version, which only pages ordering or filtering by them follow.
# Pages show them through holes.
CACHING_COUNTERS = {
    "collabs.Collab": ["vote_count", "hot_score"],
    "comments.Thread": ["comment_count", "last_activity_at"],
    "comments.Comment": ["like_count"],
    "accounts.User": ["last_login"],
}
# Tables split by a column: a comment also bumps its thread's own version, a vote or a
# like its member's (a GET reads the viewer's own with the versions: "user_id").
CACHING_PARTS = {
    "comments.Comment": "thread_id",
    "collabs.Vote": "user_id",
    "comments.CommentLike": "user_id",
}
# {% hole "kind" key %}: the function that fills each kind for a response's viewer.
CACHING_HOLES = {
    "account": "accounts.holes.account",
    "welcome": "accounts.holes.welcome",
    "collab": "collabs.holes.collab",
    "thread": "comments.holes.thread",
    "actions": "comments.holes.actions",
}
# Sessions live in the database and are cached: fast with Redis, and still there
# when the cache is flushed or down.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Accounts ------------------------------------------------------------------
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
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"login": "accounts.forms.LoginForm", "signup": "accounts.forms.SignupForm"}
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_USERNAME_MIN_LENGTH = 3
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
# Refused at sign-up, and so is any look-alike of them (accounts.names.skeleton).
ACCOUNT_USERNAME_BLACKLIST = [
    "admin",
    "administrator",
    "editor",
    "editors",
    "moderator",
    "moderators",
    "mod",
    "crossover",
    "staff",
    "support",
    "official",
    "root",
    "system",
]
ACCOUNT_SIGNUP_FORM_HONEYPOT_FIELD = "website"
# allauth's own rate limits are on by default; they are kept in the cache
# (Redis in production, so every app server shares them).
ACCOUNT_RATE_LIMITS = {}
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Crossover"
# One 30-second step either side: phones drift, and a code typed as it rolls over still works.
MFA_TOTP_TOLERANCE = 1
# The code step counts wrong codes and remembers used ones in the database, not the cache
# (accounts/mfa.py): with Redis down it is still limited and a code still works once.
MFA_FORMS = {
    "authenticate": "accounts.mfa.TOTPAuthenticateForm",
    "reauthenticate": "accounts.mfa.TOTPReauthenticateForm",
}

# Abuse limits -----------------------------------------------------------------
# What one member (or one network address) may do, on top of allauth's own limits.
# README.md ("Abuse limits") says what each one means, who it applies to and where it
# is counted: in the database (exact on every server) or through core.ratelimit (the
# shared cache; refused with 503 while the cache is down). Periods are in seconds.
CROSSOVER_LIMITS = {
    # Accounts younger than this are "young": the stricter rules below apply to them.
    "young_member_seconds": 24 * 3600,
    # Comments (SPEC §4), counted in the database.
    "comments": {"limit": 5, "period": 60},
    "comments_young": {"limit": 3, "period": 600},
    # Young members: links in one comment (or its edit); more is a form error.
    "comment_links_young": 2,
    # Young members' votes (every click, casting or taking back), core.ratelimit.
    "votes_young": {"limit": 20, "period": 3600},
    # Every member: likes given, core.ratelimit; flags raised, counted in the database.
    "likes": {"limit": 50, "period": 24 * 3600},
    "flags": {"limit": 20, "period": 24 * 3600},
    # Every member: collabs nominated (each waits for an editor), counted in the database.
    "nominations": {"limit": 5, "period": 3600},
    "nominations_daily": {"limit": 20, "period": 24 * 3600},
    # Accounts created from one client address (allauth's idea of it), in the database.
    "signups_per_ip": {"limit": 10, "period": 24 * 3600},
    # Failed logins, counted in the database (accounts.attempts) on top of allauth's cache
    # counts, so they hold while Redis is down: passwords per account and per network,
    # second-factor codes per member and per network.
    "login_failed_account": {"limit": 5, "period": 300},
    "login_failed_network": {"limit": 10, "period": 60},
    "totp_failed": {"limit": 5, "period": 300},
    "totp_failed_network": {"limit": 10, "period": 60},
}

# Email ---------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", "Crossover <no-reply@crossover.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# In development mail is printed readably (core.mail: the text as written, links whole).
EMAIL_BACKEND_PATH = env(
    "DJANGO_EMAIL_BACKEND",
    "core.mail.ReadableConsoleBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_PATH}}
if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": env("DJANGO_EMAIL_HOST", "localhost"),
        "port": env_int("DJANGO_EMAIL_PORT", 587),
        "username": env("DJANGO_EMAIL_HOST_USER"),
        "password": env("DJANGO_EMAIL_HOST_PASSWORD"),
        "use_tls": env_bool("DJANGO_EMAIL_USE_TLS", True),
        "timeout": 10,
    }
elif EMAIL_BACKEND_PATH.endswith("filebased.EmailBackend"):
    # One file per message in a folder: a stand-in mail server for trials and tests.
    MAILERS["default"]["OPTIONS"] = {
        "file_path": env("DJANGO_EMAIL_FILE_PATH") or str(BASE_DIR / "sent-mail")
    }

# Background tasks: Django's task framework (core/tasks.py). Mail and notifications are
# enqueued (after commit) and never sent inside a request. "database" keeps the queue in
# the database for `manage.py db_worker` (django-tasks-db): the production default, with
# retries and backoff for mail. "immediate" runs each task in-process at once: development
# and tests, no retries.
TASK_BACKENDS = {
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
TASKS_BACKEND = env("TASKS_BACKEND", "immediate" if DEBUG else "database")
if TASKS_BACKEND not in TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be one of {sorted(TASK_BACKENDS)}")
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASKS_BACKEND]}}

# Internationalisation ------------------------------------------------------
LANGUAGE_CODE = "en"
# Our words for allauth's ("Log in" where it says "Sign In"): accounts/locale/en, first.
LOCALE_PATHS = [BASE_DIR / "accounts" / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Static files and media ----------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# In development static files are served from the source folders as they change.
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_URL = env("DJANGO_MEDIA_URL", "/media/")
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT") or BASE_DIR / "media")

STORAGES = {
    "default": {"BACKEND": "core.storage.MediaStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME")
if AWS_STORAGE_BUCKET_NAME:
    # S3-compatible media (AWS, MinIO, R2…); credentials come from the usual
    # AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY variables read by boto3.
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env("AWS_S3_REGION_NAME") or None,
            "custom_domain": env("AWS_S3_CUSTOM_DOMAIN") or None,
            "querystring_auth": False,
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }

# Uploaded images: what is accepted and how big it may be.
IMAGE_UPLOAD_MAX_BYTES = 5 * 1024 * 1024
IMAGE_UPLOAD_MAX_PIXELS = 40_000_000
FILE_UPLOAD_MAX_MEMORY_SIZE = IMAGE_UPLOAD_MAX_BYTES + 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Security ------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# A form from a stale page: the site's page (or, under htmx, its error region) says why.
CSRF_FAILURE_VIEW = "core.refusals.csrf_failure"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 63_072_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if env_bool("DJANGO_BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

_media_origin = urlsplit(MEDIA_URL)
_media_hosts = [f"{_media_origin.scheme}://{_media_origin.netloc}"] if _media_origin.netloc else []
if env("AWS_S3_CUSTOM_DOMAIN"):
    _media_hosts.append(f"https://{env('AWS_S3_CUSTOM_DOMAIN')}")
elif AWS_STORAGE_BUCKET_NAME:
    _media_hosts.append(env("AWS_S3_ENDPOINT_URL") or "https://*.amazonaws.com")
# A strict policy: nothing from third parties, no inline script or style, no eval.
SECURE_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, *_media_hosts],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "manifest-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
# allauth's two-factor set-up page shows the QR code as a data: SVG image: that one view
# (config/urls.py) may load data: images, no other page may.
TOTP_ACTIVATE_CSP = {**SECURE_CSP, "img-src": [*SECURE_CSP["img-src"], "data:"]}

# Logging -------------------------------------------------------------------
# One line per request (core.middleware.RequestLogMiddleware) and every other record carry
# the request id; tasks enqueued by a request carry it to the worker (core/tasks.py).
# JSON lines in production, plain text in development. No client addresses; email
# addresses in messages and tracebacks are written as [email].
LOG_FORMAT = env("DJANGO_LOG_FORMAT", "plain" if DEBUG else "json")
if LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured("DJANGO_LOG_FORMAT must be plain or json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.logs.RequestIdFilter"}},
    "formatters": {
        "plain": {
            "()": "core.logs.PlainFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        },
        "json": {"()": "core.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        # runserver's own request lines repeat crossover.requests'.
        "django.server": {"level": "WARNING"},
        # Every task run is logged at INFO by Django; only problems matter here
        # (`manage.py db_worker` turns its own run lines back on).
        "django.tasks": {"level": "WARNING"},
    },
}

# Error reporting ----------------------------------------------------------------
# Sentry when SENTRY_DSN is set; nothing is initialised (or sent) otherwise. No personal
# data: no cookies, user emails, client addresses or request bodies.
SENTRY_DSN = env("SENTRY_DSN")
if SENTRY_DSN:
    from core.logs import init_sentry

    init_sentry(
        dsn=SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", "production"),
        release=env("SENTRY_RELEASE") or None,
    )
