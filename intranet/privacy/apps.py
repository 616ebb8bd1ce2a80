from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "intranet.privacy"
    label = "privacy"
    verbose_name = _("Privacy")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Every app declares its models in its own ``privacy.py`` (intranet.core.privacy): import
        # them all here, so the kernel never imports a feature and the register is complete in every
        # process (web, worker, management commands, tests).
        autodiscover_modules("privacy")
        from . import jobs, notify, tasks  # noqa: F401  (register the beat task, the kind and the subscribers)

        # Retention (intranet/privacy/retention/): the shell's own rules, and the nightly task.
        from .retention import jobs as retention_jobs  # noqa: F401  (registers the beat task)
        from .retention.rules import register_rules

        register_rules()
