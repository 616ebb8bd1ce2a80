"""The screening step of writing: may new or edited text be published, must it wait, is it refused?

Posts asks whoever registered a screener (moderation, with its rules and watched words) from
``CommunitiesConfig.ready()``; posts never imports moderation, which sits above it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from communities.core.models import Community
    from communities.posts.models import Comment, Post
    from intranet.core.viewer import Viewer


class Verdict(Protocol):
    """What posts reads of a screening: the status to store and what to tell the moderators."""

    status: str
    flagged_by: list[Any]

    @property
    def is_held(self) -> bool: ...


class Screener(Protocol):
    def screen_post(self, *, viewer: Viewer, community: Community, title: str, body: str) -> Verdict: ...

    def screen_comment(self, *, viewer: Viewer, post: Post, body: str) -> Verdict: ...

    def screen_edit(self, *, viewer: Viewer, community: Community, old_text: str, new_text: str) -> Verdict: ...

    def screening_opened(self, screening: Any, *, post: Post, comment: Comment | None = None) -> None: ...


_screener: Screener | None = None


def register_screener(screener: Screener) -> None:
    """Install the screener every post and comment goes through (one per process)."""
    global _screener
    _screener = screener


def _registered() -> Screener:
    if _screener is None:
        raise RuntimeError("No screener registered: CommunitiesConfig.ready() registers moderation's.")
    return _screener


def screen_post(*, viewer: Viewer, community: Community, title: str, body: str) -> Verdict:
    return _registered().screen_post(viewer=viewer, community=community, title=title, body=body)


def screen_comment(*, viewer: Viewer, post: Post, body: str) -> Verdict:
    return _registered().screen_comment(viewer=viewer, post=post, body=body)


def screen_edit(*, viewer: Viewer, community: Community, old_text: str, new_text: str) -> Verdict:
    return _registered().screen_edit(viewer=viewer, community=community, old_text=old_text, new_text=new_text)


def screening_opened(screening: Any, *, post: Post, comment: Comment | None = None) -> None:
    """Tell the moderators about a held or flagged text (the screener records its events)."""
    _registered().screening_opened(screening, post=post, comment=comment)
