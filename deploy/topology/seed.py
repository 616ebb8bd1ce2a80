"""The people and communities the topology tests act with; writes their names as JSON to argv[1].

Run by ``run.py`` against the primary, with the topology's environment:

- ``topology``: an open community of a few named people (the author, a reader, posters, a person
  whose login gets locked), created through the services as the platform would;
- ``fanout``: an open community of ``FANOUT_MEMBERS`` people who follow every post, so that one
  post starts a notification fan-out long enough to kill the worker in the middle of it. Those
  members are bulk-inserted (one password hash for all): the services would take minutes.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import django

FANOUT_MEMBERS = 12000
PASSWORD = "topology-password-42"  # noqa: S105 - a throwaway loopback cluster


def main(out: str) -> None:
    django.setup()
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from communities.core.models import Membership
    from communities.core.services.community import community_create
    from communities.core.services.membership import membership_join
    from intranet.accounts.text import search_name_for

    user_model = get_user_model()
    names = ["author", "reader", "poster1", "poster2", "poster3", "poster4", "locked", "fanauthor"]
    people = {name: user_model.objects.create_user(f"topo-{name}@example.com", PASSWORD) for name in names}
    # Confirmed addresses, as after the sign-up's confirmation e-mail.
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in people.values()]
    )
    community = community_create(actor=people["author"], name="Topology", slug="topology")
    for name in names[1:]:
        membership_join(actor=people[name], community=community)
    fanout = community_create(actor=people["fanauthor"], name="Fan-out", slug="fanout")

    hashed = make_password(PASSWORD)
    with transaction.atomic():
        followers = user_model.objects.bulk_create(
            [
                user_model(
                    email=f"topo-follower{number}@example.com",
                    display_name=f"Follower {number}",
                    search_name=search_name_for(f"Follower {number}"),
                    handle=f"topo-follower{number}",
                    password=hashed,
                )
                for number in range(FANOUT_MEMBERS)
            ],
            batch_size=2000,
        )
        Membership.objects.bulk_create(
            [
                Membership(
                    user=follower,
                    community=fanout,
                    role=Membership.Role.MEMBER,
                    state=Membership.State.ACTIVE,
                    notification_level=Membership.NotificationLevel.ALL,
                )
                for follower in followers
            ],
            batch_size=2000,
        )
        fanout.member_count = FANOUT_MEMBERS + 1
        fanout.save(update_fields=["member_count"])

    with Path(out).open("w", encoding="utf-8") as handle:
        json.dump(
            {
                "password": PASSWORD,
                "people": {name: {"id": user.pk, "email": user.email} for name, user in people.items()},
                "community": {"id": community.pk, "slug": community.slug},
                "fanout": {"id": fanout.pk, "slug": fanout.slug, "followers": FANOUT_MEMBERS},
            },
            handle,
        )


if __name__ == "__main__":
    main(sys.argv[1])
