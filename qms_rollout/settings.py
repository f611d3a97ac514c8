"""Settings for the QMS rollout tracker.

One file, every value from the environment (django-environ). Each variable is documented in
``.env.example``; a ``.env`` file beside ``manage.py`` (or the file named by ``ENV_FILE``) is
read first, the process environment wins over it.
"""

import datetime
import os
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
ENV_FILE = os.environ.get("ENV_FILE", str(BASE_DIR / ".env"))
if ENV_FILE and Path(ENV_FILE).is_file():
    env.read_env(ENV_FILE, overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = "insecure-development-key-only-used-with-debug-on"  # noqa: S105
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off the application refuses to start without it: "
            "set SECRET_KEY in the environment or in .env (see .env.example)."
        )
elif not DEBUG and (
    len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or "change-me" in SECRET_KEY.lower()
):
    raise ImproperlyConfigured(
        "SECRET_KEY is a placeholder or too short. With DEBUG off it must be at least 50 random "
        "characters: make one with `openssl rand -hex 32` and set it in the environment or .env."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "simple_history",
    "import_export",
    "axes",
    "django_filters",
    "csp",
    "django_tasks_db",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "core",
    "accounts",
    "communes",
    "procedures",
    "roadmap",
    "audits",
    "reports",
    "imports",
    "demo",
    "qms_rollout",
    "notifications",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "qms_rollout.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "qms_rollout.middleware.IdleSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "qms_rollout.middleware.PrivateCacheMiddleware",
]

ROOT_URLCONF = "qms_rollout.urls"
WSGI_APPLICATION = "qms_rollout.wsgi.application"
ASGI_APPLICATION = "qms_rollout.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            # Numbers are grouped (1.234) for display; identifiers in URLs, ids and form values
            # must not be: `|unlocalize` is available in every template for them.
            "builtins": ["django.templatetags.l10n"],
        },
    },
]

# Database: a SQLite file in the project by default (WAL, immediate transactions so two writers
# queue instead of failing); DATABASE_URL=postgres://... switches to PostgreSQL.
DATABASES = {
    "default": env.db_url_config(
        env.str("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    ),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
        }
    )
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Connections kept between requests (seconds; 0 = one per request), checked before reuse so a
# restarted PostgreSQL costs one reconnection, not an error.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.UserWithUnitBackend",
]
# Passwords hashed with Argon2id at Django's parameters (2 passes over 100 MiB, 8 lanes): harder
# to guess on a GPU than PBKDF2 with 1.5 million rounds, and it costs a sign-in ~0.2 s of CPU
# against ~0.4 s (bench/bench_password_hash.py). A PBKDF2 hash of an older account is still
# read, and rewritten as Argon2 at that account's next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# django-axes: lock an account and address after repeated failed sign-ins.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
# Locked is the pair (user name, client address): an attacker elsewhere cannot lock a user out.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"

# Language, time, formats.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["qms_rollout.formats"]
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.str("STATIC_ROOT", default="") or BASE_DIR / "var" / "staticfiles"
# With DEBUG off, WhiteNoise serves the collected files compressed, under names that carry their
# hash, cached by browsers for a year (``collectstatic`` first: `make serve` does it).
STATIC_MANIFEST = env.bool("STATIC_MANIFEST", default=not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = env.str("MEDIA_ROOT", default="") or BASE_DIR / "var" / "media"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Largest evidence or report file a user may upload, in megabytes.
EVIDENCE_MAX_MB = env.int("EVIDENCE_MAX_MB", default=20)
# Largest spreadsheet (.xlsx or .csv) the import pages accept, in megabytes.
IMPORT_MAX_MB = env.int("IMPORT_MAX_MB", default=10)

# One cache shared by every worker process and server: a table of the database by default
# (`createcachetable` makes it), Redis where there is one (CACHE_URL=redis://host:6379/1).
CACHES = {
    "default": env.cache_url_config(env.str("CACHE_URL", default="") or "dbcache://qms_cache")
}

# Background work (large reports): Django's tasks framework on the database backend; the worker is
# `manage.py db_worker` (a systemd unit in the README).
TASKS = {
    "default": {"BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")}
}

