"""Demo data of communities for ``manage.py seed_demo`` (which finds ``<app>.demo``).

Composes the features' idempotent seeders in order: communities and memberships first, then posts
and comments, then canvases; then the history the coordinators' screens read (a scoped coordinator,
twelve weeks of backdated activity, an owner who left, the daily health figures).
"""

from __future__ import annotations

from typing import Any

from communities.canvas.demo import seed_canvases
from communities.core.demo import seed as seed_communities
from communities.core.demo import seed_departure, seed_orphaned_community, seed_scoped_coordinator
from communities.health.demo import seed_figures
from communities.posts.demo import seed_history, seed_posts


def seed(*, stdout: Any) -> None:
    seed_communities(stdout=stdout)
    seed_orphaned_community(stdout=stdout)
    seed_posts(stdout=stdout)
    seed_canvases(stdout=stdout)
    seed_coordination(stdout=stdout)


def seed_coordination(*, stdout: Any) -> None:
    """What the coordinators' screens need: their people, past activity, and the figures of it."""
    seed_scoped_coordinator(stdout=stdout)
    seed_history(stdout=stdout)
    seed_departure(stdout=stdout)
    seed_figures(stdout=stdout)
