from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class SearchConfig(AppConfig):
    name = "intranet.search"
    # "search" alone reads like Wagtail's search app in admin screens and migrations lists.
    label = "site_search"
    verbose_name = pgettext_lazy("noun", "Search")
    default_auto_field = "django.db.models.BigAutoField"
