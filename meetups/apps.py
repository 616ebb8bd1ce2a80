from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetupsConfig(AppConfig):
    name = "meetups"
    verbose_name = _("Meetups")
    default_auto_field = "django.db.models.BigAutoField"
