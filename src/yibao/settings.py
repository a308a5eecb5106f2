"""Project settings. Everything a deployment may change comes from the environment here, once.

Every yibao-specific setting is declared in YIBAO_DEFAULTS with its default and meaning.
"""
import importlib.util
import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("YIBAO_VAR_DIR", PROJECT_DIR / "var"))


def env(name, default=None):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


# name -> (default, meaning). Read with yibao.core.conf.setting(name).
YIBAO_DEFAULTS = {
    "YIBAO_SEED_DIR": (str(BASE_DIR / "catalog" / "seeds"), "folder of the guides shipped as default data"),
    "YIBAO_UPLOAD_DIR": (str(VAR_DIR / "uploads"), "attachments, outside the web root"),
    "YIBAO_UPLOAD_MAX_BYTES": (10 * 1024 * 1024, "largest attachment accepted"),
    "YIBAO_SEARCH_LIMIT": (10, "how many items a guide search returns by default"),
    "YIBAO_SEARCH_RECHECK_SECONDS": (
        10, "how often a search re-reads which guides exist (a guide loaded by another process is seen within this)"
    ),
    "YIBAO_OVERDUE_SWEEP_MINUTES": (60, "how often `yibao serve` runs the overdue sweep"),
    "YIBAO_CALENDAR_RECHECK_SECONDS": (1.0, "how stale a process's holiday calendar may be after an edit made by "
                                       "another process (0: check on every deadline)"),
    "YIBAO_CATALOG_RECHECK_SECONDS": (1.0, "how stale a process's cached guide editions may be after an edit made "
                                      "by another process (0: check on every submission)"),
    "YIBAO_DUE_SOON_DAYS": (1, "working days left at or below which an open case is 'due soon'"),
    "YIBAO_CORRECTION_DAYS": (5, "working days a correction notice gives the applicant to supply what it names"),
    "YIBAO_FOLLOW_UP_DAYS": (15, "working days to verify, rectify and call back a bad rating (Sichuan rule)"),
    "YIBAO_LOGIN_MAX_FAILURES": (5, "failed logins for one identifier that lock it"),
    "YIBAO_LOGIN_IP_MAX_FAILURES": (50, "failed logins from one IP that lock it (a busy window shares one address)"),
    "YIBAO_LOGIN_ATTEMPT_DAYS": (30, "days login and registration attempts are kept; older rows are pruned"),
    "YIBAO_REGISTER_LIMIT": (5, "registrations tried from one IP within the window below"),
    "YIBAO_REGISTER_MINUTES": (60, "window of the registration limit, in minutes"),
    "YIBAO_LOGIN_LOCK_MINUTES": (15, "window counting those failures, and how long the lock lasts"),
    "YIBAO_API_TOKEN_DAYS": (30, "days a personal API token (issued at /api/auth/login) stays valid"),
    "YIBAO_API_LOG_BATCH": (100, "API reads logged per batch write of the call log (changes are written at once)"),
    "YIBAO_API_LOG_SECONDS": (2.0, "oldest unwritten read in the call log, in seconds, before a request writes the batch"),
    "YIBAO_RATE_FLUSH_REQUESTS": (1000, "requests a process counts against the rate limits before it writes its counts "
                                  "(and reads every process's totals back; api.ratelimit)"),
    "YIBAO_RATE_FLUSH_SECONDS": (1.0, "oldest unwritten rate-limit count, in seconds, before a request writes them"),
    "YIBAO_TRACK_LIMIT": (10, "progress queries through the API per minute from one address, and per receipt number"),
    "YIBAO_PORTAL_TRACK_LIMIT": (10, "progress queries on the public site per address within the window below"),
    "YIBAO_PORTAL_TRACK_MINUTES": (10, "window of the public site's progress-query limit, in minutes"),
    "YIBAO_SITE_URL": ("", "public address printed on PDF documents (https://...); empty: the requesting host"),
    "YIBAO_PDF_FONT": ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
                       "TrueType/TTC font embedded in PDF documents; built-in STSong-Light when missing"),
}
for _name, (_default, _meaning) in YIBAO_DEFAULTS.items():
    _raw = env(_name)
    globals()[_name] = type(_default)(_raw) if _raw is not None else _default

