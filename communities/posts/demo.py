"""Demo conversations for the demo communities: posts of every kind, comments, replies, reactions,
answered and unanswered questions, a pinned announcement. Written through the real services, so
counters, mentions and rendering are exactly what users would produce. Idempotent: a community
that already has posts is left alone."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, JSONObject
from django.utils import timezone

from communities.core.models import Community, Membership
from communities.posts.models import Comment, ContentStatus, Mention, Post, Reaction, ReactionKind
from communities.posts.services import answer_accept, comment_create, post_create, post_pin, reaction_toggle
from intranet.core.markdown import render_markdown

TEXTS: dict[str, dict[str, Any]] = {
    "de": {
        "announcement": ("Willkommen in {name}!", "Schön, dass Sie da sind. Stellen Sie sich gern kurz vor."),
        "discussion": (
            "Erfahrungen mit {topic}?",
            "Wie geht ihr in euren Teams mit **{topic}** um? @{mention} hatte dazu letzte Woche spannende Ideen.",
        ),
        "answered": ("Wo finde ich Unterlagen zu {topic}?", "Gibt es eine Sammlung von Vorlagen oder Leitfäden?"),
        "open": ("Wer kennt sich mit {topic} aus?", "Ich suche jemanden, der mir bei einer Frage helfen kann."),
        "comments": [
            "Gute Frage, das interessiert mich auch.",
            "Im Wiki gibt es eine Seite dazu, ich schicke den Link.",
            "Wir haben damit gute Erfahrungen gemacht.",
        ],
        "answer": "Die aktuellen Vorlagen liegen im Bereich *Leitfäden*; dort steht auch, wen man fragen kann.",
        "reply": "Danke, das hilft weiter!",
    },
    "en": {
        "announcement": ("Welcome to {name}!", "Glad you are here. Feel free to introduce yourself."),
        "discussion": (
            "Experiences with {topic}?",
            "How do your teams handle **{topic}**? @{mention} shared some great ideas last week.",
        ),
        "answered": ("Where do I find material on {topic}?", "Is there a collection of templates or guides?"),
        "open": ("Who knows their way around {topic}?", "I'm looking for someone to help me with a question."),
        "comments": [
            "Good question, I'd like to know too.",
            "There's a wiki page about it, I'll send the link.",
            "We've had good experiences with it.",
        ],
        "answer": "The current templates are in the *Guides* section, which also says whom to ask.",
        "reply": "Thanks, that helps!",
    },
}


def seed_posts(*, stdout: Any) -> None:
    rng = random.Random(2026)  # noqa: S311  (demo content, not security)
    communities = Community.objects.active().filter(post_count=0).order_by("pk")
    created = 0
    for community in communities:
        members = list(
            Membership.objects.filter(community=community, state=Membership.State.ACTIVE)
            .select_related("user")
            .order_by("pk")
        )
        managers = [m.user for m in members if m.role in (Membership.Role.OWNER, Membership.Role.MANAGER)]
        people = [m.user for m in members]
        if len(people) < 3 or not managers:
            continue
        with transaction.atomic():
            created += _seed_community(community, managers[0], people, rng)
    stdout.write(f"communities: {created} demo posts written.")


def _seed_community(community: Community, manager: Any, people: list[Any], rng: random.Random) -> int:
    text = TEXTS.get(community.language, TEXTS["en"])
    topic = (community.tag_names.split(",")[0] or community.name).strip() or community.name
    asker, expert, third = rng.sample(people, 3)

    title, body = text["announcement"]
    announcement = post_create(
        actor=manager,
        community=community,
        kind=Post.Kind.ANNOUNCEMENT,
        title=title.format(name=community.name),
        body=body,
    )
    post_pin(actor=manager, post=announcement)

    title, body = text["discussion"]
    discussion = post_create(
        actor=asker,
        community=community,
        title=title.format(topic=topic),
        body=body.format(topic=topic, mention=expert.handle),
        tags=[topic],
    )
    first = comment_create(actor=expert, post=discussion, body=text["comments"][0])
    comment_create(actor=third, post=discussion, body=text["comments"][2])
    comment_create(actor=asker, post=discussion, body=text["reply"], parent=first)
    for person, kind in ((expert, ReactionKind.LIKE), (third, ReactionKind.INSIGHTFUL), (manager, ReactionKind.LIKE)):
        if person.pk != asker.pk:
            reaction_toggle(actor=person, kind=kind, post=discussion)

    title, body = text["answered"]
    question = post_create(
        actor=third, community=community, kind=Post.Kind.QUESTION, title=title.format(topic=topic), body=body
    )
    comment_create(actor=asker, post=question, body=text["comments"][1])
    answer = comment_create(actor=expert, post=question, body=text["answer"])
    answer_accept(actor=third, post=question, comment=answer)
    reaction_toggle(actor=asker, kind=ReactionKind.CELEBRATE, comment=answer)

    title, body = text["open"]
    post_create(actor=expert, community=community, kind=Post.Kind.QUESTION, title=title.format(topic=topic), body=body)
    return 4


# History -----------------------------------------------------------------------------------------
#
# The conversations above are written today. The health figures, the console's charts and the
# dormant, slowing and orphaned states need weeks of past activity, so the demo also writes twelve
# weeks of backdated posts, comments and reactions. They are bulk-inserted with their past dates
# rather than written through the services: a service stamps "now" and notifies people about news
# that would be weeks old.

HISTORY_WEEKS = 12
#: Communities whose activity falls off in the last four weeks ("slowing down" on the health page).
SLOWING = ("Running Club", "Board Games Night", "Frontend Craft", "Green IT", "Working Parents")
#: A community whose last post is months old ("dormant"; its managers are still around).
DORMANT = "Oldtimer-Freunde"
DORMANT_DAYS_AGO = 120

HISTORY_TEXTS: dict[str, dict[str, list[str]]] = {
    "de": {
        "titles": [
            "Rückblick auf unser Treffen",
            "Neue Unterlagen im Wiki",
            "Kurze Umfrage: Was wünscht ihr euch?",
            "Tipp der Woche",
            "Wer hat Erfahrung damit?",
            "Termine für das nächste Quartal",
        ],
        "bodies": [
            "Danke an alle, die dabei waren. Die Folien liegen im Wiki.",
            "Ich habe die Vorlagen überarbeitet, Feedback gern hier in den Kommentaren.",
            "Schreibt kurz, welches Thema wir als Nächstes angehen sollen.",
        ],
        "comments": ["Danke, sehr hilfreich!", "Gute Idee, ich bin dabei.", "Das probieren wir im Team aus."],
    },
    "en": {
        "titles": [
            "Looking back at our meetup",
            "New material in the wiki",
            "Quick poll: what would you like next?",
            "Tip of the week",
            "Who has experience with this?",
            "Dates for next quarter",
        ],
        "bodies": [
            "Thanks to everyone who came. The slides are in the wiki.",
            "I reworked the templates; feedback welcome in the comments.",
            "Tell us which topic we should take on next.",
        ],
        "comments": ["Thanks, very helpful!", "Good idea, count me in.", "We'll try that in our team."],
    },
}


def seed_history(*, stdout: Any) -> None:
    """Twelve weeks of backdated activity in every active demo community with conversations: most
    steady, the ``SLOWING`` ones falling off lately, ``DORMANT`` silent for months (idempotent:
    nothing is written once any post is older than a week)."""
    now = timezone.now()
    if Post.objects.filter(created_at__lt=now - timedelta(days=7)).exists():
        stdout.write("communities: the demo history exists already.")
        return
    rng = random.Random(1812)  # noqa: S311  (demo content, not security)
    communities = list(Community.objects.active().filter(post_count__gt=0).order_by("pk"))
    members = _active_members([c.pk for c in communities])
    posts = comments = reactions = 0
    written: list[int] = []
    with transaction.atomic():
        for index, community in enumerate(communities):
            people = members.get(community.pk, [])
            if len(people) < 3:
                continue
            if community.name == DORMANT:
                _make_dormant(community, now)
                continue
            weekly = _weekly_posts(index, slowing=community.name in SLOWING)
            p, c, r = _write_weeks(community, people, weekly, now, rng, written)
            posts, comments, reactions = posts + p, comments + c, reactions + r
        _recount(written)
    stdout.write(
        f"communities: {HISTORY_WEEKS} weeks of history ({posts} posts, {comments} comments, {reactions} reactions)."
    )


def _active_members(community_ids: list[int]) -> dict[int, list[int]]:
    by_community: dict[int, list[int]] = {}
    rows = (
        Membership.objects.filter(community_id__in=community_ids, state=Membership.State.ACTIVE, user__is_active=True)
        .order_by("pk")
        .values_list("community_id", "user_id")
    )
    for community_id, user_id in rows:
        by_community.setdefault(community_id, []).append(user_id)
    return by_community


def _weekly_posts(index: int, *, slowing: bool) -> list[int]:
    """Posts per week, oldest week first."""
    if slowing:
        return [3] * (HISTORY_WEEKS - 4) + [0, 1, 0, 0]
    base = 1 + index % 3
    return [base + (week + index) % 2 for week in range(HISTORY_WEEKS)]


def _write_weeks(
    community: Community, people: list[int], weekly: list[int], now: datetime, rng: random.Random, written: list[int]
) -> tuple[int, int, int]:
    """Bulk-inserts the weeks' posts with their comments and likes; appends the posts' ids to
    ``written`` (their counters are set by :func:`_recount`)."""
    text = HISTORY_TEXTS.get(community.language, HISTORY_TEXTS["en"])
    new_posts: list[tuple[Post, list[Comment], list[Reaction]]] = []
    for week, count in enumerate(weekly):
        weeks_ago = HISTORY_WEEKS - week
        for _n in range(count):
            created = now - timedelta(weeks=weeks_ago) + timedelta(days=rng.uniform(0, 6.5))
            author, *others = rng.sample(people, min(len(people), 4))
            body = rng.choice(text["bodies"])
            kind = Post.Kind.QUESTION if rng.random() < 0.3 else Post.Kind.DISCUSSION
            post = Post(
                community=community,
                author_id=author,
                kind=kind,
                title=rng.choice(text["titles"]),
                body_source=body,
                body_html=render_markdown(body).html,
                body_text=body,
                created_at=created,
                last_activity_at=created,
            )
            replies = [
                Comment(
                    author_id=person,
                    body_source=(remark := rng.choice(text["comments"])),
                    body_html=render_markdown(remark).html,
                    created_at=created + timedelta(hours=rng.uniform(0.5, 30)),
                )
                for person in others[: rng.randint(1, 3)]
            ]
            likes = [
                Reaction(
                    user_id=person, kind=ReactionKind.LIKE, created_at=created + timedelta(hours=rng.uniform(1, 40))
                )
                for person in others[: rng.randint(0, 3)]
            ]
            new_posts.append((post, replies, likes))
    Post.objects.bulk_create([post for post, _c, _r in new_posts])
    written.extend(post.pk for post, _c, _r in new_posts)
    for post, replies, likes in new_posts:
        for comment in replies:
            comment.post = post
        for reaction in likes:
            reaction.post = post
    Comment.objects.bulk_create([c for _p, replies, _r in new_posts for c in replies])
    Reaction.objects.bulk_create([r for _p, _c, likes in new_posts for r in likes])
    return (
        len(new_posts),
        sum(len(replies) for _p, replies, _r in new_posts),
        sum(len(likes) for _p, _c, likes in new_posts),
    )


def _make_dormant(community: Community, now: datetime) -> None:
    """Move the community's whole conversation back by ``DORMANT_DAYS_AGO`` days."""
    shift = timedelta(days=DORMANT_DAYS_AGO)
    Post.objects.filter(community=community).update(created_at=F("created_at") - shift)
    Comment.objects.filter(post__community=community).update(created_at=F("created_at") - shift)
    Reaction.objects.filter(post__community=community).update(created_at=F("created_at") - shift)
    Reaction.objects.filter(comment__post__community=community).update(created_at=F("created_at") - shift)
    Mention.objects.filter(post__community=community).update(created_at=F("created_at") - shift)
    Post.objects.filter(community=community).update(last_activity_at=F("created_at"))
    Community.objects.filter(pk=community.pk).update(last_activity_at=now - shift)


