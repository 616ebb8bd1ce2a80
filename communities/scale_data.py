"""The reference-scale dataset for the benchmark (issue 4): people, communities, memberships, posts,
comments, reactions and mentions, generated deterministically from a seed and streamed into
PostgreSQL with ``COPY FROM STDIN``.

Scale 1.0 is 100,000 users, 15,000 communities (Zipf-like sizes, the largest near 4,000 members),
about 1.5 million memberships, 5 million posts and about 5 million comments over three years.
Ids are assigned here (1..n), so rows can reference each other without reading anything back; the
sequences are moved past them at the end. Stored counters are not maintained while loading: they
are computed once afterwards in SQL (:func:`recount`). Notifications are not modelled yet.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import json
import math
import random
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from html import escape
from typing import Any, Protocol

from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, connection, transaction
from django.utils.text import slugify

from intranet.accounts.text import handle_from, search_name_for

from .services import community_recount_members

#: The tables this generator fills, in load order (TRUNCATE uses the same list).
TABLES = (
    "accounts_user",
    "accounts_profile",
    "account_emailaddress",
    "communities_category",
    "communities_community",
    "communities_membership",
    "communities_post",
    "communities_comment",
    "communities_reaction",
    "communities_mention",
)

#: Tables whose rows make a database count as "not empty" for the generator.
GUARD_TABLES = ("accounts_user", "communities_community", "communities_post")

PASSWORD = "scale-password"  # noqa: S105 - the documented password of every generated person
EMAIL_DOMAIN = "scale.intranet.test"
CHUNK = 20_000
YEARS = 3


class Stream(Protocol):
    def write(self, text: str, /) -> object: ...

    def flush(self) -> None: ...


@dataclass(frozen=True)
class Sizes:
    users: int
    communities: int
    memberships_per_user: float
    posts: int
    comments_per_post: float

    @classmethod
    def for_scale(cls, scale: float) -> Sizes:
        return cls(
            users=max(60, round(100_000 * scale)),
            communities=max(12, round(15_000 * scale)),
            memberships_per_user=15.0,
            posts=max(100, round(5_000_000 * scale)),
            comments_per_post=1.0,
        )


class Progress:
    """One self-overwriting line on ``stream`` with rate and ETA, at most a few times a second."""

    def __init__(self, label: str, total: int, stream: Stream) -> None:
        self.label, self.total, self.stream = label, max(total, 1), stream
        self.done = 0
        self.started = self.last = time.monotonic()

    def add(self, n: int) -> None:
        self.done += n
        now = time.monotonic()
        if now - self.last >= 0.5:
            self.last = now
            self._print(now)

    def finish(self) -> None:
        self._print(time.monotonic())
        self.stream.write("\n")
        self.stream.flush()

    def _print(self, now: float) -> None:
        elapsed = max(now - self.started, 1e-9)
        rate = self.done / elapsed
        remaining = max(self.total - self.done, 0) / rate if rate else 0.0
        pct = min(100.0, 100.0 * self.done / self.total)
        self.stream.write(
            f"\r{self.label:<12} {self.done:>10,} / ~{self.total:,} {pct:5.1f}% "
            f"{rate:>9,.0f} rows/s ETA {remaining:6.0f}s  "
        )
        self.stream.flush()


# --- vocabulary -------------------------------------------------------------------------------

FIRST_NAMES = [
    "Anna",
    "Jürgen",
    "Sören",
    "Jörg",
    "Björn",
    "Käthe",
    "Müge",
    "Özlem",
    "Günther",
    "Ulrike",
    "Lukas",
    "Lena",
    "Jonas",
    "Mia",
    "Felix",
    "Emma",
    "Maximilian",
    "Sophie",
    "Paul",
    "Marie",
    "Leon",
    "Hannah",
    "Elias",
    "Lea",
    "Noah",
    "Emily",
    "Ben",
    "Clara",
    "Finn",
    "Ida",
    "Tim",
    "Greta",
    "Jan",
    "Frieda",
    "Moritz",
    "Ella",
    "Sarah",
    "Thomas",
    "Michael",
    "Andreas",
    "Stefan",
    "Sabine",
    "Petra",
    "Monika",
    "Renée",
    "José",
    "Zoë",
    "Chloé",
    "André",
    "Frédéric",
    "Ines",
    "Agnès",
    "Oliver",
    "James",
    "William",
    "Charlotte",
    "Olivia",
    "Amelia",
    "George",
    "Harry",
    "Jack",
    "Grace",
    "Lily",
    "Isabella",
    "Henry",
    "Lucy",
    "Daniel",
    "Mehmet",
    "Ayşe",
    "Łukasz",
    "Małgorzata",
    "Dörte",
    "Jürgen-Otto",
    "Hans-Peter",
    "Karl",
    "Heinz",
    "Ursula",
    "Brigitte",
    "Wolfgang",
    "Dieter",
]
LAST_NAMES = [
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Schäfer",
    "Koch",
    "Bauer",
    "Richter",
    "Klein",
    "Wolf",
    "Schröder",
    "Neumann",
    "Schwarz",
    "Zimmermann",
    "Braun",
    "Krüger",
    "Hofmann",
    "Hartmann",
    "Lange",
    "Schmitt",
    "Werner",
    "Schmitz",
    "Krause",
    "Meier",
    "Lehmann",
    "Köhler",
    "Maier",
    "Köster",
    "Jäger",
    "Böhm",
    "Günther",
    "Größ",
    "Weiß",
    "Fuß",
    "Strauß",
    "Oßwald",
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Wood",
    "Jackson",
    "Clarke",
    "O'Brien",
    "McDonald",
    "Dubois",
    "Lefèvre",
    "Núñez",
    "García",
    "Öztürk",
    "Kowalski",
]
DEPARTMENTS = (
    "Finance",
    "Personal",
    "IT",
    "Vertrieb",
    "Marketing",
    "Einkauf",
    "Produktion",
    "Logistik",
    "Research & Development",
    "Legal",
    "Customer Service",
    "Qualität",
)
LOCATIONS = ("Berlin", "München", "Hamburg", "Köln", "Frankfurt", "Düsseldorf", "Wien", "Zürich", "London", "Remote")
JOB_TITLES = (
    "Engineer",
    "Referentin",
    "Manager",
    "Sachbearbeiter",
    "Analyst",
    "Teamleiterin",
    "Designer",
    "Consultant",
)
CATEGORIES = (
    ("Fachthemen", "Expertise"),
    ("Projekte", "Projects"),
    ("Standorte", "Locations"),
    ("Freizeit", "Leisure"),
    ("Soziales", "Social"),
    ("Technik", "Technology"),
    ("Personal", "People"),
    ("Nachhaltigkeit", "Sustainability"),
    ("Innovation", "Innovation"),
    ("Sprache", "Languages"),
)

GERMAN_WORDS = [
    "projekt",
    "besprechung",
    "kunde",
    "angebot",
    "rechnung",
    "prozess",
    "daten",
    "bericht",
    "termin",
    "team",
    "abteilung",
    "lösung",
    "ergebnis",
    "entwicklung",
    "qualität",
    "sicherheit",
    "planung",
    "strategie",
    "budget",
    "vertrag",
    "lieferant",
    "produkt",
    "anlage",
    "wartung",
    "schulung",
    "mitarbeiter",
    "führung",
    "ausschreibung",
    "genehmigung",
    "freigabe",
    "änderung",
    "anforderung",
    "prüfung",
    "messe",
    "standort",
    "umzug",
    "kantine",
    "fahrrad",
    "parkplatz",
    "gesundheit",
    "nachhaltigkeit",
    "energie",
    "strom",
    "heizung",
    "büro",
    "homeoffice",
    "software",
    "server",
    "netzwerk",
    "datenbank",
    "schnittstelle",
    "migration",
    "release",
    "fehler",
    "störung",
    "ticket",
    "dokumentation",
    "vorschlag",
    "umfrage",
    "workshop",
    "veranstaltung",
    "weihnachtsfeier",
    "sommerfest",
    "jubiläum",
    "ausbildung",
    "praktikum",
    "zeiterfassung",
    "urlaubsantrag",
    "dienstreise",
    "reisekosten",
    "förderung",
    "zertifizierung",
    "prüfbericht",
    "übergabe",
    "bestellung",
    "lagerbestand",
    "versand",
    "zoll",
    "verpackung",
    "rückmeldung",
    "kennzahl",
    "quartal",
    "jahresabschluss",
    "präsentation",
    "übersicht",
    "zusammenfassung",
    "frühstück",
    "mittagessen",
    "kaffeemaschine",
    "drucker",
    "schlüssel",
]
ENGLISH_WORDS = [
    "project",
    "meeting",
    "customer",
    "offer",
    "invoice",
    "process",
    "data",
    "report",
    "deadline",
    "team",
    "department",
    "solution",
    "result",
    "development",
    "quality",
    "security",
    "planning",
    "strategy",
    "budget",
    "contract",
    "supplier",
    "product",
    "plant",
    "maintenance",
    "training",
    "employee",
    "leadership",
    "tender",
    "approval",
    "release",
    "change",
    "requirement",
    "review",
    "conference",
    "office",
    "relocation",
    "canteen",
    "bicycle",
    "parking",
    "health",
    "sustainability",
    "energy",
    "power",
    "heating",
    "remote",
    "laptop",
    "software",
    "server",
    "network",
    "database",
    "interface",
    "migration",
    "bug",
    "outage",
    "ticket",
    "documentation",
    "proposal",
    "survey",
    "workshop",
    "event",
    "party",
    "anniversary",
    "apprenticeship",
    "internship",
    "timesheet",
    "vacation",
    "travel",
    "expenses",
    "funding",
    "certification",
    "handover",
    "order",
    "inventory",
    "shipping",
    "customs",
    "packaging",
    "feedback",
    "metric",
    "quarter",
    "closing",
    "presentation",
    "overview",
    "summary",
    "breakfast",
    "lunch",
    "coffee",
    "printer",
    "keycard",
    "onboarding",
    "roadmap",
    "backlog",
]
_SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ter",
    "vos",
    "brun",
    "del",
    "fan",
    "gri",
    "hol",
    "jun",
    "kes",
    "lor",
    "mar",
    "nib",
    "ost",
    "pul",
    "quen",
    "rid",
    "sta",
    "tov",
    "ulm",
    "wex",
    "zar",
]


def _vocabulary(base: Sequence[str], rng: random.Random, size: int) -> list[str]:
    """Real words first (the frequent ones), then invented compounds for the long rare tail."""
    words = list(base)
    seen = set(words)
    while len(words) < size:
        word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(3, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def _zipf_cum_weights(n: int, exponent: float = 1.0) -> list[float]:
    return list(itertools.accumulate(1.0 / (r**exponent) for r in range(1, n + 1)))


class Text:
    """Sentences drawn from a Zipf(1) vocabulary per language: common, medium and rare terms."""

    def __init__(self, rng: random.Random, vocabulary_size: int = 20_000) -> None:
        self.rng = rng
        self.words = {
            "de": _vocabulary(GERMAN_WORDS, rng, vocabulary_size),
            "en": _vocabulary(ENGLISH_WORDS, rng, vocabulary_size),
        }
        self.cum = _zipf_cum_weights(vocabulary_size)

    def words_(self, language: str, k: int) -> list[str]:
        return self.rng.choices(self.words[language], cum_weights=self.cum, k=k)

    def sentence(self, language: str, low: int = 5, high: int = 14) -> str:
        words = self.words_(language, self.rng.randint(low, high))
        return " ".join(words).capitalize() + self.rng.choice((".", ".", ".", "?", "!"))

    def paragraphs(self, language: str, count: int) -> list[str]:
        return [" ".join(self.sentence(language) for _ in range(self.rng.randint(1, 4))) for _ in range(count)]

    def title(self, language: str) -> str:
        return " ".join(self.words_(language, self.rng.randint(3, 7))).capitalize()


def _columns(columns: Sequence[str]) -> str:
    return ", ".join(f'"{column}"' for column in columns)


def _batched(rows: Iterable[Any], size: int) -> Iterable[list[Any]]:
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def html_of(paragraphs: Iterable[str]) -> str:
    return "".join(f"<p>{escape(p)}</p>" for p in paragraphs)


# --- the generator ----------------------------------------------------------------------------


@dataclass
class CommunityPlan:
    id: int
    language: str
    visibility: str
    join_policy: str
    created_at: dt.datetime
    active_members: list[int]


COMBOS = [
    ("public", "open"),
    ("public", "request"),
    ("public", "invite"),
    ("private", "request"),
    ("private", "invite"),
    ("secret", "invite"),
    ("private", "open"),
    ("secret", "request"),
    ("secret", "open"),
]
REACTION_KINDS = ("like", "like", "like", "like", "love", "celebrate", "insightful", "insightful", "funny")


class Generator:
    def __init__(
        self, *, sizes: Sizes, seed: int, until: dt.datetime, stream: Stream | None = None, chunk: int = CHUNK
    ) -> None:
        self.sizes, self.seed, self.until, self.chunk = sizes, seed, until, chunk
        self.stream = stream if stream is not None else sys.stderr
        self.rng = random.Random(seed)  # noqa: S311 - reproducible data, not secrets
        self.start = until - dt.timedelta(days=365 * YEARS)
        self.text = Text(random.Random(seed + 1))  # noqa: S311
        self.counts: dict[str, int] = {}
        self.handles: list[str] = []
        self.communities: list[CommunityPlan] = []
        self.user_base = 0

    # -- plumbing --

    def _copy(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], total: int) -> int:
        progress = Progress(table.split("_", 1)[1], total, self.stream)
        n = 0
        with connection.cursor() as cursor:
            raw = cursor.cursor  # the psycopg 3 cursor under Django's wrapper
            for batch in _batched(rows, self.chunk):
                with raw.copy(f"COPY {table} ({_columns(columns)}) FROM STDIN") as copy:
                    for row in batch:
                        copy.write_row(row)
                n += len(batch)
                progress.add(len(batch))
        progress.finish()
        self.counts[table] = self.counts.get(table, 0) + n
        return n

    def _time_between(self, low: dt.datetime, high: dt.datetime) -> dt.datetime:
        span = max((high - low).total_seconds(), 0.0)
        return low + dt.timedelta(seconds=int(self.rng.random() * span))

    # -- steps --

    def run(self) -> dict[str, int]:
        self.users()
        self.categories()
        with indexes_deferred(INDEXED_LATER, self.stream):
            self.communities_and_memberships()
            self.posts_and_comments()
        return self.counts

    def users(self) -> None:
        rng, n = self.rng, self.sizes.users
        password = make_password(PASSWORD)
        with connection.cursor() as cursor:
            # People who are not generated stay (see ``clear``): ids and handles go around them.
            cursor.execute("SELECT COALESCE(MAX(id), 0) FROM accounts_user")
            base_row = cursor.fetchone()
            cursor.execute("SELECT COALESCE(MAX(id), 0) FROM account_emailaddress")
            email_row = cursor.fetchone()
            cursor.execute("SELECT handle FROM accounts_user")
            existing = {row[0] for row in cursor.fetchall()}
        self.user_base = int(base_row[0]) if base_row else 0
        email_base = int(email_row[0]) if email_row else 0
        taken: dict[str, int] = {}
        people: list[tuple[str, str, str, str, str, dt.datetime, bool]] = []
        for _i in range(1, n + 1):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            display = f"{first} {last}"
            base = handle_from(f"{first}.{last}@{EMAIL_DOMAIN}")
            count = taken.get(base, 0) + 1
            taken[base] = count
            handle = base if count == 1 else f"{base}{count}"  # names never end in a digit
            while handle in existing:
                count += 1
                taken[base] = count
                handle = f"{base}{count}"
            self.handles.append(handle)
            joined = self._time_between(self.start - dt.timedelta(days=365), self.start)
            language = rng.choice(("de", "de", "en", ""))
            people.append((display, handle, search_name_for(display), language, "", joined, rng.random() > 0.02))
        self._copy(
            "accounts_user",
            (
                "id",
                "password",
                "is_superuser",
                "email",
                "display_name",
                "handle",
                "search_name",
                "language",
                "is_active",
                "is_staff",
                "date_joined",
            ),
            (
                (self.user_base + i, password, False, f"user{i}@{EMAIL_DOMAIN}", *p[:4], p[6], False, p[5])
                for i, p in enumerate(people, start=1)
            ),
            n,
        )
        self._copy(
            "accounts_profile",
            ("user_id", "job_title", "department", "location", "languages", "bio", "avatar", "updated_at"),
            (
                (
                    self.user_base + i,
                    rng.choice(JOB_TITLES),
                    rng.choice(DEPARTMENTS),
                    rng.choice(LOCATIONS),
                    rng.choice((["de"], ["de", "en"], ["en"], ["de", "en", "fr"])),
                    "",
                    "",
                    people[i - 1][5],
                )
                for i in range(1, n + 1)
            ),
            n,
        )
        self._copy(
            "account_emailaddress",
            ("id", "email", "verified", "primary", "user_id"),
            ((email_base + i, f"user{i}@{EMAIL_DOMAIN}", True, True, self.user_base + i) for i in range(1, n + 1)),
            n,
        )

    def categories(self) -> None:
        self._copy(
            "communities_category",
            ("id", "name", "slug", "description", "position"),
            ((i, f"{de} / {en}", slugify(en), "", i) for i, (de, en) in enumerate(CATEGORIES, start=1)),
            len(CATEGORIES),
        )

    def communities_and_memberships(self) -> None:
        rng, sizes = self.rng, self.sizes
        n_users, n_comm = sizes.users, sizes.communities
        # Community sizes by rank, r^-0.45, scaled so the total is memberships_per_user x users.
        shape = [r**-0.45 for r in range(1, n_comm + 1)]
        factor = sizes.memberships_per_user * n_users / sum(shape)
        member_counts = [max(3, min(n_users, round(factor * s * rng.uniform(0.35, 1.65)))) for s in shape]
        member_counts[0] = min(n_users, round(factor))  # the largest stays the largest
        # Heavy users: the weight of user u is (u + 100)^-0.7 over a shuffled id order.
        order = [self.user_base + u for u in range(1, n_users + 1)]
        rng.shuffle(order)
        user_cum = list(itertools.accumulate((u + 100) ** -0.7 for u in range(n_users)))
        rows: list[tuple[Any, ...]] = []
        memberships: list[tuple[Any, ...]] = []
        for c in range(1, n_comm + 1):
            visibility, policy = COMBOS[c - 1] if c <= len(COMBOS) else self._visibility_policy()
            language = "de" if rng.random() < 0.6 else "en"
            created = self._time_between(self.start - dt.timedelta(days=365), self.start)
            archived = rng.random() < 0.03 and c > len(COMBOS)
            name = self.text.title(language).title()[:100]
            tags = " ".join(sorted(set(self.text.words_(language, rng.randint(1, 4)))))
            description = " ".join(self.text.sentence(language) for _ in range(rng.randint(1, 3)))
            rows.append(
                (
                    c,
                    name,
                    f"{slugify(name)[:60]}-{c}",
                    description,
                    self.text.sentence(language),
                    tags,
                    language,
                    "",
                    visibility,
                    policy,
                    rng.random() < 0.02,
                    "archived" if archived else "active",
                    self._time_between(self.start, self.until) if archived else None,
                    created,
                    created,
                    0,
                    0,
                    created,
                    rng.randint(1, len(CATEGORIES)) if rng.random() < 0.9 else None,
                    None,
                )
            )
            # Members: distinct users drawn by weight; the first is the owner.
            wanted = member_counts[c - 1]
            chosen: dict[int, None] = {}
            while len(chosen) < wanted:
                for u in rng.choices(order, cum_weights=user_cum, k=wanted - len(chosen)):
                    chosen[u] = None
            members = list(chosen)
            owner = members[0]
            rows[-1] = (*rows[-1][:-1], owner)
            managers = 1 + wanted // 400 if wanted >= 15 else 0
            moderators = 1 + wanted // 300 if wanted >= 8 else 0
            plan = CommunityPlan(c, language, visibility, policy, created, [])
            for position, user in enumerate(members):
                role, state = "member", "active"
                if position == 0:
                    role = "owner"
                elif position <= managers:
                    role = "manager"
                elif position <= managers + moderators:
                    role = "moderator"
                else:
                    roll = rng.random()
                    if roll < 0.02:
                        state = "pending" if policy == "request" else "invited"
                    elif roll < 0.035:
                        state = "invited"
                    elif roll < 0.04:
                        state = "banned"
                since = self._time_between(created, self.until)
                if state == "active":
                    plan.active_members.append(user)
                memberships.append(
                    (
                        role,
                        state,
                        rng.choice(("all", "highlights", "highlights", "muted")),
                        "",
                        "",
                        since if state == "banned" else None,
                        since,
                        since,
                        c,
                        owner if state == "banned" else None,
                        owner if state == "invited" else None,
                        user,
                    )
                )
            self.communities.append(plan)
        self._copy(
            "communities_community",
            (
                "id",
                "name",
                "slug",
                "description",
                "purpose",
                "tag_names",
                "language",
                "cover_image",
                "visibility",
                "join_policy",
                "is_official",
                "lifecycle",
                "archived_at",
                "created_at",
                "updated_at",
                "member_count",
                "post_count",
                "last_activity_at",
                "category_id",
                "created_by_id",
            ),
            rows,
            n_comm,
        )
        self._copy(
            "communities_membership",
            (
                "id",
                "role",
                "state",
                "notification_level",
                "request_message",
                "decision_message",
                "decided_at",
                "created_at",
                "updated_at",
                "community_id",
                "decided_by_id",
                "invited_by_id",
                "user_id",
            ),
            ((i, *m) for i, m in enumerate(memberships, start=1)),
            len(memberships),
        )

    def _visibility_policy(self) -> tuple[str, str]:
        roll = self.rng.random()
        if roll < 0.7:
            return "public", self.rng.choices(("open", "request", "invite"), weights=(70, 20, 10))[0]
        if roll < 0.9:
            return "private", self.rng.choices(("request", "invite"), weights=(60, 40))[0]
        return "secret", "invite"

    def posts_and_comments(self) -> None:
        rng, text = self.rng, self.text
        n_posts = self.sizes.posts
        span = (self.until - self.start).total_seconds()
        community_cum = list(itertools.accumulate(len(p.active_members) ** 1.2 for p in self.communities))
        comment_id = reaction_id = mention_id = 0
        post_progress = Progress("posts", n_posts, self.stream)
        for first in range(1, n_posts + 1, self.chunk):
            posts: list[tuple[Any, ...]] = []
            comments: list[tuple[Any, ...]] = []
            reactions: list[tuple[Any, ...]] = []
            mentions: list[tuple[Any, ...]] = []
            for post_id in range(first, min(first + self.chunk, n_posts + 1)):
                # Activity grows over time: density rises linearly, so times follow sqrt.
                fraction = math.sqrt((post_id - 1 + rng.random()) / n_posts)
                created = self.start + dt.timedelta(seconds=int(fraction * span))
                plan = self.communities[bisect.bisect_left(community_cum, rng.random() * community_cum[-1])]
                members = plan.active_members
                author = rng.choice(members)
                kind = rng.choices(("discussion", "question", "announcement"), weights=(75, 15, 10))[0]
                paragraphs = text.paragraphs(plan.language, rng.randint(1, 3))
                if rng.random() < 0.01 and len(members) > 1:
                    mentioned = rng.choice(members)
                    paragraphs[-1] += f" @{self.handles[mentioned - self.user_base - 1]}"
                    mention_id += 1
                    mentions.append((mention_id, created, None, mentioned, post_id))
                status = rng.choices(("published", "pending", "hidden"), weights=(98, 1, 1))[0]
                deleted = created + dt.timedelta(days=1) if rng.random() < 0.005 else None
                pinned = kind == "announcement" and rng.random() < 0.05
                edited = created + dt.timedelta(hours=2) if rng.random() < 0.03 else None
                # Comments: a heavy tail (Pareto), mean about ``comments_per_post``.
                n_comments = int(1.55 * self.sizes.comments_per_post * (rng.paretovariate(2.0) - 1.0))
                # Counters are exact by construction: every row they count is generated right here.
                top_level: list[int] = []
                live_comments = 0
                last_activity = created
                for _ in range(n_comments):
                    comment_id += 1
                    at = min(created + dt.timedelta(seconds=int(rng.expovariate(1 / 7200.0))), self.until)
                    last_activity = max(last_activity, at)
                    parent = rng.choice(top_level) if top_level and rng.random() < 0.2 else None
                    if parent is None:
                        top_level.append(comment_id)
                    body = [text.sentence(plan.language, 3, 20)]
                    comment_deleted = at + dt.timedelta(hours=1) if rng.random() < 0.01 else None
                    live_comments += comment_deleted is None
                    comment_kinds: dict[str, int] = {}
                    if rng.random() < 0.1:
                        for user in set(rng.choices(members, k=rng.randint(1, 3))):
                            reaction_id += 1
                            reaction_kind = rng.choice(REACTION_KINDS)
                            comment_kinds[reaction_kind] = comment_kinds.get(reaction_kind, 0) + 1
                            reactions.append((reaction_id, reaction_kind, at, comment_id, None, user))
                    comments.append(
                        (
                            comment_id,
                            body[0],
                            html_of(body),
                            "published",
                            at,
                            None,
                            comment_deleted,
                            sum(comment_kinds.values()),
                            json.dumps(comment_kinds),
                            rng.choice(members),
                            parent,
                            post_id,
                        )
                    )
                accepted = rng.choice(top_level) if kind == "question" and top_level and rng.random() < 0.5 else None
                n_reactions = min(len(members), int(2.0 * (rng.paretovariate(1.8) - 1.0)))
                post_kinds: dict[str, int] = {}
                for user in set(rng.choices(members, k=n_reactions)):
                    reaction_id += 1
                    reaction_kind = rng.choice(REACTION_KINDS)
                    post_kinds[reaction_kind] = post_kinds.get(reaction_kind, 0) + 1
                    reactions.append((reaction_id, reaction_kind, created, None, post_id, user))
                source = "\n\n".join(paragraphs)
                posts.append(
                    (
                        post_id,
                        kind,
                        text.title(plan.language)[:200],
                        source,
                        html_of(paragraphs),
                        " ".join(paragraphs),
                        status,
                        pinned,
                        created if pinned else None,
                        rng.random() < 0.005,
                        created,
                        edited,
                        deleted,
                        last_activity,
                        live_comments,
                        sum(post_kinds.values()),
                        json.dumps(post_kinds),
                        accepted,
                        author,
                        plan.id,
                        author if edited else None,
                    )
                )
            # One transaction per chunk: posts and comments point at each other (accepted answer)
            # and the foreign keys are checked at commit.
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # undo an earlier IMMEDIATE (see ``clear``)
                self._copy_quiet("communities_post", POST_COLUMNS, posts)
                self._copy_quiet("communities_comment", COMMENT_COLUMNS, comments)
                self._copy_quiet("communities_reaction", REACTION_COLUMNS, reactions)
                self._copy_quiet("communities_mention", MENTION_COLUMNS, mentions)
            post_progress.add(len(posts))
        post_progress.finish()

    def _copy_quiet(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({_columns(columns)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        self.counts[table] = self.counts.get(table, 0) + len(rows)


POST_COLUMNS = (
    "id",
    "kind",
    "title",
    "body_source",
    "body_html",
    "body_text",
    "status",
    "is_pinned",
    "pinned_at",
    "is_locked",
    "created_at",
    "edited_at",
    "deleted_at",
    "last_activity_at",
    "comment_count",
    "reaction_count",
    "reaction_counts",
    "accepted_comment_id",
    "author_id",
    "community_id",
    "edited_by_id",
)
COMMENT_COLUMNS = (
    "id",
    "body_source",
    "body_html",
    "status",
    "created_at",
    "edited_at",
    "deleted_at",
    "reaction_count",
    "reaction_counts",
    "author_id",
    "parent_id",
    "post_id",
)
REACTION_COLUMNS = ("id", "kind", "created_at", "comment_id", "post_id", "user_id")
MENTION_COLUMNS = ("id", "created_at", "comment_id", "user_id", "post_id")


# --- before and after -------------------------------------------------------------------------


def is_empty() -> bool:
    with connection.cursor() as cursor:
        for table in GUARD_TABLES:
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table})")  # noqa: S608 - fixed table names
            row = cursor.fetchone()
            if row and row[0]:
                return False
    return True


#: The community tables, emptied with TRUNCATE; people are deleted row by row (see :func:`clear`).
COMMUNITY_TABLES = tuple(t for t in TABLES if t.startswith("communities_"))


def dependent_tables(tables: Sequence[str]) -> list[str]:
    """Tables outside ``tables`` that reference them (directly or through each other)."""
    sql = """
        WITH RECURSIVE deps(name) AS (
            SELECT unnest(%s::text[])
            UNION
            SELECT c.conrelid::regclass::text FROM pg_constraint c JOIN deps d ON c.confrelid = d.name::regclass
            WHERE c.contype = 'f'
        )
        SELECT name FROM deps WHERE name <> ALL(%s::text[]) ORDER BY name
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [list(tables), list(tables)])
        return [row[0] for row in cursor.fetchall()]


