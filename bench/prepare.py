"""The plan of a benchmark run, read from the seeded database: who browses (sessions of random
people, heavy members included), which pages each scenario requests, and the fixed targets
(the largest community, the most-commented post, search terms of three frequencies).

Runs inside Django with the same settings and ``SECRET_KEY`` as the server, because the sessions
it creates must be valid there. ``python -m bench.prepare OUT.json --users N``.
"""

from __future__ import annotations

import argparse
import json
import random
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import quote

#: Active memberships that make someone a heavy user (issue 4).
HEAVY = 100
#: People searches: accented names as typed, and misspelt ones (the trigram match must find them).
PEOPLE_QUERIES = ("Jürgen Müller", "Özlem Schröder", "Renée Lefèvre", "Jurgen Muler", "Schmit", "Sofie Wagnr")


def _sessions(user_ids: list[int]) -> dict[int, str]:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.cached_db import SessionStore

    users = get_user_model().objects.in_bulk(user_ids)
    keys = {}
    for user_id in user_ids:
        user = users[user_id]
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        assert store.session_key is not None
        keys[user_id] = store.session_key
    return keys


def _feed_cursor(user_id: int, pages: int) -> str:
    """The keyset cursor ``pages`` pages down the user's home feed ("" if the feed is shorter)."""
    from django.contrib.auth import get_user_model

    from communities.posts.feed import post_list_for_feed
    from intranet.core.viewer import Viewer

    viewer = Viewer(get_user_model().objects.get(pk=user_id))
    cursor: str | None = None
    for _ in range(pages):
        page = post_list_for_feed(viewer=viewer, kind=None, cursor=cursor)
        if not page.next_cursor:
            return ""
        cursor = page.next_cursor
    return cursor or ""


