from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Training")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from communities.signals import manager_appointed

        from . import notify
        from .services_offer import on_manager_appointed

        notify.register()
        manager_appointed.connect(on_manager_appointed, dispatch_uid="training.basic_programme_offer")

        # Exams, levels and circles: the qualification section of the profile page.
        from intranet.accounts.profile_sections import register_profile_section

        from . import admin_qualification, notify_qualification  # noqa: F401  (the import registers the admin)
        from .profile import training_profile_section

        register_profile_section(training_profile_section, order=50)
        notify_qualification.register()
