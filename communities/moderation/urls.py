"""Reports, moderation actions, sanctions, rules and watched words, and the moderation logs."""

from django.urls import path

from communities.moderation import views as moderation

urlpatterns = [
    path("posts/<int:pk>/report/", moderation.post_report, name="post_report"),
    path("posts/<int:pk>/moderation/", moderation.post_moderate, name="post_moderate"),
    path("comments/<int:pk>/report/", moderation.comment_report, name="comment_report"),
    path("comments/<int:pk>/moderation/", moderation.comment_moderate, name="comment_moderate"),
    path("moderation/messages/<int:pk>/report/", moderation.message_report, name="message_report"),
    path("moderation/reports/<int:pk>/", moderation.report_detail, name="report_detail"),
    path("moderation/hidden-messages/<int:pk>/restore/", moderation.message_restore, name="message_restore"),
    path("moderation/words/", moderation.platform_words, name="platform_words"),
    path("moderation/words/<int:pk>/remove/", moderation.watched_word_remove, name="watched_word_remove"),
    path("moderation/log/", moderation.platform_log, name="platform_log"),
    path("moderation/log.csv", moderation.platform_log_export, name="platform_log_export"),
    path("communities/<slug:slug>/moderation/", moderation.moderation_settings, name="moderation_settings"),
    path("communities/<slug:slug>/moderation/log/", moderation.moderation_log, name="moderation_log"),
    path("communities/<slug:slug>/moderation/log.csv", moderation.moderation_log_export, name="moderation_log_export"),
    path(
        "communities/<slug:slug>/moderation/members/<int:user_id>/",
        moderation.member_sanction,
        name="member_sanction",
    ),
]
