"""The one settings module. Everything deployment-specific comes from the
environment; with no environment at all it runs the embedded default
(SQLite, a Celery broker in a SQLite file, e-mail written to files)."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from kombu import Queue

from portal.embedded import embedded_broker_prepare, embedded_secret_key
from portal.env import env_bool, env_int, env_list, env_rate, env_required, env_str
from portal.queues import WORKER_QUEUES

BASE_DIR = Path(__file__).resolve().parent.parent
# Everything the embedded default writes (database, broker queue, mail,
# uploads) lives under one folder that is never served as static files.
VAR_DIR = Path(env_str("WENZHENG_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

# Off unless asked for (DEBUG=1): `make run` shows the site as a user meets it.
DEBUG = env_bool("DEBUG", False)
DATABASE_URL = env_str("DATABASE_URL")
if DEBUG:
    SECRET_KEY = env_str("SECRET_KEY") or "dev-only-insecure-key-change-me-in-production-0123456789"
elif DATABASE_URL or env_bool("SECURE_PROXY", False):
    # Production has no default key: a forgotten SECRET_KEY stops start-up.
    SECRET_KEY = env_required("SECRET_KEY")
else:
    # The embedded default starts with no environment at all: unless given,
    # its key is made once and kept beside its database.
    SECRET_KEY = env_str("SECRET_KEY").strip() or embedded_secret_key(VAR_DIR / "secret_key")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# --- HTTPS behind a TLS-terminating reverse proxy (docs/deploy.md) ---------
# SECURE_PROXY=1 says: every request reaches us through a proxy that
# terminates TLS and sets X-Forwarded-Proto (and strips it from clients).
SECURE_PROXY = env_bool("SECURE_PROXY", False)
if SECURE_PROXY and DEBUG:
    raise ImproperlyConfigured("SECURE_PROXY=1 is a production setting: set DEBUG=0 too (and SECRET_KEY).")
# One-time secrets (a new API token, an Open311 key) are shown through
# messages: keep them in the server-side session, not in a cookie.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
if SECURE_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    # The health checks are probed over plain HTTP by the orchestrator.
    SECURE_REDIRECT_EXEMPT = [r"^health/"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    # One year, the minimum the HSTS preload list accepts. Start lower (e.g.
    # 300) on a new domain and raise it once HTTPS is known to work.
    SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", False)
SESSION_COOKIE_HTTPONLY = True
# Sessions in the database, read through the cache (Redis with REDIS_URL).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "portal",
    "accounts",
    "petitions",
    "responses",
    "supervision",
    "notifications",
    "api",
    "publication",
    "signatures",
    "interviews",
    "oversight",
    "consultations",
    "open311",
    "places",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",  # backup codes for a lost phone (twofactor/)
    "twofactor",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Overload: 503 with Retry-After instead of a hang (portal/overload.py).
    "portal.overload.LoadSheddingMiddleware",
    "portal.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): has this session confirmed a TOTP code?
    "django_otp.middleware.OTPMiddleware",
    # Supervisors and administrators: no page until the code (twofactor/).
    "twofactor.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # A view limited with block=True answers the site's 429 page (RATELIMIT_VIEW).
    "django_ratelimit.middleware.RatelimitMiddleware",
    # Last, as django-axes requires: turns a locked-out login into its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "accounts.context_processors.roles",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
# Persistent connections: a request reuses its process's connection instead
# of opening one, which costs more than most requests' queries.
DB_CONN_MAX_AGE = env_int("DB_CONN_MAX_AGE", 600)
DATABASE_URL = DATABASE_URL or f"sqlite:///{VAR_DIR / 'wenzheng.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=DB_CONN_MAX_AGE, conn_health_checks=True)}
# In web processes (portal/wsgi.py), a statement running longer than this
# is cancelled and the request ends with 503 (portal/overload.py), before the
# web server's timeout would cut it off. Workers and commands are not
# limited. PostgreSQL only; 0 turns it off.
DB_STATEMENT_TIMEOUT_MS = env_int("DB_STATEMENT_TIMEOUT_MS", 0)
# Requests that queued at the proxy longer than this are turned away with
# 503 (needs the proxy's X-Request-Start stamp; 0 turns it off).
OVERLOAD_QUEUE_LIMIT_MS = env_int("OVERLOAD_QUEUE_LIMIT_MS", 0)
OVERLOAD_RETRY_AFTER_SECONDS = env_int("OVERLOAD_RETRY_AFTER_SECONDS", 5)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server, worker and beat share one file: WAL lets readers run
    # beside a writer, IMMEDIATE takes the write lock at BEGIN so two writers
    # queue (up to the timeout) instead of failing half-way.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-wenzheng.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (rate limits are shared by every web process) ------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": VAR_DIR / "cache",
        }
    }
# Rendered HTML and rows the busiest pages reuse (the filter forms, the
# public list's results, the inbox's rows): in each process's memory,
# bounded, never in Redis, because its keys come from what visitors type and
# Redis must not fill up (docs/deploy.md). Freshness is checked against the
# default cache, or is in the key (portal.row_cache).
CACHES["fragments"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fragments",
                       "TIMEOUT": 60, "OPTIONS": {"MAX_ENTRIES": 5000}}
RATELIMIT_USE_CACHE = "default"
RATELIMIT_VIEW = "portal.error_pages.too_many_requests"
# A refused CSRF check gets the site's page, in the visitor's language.
CSRF_FAILURE_VIEW = "portal.error_pages.csrf_failure"
# Behind the documented reverse proxy, the client's address is in a header
# the proxy sets (e.g. HTTP_X_REAL_IP); without it every visitor would share
# one rate-limit bucket.
RATELIMIT_IP_META_KEY = env_str("RATELIMIT_IP_META_KEY") or None
# The file cache is shared between processes on one machine, which is all the
# embedded default runs; django-ratelimit only knows it as "unofficial".
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001", "django_ratelimit.E003"]

# --- Accounts -------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# A new account's confirmation link, and a password reset link, are valid
# this long. The forms that send account e-mail (registration, password
# reset, a new confirmation link) take this many attempts per client address,
# and send this many e-mails to one address, in django-ratelimit's syntax.
ACCOUNT_CONFIRMATION_DAYS = env_int("ACCOUNT_CONFIRMATION_DAYS", 3)
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_HOURS", 24) * 3600
ACCOUNT_MAIL_RATE_PER_CLIENT = env_rate("ACCOUNT_MAIL_RATE_PER_CLIENT", "20/h")
ACCOUNT_MAIL_RATE_PER_ADDRESS = env_rate("ACCOUNT_MAIL_RATE_PER_ADDRESS", "5/h")
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
# Login lockout (django-axes): after AXES_FAILURE_LIMIT wrong passwords
# for one account from one address, that account is refused from that
# address for AXES_COOLOFF_TIME; the same account from elsewhere, and other
# accounts from the same address, are not affected. Failures are kept in the
# database (every web process sees them; administrators see and clear them in
# the admin or with `manage.py axes_reset`). See docs/deploy.md.
AUTHENTICATION_BACKENDS = [
    "portal.security.LoginLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
    # A confirmed mobile number and its password, on the same login page.
    "accounts.backends.PhonePasswordBackend",
]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"  # the field name of Django's login form, which holds the e-mail
AXES_USERNAME_CALLABLE = "portal.security.login_username"
AXES_CLIENT_IP_CALLABLE = "portal.security.client_ip"
AXES_LOCKOUT_CALLABLE = "portal.security.lockout_response"  # a translated page, 429
AXES_DISABLE_ACCESS_LOG = True  # failures are kept; successful logins are not logged a second time
# Two-factor authentication (TOTP, django-otp; twofactor/): every staff
# account may set up an authenticator app; with OTP_REQUIRED_FOR_ROLES,
# supervisors and administrators must, and must enter a code every login.
OTP_REQUIRED_FOR_ROLES = env_bool("OTP_REQUIRED_FOR_ROLES", True)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Wenzheng")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin lists devices without their secret keys
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Languages ------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_TZ = True

# --- Static files and uploads ---------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True
# Uploads live outside every static folder under generated names and are
# only ever served through a view that checks who is asking.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = ATTACHMENT_MAX_BYTES + 1_048_576

# --- E-mail ----------------------------------------------------------------
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Wenzheng <noreply@wenzheng.localhost>")
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
    EMAIL_FILE_PATH = VAR_DIR / "mail"
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

# --- Text messages (SMS; notifications/sms/, docs/deploy.md) ---------------
# Like EMAIL_BACKEND: the file backend writes each text to var/sms/ (the
# embedded default: read the sign-in codes there); "aliyun" and "tencent"
# send through those gateways with the settings below.
_SMS_BACKEND_NAMES = {
    name: f"notifications.sms.backends.{name}.SmsBackend"
    for name in ("aliyun", "tencent", "filebased", "console", "locmem")
}
SMS_BACKEND = env_str("SMS_BACKEND", "filebased")
SMS_BACKEND = _SMS_BACKEND_NAMES.get(SMS_BACKEND, SMS_BACKEND)
SMS_FILE_PATH = VAR_DIR / "sms"
# Numbers typed without a country code are this country's.
SMS_DEFAULT_REGION = env_str("SMS_DEFAULT_REGION", "CN")
# The signature the gateway puts before every text (approved with it).
SMS_SIGN_NAME = env_str("SMS_SIGN_NAME", "问政")
# The gateway's approved template for each kind of text (see notifications/sms/texts.py).
SMS_TEMPLATES = {
    kind: env_str(f"SMS_TEMPLATE_{kind.upper()}")
    for kind in ("code", "received", "material_requested", "replied", "rate")
}
SMS_ALIYUN_ACCESS_KEY_ID = env_str("SMS_ALIYUN_ACCESS_KEY_ID")
SMS_ALIYUN_ACCESS_KEY_SECRET = env_str("SMS_ALIYUN_ACCESS_KEY_SECRET")
SMS_ALIYUN_ENDPOINT = env_str("SMS_ALIYUN_ENDPOINT", "https://dysmsapi.aliyuncs.com/")
SMS_TENCENT_SECRET_ID = env_str("SMS_TENCENT_SECRET_ID")
SMS_TENCENT_SECRET_KEY = env_str("SMS_TENCENT_SECRET_KEY")
SMS_TENCENT_SDK_APP_ID = env_str("SMS_TENCENT_SDK_APP_ID")
SMS_TENCENT_REGION = env_str("SMS_TENCENT_REGION", "ap-guangzhou")
SMS_TENCENT_ENDPOINT = env_str("SMS_TENCENT_ENDPOINT", "https://sms.tencentcloudapi.com/")
SMS_TIMEOUT_SECONDS = env_int("SMS_TIMEOUT_SECONDS", 10)
# A text claimed for sending this long ago with no ending recorded: its
# worker died, and the sweep sends it again. Far longer than a gateway call
# may take (SMS_TIMEOUT_SECONDS), so a live worker is never overtaken.
SMS_CLAIM_TIMEOUT_SECONDS = env_int("SMS_CLAIM_TIMEOUT_SECONDS", 300)
# The gateway's callback for replies (STOP, TD, 退订) carries this secret;
# unset, the callback answers 404.
SMS_INBOUND_TOKEN = env_str("SMS_INBOUND_TOKEN")
# Texts about cases wait out these hours (local time, "22-8"; empty: none).
SMS_QUIET_HOURS = env_str("SMS_QUIET_HOURS", "22-8")
# Sign-in codes: valid this long, this many tries each; sent at most this
# often to one number, and asked for at most this often by one client.
SMS_CODE_VALID_SECONDS = env_int("SMS_CODE_VALID_SECONDS", 300)
SMS_CODE_MAX_ATTEMPTS = env_int("SMS_CODE_MAX_ATTEMPTS", 5)
SMS_CODE_RATE_PER_NUMBER = env_rate("SMS_CODE_RATE_PER_NUMBER", "5/h")
SMS_CODE_RATE_PER_CLIENT = env_rate("SMS_CODE_RATE_PER_CLIENT", "20/h")

# --- Celery ---------------------------------------------------------------
# With REDIS_URL the broker is Redis; without it, kombu's SQLAlchemy transport
# on a SQLite file that the web server, worker and beat share, so the embedded
# default needs no server. A message is one row, written and taken in a
# transaction, so a reader never sees half of one (docs/deploy.md).
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # A message a killed worker took is handed to another after this long
    # (acks late, below); longer than the slowest task, or it runs twice.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600)}
else:
    BROKER_FILE = Path(env_str("WENZHENG_BROKER_FILE", str(VAR_DIR / "broker.sqlite3")))
    embedded_broker_prepare(BROKER_FILE)
    CELERY_BROKER_URL = f"sqla+sqlite:///{BROKER_FILE}"
    # SQLAlchemy engine arguments: wait for another process's write lock
    # instead of failing with "database is locked".
    CELERY_BROKER_TRANSPORT_OPTIONS = {"connect_args": {"timeout": 30}}
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged only after it ran, so a worker killed mid-task
# leaves it on the queue for another worker; tasks are idempotent for this.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TIMEZONE = TIME_ZONE
# Reuse the worker's database connection across tasks rather than opening
# one for each.
CELERY_DB_REUSE_MAX = env_int("CELERY_DB_REUSE_MAX", 1000)
# Queues, so each kind of work can get its own workers (docs/deploy.md):
# routing new cases, e-mail and notifications, the deadline scans; all else
# on "default". A worker started without -Q consumes every one of them.
CELERY_WORKER_QUEUES = list(WORKER_QUEUES)
CELERY_TASK_QUEUES = [Queue(name, routing_key=name) for name in CELERY_WORKER_QUEUES]
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_DEFAULT_ROUTING_KEY = "default"
CELERY_TASK_ROUTES = {
    "responses.tasks.*": {"queue": "routing", "routing_key": "routing"},
    "notifications.tasks.*": {"queue": "notifications", "routing_key": "notifications"},
    "supervision.tasks.*": {"queue": "scans", "routing_key": "scans"},
    # An export a supervisor waits for should not queue behind the scans.
    "supervision.tasks.run_export": {"queue": "default", "routing_key": "default"},
}
# Health checks (portal/health.py): beat sends a heartbeat to every queue
# every HEALTH_HEARTBEAT_SECONDS (portal/celery.py); a worker or beat silent
# for HEALTH_STALE_SECONDS is reported unavailable.
HEALTH_STALE_SECONDS = env_int("HEALTH_STALE_SECONDS", 180)

# --- Routing ---------------------------------------------------------------
# Cases still "submitted" after this many seconds are re-enqueued for
# routing by the sweeper, so a lost broker message never strands a case.
ROUTING_SWEEP_AFTER_SECONDS = env_int("ROUTING_SWEEP_AFTER_SECONDS", 120)

# --- The supervision ledger (supervision/ledger.py, docs/deploy.md) -------
# The Ed25519 key that signs the ledger's daily checkpoints, kept outside the
# database: the path of a PEM file, or the PEM text itself. Only workers of
# the "scans" queue read it. Unset: the checkpoints are kept unsigned.
SUPERVISION_SIGNING_KEY_FILE = env_str("SUPERVISION_SIGNING_KEY_FILE")
SUPERVISION_SIGNING_KEY = env_str("SUPERVISION_SIGNING_KEY")

# --- Live interviews (interviews/) ----------------------------------------
# Viewers' pages ask for the live fragment this often; each process keeps a
# rendering for at most INTERVIEW_FRAGMENT_SECONDS (a new post replaces it
# at once); a citizen asks at most this many questions per interview.
INTERVIEW_POLL_SECONDS = env_int("INTERVIEW_POLL_SECONDS", 5)
INTERVIEW_FRAGMENT_SECONDS = env_int("INTERVIEW_FRAGMENT_SECONDS", 300)
INTERVIEW_QUESTIONS_PER_PERSON = env_int("INTERVIEW_QUESTIONS_PER_PERSON", 5)
# A question asked by e-mail without an account waits this long for its
# asker to open the confirmation link (and never past the interview's close).
INTERVIEW_CONFIRMATION_HOURS = env_int("INTERVIEW_CONFIRMATION_HOURS", 24)

# --- Consultations on draft decisions (consultations/) --------------------
# A citizen comments at most this many times on one consultation (one per
# section of a long draft, and some on the whole): more is a flood.
CONSULTATION_COMMENTS_PER_PERSON = env_int("CONSULTATION_COMMENTS_PER_PERSON", 50)

# --- REST framework -------------------------------------------------------
# Programs send an API token (api.ApiToken, stored hashed); browsers use
# the session, with its CSRF check. The token class comes first so that a
# request without credentials is answered 401 with WWW-Authenticate.
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiTokenAuthentication",
        "api.authentication.TwoFactorSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "EXCEPTION_HANDLER": "api.errors.handle_exception",
    "DEFAULT_PARSER_CLASSES": [
        "api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.ApiPagination",
    # Counted in the default cache: Redis when REDIS_URL is set, shared by
    # every web process.
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ApiAnonThrottle", "api.throttling.ApiUserThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_RATE_ANON", "60/min"),
        "user": env_str("API_RATE_USER", "600/min"),
        "api_write": env_str("API_RATE_WRITE", "60/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Wenzheng API",
    "DESCRIPTION": "Cases, the officials' workflow and supervision records of the Wenzheng portal. "
                   'Every error comes as {"errors": [{"field": ..., "code": ..., "message": ...}]}.',
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Two models' `state` fields: each its own named enum.
    "ENUM_NAME_OVERRIDES": {
        "InterviewStateEnum": "interviews.models.InterviewState",
        "QuestionStateEnum": "interviews.models.QuestionState",
        "ReportStateEnum": "oversight.models.ReportState",
        "ReportCategoryEnum": "oversight.models.ReportCategory",
        "ReportOutcomeEnum": "oversight.models.Outcome",
        "ConsultationDecisionEnum": "consultations.models.Adoption",
        "HearingApplicationStateEnum": "consultations.hearings.models.ApplicationState",
    },
}

# --- Open311 GeoReport v2 (docs/open311.md) -------------------------------
# The jurisdiction this endpoint serves (e.g. the site's domain); empty
# accepts any jurisdiction_id. Contact and key service texts for discovery
# default to pointing at SITE_URL.
OPEN311_JURISDICTION_ID = env_str("OPEN311_JURISDICTION_ID", "")
OPEN311_CONTACT = env_str("OPEN311_CONTACT", "")
OPEN311_KEY_SERVICE = env_str("OPEN311_KEY_SERVICE", "")
OPEN311_ENDPOINT_TYPE = env_str("OPEN311_ENDPOINT_TYPE", "production")  # or "test"

# --- Maps (places/, docs/deploy.md) ----------------------------------------
# Tiles come from MAP_TILE_URL (Leaflet's {z}/{x}/{y}, {s} for a subdomain
# from MAP_TILE_SUBDOMAINS); MAP_TILE_CRS=gcj02 for a source drawn in China's
# offset coordinates (AutoNavi, Tencent): points are converted for display
# and back on input, and always stored in WGS-84.
MAP_TILE_URL = env_str("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env_str("MAP_TILE_ATTRIBUTION", "© OpenStreetMap contributors")
MAP_TILE_SUBDOMAINS = env_str("MAP_TILE_SUBDOMAINS", "")
MAP_TILE_MAX_ZOOM = env_int("MAP_TILE_MAX_ZOOM", 18)
MAP_TILE_CRS = env_str("MAP_TILE_CRS", "wgs84")
if MAP_TILE_CRS not in ("wgs84", "gcj02"):
    raise ImproperlyConfigured(f"MAP_TILE_CRS must be wgs84 or gcj02, got {MAP_TILE_CRS!r}")
# The city's box, "west,south,east,north" in WGS-84 degrees: a case's point
# must lie inside it. The default is Beijing's, the demo city's.
CITY_BOUNDS = env_list("CITY_BOUNDS", ["115.42", "39.44", "117.51", "41.06"])
try:
    _west, _south, _east, _north = (float(value) for value in CITY_BOUNDS)
except ValueError as _error:
    raise ImproperlyConfigured(
        f"CITY_BOUNDS must be four numbers west,south,east,north, got {CITY_BOUNDS!r}") from _error
if not (-180 <= _west < _east <= 180 and -90 <= _south < _north <= 90):
    raise ImproperlyConfigured(f"CITY_BOUNDS must be west,south,east,north in degrees, got {CITY_BOUNDS!r}")
CITY_BOUNDS = [_west, _south, _east, _north]
# The public sees a point moved to the middle of a square this wide, unless
# a moderator approved the exact point.
MAP_PUBLIC_PRECISION_METRES = env_int("MAP_PUBLIC_PRECISION_METRES", 200)
# An open case about the same thing this close is the first duplicate hint.
MAP_NEAR_METRES = env_int("MAP_NEAR_METRES", 100)

LOG_FORMAT = env_str("LOG_FORMAT", "plain")
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be plain or json, got {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "portal.logging.JsonFormatter"},
    },
    # LOG_FORMAT=json: one JSON object per line, for a log collector.
    "filters": {"not_turned_away": {"()": "portal.logging.NotTurnedAway"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "django.request": {"filters": ["not_turned_away"]},
                # The SMS SDK's debug lines carry whole numbers and codes: never logged, whatever LOG_LEVEL says.
                "tencentcloud_sdk_common": {"level": "WARNING"}},
}
# Celery replaces the root logger's handlers with its own text format unless
# told not to; in JSON mode workers and beat log through the handler above.
CELERY_WORKER_HIJACK_ROOT_LOGGER = LOG_FORMAT != "json"