def _recount(post_ids: list[int]) -> None:
    """Counters of the bulk-inserted posts (``post_ids``, whatever their age): comments and likes
    per post, posts per community, the last activity of the posts."""
    visible = Q(status=ContentStatus.PUBLISHED, deleted_at__isnull=True)
    comments = Comment.objects.filter(visible, post=OuterRef("pk")).order_by().values("post")
    likes = Reaction.objects.filter(post=OuterRef("pk"), kind=ReactionKind.LIKE).order_by().values("post")
    historic = Post.objects.filter(pk__in=post_ids)
    historic.update(
        comment_count=Coalesce(Subquery(comments.annotate(n=Count("pk")).values("n")), 0),
        reaction_count=Coalesce(Subquery(likes.annotate(n=Count("pk")).values("n")), 0),
        last_activity_at=Coalesce(Subquery(comments.annotate(m=Max("created_at")).values("m")), F("created_at")),
    )
    historic.filter(reaction_count__gt=0).update(
        reaction_counts=JSONObject(**{ReactionKind.LIKE.value: F("reaction_count")})
    )
    posts = Post.objects.filter(visible, community=OuterRef("pk")).order_by().values("community")
    Community.objects.filter(pk__in=historic.values("community_id")).update(
        post_count=Coalesce(Subquery(posts.annotate(n=Count("pk")).values("n")), 0)
    )
