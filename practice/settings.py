"""Groundwork settings: every value comes from an environment variable.

Development needs no configuration at all; production fails loudly when a value
is missing or malformed rather than starting with an unsafe default.
"""

import base64
import hashlib
import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}"
    )


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {raw!r}") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}; got {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Only ever used on a developer's machine: DEBUG is on.
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "practice",
    "clients",
    "routines",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "rules.apps.AutodiscoverRulesConfig",
    "csp",
]

MIDDLEWARE = [
    # First, so its log line and request id cover everything below it.
    "practice.observability.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "practice.middleware.IdleSessionMiddleware",
    # Every view needs a signed-in person unless it is marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "practice.middleware.PrivateCacheMiddleware",
    "practice.middleware.StudioMiddleware",
]

ROOT_URLCONF = "practice.urls"
WSGI_APPLICATION = "practice.wsgi.application"
AUTH_USER_MODEL = "practice.User"

TEMPLATES: list[dict[str, Any]] = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "practice.context_processors.studios",
            ],
            # {% submit_once %} belongs in every create form: no {% load %} to forget.
            "builtins": ["practice.templatetags.once"],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
try:
    _database = dj_database_url.parse(DATABASE_URL)
except ValueError as error:
    raise ImproperlyConfigured(
        f"DATABASE_URL is not a database URL we understand: {error}"
    ) from None
if _database["ENGINE"] == "django.db.backends.postgresql":
    # Django's own psycopg 3 pool replaces persistent connections (they cannot be combined).
    # With CONN_HEALTH_CHECKS (below) every connection is checked as it leaves the pool, so one
    # that died with a database restart is never handed to a request; our backend replaces all
    # the pool's dead ones at the first (practice/db/postgresql/base.py).
    _database["ENGINE"] = "practice.db.postgresql"
    _database.setdefault("OPTIONS", {})["pool"] = {
        "min_size": env_int("DATABASE_POOL_MIN", 2),
        "max_size": env_int("DATABASE_POOL_MAX", 10, minimum=1),
        # A request waits this long for a connection, then fails (so /healthz answers 503
        # within its two seconds while the database is away, instead of after 30).
        "timeout": env_int("DATABASE_POOL_TIMEOUT", 2, minimum=1),
        # The pool backs off between reconnection attempts, doubling the wait; after this many
        # seconds it starts over from a one-second wait, so the site is back within a few
        # seconds of the database however long it was away.
        "reconnect_timeout": 4,
    }
    # libpq's own limit on opening a connection (two seconds is the least it allows).
    _database["OPTIONS"].setdefault("connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 2))
    _database["CONN_MAX_AGE"] = 0
elif _database["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the development server read while another request writes.
    _database.setdefault("OPTIONS", {})["init_command"] = "PRAGMA journal_mode=WAL;"
    _database["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
# A connection is tested before it is reused: taken from the pool (PostgreSQL), or kept from an
# earlier request (SQLite).
_database["CONN_HEALTH_CHECKS"] = True
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
# Rate limits and cached handouts must be shared by every worker: Redis when several machines
# serve the app, otherwise the database (bounded, with an atomic `incr`). Either way a cache
# that fails costs a little protection or speed, never the site (practice/cache.py).
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "practice.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            # A Redis that hangs must not hang the page: give up quickly, use local memory.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "practice.cache.AtomicDatabaseCache",
            "LOCATION": "groundwork_cache",
            "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 20_000, minimum=1000)},
        }
    }

# --- Background tasks -----------------------------------------------------------------------
# Long work (the studio export, batch printing, key rotation) runs in `manage.py db_worker`
# processes that take tasks from the database: no other service needed, and on PostgreSQL any
# number of workers on any number of machines share the queue. To use Redis instead, install
# django-tasks-rq and set "BACKEND": "django_tasks_rq.RQBackend" (see README, Deploying).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A finished job's file (encrypted in MEDIA_ROOT/jobs/) is deleted after its download or then.
JOB_RESULT_HOURS = env_int("JOB_RESULT_HOURS", 24, minimum=1)
# A running job's worker renews its lease every quarter of this; a job whose lease ran out lost
# its worker and is failed with "Try again" (practice/jobs.py).
JOB_LEASE_SECONDS = env_int("JOB_LEASE_SECONDS", 30, minimum=4)
# /healthz calls the task workers degraded when no supervisor (`manage.py worker`) said it was
# alive for this long.
WORKER_SEEN_SECONDS = env_int("WORKER_SEEN_SECONDS", 60, minimum=5)

# --- Accounts -------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_ADAPTER = "practice.adapter.AccountAdapter"
ACCOUNT_FORMS = {"signup": "practice.forms.SignupForm"}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
# Opening the emailed link confirms at once, with no extra "Confirm" click. A mail scanner that
# opens links could confirm an address too, which only proves the mailbox received the link;
# it never signs anyone in (that needs the browser that signed up).
ACCOUNT_CONFIRM_EMAIL_ON_GET = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Groundwork] "
# A shared studio computer must not keep someone signed in after the browser closes.
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
# Failed sign-ins: strict per address, lenient and slow per account. A per-account limit locks
# the account for everyone, the rightful teacher included, so it only guards against guessing
# spread over many addresses; one address meets its own limits long before the account's.
# The reasoning is in the README ("Sign-in limits").
ACCOUNT_RATE_LIMITS = {
    "login_failed": env_str("LOGIN_RATE_LIMIT", "10/m/ip,30/h/ip,60/d/ip,100/d/key"),
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env_str("MFA_TOTP_ISSUER", "Groundwork")

SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 60, minimum=1)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
# The idle timeout: practice.middleware.IdleSessionMiddleware pushes the expiry forward once a
# minute of activity, instead of a session write on every request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
INVITATION_MAX_AGE_DAYS = env_int("INVITATION_MAX_AGE_DAYS", 7, minimum=1)

