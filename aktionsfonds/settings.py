"""Django settings. Everything that differs between a laptop and production comes from the environment.

Production: DATABASE_URL (PostgreSQL), REDIS_URL, SECRET_KEY, ALLOWED_HOSTS, EMAIL_HOST & co., DEBUG=0.
Without DATABASE_URL the project runs on SQLite under ``var/``; without EMAIL_HOST e-mails are written
as files to ``var/mail/`` so a newcomer can read them.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .devkey import dev_secret_key
from .settings_paths import var_dir

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = var_dir()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name, default=False):
    return os.environ.get(name, str(int(default))).strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", default=False)
# PRODUCTION=1: HTTPS only (HSTS, secure cookies, redirect), behind a proxy that sets X-Forwarded-Proto.
PRODUCTION = env_bool("PRODUCTION", default=False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off when PRODUCTION=1.")
# Fail closed: outside DEBUG there is no default key. `make run` and manage.py on a developer's
# machine use a random key generated once under var/ (never a constant known to the world).
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. In production set SECRET_KEY (a long random string); "
            "for development use `make run` or DEBUG=1, which use a random key in var/."
        )
    SECRET_KEY = dev_secret_key(VAR_DIR)
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # the widgets' own templates, for FORM_RENDERER below
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "antraege",
    "workflow",
    "jury",
]

MIDDLEWARE = [
    # First: the request id for every log line of the request (aktionsfonds/logs.py).
    "aktionsfonds.logs.RequestIdMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "aktionsfonds.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # before anything reads the body (CSRF does), after the language: the 413 page is translated
    "aktionsfonds.middleware.RequestBodyLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "aktionsfonds.anmeldung.ZweiFaktorMiddleware",
    "antraege.zugang.session.ApplicantAccessMiddleware",
    "antraege.middleware.StaffLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "aktionsfonds.anmeldung.StaffSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last: a failed sign-in is counted, a locked-out one answered with the lockout page.
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "aktionsfonds.urls"
WSGI_APPLICATION = "aktionsfonds.wsgi.application"

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
                "antraege.context_processors.site",
            ],
        },
    },
]

# Widgets are rendered through TEMPLATES, so templates/ can override one of them (the admin's split
# date-time puts each input inside its label: templates/admin/widgets/split_datetime.html).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# Database: PostgreSQL in production via DATABASE_URL, SQLite (WAL, immediate transactions) otherwise.
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
    DATABASES["default"].setdefault("TEST", {})
    if os.environ.get("TEST_DATABASE_NAME"):
        DATABASES["default"]["TEST"]["NAME"] = os.environ["TEST_DATABASE_NAME"]
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(VAR_DIR / "db.sqlite3")),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            "TEST": {
                "NAME": os.environ.get("TEST_DATABASE_NAME", str(VAR_DIR / "test.sqlite3")),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First: refuses every sign-in of a locked-out user or address before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Failed sign-ins (django-axes): after AXES_FAILURE_LIMIT failures within the cool-off, the user name
# AND, separately, the client address are locked until the cool-off has passed since the last failure.
# QM staff and admins lift a lockout early (QM: "Gesperrte Anmeldungen"; admins: the Django admin).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_CALLABLE = "aktionsfonds.anmeldung.anmeldung_gesperrt"
AXES_RESET_ON_SUCCESS = True
AXES_SENSITIVE_PARAMETERS = ["password", "token"]
AXES_VERBOSE = False
# The client address: REMOTE_ADDR, or with PRODUCTION=1 behind one reverse proxy the address it
# put into X-Forwarded-For (TRUSTED_PROXY_COUNT proxies in front; 0 = use REMOTE_ADDR).
AXES_CLIENT_IP_CALLABLE = "antraege.ratelimit.client_ip"
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "1" if PRODUCTION else "0"))

# Second factor (django-otp): TOTP apps plus single-use recovery codes. Required for QM staff and
# admins, offered to jury members (aktionsfonds/anmeldung.py).
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Aktionsfonds")
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
RECOVERY_CODES = 10
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "start"

LANGUAGE_CODE = "de"
LANGUAGES = [
    ("de", "Deutsch"),
    ("en", "English"),
    ("tr", "Türkçe"),
    ("ar", "العربية"),
]
# QM and admin pages are offered in German and English only; the jury's own pages (ballot,
# meetings, account) in every language a member can choose for their e-mails (the papers PDF
# stays German or English).
STAFF_LANGUAGES = ("de", "en")
JURY_LANGUAGES = tuple(code for code, _name in LANGUAGES)
# Feedback contact of the accessibility statement (besides each area's QM office).
ACCESSIBILITY_CONTACT_EMAIL = os.environ.get(
    "ACCESSIBILITY_CONTACT_EMAIL", "barrierefreiheit@example.org"
)
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# WhiteNoise warns (an error in tests) when the folder is missing.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("kern", BASE_DIR / "node_modules" / "@kern-ux" / "native" / "dist"),
]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"  # never served directly: files go through permission-checked views
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", default=False)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Outbox: a sender's claim on an e-mail lasts this long unless renewed (it renews while sending);
# a worker that died frees its e-mails after at most this long (see antraege/mail/outbox.py).
BENACHRICHTIGUNG_LEASE_SECONDS = int(os.environ.get("BENACHRICHTIGUNG_LEASE_SECONDS", "60"))

# E-mail: SMTP where EMAIL_HOST is set, else files under var/mail/ (one .log file per message).
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Aktionsfonds <aktionsfonds@example.org>")
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
    EMAIL_TIMEOUT = 20
else:
    EMAIL_BACKEND = os.environ.get(
        "EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend"
    )
    EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
if PRODUCTION:
    # Behind a reverse proxy that terminates HTTPS and sets X-Forwarded-Proto (README).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", default=True)
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "antraege.web.fehler.csrf_fehler"
REQUEST_TOO_LARGE_VIEW = "antraege.web.fehler.fehler_413"

# Strict Content-Security-Policy: no inline script or style anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Shared cache: counters of the rate limits, seen by every web process. Redis where REDIS_URL is set,
# else files under var/cache/ (one machine, several processes).
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "aktionsfonds"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "aktionsfonds"),
            # never cull: a culled counter would reset a rate limit (entries expire after an hour)
            "OPTIONS": {"MAX_ENTRIES": 1_000_000},
        }
    }
# E-mails that an anonymous visitor can trigger to a typed address, per hour.
MAIL_RATE_PER_ADDRESS = int(os.environ.get("MAIL_RATE_PER_ADDRESS", "3"))
MAIL_RATE_PER_CLIENT = int(os.environ.get("MAIL_RATE_PER_CLIENT", "10"))
# Drafts: open (not yet submitted) drafts per e-mail address, new drafts per client and hour.
ENTWURF_MAX_PRO_ADRESSE = int(os.environ.get("ENTWURF_MAX_PRO_ADRESSE", "3"))
ENTWURF_RATE_PER_CLIENT = int(os.environ.get("ENTWURF_RATE_PER_CLIENT", "10"))

# Upload rules for attachments and receipts.
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The whole request body (a form with one upload and its fields); larger ones get 413 unread.
REQUEST_MAX_BYTES = int(os.environ.get("REQUEST_MAX_BYTES", str(UPLOAD_MAX_BYTES + 1024 * 1024)))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Applicant links ("Mein Antrag"): signed, expiring, revocable.
ANTRAG_LINK_MAX_AGE_DAYS = int(os.environ.get("ANTRAG_LINK_MAX_AGE_DAYS", "90"))
# The applicant's access in a browser ends after this long without a request (2 hours).
APPLICANT_SESSION_IDLE_SECONDS = int(os.environ.get("APPLICANT_SESSION_IDLE_SECONDS", "7200"))
# Signed-in accounts (QM, admins, jury): signed out after 30 minutes idle, 10 hours at most.
STAFF_SESSION_IDLE_SECONDS = int(os.environ.get("STAFF_SESSION_IDLE_SECONDS", str(30 * 60)))
STAFF_SESSION_MAX_SECONDS = int(os.environ.get("STAFF_SESSION_MAX_SECONDS", str(10 * 3600)))

# Retention of personal data (domain.md), stated on the privacy notice page and carried out daily by
# the beat job ``antraege.task_aufbewahrung_durchsetzen``.
AUFBEWAHRUNG_JAHRE_NACH_AUSZAHLUNG = int(os.environ.get("AUFBEWAHRUNG_JAHRE_NACH_AUSZAHLUNG", "10"))
AUFBEWAHRUNG_JAHRE_ABGELEHNT = int(os.environ.get("AUFBEWAHRUNG_JAHRE_ABGELEHNT", "1"))
AUFBEWAHRUNG_TAGE_ENTWURF = int(os.environ.get("AUFBEWAHRUNG_TAGE_ENTWURF", "90"))
AUFBEWAHRUNG_TAGE_ZUGRIFFSPROTOKOLL = int(
    os.environ.get("AUFBEWAHRUNG_TAGE_ZUGRIFFSPROTOKOLL", "365")
)
# Sent e-mails (the outbox rows with address and content) are deleted after this many days.
AUFBEWAHRUNG_TAGE_BENACHRICHTIGUNG = int(
    os.environ.get("AUFBEWAHRUNG_TAGE_BENACHRICHTIGUNG", "180")
)
# The privacy notice: the data protection officer and the supervisory authority.
DATENSCHUTZ_KONTAKT_EMAIL = os.environ.get("DATENSCHUTZ_KONTAKT_EMAIL", "datenschutz@example.org")


# Logs: JSON lines with the request id (LOG_FORMAT=json, the default with PRODUCTION=1) or plain text.
# LOG_REQUESTS: one line per request from the app (path without link tokens), instead of the proxy's
# or gunicorn's access log.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json" if PRODUCTION else "text")
LOG_REQUESTS = env_bool("LOG_REQUESTS", default=PRODUCTION)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "aktionsfonds.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "aktionsfonds.logs.JsonFormatter"},
        "text": {"format": "%(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own console handler (DEBUG only) printed every line of runserver's reloader a
        # second time, after the root's: Django's messages go through the root only.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint logs every rendering step at INFO; keep the worker log readable.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Monitoring (aktionsfonds/health.py, docs/betrieb.md): /readyz fails when the last sign of the
# worker or beat, or the oldest unsent e-mail, is older than these (seconds).
READYZ_WORKER_MAX_AGE = int(os.environ.get("READYZ_WORKER_MAX_AGE", "60"))
READYZ_BEAT_MAX_AGE = int(os.environ.get("READYZ_BEAT_MAX_AGE", "120"))
READYZ_OUTBOX_MAX_AGE = int(os.environ.get("READYZ_OUTBOX_MAX_AGE", "900"))
READYZ_BROKER_TIMEOUT = 2
# The worker writes its heartbeat into the cache every 10 s (off only in the test suite, whose
# embedded worker runs beside tests that check /readyz without one).
WORKER_HEARTBEAT = env_bool("WORKER_HEARTBEAT", default=True)
# /metrics answers only `Authorization: Bearer <METRICS_TOKEN>`; without a token it is off (404).
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
PROMETHEUS_EXPORT_MIGRATIONS = False
# Probes may ask gunicorn directly over HTTP on the machine itself.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]

PROJECT_NAME = _("Aktionsfonds")