def _terms(cursor: Any) -> dict[str, str]:
    """A common, a medium and a rare word of the post titles (from a sample, by document count)."""
    cursor.execute(
        """SELECT word, ndoc FROM ts_stat($$SELECT to_tsvector('simple', title) FROM communities_post
                                            TABLESAMPLE SYSTEM (5) REPEATABLE (1)$$)
           WHERE length(word) >= 5 AND word ~ '^[a-zäöüß]+$' ORDER BY ndoc DESC, word"""
    )
    rows = cursor.fetchall()
    if not rows:
        return {"common": "projekt", "medium": "projekt", "rare": "projekt"}
    top = rows[0][1]
    medium = next((w for w, n in rows if n <= top / 50), rows[len(rows) // 2][0])
    rare = next((w for w, n in reversed(rows) if n >= 1), rows[-1][0])
    return {"common": rows[0][0], "medium": medium, "rare": rare}


def build(*, users: int, heavy_share: float, deep_pages: int, seed: int = 1) -> dict[str, Any]:
    from django.db import connection

    rng = random.Random(seed)  # noqa: S311 - a reproducible sample, not a secret
    # Nobody who browses is banned anywhere: a banned reader rightly gets a 404 for that public
    # community's posts, which the load would count as an error (the CI smoke did, now and then).
    unbanned = "NOT EXISTS (SELECT 1 FROM communities_membership b WHERE b.user_id = u.id AND b.state = 'banned')"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT m.user_id FROM communities_membership m JOIN accounts_user u ON u.id = m.user_id
               WHERE m.state = 'active' AND u.is_active AND {unbanned}
               GROUP BY m.user_id HAVING count(*) >= %s ORDER BY count(*) DESC""",  # noqa: S608 - constant SQL
            [HEAVY],
        )
        heavy = [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT id FROM accounts_user u WHERE is_active AND {unbanned} ORDER BY id")  # noqa: S608
        everyone = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT id, slug FROM communities_community WHERE lifecycle = 'active' "
            "ORDER BY member_count DESC, id LIMIT 1"
        )
        largest_id, largest_slug = cursor.fetchone()
        cursor.execute(
            "SELECT slug FROM communities_community WHERE visibility = 'public' AND lifecycle = 'active' ORDER BY id"
        )
        public = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            """SELECT p.id FROM communities_post p JOIN communities_community c ON c.id = p.community_id
               WHERE p.status = 'published' AND p.deleted_at IS NULL AND c.visibility = 'public'
               ORDER BY p.comment_count DESC, p.id LIMIT 1"""
        )
        hottest = cursor.fetchone()[0]
        cursor.execute(
            """SELECT p.id FROM communities_post p JOIN communities_community c ON c.id = p.community_id
               WHERE p.status = 'published' AND p.deleted_at IS NULL AND c.visibility = 'public'
               ORDER BY p.id DESC LIMIT 2000"""
        )
        recent_posts = [row[0] for row in cursor.fetchall()]
        # Posting members of the largest community (owners, managers, moderators and members).
        cursor.execute(
            """SELECT m.user_id FROM communities_membership m JOIN accounts_user u ON u.id = m.user_id
               WHERE m.community_id = %s AND m.state = 'active' AND u.is_active ORDER BY m.user_id""",
            [largest_id],
        )
        largest_members = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT slug FROM communities_category ORDER BY position, id LIMIT 1")
        category = cursor.fetchone()
        terms = _terms(cursor)
        cursor.execute("SELECT visibility FROM communities_community WHERE id = %s", [largest_id])
        largest_visibility = cursor.fetchone()[0]

    n_heavy = min(len(heavy), max(1, round(users * heavy_share))) if heavy else 0
    browsing = rng.sample(heavy, n_heavy) + rng.sample(everyone, min(len(everyone), users - n_heavy))
    posting = rng.sample(largest_members, min(len(largest_members), 50))
    sessions = _sessions(sorted(set(browsing) | set(posting)))
    deep = {str(u): _feed_cursor(u, deep_pages) for u in browsing[: max(4, min(len(browsing), 40))]}
    deep = {u: c for u, c in deep.items() if c}
    word = terms["common"]
    directory = [
        f"/communities/?q={quote(word)}&language=de&sort=members",
        f"/communities/?q={quote(word)}&visibility=public&sort=activity",
    ]
    if category:
        directory.append(f"/communities/?q={quote(word)}&category={category[0]}&sort=newest")
    community_urls = [f"/communities/{largest_slug}/"] + [
        f"/communities/{s}/" for s in rng.sample(public, min(50, len(public)))
    ]
    post_urls = [f"/posts/{hottest}/"] + [f"/posts/{p}/" for p in rng.sample(recent_posts, min(200, len(recent_posts)))]
    return {
        "browsing": [sessions[u] for u in browsing],
        "heavy_sessions": [sessions[u] for u in browsing[:n_heavy]],
        "posting": [sessions[u] for u in posting],
        "deep": [[sessions[int(u)], f"/?cursor={c}"] for u, c in deep.items()],
        "largest": {
            "id": largest_id,
            "slug": largest_slug,
            "members": len(largest_members),
            "visibility": largest_visibility,
        },
        "largest_member_sessions": [sessions[u] for u in posting],
        "hottest_post": hottest,
        "terms": terms,
        "heavy_users": len(heavy),
        "scenarios": {
            "limit": ["/bench/limit/"],
            "feed_first": ["/"],
            "feed_heavy": ["/"],
            "feed_deep": [],
            "directory": directory,
            "community": community_urls,
            "community_largest": [f"/communities/{largest_slug}/"],
            "post": post_urls,
            "post_hottest": [f"/posts/{hottest}/"],
            "people": [f"/people/?q={quote(q)}" for q in PEOPLE_QUERIES],
            "search_common": [f"/search/?q={quote(terms['common'])}"],
            "search_medium": [f"/search/?q={quote(terms['medium'])}"],
            "search_rare": [f"/search/?q={quote(terms['rare'])}"],
            "notifications": ["/notifications/"],
            "post_create": [f"/communities/{largest_slug}/posts/new/"],
        },
        "csrf": secrets.token_hex(16),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--heavy-share", type=float, default=0.2)
    parser.add_argument("--deep-pages", type=int, default=10)
    args = parser.parse_args()
    import django

    django.setup()
    plan = build(users=args.users, heavy_share=args.heavy_share, deep_pages=args.deep_pages)
    Path(args.out).write_text(json.dumps(plan, indent=1))


if __name__ == "__main__":
    main()
