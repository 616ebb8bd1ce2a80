from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "integrations.api"
    label = "api"
    verbose_name = _("REST API")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The leaver path revokes the person's tokens in the deactivation's own transaction.
        from . import receivers  # noqa: F401  (connects the signal receivers)
