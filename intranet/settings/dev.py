"""Development: ``make run``. Daphne provides the ASGI runserver (HTTP and websockets)."""

from .base import *  # noqa: F403
from .base import ENV, INSTALLED_APPS

DEBUG = ENV.debug or True
INSTALLED_APPS = ["daphne", *INSTALLED_APPS]
ALLOWED_HOSTS = [*ENV.allowed_hosts, "[::1]"]
ACCOUNT_EMAIL_VERIFICATION = "optional"
