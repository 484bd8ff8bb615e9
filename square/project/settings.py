"""Square's settings: one file, every value from the environment (django-environ).

Every variable is documented in `.env.example`. DEBUG is off unless the environment
says otherwise (`make run` turns it on), and with DEBUG off the secure defaults apply.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY and env.str("SECRET_KEY_FILE", default=""):
    # A file holding the key (a container secret, or the `.secret_key` that `make serve`
    # writes on a machine with no SECRET_KEY set).
    SECRET_KEY = Path(env.str("SECRET_KEY_FILE")).read_text().strip()
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-debug-mode"

# The localhost names are harmless in production and let `make serve` answer locally.
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "square.apps.SquareConfig",
    "campaigns.apps.CampaignsConfig",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "square.project.middleware.PermissionsPolicyMiddleware",
    "square.project.middleware.RequestMemoMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Published campaign results: stored files, answered before sessions and users.
    "campaigns.middleware.PublishedResultsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "square.project.middleware.RejectNulMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "square.project.middleware.PoliteErrorsMiddleware",
    "square.project.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "square.project.urls"
WSGI_APPLICATION = "square.project.wsgi.application"
ASGI_APPLICATION = "square.project.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "square.context_processors.notifications",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and the one writer work at once; IMMEDIATE avoids
    # "database is locked" upgrades in write transactions.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    if env.bool("DATABASE_POOL", default=True):
        # psycopg 3's pool, one per process: each thread borrows a connection for a
        # request and gives it back. Django requires CONN_MAX_AGE = 0 with the pool.
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": env.int("DATABASE_POOL_MIN_SIZE", default=1),
            "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=4),
            "timeout": env.float("DATABASE_POOL_TIMEOUT", default=10.0),
        }
    else:  # e.g. behind PgBouncer in session mode: persistent connections instead
        DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # PgBouncer in transaction mode cannot keep a cursor open across transactions.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool(
        "DATABASE_DISABLE_SERVER_SIDE_CURSORS", default=False
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds rate limits, cached pages' pieces, rankings and debounce locks: with
# several app servers it must be shared (Redis), or each process counts on its own.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://square")}
CACHE_IS_SHARED = CACHES["default"]["BACKEND"] != "django.core.cache.backends.locmem.LocMemCache"
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # Django's Redis cache, one client object per pool (square/project/redis_cache.py says why).
    CACHES["default"]["BACKEND"] = "square.project.redis_cache.RedisCache"
    # A stalled Redis fails a request within a second instead of holding its thread.
    CACHES["default"].setdefault("OPTIONS", {}).update(
        {"socket_connect_timeout": 1, "socket_timeout": 1}
    )
# Rendered pieces of post cards ({% cache %} in square/components.html), in each
# process's own memory: they are keyed by everything they show (post version, author
# name, language), so no server can serve another's stale copy, and a card costs no
# network round trip.
CACHES["template_fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "square-fragments",
    "TIMEOUT": 3600,
    "OPTIONS": {"MAX_ENTRIES": 20000},
}
# Sessions live in the database; with a shared cache they are read through it. (Not
# with a per-process cache: a logout would stay unknown to the other processes.)
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if CACHE_IS_SHARED
    else "django.contrib.sessions.backends.db"
)

# Background work (django.tasks): "immediate" runs each task in the process that
# enqueued it, right after the commit (development, tests, one machine); "database"
# stores tasks in PostgreSQL for `make worker` (`manage.py db_worker`) to run.
TASK_BACKENDS = {
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
    "dummy": "django.tasks.backends.dummy.DummyBackend",
}
TASKS_BACKEND = env.str("TASKS_BACKEND", default="immediate")
if TASKS_BACKEND not in TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be one of {', '.join(TASK_BACKENDS)}.")
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASKS_BACKEND]}}

AUTH_USER_MODEL = "square.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Uploaded images: the local MEDIA_ROOT, or S3-compatible object storage shared by every
# app server (MEDIA_STORAGE=s3, through django-storages; docs/deploy.md).
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="local")
if MEDIA_STORAGE not in ("local", "s3"):
    raise ImproperlyConfigured("MEDIA_STORAGE must be local or s3.")
MEDIA_ORIGINS: list[str] = []
if MEDIA_STORAGE == "s3":
    _s3 = {
        "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
        "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
        "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
        "custom_domain": env.str("AWS_S3_CUSTOM_DOMAIN", default="") or None,
        "querystring_auth": env.bool("AWS_QUERYSTRING_AUTH", default=False),
        "file_overwrite": False,
        "location": env.str("AWS_LOCATION", default="media"),
    }
    _default_storage = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": _s3}
    # The pages show images from the bucket (or its CDN): the CSP must allow that origin.
    if _s3["custom_domain"]:
        MEDIA_ORIGINS = [f"https://{_s3['custom_domain']}"]
    elif _s3["endpoint_url"]:
        MEDIA_ORIGINS = [_s3["endpoint_url"].rstrip("/")]
    else:
        _region = f".{_s3['region_name']}" if _s3["region_name"] else ""
        MEDIA_ORIGINS = [f"https://{_s3['bucket_name']}.s3{_region}.amazonaws.com"]
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
# Static files are served by WhiteNoise; without DEBUG from `collectstatic`'s output,
# with content-hashed names and pre-compressed copies (cached forever by browsers).
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Serve MEDIA_ROOT through Django (on in DEBUG; `make serve` turns it on for one machine).
# Several app servers use object storage, or a proxy serving a shared volume, instead.
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=DEBUG) and MEDIA_STORAGE == "local"

# Uploads: 9 images of at most 10 MB each per post; the form says so in words,
# these only stop absurd requests early.
DATA_UPLOAD_MAX_NUMBER_FILES = 20
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
SQUARE_IMAGE_MAX_BYTES = env.int("SQUARE_IMAGE_MAX_BYTES", default=10 * 1024 * 1024)
SQUARE_IMAGE_MAX_PIXELS = env.int("SQUARE_IMAGE_MAX_PIXELS", default=40_000_000)
# Decoding costs CPU by the pixel, so each request's share is bounded before decoding:
# a post's images together (counted after a JPEG's cheap 1/2-1/8 draft, every frame),
# an avatar on its own; stored post images are scaled to fit this many pixels a side.
SQUARE_IMAGE_PIXELS_PER_POST = env.int("SQUARE_IMAGE_PIXELS_PER_POST", default=100_000_000)
SQUARE_AVATAR_MAX_PIXELS = env.int("SQUARE_AVATAR_MAX_PIXELS", default=16_000_000)
SQUARE_IMAGE_MAX_SIDE = env.int("SQUARE_IMAGE_MAX_SIDE", default=2048)
SQUARE_IMAGES_PER_POST = 9
# Where the admin's "fetch the beacon" asks for a draw's drand round, in order (each with
# a short timeout); empty: drand's public relays. The beacon is verified either way.
SQUARE_DRAND_RELAYS = env.list("SQUARE_DRAND_RELAYS", default=[])
# The site's public address, for what is rendered outside a request (the stored results
# page names its results.json in the verify command); publishing from the admin uses
# the address the admin was reached at.
SQUARE_SITE_URL = env.str("SQUARE_SITE_URL", default="http://127.0.0.1:8000")
# A Server-Timing header on every response (total, view, queries): `make bench` reads it.
# Only then are the two timing middlewares in the chain (outermost and innermost).
SQUARE_SERVER_TIMING = env.bool("SQUARE_SERVER_TIMING", default=False)
if SQUARE_SERVER_TIMING:
    MIDDLEWARE = [
        "square.project.timing.ServerTimingMiddleware",
        *MIDDLEWARE,
        "square.project.timing.ViewTimingMiddleware",
    ]
# How long a page for visitors who are not signed in is kept whole (any write ends it).
SQUARE_VISITOR_PAGE_SECONDS = env.int("SQUARE_VISITOR_PAGE_SECONDS", default=5)
SQUARE_FEED_PAGE_SIZE = 20
SQUARE_COMMENTS_PAGE_SIZE = 50
# A post keeps its first text, its last SQUARE_REVISIONS_KEPT earlier texts and the text
# in force at each campaign's end; its history page shows this many versions a page.
SQUARE_REVISIONS_KEPT = env.int("SQUARE_REVISIONS_KEPT", default=20)
SQUARE_HISTORY_PAGE_SIZE = 10
# The Hot tab ranks the posts of this many recent hours (older posts have decayed).
SQUARE_HOT_WINDOW_HOURS = env.int("SQUARE_HOT_WINDOW_HOURS", default=7 * 24)
# Per-user limits: action -> (attempts, window in seconds). Counted in the cache, so
# with CACHE_URL on Redis they hold across every app server.
SQUARE_RATE_LIMITS = {
    "post": (env.int("SQUARE_RATE_POSTS_PER_HOUR", default=20), 3600),
    "comment": (env.int("SQUARE_RATE_COMMENTS_PER_HOUR", default=60), 3600),
    "like": (env.int("SQUARE_RATE_LIKES_PER_HOUR", default=300), 3600),
    "follow": (env.int("SQUARE_RATE_FOLLOWS_PER_HOUR", default=100), 3600),
    "report": (env.int("SQUARE_RATE_REPORTS_PER_HOUR", default=20), 3600),
    # New avatars (a profile change without one is not counted): each is decoded.
    "avatar": (env.int("SQUARE_RATE_AVATARS_PER_HOUR", default=10), 3600),
    # Edits: each keeps the text it replaces (up to 15 KB). Per member, and per post (the
    # post's id is counted instead of the member's: one post cannot take a member's hour).
    "edit": (env.int("SQUARE_RATE_EDITS_PER_HOUR", default=30), 3600),
    "edit_post": (env.int("SQUARE_RATE_EDITS_PER_POST_PER_HOUR", default=10), 3600),
    # Per client address (square.login_throttle.client_ip), not per user: new accounts.
    "signup": (env.int("SQUARE_RATE_SIGNUPS_PER_HOUR", default=5), 3600),
    # Searches, per member and per client address (a shared address gets more).
    "search": (env.int("SQUARE_RATE_SEARCHES_PER_MINUTE", default=30), 60),
    "search_address": (env.int("SQUARE_RATE_SEARCHES_PER_ADDRESS_PER_MINUTE", default=120), 60),
}
# A search statement running longer than this is stopped ("too broad — add a word").
SQUARE_SEARCH_TIMEOUT_MS = env.int("SQUARE_SEARCH_TIMEOUT_MS", default=1500)
# A live campaign's leaderboard is recomputed in the background at most once per this
# many seconds after entries or interactions change (pages read it from the cache).
SQUARE_LEADERBOARD_REFRESH_SECONDS = env.int("SQUARE_LEADERBOARD_REFRESH_SECONDS", default=10)
# Feed querysets raise on a lazy load (an N+1 query) instead of batching it; tests set it.
SQUARE_FETCH_RAISE = env.bool("SQUARE_FETCH_RAISE", default=False)
# The benchmark's yardstick pages at /bench/ (`make bench` turns this on; never in production).
SQUARE_BENCH_URLS = env.bool("SQUARE_BENCH_URLS", default=False)

# Content Security Policy (Django's built-in middleware): no inline script without
# the per-request nonce, nothing loaded from other origins.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", "blob:", *MEDIA_ORIGINS],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Transport security: on by default whenever DEBUG is off.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
BEHIND_TLS_PROXY = env.bool("BEHIND_TLS_PROXY", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_TLS_PROXY else None
# How many proxies in front of the app servers append to X-Forwarded-For (a TLS proxy: 1;
# a CDN and then a proxy: 2). The client's address is the entry that many from the end;
# 0 trusts no header and counts REMOTE_ADDR. Login throttle and sign-up limit use it.
SQUARE_TRUSTED_PROXY_HOPS = env.int("SQUARE_TRUSTED_PROXY_HOPS", default=int(BEHIND_TLS_PROXY))
if SQUARE_TRUSTED_PROXY_HOPS < 0:
    raise ImproperlyConfigured("SQUARE_TRUSTED_PROXY_HOPS must be 0 or more.")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
# No script reads the CSRF cookie (forms carry the token; square.js sends the form).
CSRF_COOKIE_HTTPONLY = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Browser features no page of the site uses, switched off for it and anything it embeds
# (square.project.middleware.PermissionsPolicyMiddleware; WhiteNoise's static files too).
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer", "autoplay", "camera", "display-capture", "geolocation",
        "gyroscope", "magnetometer", "microphone", "midi", "payment", "usb",
    )
)  # fmt: skip


def _static_headers(headers, path, url):
    headers["Permissions-Policy"] = PERMISSIONS_POLICY


WHITENOISE_ADD_HEADERS_FUNCTION = _static_headers

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
