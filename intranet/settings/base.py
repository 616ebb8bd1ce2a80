"""Settings shared by every environment. Everything variable comes from ``Env``."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext_lazy as _

from intranet.core.timezones import DEFAULT_COMMON_TIME_ZONES

from .database import databases, replica_aliases
from .env import load_env

BASE_DIR = Path(__file__).resolve().parent.parent.parent
ENV = load_env()

SECRET_KEY = ENV.secret_key.get_secret_value() or "dev-only-insecure-key-change-me"
DEBUG = ENV.debug
ALLOWED_HOSTS = ENV.allowed_hosts
CSRF_TRUSTED_ORIGINS = ENV.csrf_trusted_origins
#: The address written into e-mails and links; unset, it follows the port of ``make run`` (``PORT``).
SITE_URL = ENV.effective_site_url

INSTALLED_APPS = [
    # Shell
    "intranet.core",
    "intranet.accounts",
    "intranet.cms",
    "intranet.search",
    "intranet.notifications",
    "intranet.messaging",
    "intranet.privacy",
    # Domain
    "communities",
    "training",
    "meetups",
    # Integrations
    "integrations.scim",
    # Integrations (issue 22): the REST API.
    "integrations.api",
    "integrations.webhooks",
    # Benchmark tooling: no models; its management command seed_scale loads the reference dataset.
    "bench",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # Identity
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.mfa",
    # Infrastructure
    "channels",
    "django_celery_beat",
    "django_htmx",
    "csp",
    "django_structlog",
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    # Probes answer before host validation, the HTTPS redirect and sessions (see core/health.py).
    "intranet.core.health.HealthCheckMiddleware",
    # Read-your-writes: outside every middleware that writes (sessions), so it sees their writes.
    "intranet.core.dbrouter.ReadYourWritesMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "intranet.core.security.SecurityHeadersMiddleware",
    "intranet.core.security.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "intranet.accounts.middleware.UserLanguageMiddleware",
    "intranet.core.middleware.ViewerMiddleware",
    # NUL characters and forged page cursors answer 400 (issue 17).
    "intranet.core.middleware.MalformedInputMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Staff and coordinators without a second factor set one up first (REQUIRE_MFA_FOR_STAFF).
    "intranet.accounts.middleware.SecondFactorRequiredMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django_structlog.middlewares.RequestMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # A database outage answers a translated 503 with Retry-After (core/unavailable.py). Last, so
    # its process_exception runs first and the request is logged as the 503 it is.
    "intranet.core.unavailable.DatabaseUnavailableMiddleware",
]

# ``make bench`` only (never in a deployment): /bench/limit/ and the X-Bench-Queries header.
BENCHMARK = ENV.benchmark
if BENCHMARK:
    MIDDLEWARE.insert(1, "bench.hooks.QueryCountMiddleware")

ROOT_URLCONF = "intranet.urls"
WSGI_APPLICATION = "intranet.wsgi.application"
ASGI_APPLICATION = "intranet.asgi.application"

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
                "intranet.core.context_processors.platform",
            ],
        },
    },
]

# Database -------------------------------------------------------------------------------------
# ``DATABASE_URL`` is required; ``make run`` and ``make test`` export the URL of an embedded
# PostgreSQL when it is unset. Persistent connections are replaced by psycopg's pool, with short
# timeouts and a check on checkout (settings/database.py).
DATABASES = databases(ENV)
# Reads of web requests go to these aliases (DATABASE_REPLICA_URLS); writes, transactions, Celery
# tasks and a person's requests for DATABASE_PRIMARY_PIN_SECONDS after they wrote use the primary.
DATABASE_REPLICAS = replica_aliases(ENV)
DATABASE_ROUTERS = ["intranet.core.dbrouter.PrimaryReplicaRouter"]
DATABASE_PRIMARY_PIN_SECONDS = ENV.database_primary_pin_seconds
DATABASE_CONFIGURED = bool(ENV.database_url)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache, channel layer, Celery -----------------------------------------------------------------
if ENV.redis_url:
    CACHES = {
        "default": {
            "BACKEND": "intranet.core.cache.RedisCache",
            "LOCATION": ENV.redis_url,
            "KEY_PREFIX": "intranet",
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # redis-py 8 reads with a 5-second socket timeout by default, exactly as long as
            # channels-redis blocks in BZPOPMIN: the read would time out and kill the consumer.
            "CONFIG": {"hosts": [{"address": ENV.redis_url, "socket_timeout": 30}], "prefix": "intranet:ws"},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

CELERY_BROKER_URL = ENV.celery_broker_url or ENV.redis_url or "memory://"
CELERY_RESULT_BACKEND = ENV.redis_url or None
CELERY_TASK_ALWAYS_EAGER = (
    ENV.celery_always_eager if ENV.celery_always_eager is not None else not (ENV.celery_broker_url or ENV.redis_url)
)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Tasks are acknowledged after they ran (acks_late), so Redis hands a task whose worker died to
# another worker once it stayed unacknowledged for the visibility timeout. That timeout must outlast
# the longest task (the hard time limit below) and the longest retry countdown (up to 600 s: the
# outbox delivery's backoff), or a task still running or waiting for its countdown runs twice. It
# is also how long a killed worker's task waits; kombu looks for such tasks every 10 s.
CELERY_TASK_TIME_LIMIT = ENV.celery_task_time_limit
_LONGEST_RETRY_COUNTDOWN = 600  # tests/ops/test_celery_redelivery.py checks every task against it
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": ENV.celery_visibility_timeout or max(CELERY_TASK_TIME_LIMIT, _LONGEST_RETRY_COUNTDOWN) + 300,
    "unacked_restore_interval": 10,
    "unacked_restore_throttle": 1,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = ENV.time_zone
# Periodic jobs. The DatabaseScheduler copies these entries into django-celery-beat's tables when
# beat starts, so operators may retime them in the admin.
from celery.schedules import crontab

CELERY_BEAT_SCHEDULE = {
    # The event outbox (intranet.core.outbox): events whose relay after commit failed.
    "core-outbox-relay": {"task": "core.outbox_relay", "schedule": 60.0},
    "core-outbox-purge": {"task": "core.outbox_purge", "schedule": crontab(minute=45, hour=4)},
    # Keys of creating forms (intranet.core.idempotency), kept two days.
    "core-idempotency-purge": {"task": "core.idempotency_purge", "schedule": crontab(minute=50, hour=4)},
    # Answers of idempotent API requests (integrations.api), kept two days.
    "api-idempotency-purge": {"task": "api.idempotency_purge", "schedule": crontab(minute=55, hour=4)},
    "notifications-digest-daily": {
        "task": "notifications.digest_send",
        "schedule": crontab(minute=0, hour=7),
        "args": ("daily",),
    },
    "notifications-digest-weekly": {
        "task": "notifications.digest_send",
        "schedule": crontab(minute=0, hour=7, day_of_week="mon"),
        "args": ("weekly",),
    },
    "notifications-email-sweep": {
        "task": "notifications.email_immediate_sweep",
        "schedule": crontab(minute="*/10"),
    },
    "communities-inbox-unanswered-questions": {
        "task": "communities.inbox_unanswered_questions",
        "schedule": crontab(minute="*/15"),
    },
    "meetups-tandem-suggestions": {
        "task": "meetups.tandem_suggestions_refresh",
        "schedule": crontab(minute=30, hour=3),
    },
    "training-session-reminders": {
        "task": "training.session_reminders",
        "schedule": crontab(minute="*/15"),
    },
    "training-certificate-expiry-reminders": {
        "task": "training.certificate_expiry_reminders",
        "schedule": crontab(minute=30, hour=6),
    },
    "training-attempts-close-expired": {
        "task": "training.attempts_close_expired",
        "schedule": crontab(minute="*/5"),
    },
    "training-circles-finish-due": {
        "task": "training.circles_finish_due",
        "schedule": crontab(minute=15, hour=3),
    },
    "communities-lifecycle-tick": {
        "task": "communities.lifecycle_tick",
        "schedule": crontab(minute=30, hour=6),
    },
    "meetups-send-reminders": {
        "task": "meetups.send_reminders",
        "schedule": crontab(minute="*/15"),
    },
    "meetups-generate-events": {
        "task": "meetups.generate_events",
        "schedule": crontab(minute=15, hour=3),
    },
    "communities-lifecycle-campaign-weekly": {
        "task": "communities.lifecycle_campaign_weekly",
        "schedule": crontab(minute=0, hour=6, day_of_week="tue"),
    },
}
# Outgoing webhooks (issue 22): queues with a due delivery (retries, a worker that died).
CELERY_BEAT_SCHEDULE["webhooks-deliveries-sweep"] = {"task": "webhooks.deliveries_sweep", "schedule": 60.0}
# Community health (issue 9): nightly figures for yesterday, then the health score.
# Data exports whose download link expired: their files are deleted (intranet/privacy/jobs.py).
CELERY_BEAT_SCHEDULE["privacy-exports-expire"] = {"task": "privacy.exports_expire", "schedule": crontab(minute=20)}
CELERY_BEAT_SCHEDULE["communities-health-figures-nightly"] = {
    "task": "communities.health_figures_daily",
    "schedule": crontab(minute=30, hour=2),
}
# The demo (``manage.py seed_demo``): the periodic jobs it runs once at the end, so the screens fed by
# nightly jobs show something on the first start (``manage.py run_job`` runs any of them later), and
# the rows counted in its closing summary.
DEMO_SEED_JOBS = [
    "communities-health-figures-nightly",
    "communities-inbox-unanswered-questions",
    "communities-lifecycle-campaign-weekly",
    "meetups-tandem-suggestions",
    "meetups-generate-events",
]
DEMO_SUMMARY = [
    ("accounts.User", "people"),
    ("communities.Community", "communities"),
    ("communities.Post", "posts"),
    ("communities.Comment", "comments"),
    ("communities.CommunityHealth", "health scores"),
    ("meetups.MeetupEvent", "meetup dates"),
    ("meetups.TandemSuggestion", "tandem suggestions"),
    ("training.Programme", "training programmes"),
    ("notifications.Notification", "in-app notifications"),
]
# Works-council switches (intranet/core/switches.py; read them through its functions) ----------
PRIVACY_PRESENCE = ENV.privacy_presence
PRIVACY_READ_RECEIPTS = ENV.privacy_read_receipts
PRIVACY_PERSON_FIGURES = ENV.privacy_person_figures
#: No figure derived from people (members, active members, joins, leaves) is shown below this.
PRIVACY_MIN_GROUP_SIZE = ENV.privacy_min_group_size or ENV.health_min_group_size
#: Old name of PRIVACY_MIN_GROUP_SIZE, kept so existing configuration still works; code reads
#: ``intranet.core.switches.min_group_size()``.
HEALTH_MIN_GROUP_SIZE = PRIVACY_MIN_GROUP_SIZE
PRIVACY_AUDIT_READERS = ENV.privacy_audit_readers
#: "Download my data" (intranet/privacy): how long a link works, how many exports a day per person.
PRIVACY_EXPORT_LINK_HOURS = ENV.privacy_export_link_hours
PRIVACY_EXPORT_PER_DAY = ENV.privacy_export_per_day
#: A community without posts, comments or reactions for this many days is "dormant".
HEALTH_DORMANT_DAYS = 90
#: An owner or manager without activity or login for this many days no longer counts as present.
HEALTH_ORPHAN_INACTIVE_DAYS = 180
#: Daily figures older than this many days are deleted by the nightly job.
HEALTH_FIGURES_RETENTION_DAYS = 400

SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14

# Identity -------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

ACCOUNT_ADAPTER = "intranet.accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "intranet.accounts.adapters.SocialAccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_PREVENT_ENUMERATION = True
# Rate limits live in the shared cache, so every web process counts the same failures.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "20/m/ip,5/15m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
}
SIGNUP_EMAIL_DOMAINS = ENV.signup_email_domains
# The client address behind the reverse proxies (intranet.core.clientip): allauth's rate limits and
# the request logs key on it. ``None`` means "not configured" and fails ``check --deploy`` in prod.
TRUSTED_PROXY_COUNT = ENV.trusted_proxy_count
CLIENT_IP_HEADER = ENV.client_ip_header
# Staff and coordinators without a second factor are sent to set one up (accounts.middleware).
REQUIRE_MFA_FOR_STAFF = bool(ENV.require_mfa_for_staff)
# When true only coordinators (and holders of communities.add_community) create communities.
COMMUNITY_CREATION_RESTRICTED = ENV.community_creation_restricted

SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_PROVIDERS: dict = {"openid_connect": {"OAUTH_PKCE_ENABLED": True, "APPS": []}}
if ENV.oidc_enabled:
    SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"].append(
        {
            "provider_id": "company",
            "name": ENV.oidc_name,
            "client_id": ENV.oidc_client_id,
            "secret": ENV.oidc_client_secret.get_secret_value() if ENV.oidc_client_secret else "",
            "settings": {"server_url": ENV.oidc_issuer},
        }
    )

MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Intranet"
# Accept the code of the neighbouring 30-second step too: phones drift, people type slowly.
MFA_TOTP_TOLERANCE = 1
MFA_RECOVERY_CODE_COUNT = 10

# Internationalisation -------------------------------------------------------------------------
LANGUAGE_CODE = ENV.language_code
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = ENV.time_zone
# Offered first, with readable names, in every time-zone picker.
COMMON_TIME_ZONES = ENV.common_time_zones or list(DEFAULT_COMMON_TIME_ZONES)
# Our own date and time formats first: English as in Britain (31 Dec 2026, 18:00) instead of
# Django's US defaults, and unambiguous ISO dates (2026-12-31) first among the accepted inputs.
FORMAT_MODULE_PATH = ["intranet.core.formats"]
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

# Static and media -----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / ENV.static_root
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = BASE_DIR / ENV.media_root
# Uploads below these folders of MEDIA_ROOT have random names and may be served to anyone with the
# URL (avatars, community covers, the CMS's images); everything else there (post attachments, CMS
# documents) only through permission-checked views (intranet/core/media.py, deploy/README.md).
PUBLIC_MEDIA_PREFIXES = ["avatars/", "communities/covers/", "images/", "original_images/"]
# Set behind nginx (e.g. "/protected-media/"): private files are then sent by the proxy from that
# internal location after the view's permission check; empty: the view streams them itself.
ATTACHMENTS_ACCEL_REDIRECT_PREFIX = ENV.attachments_accel_redirect_prefix
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# E-mail ---------------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = ENV.default_from_email
SERVER_EMAIL = ENV.default_from_email
if ENV.email_host:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = ENV.email_host
    EMAIL_PORT = ENV.email_port
    EMAIL_HOST_USER = ENV.email_host_user
    EMAIL_HOST_PASSWORD = ENV.email_host_password.get_secret_value()
    EMAIL_USE_TLS = ENV.email_use_tls
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Wagtail --------------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Intranet"
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# The most pixels (width x height) of any image the platform accepts: avatars, covers, post
# attachments, CMS images; also Pillow's decompression-bomb limit (intranet/core/images.py).
MAX_IMAGE_PIXELS = 40_000_000
WAGTAILIMAGES_MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "pptx", "txt", "csv", "odt"]
# One door (issue 17): people sign in, reset and change passwords through allauth only. The
# Wagtail and admin URLs of those pages hand over to it (intranet.accounts.login_doors).
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAILUSERS_PASSWORD_ENABLED = False
# A page's shared view password would be a second, unthrottled password form; editors restrict
# pages to signed-in people or groups instead.
WAGTAIL_PRIVATE_PAGE_OPTIONS = {"SHOW_PASSWORD_RESTRICTION": False}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Security headers (tightened further in prod) ---------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the cookie-free meta tag; keep default
# A form sent from an outdated page answers a translated page with a way on (core/errors.py).
CSRF_FAILURE_VIEW = "intranet.core.errors.csrf_failure"
from csp.constants import NONCE, NONE, SELF

# Violations are reported to the kernel's endpoint (intranet/core/security.py): logged, not stored.
CSP_REPORT_URL = "/csp-report/"
# Malformed input below these paths (the REST API) answers problem+json, not the 400 page.
PROBLEM_JSON_PATH_PREFIXES = ["/api/"]
_CSP_DIRECTIVES = {
    "default-src": [SELF],
    "script-src": [SELF, NONCE],
    "style-src": [SELF],
    "img-src": [SELF, "data:"],
    "font-src": [SELF],
    "connect-src": [SELF],
    "frame-ancestors": [NONE],
    "form-action": [SELF],
    "base-uri": [SELF],
    "object-src": [NONE],
    "report-uri": [CSP_REPORT_URL],
    "report-to": "csp-endpoint",
}
CONTENT_SECURITY_POLICY = {"DIRECTIVES": _CSP_DIRECTIVES}
# The admin areas get a policy too, relaxed only where Wagtail 8 needs it: it still renders inline
# scripts (date pickers, inline panels) and style attributes, shows uploads as blob: previews and
# frames its own page previews. Everything else stays as strict as the site's.
CSP_ADMIN_URL_PREFIXES = ["/cms/", "/django-admin/"]
CSP_ADMIN_DIRECTIVES = {
    **_CSP_DIRECTIVES,
    "script-src": [SELF, "'unsafe-inline'"],
    "style-src": [SELF, "'unsafe-inline'"],
    "img-src": [SELF, "data:", "blob:"],
    "frame-src": [SELF],
    "frame-ancestors": [SELF],
}
# The Wagtail admin would load avatars from gravatar.com (a third party, keyed by a hash of the
# staff member's address): the initials placeholder instead.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Nor does its dashboard ask releases.wagtail.org for new versions (connect-src stays 'self').
WAGTAIL_ENABLE_UPDATE_CHECK = False
# Nor advertise the outside editor guide on the dashboard after an upgrade.
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
# No oEmbed look-ups: the server never asks a third party about a URL an editor typed (the rich
# text features have no embeds either, intranet/cms/blocks.py). tests/browser/test_no_outside_requests.py
# checks the browser side.
WAGTAILEMBEDS_FINDERS: list[dict[str, str]] = []

# Powerful browser features nothing here uses: off for every page and every frame.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "bluetooth",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
    )
}

# Erasure and retention (issue 23; intranet/accounts/erasure/, intranet/privacy/retention/) -------
ERASURE_DIRECT_MESSAGES = ENV.erasure_direct_messages
ERASURE_POSTS = ENV.erasure_posts
RETENTION_DIRECT_MESSAGES_DAYS = ENV.retention_direct_messages_days
RETENTION_NOTIFICATIONS_DAYS = ENV.retention_notifications_days
RETENTION_AUDIT_DAYS = ENV.retention_audit_days
RETENTION_REPORTS_DAYS = ENV.retention_reports_days
RETENTION_EXAM_ATTEMPTS_DAYS = ENV.retention_exam_attempts_days
RETENTION_INACTIVE_ACCOUNTS_DAYS = ENV.retention_inactive_accounts_days
RETENTION_BATCH_SIZE = ENV.retention_batch_size
RETENTION_WEBHOOK_DELIVERIES_DAYS = ENV.retention_webhook_deliveries_days
CELERY_BEAT_SCHEDULE["privacy-retention-nightly"] = {
    "task": "privacy.retention_apply",
    "schedule": crontab(minute=10, hour=3),
}

# Logging --------------------------------------------------------------------------------------
from .logging import build_logging

LOGGING = build_logging(ENV.log_format, ENV.log_level)

# Outgoing webhooks (integrations/webhooks/ssrf.py): https only unless WEBHOOK_ALLOW_HTTP; private,
# loopback and link-local addresses only where an allow-list names them.
WEBHOOK_ALLOW_HTTP = ENV.webhook_allow_http
WEBHOOK_ALLOWED_HOSTS = ENV.webhook_allowed_hosts
WEBHOOK_ALLOWED_NETWORKS = ENV.webhook_allowed_networks
WEBHOOK_DISABLE_AFTER = ENV.webhook_disable_after
WEBHOOK_QUEUE = ENV.webhook_queue
