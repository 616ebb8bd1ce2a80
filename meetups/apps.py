from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetupsConfig(AppConfig):
    name = "meetups"
    verbose_name = _("Meetups")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Meetup directory: notification kinds; tasks.py registers with Celery on import.
        from meetups import notify, tasks  # noqa: F401

        notify.register()

        # Network and tandems: notification kinds, and the Celery tasks outside tasks.py.
        from meetups import notify_tandems, tasks_tandems  # noqa: F401

        notify_tandems.register()