# Security. Behind a reverse proxy (nginx) set TRUSTED_PROXY_COUNT=1: the scheme is read from
# X-Forwarded-Proto and the client address from X-Forwarded-For, only then.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# A signed-in session ends after this many minutes without a request: requests push the expiry
# back (qms_rollout.middleware.IdleSessionMiddleware, at most once a minute).
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=60) * 60
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
# The monitoring probe asks over plain HTTP on the loopback (deploy/nginx-qms.conf).
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The sign-in lockout counts failures per (user name, client address): the address the trusted
# proxies saw, never one the client wrote into X-Forwarded-For itself.
AXES_CLIENT_IP_CALLABLE = "qms_rollout.proxy.client_ip"
# Password-reset requests per hour: per e-mail address, and per client address.
PASSWORD_RESET_PER_ADDRESS = env.int("PASSWORD_RESET_PER_ADDRESS", default=3)
PASSWORD_RESET_PER_CLIENT = env.int("PASSWORD_RESET_PER_CLIENT", default=10)
CSRF_FAILURE_VIEW = "qms_rollout.errors.csrf_failure"

# Content Security Policy: every script and stylesheet from this site, none inline.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# The REST API (api/, Django REST framework): a personal token (Authorization: Bearer) or the
# signed-in session (CSRF checked on writes); errors as RFC 9457 problems; a rate limit per token
# (API_RATE, requests per second/minute/hour/day) answered 429 with Retry-After.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": env.str("API_RATE", default="600/minute")},
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "api.problems.handle",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "QMS rollout API",
    "DESCRIPTION": (
        "The units, procedures, programmes, milestones, audits, findings, corrective actions, "
        "announcements, figures and notifications a user may see, as the pages show them. "
        "Authenticate with `Authorization: Bearer <token>` (a personal token, created on the "
        "account's API tokens page). Lists take `?as_of=` (dd/mm/yyyy or yyyy-mm-dd). Errors "
        "are RFC 9457 problems."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "MilestoneStatusEnum": "roadmap.models.Milestone.Status",
        "ParticipationKindEnum": "roadmap.models.ParticipationKind",
        "AuditKindEnum": "audits.models.Audit.Kind",
        "AnnouncementKindEnum": "audits.models.Announcement.Kind",
        "FindingStatusEnum": "audits.models.Finding.Status",
        "UnitKindEnum": "communes.models.Commune.Kind",
    },
}

# Domain settings.
# The date figures are computed for (YYYY-MM-DD); empty means today. The 2017 demo sets it.
_as_of = env.str("QMS_AS_OF", default="").strip()
try:
    QMS_AS_OF = datetime.date.fromisoformat(_as_of) if _as_of else None
except ValueError as exc:
    raise ImproperlyConfigured(f"QMS_AS_OF must be a date as YYYY-MM-DD, not {_as_of!r}.") from exc
# The deployment's territory: the province by its code (after 2025 the new province) and the codes
# of its predecessor provinces for the years before. DOST staff and managers see the units,
# programmes and figures of these provinces only. Empty: every province in the database. "*": a
# national deployment (the ministry's view: provinces as rows, drill-down to each).
QMS_PROVINCE = env.str("QMS_PROVINCE", default="").strip()
QMS_PROVINCE_PREDECESSORS = [
    code.strip() for code in env.list("QMS_PROVINCE_PREDECESSORS", default=[]) if code.strip()
]

# The issuing body printed on reports: its parent and its place follow the territory's province
# ("UBND TỈNH VĨNH LONG", "Vĩnh Long"); these two settings, when set, override them.
QMS_ISSUER_PARENT = env.str("QMS_ISSUER_PARENT", default="")
QMS_ISSUER = env.str("QMS_ISSUER", default="SỞ KHOA HỌC VÀ CÔNG NGHỆ")
# The same body's name in running text, with normal capitals (official documents' bodies).
QMS_ISSUER_NAME = env.str("QMS_ISSUER_NAME", default="Sở Khoa học và Công nghệ")
QMS_ISSUER_PLACE = env.str("QMS_ISSUER_PLACE", default="")
# Above this many participating communes the dashboard summarises by district (by province in a
# national deployment) and pages its commune × step grid.
QMS_DASHBOARD_MAX_ROWS = env.int("QMS_DASHBOARD_MAX_ROWS", default=200)
# Reports of more communes than this are built by the background worker, not in the request.
QMS_REPORT_DIRECT_MAX_COMMUNES = env.int("QMS_REPORT_DIRECT_MAX_COMMUNES", default=200)
# Exports of more rows than this are written by the background worker (core.spreadsheets).
QMS_EXPORT_DIRECT_MAX_ROWS = env.int("QMS_EXPORT_DIRECT_MAX_ROWS", default=3000)
# Long requests (a report, an export) one user may have rendered by the web workers at once;
# beyond, they wait in the background worker's queue (core/work.py).
QMS_USER_DIRECT_WORK = env.int("QMS_USER_DIRECT_WORK", default=2)
# Above this many communes a report summarises: a table by district, an annex per district.
QMS_REPORT_SUMMARY_MIN_COMMUNES = env.int("QMS_REPORT_SUMMARY_MIN_COMMUNES", default=500)
# A commune with no milestone change for this many days is listed as silent.
QMS_SILENT_DAYS = env.int("QMS_SILENT_DAYS", default=30)

