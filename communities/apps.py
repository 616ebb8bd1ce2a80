from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunitiesConfig(AppConfig):
    name = "communities"
    verbose_name = _("Communities")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from communities.posts import search as search_providers

        search_providers.register_providers()

        from communities.core import notify

        notify.register()

        from communities.moderation import services as moderation

        moderation.register_notification_kind()

        from communities.core import realtime

        realtime.register_topics()

        from communities.core import tasks  # noqa: F401  (tasks register with Celery)
        from communities.lifecycle import notify as notify_console
        from communities.lifecycle import tasks as tasks_console  # noqa: F401  (tasks register with Celery)

        notify_console.register()

        from intranet.accounts.signals import user_deactivating

        user_deactivating.connect(_hand_over_on_deactivation, dispatch_uid="communities.hand_over_on_deactivation")


def _hand_over_on_deactivation(
    sender: object, *, user: object, actor: object, reason: str = "", **kwargs: object
) -> None:
    """Keep the deactivated person's communities owned (runs inside the deactivation's transaction)."""
    from communities.lifecycle.handover import handle_user_deactivating

    handle_user_deactivating(user=user, actor=actor, reason=reason)  # type: ignore[arg-type]
