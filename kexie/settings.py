"""
Settings for kexie, read from the environment.

Production is the default: development needs ``DJANGO_DEBUG=1`` (``make run``,
``make test`` and the pytest configuration set it). Production is chosen by the
environment alone: ``DJANGO_DEBUG`` unset or ``0`` plus the variables it requires. There is no separate
production module; an insecure production configuration refuses to start.
"""

from pathlib import Path

import environ
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

# --- Core --------------------------------------------------------------------

# Debug only when asked for by name: a server with DJANGO_DEBUG unset (a forgotten
# environment file) is a production server and must refuse the development key.
DEBUG = env.str("DJANGO_DEBUG", default="") == "1"

_DEV_SECRET_KEY = "django-insecure-kexie-development-only-key-never-use-in-production"  # noqa: S105
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else "")

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS",
    default=["127.0.0.1", "localhost", "[::1]", "testserver"] if DEBUG else [],
)

if not DEBUG:
    # Refuse to run an insecure production rather than warn about it.
    if not SECRET_KEY or SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set to a random value of at least 50 characters "
            "when DJANGO_DEBUG=0."
        )
    if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "DJANGO_ALLOWED_HOSTS must list the site's host names when DJANGO_DEBUG=0."
        )

# The association's name, shown in the admin header and the public site title.
KEXIE_SITE_NAME = env.str("KEXIE_SITE_NAME", default="恩施州科学技术协会")
KEXIE_SITE_SHORT_NAME = env.str("KEXIE_SITE_SHORT_NAME", default="恩施州科协")
# Registration numbers shown in the footer, as Chinese public sites must.
KEXIE_ICP_NUMBER = env.str("KEXIE_ICP_NUMBER", default="")
KEXIE_PUBLIC_SECURITY_NUMBER = env.str("KEXIE_PUBLIC_SECURITY_NUMBER", default="")

# --- Applications ------------------------------------------------------------

DJANGO_APPS = [
    "kexie.apps.KexieAdminConfig",  # django.contrib.admin with kexie.admin_site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "kexie.apps.KexieStaticFilesConfig",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
]
THIRD_PARTY_APPS = [
    "ckeditor",
    "django_filters",
    "import_export",
    "kexie.apps.KexieAxesConfig",  # axes, with a Chinese section name
    "csp",
    # Two-factor sign-in (kexie.accounts.twofactor): TOTP apps and recovery codes.
    "django_otp",
    "kexie.apps.KexieOTPTOTPConfig",  # django_otp.plugins.otp_totp, named in Chinese
    "kexie.apps.KexieOTPStaticConfig",  # django_otp.plugins.otp_static, named in Chinese
]
LOCAL_APPS = [
    "kexie",
    "news",
    "organizations",
    "awards",
    "pages",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "kexie.pagecache.middleware.PublicPageMiddleware",
    "kexie.middleware.AreaCSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "kexie.accounts.twofactor.RequireTwoFactorMiddleware",
    "kexie.middleware.CurrentRequestMiddleware",
    "kexie.db.PublicStatementTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]
# Object store down: a Chinese 503 "nothing was saved" instead of a 500 (kexie.objectstore).
MIDDLEWARE += ["kexie.objectstore.StorageUnavailableMiddleware"]

ROOT_URLCONF = "kexie.urls"
WSGI_APPLICATION = "kexie.wsgi.application"

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
                "kexie.context_processors.site",
                # house: the search box's length limit; the navigation, provided by news.
                "kexie.search.context_processors.search",
                "news.context_processors.navigation",
                # Site settings from the admin (pages app) override the environment's names.
                "pages.chrome.context",
            ],
        },
    },
]

# --- Database and cache ------------------------------------------------------

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The development server and the browser tests' live server answer requests in
    # threads: write-ahead logging lets readers run beside a writer, and IMMEDIATE
    # transactions queue writers instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        transaction_mode="IMMEDIATE",
        timeout=20,
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    )
    # A file, not memory, so the browser tests' live server and the test share it safely.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / "test-db.sqlite3")}
