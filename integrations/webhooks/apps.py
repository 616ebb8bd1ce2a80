from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "integrations.webhooks"
    label = "webhooks"
    verbose_name = _("Webhooks")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from integrations.webhooks import jobs, notify, subscribers, tasks  # noqa: F401  (outbox subscribers, tasks)

        notify.register()

        from integrations.webhooks.retention import register_rules

        register_rules()
