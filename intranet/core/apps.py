import warnings

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from PIL import Image


class CoreConfig(AppConfig):
    name = "intranet.core"
    label = "core"
    verbose_name = _("Platform core")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The outbox relay sends its delivery task by name: register it in every process, not only
        # in workers (Celery's autodiscovery runs lazily there). ``access`` registers the
        # access.changed subscriber (open sockets re-check their topics after commit).
        from django_structlog.signals import bind_extra_request_metadata

        from intranet.core import (
            access,  # noqa: F401
            checks,  # noqa: F401  (registers the deployment checks)
            tasks,  # noqa: F401
        )
        from intranet.core.clientip import bind_log_ip

        bind_extra_request_metadata.connect(bind_log_ip, dispatch_uid="core.bind_log_ip")

        # Pillow's own decompression-bomb guard uses the platform's one pixel limit. Between one and
        # two times the limit Pillow only warns; every upload path refuses those images itself
        # (intranet.core.images.validate_image_pixels), so the warning is noise.
        Image.MAX_IMAGE_PIXELS = settings.MAX_IMAGE_PIXELS
        warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)