# Production keeps connections open (one per gunicorn worker) and checks them
# before reuse, so a restarted PostgreSQL costs a few 503s, not a restart of the app.
DATABASES["default"].setdefault(
    "CONN_MAX_AGE", env.int("DJANGO_CONN_MAX_AGE", default=0 if DEBUG else 60)
)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if env.str("REDIS_URL", default=""):
    # django-redis rather than Django's own RedisCache: with IGNORE_EXCEPTIONS a
    # Redis that is down behaves like an empty cache (misses, writes dropped) and
    # the error is logged, where Django's backend would raise into every page.
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": env.str("REDIS_URL"),
            "KEY_PREFIX": env.str("KEXIE_CACHE_PREFIX", default="kexie"),
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                # Fail fast when Redis is gone instead of holding a worker.
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    DJANGO_REDIS_LOGGER = "kexie.cache"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Sessions stay in the database (Django's default engine): every app server
# reads the same rows, and signing in never depends on Redis being up.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Public page cache (kexie.pagecache) --------------------------------------
# Anonymous public pages are served from the default cache, invalidated on every
# change of public content; see README "Page cache". Every public response is
# scanned for banned terms before it leaves, cached or not.
KEXIE_PAGE_CACHE_ENABLED = env.bool("KEXIE_PAGE_CACHE", default=True)
# Longest life of an entry even without a change (changes invalidate at once).
KEXIE_PAGE_CACHE_TIMEOUT = env.int("KEXIE_PAGE_CACHE_TIMEOUT", default=600)
# What browsers and proxies may keep: short, revalidated with ETag / Last-Modified.
KEXIE_PAGE_CACHE_MAX_AGE = env.int("KEXIE_PAGE_CACHE_MAX_AGE", default=10)
KEXIE_PAGE_CACHE_STALE_WHILE_REVALIDATE = 30
KEXIE_PAGE_CACHE_STALE_IF_ERROR = 86400
KEXIE_PAGE_CACHE_LOCAL_ENTRIES = 1000
# Never cached nor scanned: the back office, staff previews, files.
KEXIE_PAGE_CACHE_EXCLUDED_PATHS = ["/admin/", "/news/preview/", "/static/", "/media/"]

# --- Authentication and sessions ---------------------------------------------

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
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

# Staff sessions end after this many idle seconds (each request renews them).
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Lock an account+address pair after a few failures; an address alone only after
# many more, because a whole office often shares one public address.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
KEXIE_ADDRESS_FAILURE_LIMIT = env.int("KEXIE_ADDRESS_FAILURE_LIMIT", default=50)
# The pair first, the address alone second: kexie.accounts.lockout gives each its own limit.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "kexie.accounts.lockout.TwoLimitAxesHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_VERBOSE = False
# The lockout and the audit log see the client behind our own proxies only
# (kexie.accounts.addresses); a client's X-Forwarded-For never changes its address.
AXES_CLIENT_IP_CALLABLE = "kexie.accounts.addresses.client_address"
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)

LOGIN_URL = "admin:login"

# --- Production: proxies, time limits, file delivery (kexie.accounts.addresses,
# kexie.db, news attachments) -------------------------------------------------

# Addresses or networks of the reverse proxies in front of the app servers
# (comma-separated, e.g. "127.0.0.1,10.0.0.0/24"). Empty: no proxy, the TCP peer
# is the client. X-Forwarded-For is believed only hop by hop from these.
KEXIE_TRUSTED_PROXIES = env.list("KEXIE_TRUSTED_PROXIES", default=[])
# Set (e.g. "/_protected/") when nginx serves attachments from an internal location:
# the download view then only checks permission and answers with X-Accel-Redirect.
KEXIE_ACCEL_REDIRECT_PREFIX = env.str("KEXIE_ACCEL_REDIRECT_PREFIX", default="")
# Public requests on PostgreSQL give up on a query after this long and answer with
# the Chinese 503 page (kexie.db); 0 switches the limit off. Staff are exempt.
KEXIE_PUBLIC_STATEMENT_TIMEOUT_MS = env.int("KEXIE_PUBLIC_STATEMENT_TIMEOUT_MS", default=3000)
# --- Two-factor sign-in (kexie.accounts.twofactor) ------------------------------
# With 1, superusers and site admins confirm each sign-in with an authenticator app.
KEXIE_REQUIRE_2FA = env.bool("KEXIE_REQUIRE_2FA", default=False)


def OTP_TOTP_ISSUER(device):  # noqa: N802 - a setting django-otp calls
    """The name the authenticator app shows: the short name from 站点设置, as the admin's."""
    from pages.chrome import admin_name

    return admin_name()


# --- Internationalization ----------------------------------------------------

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]
DATETIME_FORMAT = "Y-m-d H:i:s"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
DATE_FORMAT = "Y-m-d"
SHORT_DATE_FORMAT = "Y-m-d"
FORMAT_MODULE_PATH = ["kexie.formats"]

# --- Static and media files --------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "kexie.richtext.staticfinders.AppDirectoriesFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))

