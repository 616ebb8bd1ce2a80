from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "intranet.cms"
    label = "cms"
    verbose_name = _("Content")
    default_auto_field = "django.db.models.BigAutoField"
