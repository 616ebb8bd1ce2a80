from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


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
