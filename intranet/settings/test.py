"""Test settings: real PostgreSQL (``DATABASE_URL``).

The cache and channel layer are per process by default, so parallel test workers cannot clear or
read each other's state; tests that prove behaviour over real Redis (marked ``redis`` / ``worker``)
switch to it explicitly through the ``redis_url`` fixture, each on a database of its own.
"""

from .base import *  # noqa: F403
from .base import ENV, INSTALLED_APPS, MIDDLEWARE

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production-0123456789-abcdefghijklmnopqrstuvwxyz"  # noqa: S105
# Assertions read the English source strings; tests of the German interface switch explicitly.
LANGUAGE_CODE = "en"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["*"]
# The pool is per process and pytest-django swaps database names; plain connections are simpler.
DATABASES["default"]["OPTIONS"].pop("pool", None)  # type: ignore[name-defined]
# A replica alias on the test database itself (a test mirror: the same connection settings, no
# database of its own), for the router's tests; reads use it only where a test lists it in
# DATABASE_REPLICAS (intranet/core/dbrouter.py). tests/topology runs a real streaming replica.
DATABASES.setdefault(  # type: ignore[name-defined]
    "replica_1",
    {
        **DATABASES["default"],  # type: ignore[name-defined]
        "OPTIONS": dict(DATABASES["default"]["OPTIONS"]),  # type: ignore[name-defined]
        "TEST": {"MIRROR": "default"},
    },
)
DATABASES["replica_1"]["OPTIONS"].pop("pool", None)  # type: ignore[name-defined]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
CELERY_TASK_ALWAYS_EAGER = ENV.celery_always_eager if ENV.celery_always_eager is not None else True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The OpenID Connect tests run a real identity provider (django-oauth-toolkit) inside the live
# test server; it exists only in this settings module.
# The register of personal data (tests/privacy/test_register.py) skips apps listed here.
TEST_ONLY_APPS = ["oauth2_provider"]
INSTALLED_APPS = [*INSTALLED_APPS, *TEST_ONLY_APPS]
ROOT_URLCONF = "intranet.test_urls"
MIDDLEWARE = list(MIDDLEWARE)

# OpenID Connect identity provider for the single sign-on tests (django-oauth-toolkit). The signing
# key is generated per test run; it never leaves the process.
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

_OIDC_TEST_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": _OIDC_TEST_KEY.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    ).decode(),
    "PKCE_REQUIRED": True,
    "SCOPES": {"openid": "OpenID Connect", "email": "E-mail address", "profile": "Name"},
    "DEFAULT_SCOPES": ["openid"],
    "OAUTH2_VALIDATOR_CLASS": "tests.accounts.oidc_validator.CompanyDirectoryValidator",
}

# Webhook tests run a real receiver on loopback over plain http.
WEBHOOK_ALLOW_HTTP = True
WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
