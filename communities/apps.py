from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunitiesConfig(AppConfig):
    """The composition root of communities: wires every feature's subscribers, topics, kinds, tasks
    and registries. Features never import each other's reactions; this is where they meet."""

    name = "communities"
    verbose_name = _("Communities")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here, not at module level: ready() runs once the app registry is loaded.
        from communities.canvas.permissions import can_view_canvas
        from communities.core import notices
        from communities.core import notify as core_notify
        from communities.core import realtime as core_realtime
        from communities.core import search as core_search
        from communities.core import signals as core_signals  # noqa: F401  (registers its subscriber)
        from communities.core.permissions import is_coordinator
        from communities.core.tabs import register_post_stream, register_tab
        from communities.health import jobs as health_jobs  # noqa: F401  (beat task)
        from communities.health import receivers as health_receivers  # noqa: F401  (registers subscribers)
        from communities.health.permissions import can_view_community_health
        from communities.inbox import jobs as inbox_jobs  # noqa: F401  (beat task)
        from communities.inbox import realtime as inbox_realtime  # noqa: F401  (registers subscribers)
        from communities.inbox import receivers as inbox_receivers  # noqa: F401  (registers subscribers)
        from communities.lifecycle import jobs as lifecycle_jobs  # noqa: F401  (beat tasks)
        from communities.lifecycle import notify as lifecycle_notify
        from communities.lifecycle.handover import on_user_deactivating
        from communities.moderation import erasure as moderation_erasure
        from communities.moderation import retention as moderation_retention
        from communities.moderation import screening
        from communities.posts import erasure as posts_erasure
        from communities.posts import notify as posts_notify  # noqa: F401  (registers subscribers)
        from communities.posts import realtime as posts_realtime
        from communities.posts import retention as posts_retention
        from communities.posts import search
        from communities.posts import tasks as posts_tasks  # noqa: F401  (registers the task)
        from communities.posts.screening import register_screener
        from communities.posts.views.posts import post_stream_context
        from intranet.accounts.second_factor import register_second_factor_role
        from intranet.accounts.signals import user_deactivating
        from intranet.core import tasks as outbox_tasks  # noqa: F401  (see below)
        from intranet.core.erasure import register_erasure_step

        # The outbox imports its delivery task only when it first relays; communities records events
        # from the first request on, so the task is registered with Celery here, at start-up, in every
        # process (a worker test closes the app before the first relay and would miss it otherwise).
        search.register_providers()
        core_search.register_providers()
        core_notify.register()
        notices.register_notification_kind()
        lifecycle_notify.register()
        core_realtime.register_topics()
        posts_realtime.register_topics()
        register_tab(key="canvas", label=_("Canvas"), url_name="communities:canvas_detail", visible=can_view_canvas)
        register_tab(
            key="health", label=_("Health"), url_name="communities:community_health", visible=can_view_community_health
        )
        register_post_stream(post_stream_context)
        register_screener(screening)  # moderation's rules and watched words screen what posts stores
        register_second_factor_role(is_coordinator)  # coordinators see other people's data: MFA required
        moderation_retention.register_rules()
        posts_retention.register_rules()
        register_erasure_step("communities.posts", posts_erasure.erase_person_content, order=10)
        register_erasure_step("communities.moderation", moderation_erasure.erase_person_from_evidence, order=11)
        user_deactivating.connect(on_user_deactivating, dispatch_uid="communities.hand_over_on_deactivation")
