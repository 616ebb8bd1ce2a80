from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "intranet.messaging"
    label = "messaging"
    verbose_name = _("Direct messages")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here, not at the top: realtime imports models, which need the app registry ready.
        from intranet.core.erasure import register_erasure_step
        from intranet.core.realtime import register_topic

        from .erasure import erase_person_messages
        from .realtime import may_receive_conversation  # also registers the outbox subscribers
        from .retention import register_rules

        # conversation.<id>: participants only; who is online there is announced, typing is relayed.
        register_topic("conversation", may_receive_conversation, presence=True, relay=("typing",))
        register_erasure_step("messaging.messages", erase_person_messages, order=20)
        register_rules()