SECRET_KEY = env("YIBAO_SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = env_bool("YIBAO_DEBUG", False)
ALLOWED_HOSTS = [h for h in env("YIBAO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in env("YIBAO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

# One switch for a deployment behind HTTPS (a TLS-terminating proxy that sets X-Forwarded-Proto):
# Secure cookies, HSTS, redirect to https, and the proxy's scheme header trusted.
HTTPS = env_bool("YIBAO_HTTPS", False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^api/health$"]  # the proxy's health check may speak plain HTTP
    SECURE_HSTS_SECONDS = int(env("YIBAO_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("YIBAO_HSTS_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("YIBAO_HSTS_PRELOAD", True)
USE_X_FORWARDED_HOST = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# The largest JSON or form body (files are streamed and limited separately); over it the API says 413.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(env("YIBAO_MAX_BODY_BYTES", str(2_621_440)))

# django-ninja's Swagger UI assets (templates, static files) are served from its package folder,
# found without importing it: as an installed app it loaded ninja and pydantic's schema machinery
# into every `yibao` command (issue 16: start-up). The admin's modules are discovered when the
# URLs load (urls.py), not by every command.
NINJA_DIR = Path(importlib.util.find_spec("ninja").origin).parent

INSTALLED_APPS = [
    "django.contrib.admin.apps.SimpleAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "yibao.core",
    "yibao.catalog",
    "yibao.workdays",
    "yibao.people",
    "yibao.cases",
    "yibao.enrollment",
    "yibao.contributions",
    "yibao.payments",
    "yibao.accounts",
    "yibao.remote_care",
    "yibao.entitlements",
    "yibao.claims",
    "yibao.maternity",
    "yibao.providers",
    "yibao.medical_aid",
    "yibao.portal",
    "yibao.workbench",
    "yibao.api",
    "yibao.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "yibao.urls"
WSGI_APPLICATION = "yibao.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [NINJA_DIR / "templates"],
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

DEFAULT_SQLITE = VAR_DIR / "yibao.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{DEFAULT_SQLITE}"), conn_max_age=int(env("YIBAO_DB_CONN_MAX_AGE", "0"))
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["ENGINE"] = "yibao.core.sqlite"  # Django's, with writers queued on a lock file
    # WAL lets readers run beside one writer; IMMEDIATE makes a write transaction take the
    # lock at BEGIN, so two concurrent writers queue instead of failing mid-transaction.
    # The WAL is copied back into the database (a checkpoint, with an fsync) every
    # YIBAO_SQLITE_CHECKPOINT_PAGES pages instead of SQLite's 1,000: a submission writes ~30
    # pages, and fewer, larger checkpoints gave 8-15 % more submissions/s (docs/performance.md).
    # As with any synchronous=NORMAL WAL, a power cut (not a crash) may lose the commits since
    # the last checkpoint; the database stays consistent.
    checkpoint = int(env("YIBAO_SQLITE_CHECKPOINT_PAGES", "10000"))
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                        f"PRAGMA wal_autocheckpoint={checkpoint};",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # In memory unless YIBAO_TEST_SQLITE names a file. Said outright: pytest-django recognises an
    # in-memory SQLite test database by Django's own engine name, which ours is not.
    DATABASES["default"]["TEST"] = {"NAME": env("YIBAO_TEST_SQLITE", "") or ":memory:"}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# An applicant logs in with its ID number / USCC / provider code, staff with a username.
AUTHENTICATION_BACKENDS = [
    "yibao.people.backends.ApplicantBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Static files are served from the apps' folders (WHITENOISE_USE_FINDERS); a deployment that runs
# collectstatic sets YIBAO_STATIC_ROOT.
STATIC_ROOT = env("YIBAO_STATIC_ROOT") or None
STATICFILES_DIRS = [NINJA_DIR / "static"]  # ninja's Swagger UI, served from here, not from a CDN
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

TASKS = {"default": {"BACKEND": env("YIBAO_TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"yibao": {"handlers": ["console"], "level": env("YIBAO_LOG_LEVEL", "WARNING")}},
}