#: Tables whose secondary indexes are dropped while loading and built afterwards (much faster
#: than maintaining them row by row; the GIN index over the posts' search vectors above all).
INDEXED_LATER = (
    "communities_membership",
    "communities_post",
    "communities_comment",
    "communities_reaction",
    "communities_mention",
)


@contextmanager
def indexes_deferred(tables: Sequence[str], stream: Stream) -> Iterator[None]:
    """Drop the foreign keys of ``tables`` and their indexes that back no constraint, run the block,
    then recreate both from their saved definitions (also when the block fails, so the schema is
    never left short; a foreign key the loaded rows break fails loudly then)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT i.indexname, i.indexdef FROM pg_indexes i
               WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
                 AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
               ORDER BY i.indexname""",
            [list(tables)],
        )
        saved = list(cursor.fetchall())
        cursor.execute(
            """SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
               WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s) ORDER BY conname""",
            [list(tables)],
        )
        foreign_keys = list(cursor.fetchall())
        for table, name, _definition in foreign_keys:
            cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        for name, _definition in saved:
            cursor.execute(f'DROP INDEX "{name}"')
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for name, definition in saved:
                started = time.monotonic()
                cursor.execute(definition)
                stream.write(f"index {name:<50} {time.monotonic() - started:6.1f}s\n")
                stream.flush()
            # Adding a foreign key checks every row in one join, far cheaper than a check per row.
            for table, name, definition in foreign_keys:
                started = time.monotonic()
                cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
                stream.write(f"foreign key {name:<44} {time.monotonic() - started:6.1f}s\n")
                stream.flush()


