"""What other features add to the community page: header tabs (canvas, health) and the post stream.

Core draws the header but does not know the features above it: each registers its tab from
:meth:`communities.apps.CommunitiesConfig.ready` with the predicate that decides who sees it. The
predicates must be query-free once the viewer's role map is cached, like every header action.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from communities.core.models import Community
from intranet.core.viewer import Viewer


@dataclass(frozen=True)
class CommunityTab:
    key: str
    label: Any  # a lazy translation
    url_name: str
    visible: Callable[[Viewer, Community], bool]


_tabs: dict[str, CommunityTab] = {}

#: ``provider(viewer, community, *, kind, cursor) -> context`` for the page's post stream section.
PostStreamProvider = Callable[..., dict[str, Any]]
_post_stream: list[PostStreamProvider] = []


def register_tab(*, key: str, label: Any, url_name: str, visible: Callable[[Viewer, Community], bool]) -> None:
    """Add (or replace) the tab ``key``; tabs show in registration order after "Members"."""
    _tabs[key] = CommunityTab(key=key, label=label, url_name=url_name, visible=visible)


def registered_tabs() -> list[CommunityTab]:
    return list(_tabs.values())


def tabs_for(viewer: Viewer, community: Community) -> list[dict[str, Any]]:
    """The registered tabs ``viewer`` may open on ``community``: key, label and URL."""
    return [
        {"key": tab.key, "label": tab.label, "url": reverse(tab.url_name, kwargs={"slug": community.slug})}
        for tab in _tabs.values()
        if tab.visible(viewer, community)
    ]


def register_post_stream(provider: PostStreamProvider) -> None:
    """Set the provider of the community page's post stream (posts registers it)."""
    _post_stream[:] = [provider]


def post_stream_provider() -> PostStreamProvider | None:
    """The registered post stream provider; ``None`` leaves the page's placeholder."""
    return _post_stream[0] if _post_stream else None