# --- Encryption at rest ----------------------------------------------------------------------
# Comma-separated Fernet keys, newest first (make one with `manage.py generate_encryption_key`).
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS", [])
if not FIELD_ENCRYPTION_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must be set when DEBUG is off.")
    # Development only: a key derived from the development SECRET_KEY, stable across runs.
    FIELD_ENCRYPTION_KEYS = [
        base64.urlsafe_b64encode(hashlib.sha256(SECRET_KEY.encode()).digest()).decode()
    ]
# Backups are encrypted to these age public keys ("age1…", comma-separated); the matching
# private key is kept apart from the server and given only to `manage.py restore --key-file`.
BACKUP_RECIPIENTS = env_list("BACKUP_RECIPIENTS", [])
AUDIT_TRUST_X_FORWARDED_FOR = env_bool("AUDIT_TRUST_X_FORWARDED_FOR", False)
# Behind the proxy every request comes from the proxy's address: the sign-in limits must count
# the address it forwards, or one person's typos would lock out the whole studio.
ALLAUTH_TRUSTED_PROXY_COUNT = 1 if AUDIT_TRUST_X_FORWARDED_FOR else 0

# --- Email ----------------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.filebased.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Groundwork <hello@groundwork.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Job results: in the media folder, readable by the server's user alone.
    "jobs": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"file_permissions_mode": 0o600, "directory_permissions_mode": 0o700},
    },
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Several machines without a shared folder: uploads and job results in an S3-compatible bucket
# (AWS, MinIO, Ceph, ...) through django-storages. Job files are encrypted before they leave
# the server, exactly as on disk; the bucket must be private (no public ACL is ever set).
S3_BUCKET = env_str("S3_BUCKET", "")
# Empty: AWS itself; otherwise the other service's address.
S3_ENDPOINT_URL = env_str("S3_ENDPOINT_URL", "")
S3_REGION = env_str("S3_REGION", "")
# Empty: boto3 finds credentials itself (instance role, ~/.aws, AWS_* variables).
S3_ACCESS_KEY_ID = env_str("S3_ACCESS_KEY_ID", "")
S3_SECRET_ACCESS_KEY = env_str("S3_SECRET_ACCESS_KEY", "")
# `manage.py backup --to-bucket` and `restore --from-bucket`: a bucket of its own, reached with
# the settings above. Not the uploads' bucket: every backup archives that one whole, and would
# otherwise carry all the earlier backups inside it.
BACKUP_S3_BUCKET = env_str("BACKUP_S3_BUCKET", "")
if BACKUP_S3_BUCKET and BACKUP_S3_BUCKET == S3_BUCKET:
    raise ImproperlyConfigured("BACKUP_S3_BUCKET must be another bucket than S3_BUCKET.")
if S3_BUCKET:
    _bucket = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": S3_ENDPOINT_URL or None,
            "region_name": S3_REGION or None,
            "access_key": S3_ACCESS_KEY_ID or None,
            "secret_key": S3_SECRET_ACCESS_KEY or None,
            "default_acl": "private",
            "file_overwrite": False,
        },
    }
    STORAGES["default"] = _bucket
    STORAGES["jobs"] = _bucket

# --- Security -------------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

# --- Logging and error reports ----------------------------------------------------------------
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "practice.observability.JSONFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "filters": {"redact_secrets": {"()": "practice.observability.RedactSecretsFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env_str("LOG_FORMAT", "json"),
            "filters": ["redact_secrets"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Request logs carry URLs and form errors; the app keeps sensitive text out of both,
        # and this keeps Django from echoing request bodies on errors.
        "django.request": {"level": "ERROR"},
        # Our own one line per request replaces the server's access log.
        "django.server": {"level": "WARNING"},
        # The PDF renderer narrates every step at INFO; its warnings are what matter.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
if LOGGING["handlers"]["console"]["formatter"] not in LOGGING["formatters"]:
    raise ImproperlyConfigured("LOG_FORMAT must be json or text.")

# Optional error reporting to any Sentry-compatible service. The SDK sends no personal data,
# no request bodies and no local variables, and `scrub_error_event` strips the rest.
SENTRY_DSN = env_str("SENTRY_DSN", "")
if SENTRY_DSN:
    import sentry_sdk

    from practice.observability import scrub_error_event

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env_str("SENTRY_ENVIRONMENT", "development" if DEBUG else "production"),
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        before_send=scrub_error_event,
        traces_sample_rate=0.0,
    )
