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
        from intranet.core import access, tasks  # noqa: F401
