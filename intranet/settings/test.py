"""Test settings: real PostgreSQL (``DATABASE_URL``), Redis when ``REDIS_URL`` is set."""

from .base import *  # noqa: F403
from .base import ENV, INSTALLED_APPS, MIDDLEWARE

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production-0123456789-abcdefghijklmnopqrstuvwxyz"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["*"]
# The pool is per process and pytest-django swaps database names; plain connections are simpler.
DATABASES["default"]["OPTIONS"].pop("pool", None)  # type: ignore[name-defined]  # noqa: F405
CELERY_TASK_ALWAYS_EAGER = ENV.celery_always_eager if ENV.celery_always_eager is not None else True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The OpenID Connect tests run a real identity provider (django-oauth-toolkit) inside the live
# test server; it exists only in this settings module.
INSTALLED_APPS = [*INSTALLED_APPS, "oauth2_provider"]
ROOT_URLCONF = "intranet.test_urls"
MIDDLEWARE = list(MIDDLEWARE)
