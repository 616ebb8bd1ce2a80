"""Settings of the loopback topology's processes: the production settings, with static files served
from the finders instead of ``collectstatic``'s manifest.

Collecting and compressing the static files takes about two minutes on two cores, longer than the
whole topology run may take; the image does it once at build time. Everything else (secure cookies,
the proxy headers, JSON logs, the database router) is production's.
"""

from intranet.settings.prod import *  # noqa: F403

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
