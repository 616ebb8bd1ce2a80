"""Demo data of communities for ``manage.py seed_demo`` (which finds ``<app>.demo``).

Composes the features' idempotent seeders in order: communities and memberships first, then posts
and comments, then canvases.
"""

from __future__ import annotations

from typing import Any

from communities.canvas.demo import seed_canvases
from communities.core.demo import seed as seed_communities
from communities.posts.demo import seed_posts


def seed(*, stdout: Any) -> None:
    seed_communities(stdout=stdout)
    seed_posts(stdout=stdout)
    seed_canvases(stdout=stdout)