class CannotClear(Exception):
    pass


def clear() -> list[str]:
    """Remove a previous generated dataset: TRUNCATE the community tables (tables that reference them
    must be empty, and are truncated with them) and delete the generated people (by their e-mail
    domain); other people stay. Raises :class:`CannotClear` if other rows still depend on them.
    Returns the extra (empty) tables that were truncated along."""
    dependents = [t for t in dependent_tables(COMMUNITY_TABLES) if t not in TABLES]
    with connection.cursor() as cursor:
        busy = []
        for table in dependents:
            cursor.execute(f'SELECT EXISTS (SELECT 1 FROM "{table}")')  # noqa: S608 - from the catalogue
            row = cursor.fetchone()
            if row and row[0]:
                busy.append(table)
        if busy:
            raise CannotClear(f"other tables reference communities and are not empty: {', '.join(busy)}")
        # Deferred foreign-key checks still queued in this transaction would block TRUNCATE.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        names = ", ".join(f'"{t}"' for t in (*COMMUNITY_TABLES, *dependents))
        cursor.execute(f"TRUNCATE {names} RESTART IDENTITY")
        generated = "SELECT id FROM accounts_user WHERE email LIKE %s"
        pattern = f"%@{EMAIL_DOMAIN}"
        try:
            with transaction.atomic():
                cursor.execute(f"DELETE FROM account_emailaddress WHERE user_id IN ({generated})", [pattern])  # noqa: S608
                cursor.execute(f"DELETE FROM accounts_profile WHERE user_id IN ({generated})", [pattern])  # noqa: S608
                cursor.execute("DELETE FROM accounts_user WHERE email LIKE %s", [pattern])
        except IntegrityError as error:
            raise CannotClear(f"other rows still reference the generated people: {error}") from error
    return dependents


