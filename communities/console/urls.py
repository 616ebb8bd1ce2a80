"""URLs of the coordinator console, mounted at ``/console/`` (joined into ``communities.urls``)."""

from django.urls import path

from communities.console import views as console

urlpatterns = [
    path("console/", console.console_overview, name="console_overview"),
    path("console/communities/", console.console_community_list, name="console_community_list"),
    path("console/communities/export.csv", console.console_export, name="console_export"),
    path("console/communities/<int:pk>/", console.console_community, name="console_community"),
    path("console/communities/<int:pk>/handover/", console.console_handover, name="console_handover"),
    path("console/communities/<int:pk>/merge/", console.console_merge, name="console_merge"),
    path("console/communities/<int:pk>/merge/targets/", console.console_merge_targets, name="console_merge_targets"),
    path("console/communities/<int:pk>/restore/", console.console_restore, name="console_restore"),
    path("console/merges/<int:pk>/undo/", console.console_unmerge, name="console_unmerge"),
    path("console/campaigns/start/", console.console_campaign_start, name="console_campaign_start"),
    path("console/cases/<int:pk>/", console.console_case_answer, name="console_case_answer"),
    path("console/managers/", console.console_portfolio, name="console_portfolio"),
    path("console/managers/<int:user_id>/", console.console_manager, name="console_manager"),
]
