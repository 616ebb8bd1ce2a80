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

        from communities import notify_console, tasks_console  # noqa: F401  (tasks register with Celery)

        notify_console.register()

        from intranet.accounts.signals import user_deactivating

        user_deactivating.connect(_hand_over_on_deactivation, dispatch_uid="communities.hand_over_on_deactivation")


def _hand_over_on_deactivation(
    sender: object, *, user: object, actor: object, reason: str = "", **kwargs: object
) -> None:
    """Keep the deactivated person's communities owned (runs inside the deactivation's transaction)."""
    from communities.services.handover import handle_user_deactivating

    handle_user_deactivating(user=user, actor=actor, reason=reason)  # type: ignore[arg-type]