# --- Object storage (production, optional) -----------------------------------
# With the KEXIE_S3_* variables, media (covers, thumbnails, editor images,
# attachments) goes to an S3-compatible store through django-storages; without
# them it stays on the local disk under MEDIA_ROOT.
KEXIE_S3_ENDPOINT_URL = env.str("KEXIE_S3_ENDPOINT_URL", default="")
KEXIE_S3_BUCKET = env.str("KEXIE_S3_BUCKET", default="")
if KEXIE_S3_ENDPOINT_URL or KEXIE_S3_BUCKET:
    _s3_public_url = env.str("KEXIE_S3_PUBLIC_URL", default="")
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "endpoint_url": KEXIE_S3_ENDPOINT_URL or None,
            "bucket_name": KEXIE_S3_BUCKET,
            "access_key": env.str("KEXIE_S3_ACCESS_KEY_ID"),
            "secret_key": env.str("KEXIE_S3_SECRET_ACCESS_KEY"),
            "region_name": env.str("KEXIE_S3_REGION", default="us-east-1"),
            "addressing_style": "path",
            "signature_version": "s3v4",
            # Objects are private in the bucket; the public reaches covers and
            # images through KEXIE_S3_PUBLIC_URL (nginx's /media/ in front of the
            # bucket), attachments only through the download view.
            "default_acl": None,
            "querystring_auth": not _s3_public_url,
            "custom_domain": _s3_public_url.split("://", 1)[-1].rstrip("/") or None,
            "url_protocol": (_s3_public_url.split("://", 1)[0] + ":")
            if "://" in _s3_public_url
            else "https:",
            # Generated names never collide; never overwrite silently anyway.
            "file_overwrite": False,
        },
    }
    if _s3_public_url:
        MEDIA_URL = _s3_public_url.rstrip("/") + "/"

# Upload limits; the validators in kexie.uploads give editors a clear message.
KEXIE_MAX_IMAGE_BYTES = env.int("KEXIE_MAX_IMAGE_BYTES", default=10 * 1024 * 1024)
# 24 million pixels (6000×4000) covers cameras and phones; a PNG that size decodes
# in about 95 MB, the most one upload may cost (kexie.uploads.decode_fully).
KEXIE_MAX_IMAGE_PIXELS = env.int("KEXIE_MAX_IMAGE_PIXELS", default=24_000_000)
KEXIE_MAX_ATTACHMENT_BYTES = env.int("KEXIE_MAX_ATTACHMENT_BYTES", default=50 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o644

# --- Rich text editor --------------------------------------------------------

CKEDITOR_BASEPATH = f"{STATIC_URL}ckeditor/ckeditor/"
CKEDITOR_UPLOAD_PATH = "editor/"
# django-ckeditor bundles CKEditor 4, which its maintainers flag (ckeditor.W001)
# as having unfixed security issues. kexie keeps it only for staff, sanitizes
# every value on the server (kexie.richtext) and replaces its upload view, so
# the warning is known and handled; see README "Rich-text editor".
SILENCED_SYSTEM_CHECKS = ["ckeditor.W001"]

# --- Security ----------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
# Nothing of ours is ever framed: the admin opens related-object pop-ups as
# windows and CKEditor's editing frame is about:blank, not a page we serve.
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = False  # the editor's upload script sends it as a header
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Only makes the site eligible for browsers' preload list; it is listed
    # only if its owner submits it.
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# Content-Security-Policy (django-csp). Public pages: no inline script, no
# plugins, no framing by other sites. Style attributes stay allowed (the
# sanitizer keeps a few layout properties in article bodies), style elements
# do not. kexie.middleware.AreaCSPMiddleware serves the admin its own policy.
_CSP_BASE = {
    "default-src": [SELF],
    "script-src": [SELF],
    "style-src": [SELF],
    "style-src-attr": [UNSAFE_INLINE],
    # Older articles may show pictures hosted elsewhere.
    "img-src": [SELF, "https:"],
    "font-src": [SELF],
    "connect-src": [SELF],
    "object-src": [NONE],
    "base-uri": [SELF],
    "form-action": [SELF],
    "frame-ancestors": [NONE],
}
CONTENT_SECURITY_POLICY = {"DIRECTIVES": _CSP_BASE}
KEXIE_ADMIN_CSP = {
    **_CSP_BASE,
    "style-src": [SELF, UNSAFE_INLINE],
    "img-src": [SELF, "https:", "data:", "blob:"],
}
# Only admin pages showing the CKEditor 4 widget: its toolbar uses inline event
# handlers and it writes inline script into its editing frame.
KEXIE_EDITOR_CSP = {**KEXIE_ADMIN_CSP, "script-src": [SELF, UNSAFE_INLINE]}

# --- Logging -----------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="WARNING")},
}
