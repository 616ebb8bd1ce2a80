"""Production: every secret from the environment; strict transport and cookie security."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import ENV
from .logging import build_logging

if not ENV.secret_key.get_secret_value():
    raise ImproperlyConfigured("SECRET_KEY must be set in production (at least 50 random characters).")
SECRET_KEY = ENV.secret_key.get_secret_value()
DEBUG = False

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Staff and coordinators sign in with a second factor unless REQUIRE_MFA_FOR_STAFF=false says otherwise.
REQUIRE_MFA_FOR_STAFF = ENV.require_mfa_for_staff is not False
SECURE_SSL_REDIRECT = ENV.secure_ssl_redirect
# Probes are answered by HealthCheckMiddleware before the redirect; this keeps them on plain HTTP
# even if that middleware is ever removed.
SECURE_REDIRECT_EXEMPT = [r"^healthz/"]
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_HTTPONLY = True

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# One JSON object per log line unless LOG_FORMAT says otherwise: log shippers parse it as is.
if "log_format" not in ENV.model_fields_set:
    LOGGING = build_logging("json", ENV.log_level)
