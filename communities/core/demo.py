"""Demo communities for ``make run``: categories, ~50 communities in both languages, every
visibility and join policy, and members in every role and state drawn from the demo people.

Idempotent: communities are keyed by slug and left alone when they exist already.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any, Protocol

from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils import timezone

from communities.core.models import Category, Community, CoordinatorScope, Membership
from communities.core.services import community_archive, community_create, community_recount_members, slug_base
from intranet.accounts.models import User
from intranet.accounts.services import user_create

DEMO_EMAIL_DOMAIN = "@demo.intranet.test"


class _Output(Protocol):
    def write(self, msg: str, /) -> Any: ...


CATEGORIES = [
    ("technology", "Technologie & IT", "Software, data, infrastructure and the tools we build with."),
    ("engineering", "Engineering & Produkt", "Vehicles, components and the people who design them."),
    ("production", "Produktion & Qualität", "Plants, lean methods, quality and safety."),
    ("people", "People & Culture", "Learning, diversity, health and life at the company."),
    ("sustainability", "Nachhaltigkeit", "Climate, circular economy and responsible supply chains."),
    ("business", "Business & Strategy", "Sales, finance, markets and customers."),
    ("leisure", "Freizeit & Sport", "Clubs, hobbies and everything after work."),
]

# (name, language, category slug, tags)
COMMUNITIES: list[tuple[str, str, str, list[str]]] = [
    ("Python Developers", "en", "technology", ["python", "software", "open source"]),
    ("Java & Kotlin Gilde", "de", "technology", ["java", "kotlin", "backend"]),
    ("Cloud Platform Users", "en", "technology", ["cloud", "kubernetes", "devops"]),
    ("Datenanalyse und KI", "de", "technology", ["data", "machine learning", "ki"]),
    ("Cyber Security Champions", "en", "technology", ["security", "awareness"]),
    ("SAP Anwendergruppe", "de", "technology", ["sap", "erp"]),
    ("Frontend Craft", "en", "technology", ["javascript", "css", "accessibility"]),
    ("Agile Coaches Netzwerk", "de", "technology", ["agile", "scrum", "kanban"]),
    ("Elektromobilität", "de", "engineering", ["e-mobility", "batterie", "laden"]),
    ("Autonomous Driving Research", "en", "engineering", ["adas", "sensors", "ai"]),
    ("Batteriezellen-Entwicklung", "de", "engineering", ["batterie", "chemie"]),
    ("Vehicle Software Architecture", "en", "engineering", ["software", "architecture", "embedded"]),
    ("Leichtbau & Werkstoffe", "de", "engineering", ["werkstoffe", "leichtbau"]),
    ("Interior Design Studio", "en", "engineering", ["design", "ux"]),
    ("Prototypenbau Wolfsburg", "de", "engineering", ["prototypen", "werkstatt"]),
    ("Lean Production Forum", "de", "production", ["lean", "kaizen", "shopfloor"]),
    ("Qualitätsmanagement", "de", "production", ["qualität", "audit", "iso 9001"]),
    ("Arbeitssicherheit im Werk", "de", "production", ["sicherheit", "gesundheit"]),
    ("Smart Factory Pioneers", "en", "production", ["industry 4.0", "iot", "automation"]),
    ("Logistik & Supply Chain", "de", "production", ["logistik", "supply chain"]),
    ("Maintenance Excellence", "en", "production", ["maintenance", "predictive"]),
    ("Werk Zwickau Schichtteam", "de", "production", ["zwickau", "schicht"]),
    ("New Joiners Welcome", "en", "people", ["onboarding", "welcome"]),
    ("Frauen in der Technik", "de", "people", ["diversity", "mint", "mentoring"]),
    ("Working Parents", "en", "people", ["family", "parents"]),
    ("Gesundheit & Resilienz", "de", "people", ["gesundheit", "resilienz", "mental health"]),
    ("Ausbildung & Duales Studium", "de", "people", ["ausbildung", "azubis"]),
    ("Mentoring Programme", "en", "people", ["mentoring", "career"]),
    ("Führungskräfte-Dialog", "de", "people", ["führung", "leadership"]),
    ("Pride Network", "en", "people", ["lgbtq", "diversity"]),
    ("Klimaneutrale Werke", "de", "sustainability", ["klima", "energie", "co2"]),
    ("Circular Economy Lab", "en", "sustainability", ["recycling", "circular"]),
    ("Nachhaltige Lieferketten", "de", "sustainability", ["lieferkette", "menschenrechte"]),
    ("Green IT", "en", "sustainability", ["green it", "energy"]),
    ("Fahrrad zur Arbeit", "de", "sustainability", ["fahrrad", "mobilität"]),
    ("Key Account Management", "en", "business", ["sales", "customers"]),
    ("Controlling Community", "de", "business", ["controlling", "finanzen"]),
    ("Markt China", "de", "business", ["china", "märkte"]),
    ("Customer Experience", "en", "business", ["cx", "customers", "service"]),
    ("Einkauf & Verhandlung", "de", "business", ["einkauf", "verhandlung"]),
    ("Strategy Office Insiders", "en", "business", ["strategy"]),
    ("Projekt Phoenix", "de", "business", ["projekt", "vertraulich"]),
    ("Betriebssport Fußball", "de", "leisure", ["fußball", "sport"]),
    ("Running Club", "en", "leisure", ["running", "marathon"]),
    ("Fotografie AG", "de", "leisure", ["fotografie", "kamera"]),
    ("Board Games Night", "en", "leisure", ["board games", "community"]),
    ("Oldtimer-Freunde", "de", "leisure", ["oldtimer", "klassiker"]),
    ("Chor und Musik", "de", "leisure", ["musik", "chor"]),
    ("Book Club", "en", "leisure", ["books", "reading"]),
    ("Kochen & Genießen", "de", "leisure", ["kochen", "rezepte"]),
]

# Cycled so every combination of visibility and join policy occurs several times; secret
# communities are invitation-only, as they are meant to be.
SHAPES = [
    (Community.Visibility.PUBLIC, Community.JoinPolicy.OPEN),
    (Community.Visibility.PUBLIC, Community.JoinPolicy.REQUEST),
    (Community.Visibility.PRIVATE, Community.JoinPolicy.REQUEST),
    (Community.Visibility.PUBLIC, Community.JoinPolicy.OPEN),
    (Community.Visibility.PRIVATE, Community.JoinPolicy.OPEN),
    (Community.Visibility.SECRET, Community.JoinPolicy.INVITE),
    (Community.Visibility.PUBLIC, Community.JoinPolicy.INVITE),
    (Community.Visibility.PRIVATE, Community.JoinPolicy.INVITE),
]

ARCHIVED_INDEX = 47  # "Chor und Musik"

DESCRIPTIONS = {
    "de": "Wir tauschen Erfahrungen aus, beantworten Fragen und lernen voneinander rund um {topic}.",
    "en": "We share experience, answer each other's questions and learn together about {topic}.",
}
PURPOSES = {
    "de": "Für alle, die sich für {topic} interessieren, vom ersten Schritt bis zur Expertise.",
    "en": "For everyone interested in {topic}, from first steps to deep expertise.",
}


def _pick(rng: random.Random, people: list[User], exclude: set[int], k: int) -> list[User]:
    pool = [p for p in people if p.pk not in exclude]
    chosen = rng.sample(pool, min(k, len(pool)))
    exclude.update(p.pk for p in chosen)
    return chosen


def _members_for(index: int, community: Community, owner: User, people: list[User]) -> list[Membership]:
    """Memberships besides the owner: every role, plus requests, invitations and a ban."""
    rng = random.Random(9000 + index)  # noqa: S311 - demo data, not security
    taken = {owner.pk}
    size = max(4, int(len(people) * 0.6 / (1 + index % 9)))  # a few big communities, many small ones
    rows: list[Membership] = []

    def add(users: list[User], **fields: Any) -> None:
        rows.extend(Membership(user=u, community=community, **fields) for u in users)

    active = Membership.State.ACTIVE
    add(_pick(rng, people, taken, 1 if index % 4 else 2), role=Membership.Role.MANAGER, state=active)
    add(_pick(rng, people, taken, 1 + index % 2), role=Membership.Role.MODERATOR, state=active)
    add(_pick(rng, people, taken, size), role=Membership.Role.MEMBER, state=active)
    if index % 5 == 0:
        add(_pick(rng, people, taken, 1), role=Membership.Role.OWNER, state=active)
    if community.join_policy == Community.JoinPolicy.REQUEST:
        add(
            _pick(rng, people, taken, 2),
            state=Membership.State.PENDING,
            request_message="Ich würde gern mitmachen." if community.language == "de" else "I'd love to join.",
        )
    if community.join_policy == Community.JoinPolicy.INVITE or index % 3 == 0:
        add(_pick(rng, people, taken, 2), state=Membership.State.INVITED, invited_by=owner)
    if index % 7 == 3:
        add(_pick(rng, people, taken, 1), state=Membership.State.BANNED, decided_by=owner)
    return rows


def seed(*, stdout: _Output) -> None:
    """Create the demo categories and communities (idempotent)."""
    people = list(User.objects.filter(email__endswith=DEMO_EMAIL_DOMAIN, is_active=True).order_by("pk"))
    if not people:
        stdout.write("communities: no demo people (…@demo.intranet.test) found, so no communities were created.")
        return
    categories = {}
    for position, (slug, name, description) in enumerate(CATEGORIES):
        categories[slug], _created = Category.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position}
        )
    existing = set(Community.objects.values_list("slug", flat=True))
    now = timezone.now()
    created = 0
    for index, (name, language, category_slug, tags) in enumerate(COMMUNITIES):
        slug = slug_base(name)
        if slug in existing:
            continue
        visibility, join_policy = SHAPES[index % len(SHAPES)]
        owner = people[index % len(people)]
        topic = ", ".join(tags[:2])
        with transaction.atomic():
            community = community_create(
                actor=owner,
                name=name,
                slug=slug,
                description=DESCRIPTIONS[language].format(topic=topic),
                purpose=PURPOSES[language].format(topic=topic),
                category=categories[category_slug],
                tags=tags,
                language=language,
                visibility=visibility,
                join_policy=join_policy,
            )
            Membership.objects.bulk_create(_members_for(index, community, owner, people), ignore_conflicts=True)
            age = timedelta(days=30 + (index * 37) % 700)
            Community.objects.filter(pk=community.pk).update(
                created_at=now - age,
                last_activity_at=now - timedelta(hours=(index * 53) % (24 * 60)),
                is_official=index % 6 == 0,
            )
            community_recount_members(community_ids=[community.pk])
            if index == ARCHIVED_INDEX:
                # One archived community, so the read-only lifecycle shows too.
                community_archive(actor=owner, community=community, reason="Demo: the choir pauses this year.")
        created += 1
    stdout.write(f"communities: {created} communities created ({len(COMMUNITIES) - created} existed already).")


# Coordination ------------------------------------------------------------------------------------

#: The scoped coordinator of the demo: coordinates the communities of these categories only.
SCOPED_COORDINATOR = "juergen.gross@demo.intranet.test"
SCOPED_CATEGORIES = ("people", "leisure")

#: A community whose only owner has left the company and nobody took over ("orphaned").
ORPHANED = ("Modellbau-Stammtisch", "de", "leisure", ["modellbau", "basteln"])
DEPARTED_OWNER = ("wolfgang.richter@demo.intranet.test", "Wolfgang Richter")


def seed_scoped_coordinator(*, stdout: _Output) -> None:
    """Make Jürgen Groß a coordinator of the People & Culture and Freizeit & Sport communities."""
    user = User.objects.filter(email__iexact=SCOPED_COORDINATOR).first()
    if user is None:
        return
    permission = Permission.objects.get(codename="coordinate", content_type__app_label="communities")
    user.user_permissions.add(permission)
    scope, _created = CoordinatorScope.objects.get_or_create(user=user)
    scope.categories.add(*Category.objects.filter(slug__in=SCOPED_CATEGORIES))
    stdout.write(f"communities: {user.display_name} coordinates {', '.join(SCOPED_CATEGORIES)}.")


def seed_orphaned_community(*, stdout: _Output) -> None:
    """A community run by somebody who has since left: created here with its owner still active (so
    the demo conversations can be written), and left by :func:`seed_departure` afterwards."""
    name, language, category_slug, tags = ORPHANED
    slug = slug_base(name)
    category = Category.objects.filter(slug=category_slug).first()
    if category is None or Community.objects.filter(slug=slug).exists():
        return  # no demo communities were seeded (no demo people), or it exists already
    email, display_name = DEPARTED_OWNER
    owner = User.objects.filter(email__iexact=email).first() or user_create(
        email=email, password=None, display_name=display_name, language=User.Language.GERMAN
    )
    people = list(User.objects.filter(email__endswith=DEMO_EMAIL_DOMAIN, is_active=True).exclude(pk=owner.pk))
    rng = random.Random(4711)  # noqa: S311 - demo data, not security
    topic = ", ".join(tags)
    community = community_create(
        actor=owner,
        name=name,
        slug=slug,
        description=DESCRIPTIONS[language].format(topic=topic),
        purpose=PURPOSES[language].format(topic=topic),
        category=category,
        tags=tags,
        language=language,
        visibility=Community.Visibility.PUBLIC,
        join_policy=Community.JoinPolicy.OPEN,
    )
    Membership.objects.bulk_create(
        [
            Membership(user=person, community=community, role=Membership.Role.MEMBER, state=Membership.State.ACTIVE)
            for person in rng.sample(people, min(8, len(people)))
        ],
        ignore_conflicts=True,
    )
    Community.objects.filter(pk=community.pk).update(created_at=timezone.now() - timedelta(days=400))
    community_recount_members(community_ids=[community.pk])
    stdout.write(f"communities: {name} created (its owner leaves the company later in the demo).")


def seed_departure(*, stdout: _Output) -> None:
    """The owner of the orphaned community leaves: the account is switched off directly, as it was
    before the platform handed communities over on deactivation; the deactivation service would
    promote a member at once, and the demo is meant to show a community waiting for a successor."""
    email, _name = DEPARTED_OWNER
    left = User.objects.filter(email__iexact=email, is_active=True).update(is_active=False)
    if left:
        stdout.write("communities: the owner of the orphaned demo community has left.")
