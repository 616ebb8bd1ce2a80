from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Training")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here, not at module level: the app registry is not ready when apps.py loads.
        from communities.api import manager_appointed, register_qualification_source
        from intranet.accounts.profile_sections import register_profile_section

        from .certificates import jobs as certificate_jobs  # noqa: F401  (registers the beat task)
        from .certificates import notify as certificate_notify
        from .certificates import receivers as certificate_receivers  # noqa: F401  (registers)
        from .certificates.selectors import certificates_for_users
        from .circles import jobs as circle_jobs  # noqa: F401  (registers the beat task)
        from .exams import jobs as exam_jobs  # noqa: F401  (registers the beat task)
        from .exams import notify as exam_notify
        from .exams import retention as exam_retention
        from .levels import notify as level_notify
        from .levels.selectors import levels_for_users
        from .onboarding import notify as onboarding_notify
        from .onboarding import offer  # noqa: F401  (registers the offer subscriber)
        from .onboarding.events import on_manager_appointed
        from .profile import training_profile_section
        from .sessions import jobs as session_jobs  # noqa: F401  (registers the beat task)
        from .sessions import notify as session_notify

        for module in (onboarding_notify, session_notify, certificate_notify, exam_notify, level_notify):
            module.register()
        manager_appointed.connect(on_manager_appointed, dispatch_uid="training.basic_programme_offer")
        register_qualification_source(certificates=certificates_for_users, levels=levels_for_users)
        register_profile_section(training_profile_section, order=50)
        exam_retention.register_rules()
