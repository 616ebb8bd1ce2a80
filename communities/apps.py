from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunitiesConfig(AppConfig):
    name = "communities"
    verbose_name = _("Communities")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from communities import search_providers

        search_providers.register_providers()

        from communities import notify

        notify.register()

        from communities.services import moderation

        moderation.register_notification_kind()

        from communities import realtime

        realtime.register_topics()
