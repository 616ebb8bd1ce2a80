"""Demo Community Canvases for ``make run``: a complete, reviewed canvas with a few versions for
"Python Developers" and a young, partly filled one for "Logistik & Supply Chain" (stage-aware mode).

Idempotent: a community whose canvas already has a version is left alone. Built through the real
services, so the versions, diffs, ``completed_at`` and audit rows look exactly like real use.
"""

from __future__ import annotations

from typing import Any, Protocol

from django.db.models import Q

from communities.canvas.models import CommunityCanvas
from communities.canvas.services import canvas_comment_add, canvas_save
from communities.core.models import Community, Membership
from intranet.accounts.models import User
from intranet.core.viewer import Viewer


class _Output(Protocol):
    def write(self, msg: str, /) -> Any: ...


PYTHON_V1 = {
    "purpose": "We help everyone who writes Python at the company to write it better, and to find each other "
    "instead of solving the same problem five times.",
    "member_identity": "Developers, data people, test engineers and curious beginners. Anyone who has written a "
    "script that grew up. Not a support desk for tools we do not own.",
    "values": "- Share code and mistakes openly\n- No question is too basic\n- Credit the people whose work you reuse",
    "selection": "Open to everyone in the company: join with one click. We invite new hires from the onboarding "
    "lists of the IT departments.",
    "onboarding": "Every new member gets a welcome post with the three most useful threads, and a buddy for the "
    "first monthly meetup.",
    "rituals": "**Monthly Python Hour** (first Thursday), a yearly internal mini-conference, and a *Friday snippet* "
    "thread.",
    "roles": "Two owners, three managers who run the meetups, moderators who keep the Q&A tidy. Roles rotate "
    "every year.",
    "channels": "This community for questions and announcements, the monthly video call for talks, the internal "
    "package index for code.",
}
PYTHON_V2 = {
    **PYTHON_V1,
    "success": "Questions get a good answer within a day; at least one talk per month from a new speaker; teams "
    "reuse the shared packages.",
    "brand": "Friendly and practical. The snake logo with the company colours; English first, German welcome.",
    "content": "How-tos, recorded talks, code review examples and a curated list of approved libraries.",
    "rules": "Be kind, no secrets or customer data in posts, mark solved questions. Repeated rudeness leads to a "
    "mute, then removal.",
    "organisation": "The managers meet for 30 minutes every two weeks; each has about two hours a month for the "
    "community.",
    "governance": "Decisions about the community's direction are made in the open: proposals as posts, one week "
    "for comments, then the managers decide.",
    "financing": "The IT department pays for the yearly conference venue and snacks at the meetups; speakers "
    "spend working time with their managers' approval.",
    "data": "Answer times and unanswered questions from the community health page, plus a short survey after "
    "each conference. No individual tracking.",
}
PYTHON_V3 = {
    **PYTHON_V2,
    "rituals": PYTHON_V2["rituals"] + "\n\nNew: a quarterly *pairing day* where experienced members review "
    "newcomers' code.",
}

LOGISTICS_V1 = {
    "purpose": "Wir verbinden alle, die Material, Teile und Fahrzeuge bewegen, damit gute Lösungen von einem Werk "
    "ins nächste wandern.",
    "member_identity": "Disposition, Lagerlogistik, Einkauf und Transportplanung aus allen Standorten, ausdrücklich "
    "auch Auszubildende.",
    "rituals": "Ein monatlicher Werksrundgang (jedes Mal an einem anderen Standort) und ein kurzer Austausch im "
    "Video-Call danach.",
}


def _owner(community: Community) -> User | None:
    row = (
        Membership.objects.filter(community=community, role=Membership.Role.OWNER, state=Membership.State.ACTIVE)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return row.user if row else None


def _coordinator() -> User | None:
    return (
        User.objects.filter(is_active=True)
        .filter(Q(is_staff=True) | Q(user_permissions__codename="coordinate"))
        .order_by("pk")
        .first()
    )


def _fill(community: Community, owner: User, versions: list[dict[str, str]]) -> None:
    viewer = Viewer(owner)
    for number, answers in enumerate(versions):
        canvas_save(actor=viewer, community=community, answers=answers, base_version=number)


def seed_canvases(*, stdout: _Output) -> None:
    """Fill the demo canvases (idempotent)."""
    plans = {
        "python-developers": [PYTHON_V1, PYTHON_V2, PYTHON_V3],
        "logistik-supply-chain": [LOGISTICS_V1],
    }
    done = set(
        CommunityCanvas.objects.filter(version_number__gt=0, community__slug__in=list(plans)).values_list(
            "community__slug", flat=True
        )
    )
    created = 0
    for community in Community.objects.filter(slug__in=[slug for slug in plans if slug not in done]):
        owner = _owner(community)
        if owner is None or community.is_archived:
            continue
        _fill(community, owner, plans[community.slug])
        created += 1
        coordinator = _coordinator()
        if community.slug == "python-developers" and coordinator is not None:
            canvas_comment_add(
                actor=Viewer(coordinator),
                community=community,
                theme="financing",
                text="Please check whether next year's conference budget is already confirmed.",
            )
    stdout.write(f"communities: {created} demo canvases filled.")
