from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "intranet.accounts"
    label = "accounts"
    verbose_name = _("People")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here, not at the top: they import models, which need the app registry ready.
        from allauth.mfa.signals import authenticator_removed

        from . import notify, receivers, search_providers  # noqa: F401  (they register subscribers and receivers)
        from .erasure import services as erasure_services  # noqa: F401  (the erasure.approved subscriber)
        from .second_factor import second_factor_forget_check

        search_providers.register_providers()
        authenticator_removed.connect(second_factor_forget_check, dispatch_uid="accounts.second_factor_forget_check")
