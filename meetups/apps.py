from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetupsConfig(AppConfig):
    name = "meetups"
    verbose_name = _("Meetups")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The composition root of the app: notification kinds, outbox subscribers (registered on
        # import) and the beat jobs (registered with Celery on import). Imported here, not at module
        # level, because the models are not ready before ``ready()``.
        from meetups.events import jobs as events_jobs  # noqa: F401  (beat jobs)
        from meetups.events import notify as events_notify  # (registers subscribers)
        from meetups.events.permissions import organises_any_series
        from meetups.organisations.permissions import register_external_email_reader
        from meetups.tandems import jobs as tandems_jobs  # noqa: F401  (beat job)
        from meetups.tandems import notify as tandems_notify  # (registers subscribers)
        from meetups.tandems import receivers as tandems_receivers  # noqa: F401  (registers subscribers)

        register_external_email_reader(organises_any_series)
        events_notify.register()
        tandems_notify.register()
