from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "intranet.notifications"
    label = "notifications"
    verbose_name = _("Notifications")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here, not at the top: they import models, which need the app registry ready.
        from intranet.core.erasure import register_erasure_step

        from . import notify, realtime  # noqa: F401  (registers outbox subscribers)
        from .erasure import erase_person_notifications

        register_erasure_step("notifications.caused", erase_person_notifications, order=30)