# E-mail ----------------------------------------------------------------------------------------
# Django's mailers (MAILERS; the EMAIL_* settings are deprecated since Django 6.1), configured from
# the environment: EMAIL_URL (django-environ: smtp://user:pass@host:25, smtp+tls://...:587,
# smtp+ssl://...:465, consolemail://) wins; otherwise the usual EMAIL_* variables. In development
# (DEBUG on) mail is printed on the console unless a backend is set.
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
_email_url = env.str("EMAIL_URL", default="")
_mail = (
    env.email_url_config(_email_url)
    if _email_url
    else {
        "EMAIL_BACKEND": env.str("EMAIL_BACKEND", default="")
        or ("django.core.mail.backends.console.EmailBackend" if DEBUG else SMTP_BACKEND),
        "EMAIL_HOST": env.str("EMAIL_HOST", default="localhost"),
        "EMAIL_PORT": env.int("EMAIL_PORT", default=25),
        "EMAIL_HOST_USER": env.str("EMAIL_HOST_USER", default=""),
        "EMAIL_HOST_PASSWORD": env.str("EMAIL_HOST_PASSWORD", default=""),
        "EMAIL_USE_TLS": env.bool("EMAIL_USE_TLS", default=False),
        "EMAIL_USE_SSL": env.bool("EMAIL_USE_SSL", default=False),
    }
)
MAILERS = {"default": {"BACKEND": _mail["EMAIL_BACKEND"]}}
if _mail["EMAIL_BACKEND"] == SMTP_BACKEND:
    MAILERS["default"]["OPTIONS"] = {
        "host": _mail.get("EMAIL_HOST") or "localhost",
        "port": int(_mail.get("EMAIL_PORT") or 25),
        "username": _mail.get("EMAIL_HOST_USER", ""),
        "password": _mail.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": bool(_mail.get("EMAIL_USE_TLS")),
        "use_ssl": bool(_mail.get("EMAIL_USE_SSL")),
        # Seconds before giving up on the mail server.
        "timeout": env.int("EMAIL_TIMEOUT", default=30),
    }
# The sender: an address, shown with the Sở's name ("Name <address>" is kept as it is).
QMS_MAIL_SENDER_NAME = env.str("QMS_MAIL_SENDER_NAME", default="Sở Khoa học và Công nghệ")
_from_address = env.str("DEFAULT_FROM_EMAIL", default="") or "no-reply@localhost"
DEFAULT_FROM_EMAIL = (
    _from_address
    if "<" in _from_address or not QMS_MAIL_SENDER_NAME
    else f'"{QMS_MAIL_SENDER_NAME.replace(chr(34), "")}" <{_from_address}>'
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address the application is reached at: every link in a mail starts with it.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# How long a password-reset or welcome link stays valid, in hours.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_HOURS", default=72) * 3600

# Reminders (notifications/): a step or corrective action is reminded this many days before its
# due date (the largest is how far ahead the lists look), then every N days while overdue; an
# item still overdue after QMS_ESCALATION_DAYS is escalated to the DOST staff; a corrective
# action still open QMS_CORRECTIVE_ACTION_MONTHS after its audit is listed for the DOST staff.
QMS_REMINDER_DAYS_BEFORE = sorted(
    {int(d) for d in env.list("QMS_REMINDER_DAYS_BEFORE", default=["30", "7", "1"])},
    reverse=True,
)
QMS_REMINDER_OVERDUE_EVERY_DAYS = env.int("QMS_REMINDER_OVERDUE_EVERY_DAYS", default=7)
QMS_ESCALATION_DAYS = env.int("QMS_ESCALATION_DAYS", default=30)
QMS_CORRECTIVE_ACTION_MONTHS = env.int("QMS_CORRECTIVE_ACTION_MONTHS", default=2)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "forbidden_without_traceback": {"()": "qms_rollout.logfilters.ForbiddenWithoutTraceback"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # An ordinary 403 (a page outside the user's scope) is not an error to log with a trace.
        "django.request": {"filters": ["forbidden_without_traceback"]},
        "weasyprint": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
