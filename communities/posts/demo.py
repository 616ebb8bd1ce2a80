"""Demo conversations for the demo communities: posts of every kind, comments, replies, reactions,
answered and unanswered questions, a pinned announcement. Written through the real services, so
counters, mentions and rendering are exactly what users would produce. Idempotent: a community
that already has posts is left alone."""

from __future__ import annotations

import random
from typing import Any

from django.db import transaction

from communities.core.models import Community, Membership
from communities.posts.models import Post, ReactionKind
from communities.posts.services import answer_accept, comment_create, post_create, post_pin, reaction_toggle

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