def recount(stream: Stream | None = None, *, posts_and_comments: bool = False) -> None:
    """The stored community counters from the rows, in set-based UPDATEs.

    The generator writes the counters of posts and comments exactly as it creates them, because an
    UPDATE of every post recomputes its generated search vector (about 18 s per 250,000 posts per UPDATE
    here); ``posts_and_comments=True`` recomputes those too, for repairs."""
    steps: list[tuple[str, Callable[[], Any] | str]] = [
        ("community members", lambda: community_recount_members()),
        (
            "post comments",
            """UPDATE communities_post p SET comment_count = c.n, last_activity_at = GREATEST(p.created_at, c.last)
               FROM (SELECT post_id, count(*) FILTER (WHERE deleted_at IS NULL AND status = 'published') AS n,
                            max(created_at) AS last
                     FROM communities_comment GROUP BY post_id) c
               WHERE c.post_id = p.id""",
        ),
        (
            "post reactions",
            """UPDATE communities_post p SET reaction_count = r.n, reaction_counts = r.j
               FROM (SELECT post_id, sum(n)::int AS n, jsonb_object_agg(kind, n) AS j
                     FROM (SELECT post_id, kind, count(*) AS n FROM communities_reaction
                           WHERE post_id IS NOT NULL GROUP BY post_id, kind) k GROUP BY post_id) r
               WHERE r.post_id = p.id""",
        ),
        (
            "comment reactions",
            """UPDATE communities_comment c SET reaction_count = r.n, reaction_counts = r.j
               FROM (SELECT comment_id, sum(n)::int AS n, jsonb_object_agg(kind, n) AS j
                     FROM (SELECT comment_id, kind, count(*) AS n FROM communities_reaction
                           WHERE comment_id IS NOT NULL GROUP BY comment_id, kind) k GROUP BY comment_id) r
               WHERE r.comment_id = c.id""",
        ),
        (
            "community posts",
            """UPDATE communities_community c SET post_count = x.n, last_activity_at = GREATEST(c.created_at, x.last)
               FROM (SELECT community_id, count(*) AS n, max(last_activity_at) AS last FROM communities_post
                     WHERE status = 'published' AND deleted_at IS NULL GROUP BY community_id) x
               WHERE x.community_id = c.id""",
        ),
    ]
    if not posts_and_comments:
        steps = [step for step in steps if step[0].startswith("community")]
    for label, step in steps:
        started = time.monotonic()
        if isinstance(step, str):
            with connection.cursor() as cursor:
                cursor.execute(step)
        else:
            step()
        if stream is not None:
            stream.write(f"recount {label:<18} {time.monotonic() - started:6.1f}s\n")


def reset_sequences() -> None:
    with connection.cursor() as cursor:
        for table in TABLES:
            if table == "accounts_profile":
                continue
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) "  # noqa: S608
                f"FROM {table}"
            )


def analyze(*, vacuum: bool) -> None:
    names = ", ".join(TABLES)
    with connection.cursor() as cursor:
        if vacuum and connection.get_autocommit() and not connection.in_atomic_block:
            cursor.execute(f"VACUUM (ANALYZE) {names}")
        else:
            cursor.execute(f"ANALYZE {names}")


def table_counts() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed table names
            row = cursor.fetchone()
            counts[table] = int(row[0]) if row else 0
    return counts
