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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any, Protocol

from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, connection, transaction
from django.utils.text import slugify

from communities.core.services import community_recount_members
from intranet.accounts.text import handle_from, search_name_for

from . import copy as dataset_copy
from .copy import ParallelCopy

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
    "communities_communitytag",
    "communities_taggedcommunity",
    "communities_posttag",
    "communities_taggedpost",
    "accounts_taggedskill",
    "accounts_follow",
    "notifications_notification",
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
    follows_per_user: float = 5.0

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
SKILLS = (
    "Python",
    "Java",
    "SAP",
    "Excel",
    "Projektmanagement",
    "Scrum",
    "Kanban",
    "Moderation",
    "Präsentation",
    "Verhandlung",
    "Datenanalyse",
    "Machine Learning",
    "Cloud",
    "Kubernetes",
    "Controlling",
    "Buchhaltung",
    "Recht",
    "Datenschutz",
    "Einkauf",
    "Logistik",
    "Qualitätsmanagement",
    "Lean",
    "Six Sigma",
    "CAD",
    "Elektrotechnik",
    "Maschinenbau",
    "Batterietechnik",
    "Design Thinking",
    "UX",
    "Marketing",
    "Social Media",
    "Fotografie",
    "Englisch",
    "Französisch",
    "Spanisch",
    "Chinesisch",
    "Coaching",
    "Mentoring",
    "Erste Hilfe",
    "Nachhaltigkeit",
)
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


#: Slots of the Zipf lookup table: the rarest of 20,000 words still gets about five.
ZIPF_TABLE = 1 << 20


def _zipf_table(words: Sequence[str], exponent: float = 1.0) -> list[str]:
    """Every word repeated in proportion to its Zipf weight (at least once): a uniform draw from
    the table is a Zipf draw, without a bisect per word."""
    weights = [1.0 / (r**exponent) for r in range(1, len(words) + 1)]
    scale = ZIPF_TABLE / sum(weights)
    table: list[str] = []
    for word, weight in zip(words, weights, strict=True):
        table.extend([word] * max(1, round(weight * scale)))
    return table


class Text:
    """Text from a Zipf(1) vocabulary per language: common, medium and rare terms.

    Titles are drawn word by word. Post and comment bodies are made of sentences drawn from a pool
    of generated sentences per language (about 16 uses of each sentence at any scale): drawing a
    sentence is two orders of magnitude cheaper than drawing its words, and the term frequencies
    stay Zipf-shaped, so full-text search still has common, medium and rare terms.
    """

    def __init__(self, rng: random.Random, vocabulary_size: int = 20_000, pool_size: int = 4096) -> None:
        self.rng = rng
        self.words = {
            "de": _vocabulary(GERMAN_WORDS, rng, vocabulary_size),
            "en": _vocabulary(ENGLISH_WORDS, rng, vocabulary_size),
        }
        # Bodies are wrapped in <p> without escaping: nothing here may need it.
        assert not any(set(w) & set("<>&\"'\\\t\n") for words in self.words.values() for w in words)
        self.tables = {language: _zipf_table(words) for language, words in self.words.items()}
        self.pools = {language: [self.fresh_sentence(language) for _ in range(pool_size)] for language in self.words}

    def words_(self, language: str, k: int) -> list[str]:
        return self.rng.choices(self.tables[language], k=k)

    def fresh_sentence(self, language: str, low: int = 5, high: int = 14) -> str:
        words = self.words_(language, self.rng.randint(low, high))
        return " ".join(words).capitalize() + self.rng.choice((".", ".", ".", "?", "!"))

    def sentence(self, language: str) -> str:
        return self.rng.choice(self.pools[language])

    def paragraphs(self, language: str, count: int) -> list[str]:
        choices, pool, randint = self.rng.choices, self.pools[language], self.rng.randint
        return [" ".join(choices(pool, k=randint(1, 3))) for _ in range(count)]

    def title(self, language: str) -> str:
        return " ".join(self.words_(language, self.rng.randint(3, 7))).capitalize()


def _insert_tags(table: str, names: Sequence[str]) -> dict[str, int]:
    """Rows of a taggit tag table (emptied with the community tables) with unique slugs."""
    slugs: set[str] = set()
    rows = []
    for i, name in enumerate(names, start=1):
        base = slugify(name) or "tag"
        slug, n = base, 1
        while slug in slugs:
            slug, n = f"{base}_{n}", n + 1
        slugs.add(slug)
        rows.append((i, name, slug))
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} (id, name, slug) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    return {name: i for i, name, _slug in rows}


def _upsert_tags(table: str, names: Sequence[str]) -> list[int]:
    """Ids of the tags ``names`` in a tag table shared with people who are not generated: existing
    rows are reused, missing ones added (a few hundred rows, plain INSERTs)."""
    with connection.cursor() as cursor:
        for name in names:
            cursor.execute(
                f"INSERT INTO {table} (name, slug) VALUES (%s, %s) ON CONFLICT DO NOTHING",  # noqa: S608
                [name, slugify(name) or name],
            )
        cursor.execute(f"SELECT id FROM {table} WHERE name = ANY(%s) ORDER BY id", [list(names)])  # noqa: S608
        return [int(row[0]) for row in cursor.fetchall()]


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
    name: str = ""
    tags: tuple[str, ...] = ()


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
        self,
        *,
        sizes: Sizes,
        seed: int,
        until: dt.datetime,
        stream: Stream | None = None,
        chunk: int = CHUNK,
        workers: int = 2,
    ) -> None:
        self.sizes, self.seed, self.until, self.chunk = sizes, seed, until, chunk
        self.stream = stream if stream is not None else sys.stderr
        self.rng = random.Random(seed)  # noqa: S311 - reproducible data, not secrets
        self.start = until - dt.timedelta(days=365 * YEARS)
        # About 16 uses of each pooled sentence (see ``Text``), within sane bounds.
        pool = max(2048, min(500_000, round(sizes.posts * (7 + sizes.comments_per_post) / 32)))
        self.text = Text(random.Random(seed + 1), pool_size=pool)  # noqa: S311
        self.counts: dict[str, int] = {}
        self.handles: list[str] = []
        self.names: list[str] = []
        self.workers = workers
        self.post_tag_ids: list[int] = []
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
        with dataset_copy.indexes_deferred(INDEXED_LATER, self.stream, workers=self.workers):
            self.skills_and_follows()
            self.communities_and_memberships()
            self.tags()
            self.posts_and_comments()
        return self.counts

    def skills_and_follows(self) -> None:
        rng, n = self.rng, self.sizes.users
        skill_ids = _upsert_tags("accounts_skill", SKILLS)
        taken: list[tuple[int, int]] = []
        for i in range(1, n + 1):
            for skill in sorted(set(rng.choices(skill_ids, k=rng.randint(0, 6)))):
                taken.append((self.user_base + i, skill))
        with connection.cursor() as cursor:
            cursor.execute("SELECT COALESCE(MAX(id), 0) FROM accounts_taggedskill")
            row = cursor.fetchone()
        base = int(row[0]) if row else 0
        self._copy(
            "accounts_taggedskill",
            ("id", "content_object_id", "tag_id"),
            ((base + i, user, skill) for i, (user, skill) in enumerate(taken, start=1)),
            len(taken),
        )
        # Follows: most people follow a few colleagues, some many (Pareto), never themselves.
        follows: list[tuple[int, int, dt.datetime]] = []
        for i in range(1, n + 1):
            k = min(n - 1, int(self.sizes.follows_per_user * (rng.paretovariate(2.0) - 1.0)))
            follower = self.user_base + i
            for followee in set(rng.choices(range(self.user_base + 1, self.user_base + n + 1), k=k)):
                if followee != follower:
                    follows.append((follower, followee, self._time_between(self.start, self.until)))
        with connection.cursor() as cursor:
            cursor.execute("SELECT COALESCE(MAX(id), 0) FROM accounts_follow")
            row = cursor.fetchone()
        base = int(row[0]) if row else 0
        self._copy(
            "accounts_follow",
            ("id", "follower_id", "followee_id", "created_at"),
            ((base + i, *f) for i, f in enumerate(follows, start=1)),
            len(follows),
        )

    def tags(self) -> None:
        """Community tags (as the services write them: rows plus the ``tag_names`` copy, set while
        generating the communities) and the vocabulary of post tags."""
        names = sorted({name for plan in self.communities for name in plan.tags})
        ids = _insert_tags("communities_communitytag", names)
        rows = [(plan.id, ids[name]) for plan in self.communities for name in plan.tags]
        self._copy(
            "communities_taggedcommunity",
            ("id", "content_object_id", "tag_id"),
            ((i, *row) for i, row in enumerate(rows, start=1)),
            len(rows),
        )
        post_tags = sorted({w for language in ("de", "en") for w in self.text.words[language][10:160]})
        self.post_tag_ids = list(_insert_tags("communities_posttag", post_tags).values())

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
            self.names.append(display)
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
            tag_list = tuple(sorted(set(self.text.words_(language, rng.randint(1, 4)))))
            tags = ", ".join(tag_list)  # as ``communities.core.services`` writes ``tag_names``
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
            plan = CommunityPlan(c, language, visibility, policy, created, [], name=name, tags=tag_list)
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
        """Posts with their comments, reactions, mentions, tags and notifications, in chunks that
        go out through :class:`~bench.dataset.copy.ParallelCopy` while the next is generated.

        The hot loop works in whole seconds since ``self.start`` and writes timestamps as text
        (:class:`Clock`): converting datetimes cost more than generating the rows."""
        rng, text = self.rng, self.text
        rnd, pareto, expo = rng.random, rng.paretovariate, rng.expovariate
        n_posts = self.sizes.posts
        span = int((self.until - self.start).total_seconds())
        clock = Clock(self.start, span)
        community_cum = list(itertools.accumulate(len(p.active_members) ** 1.2 for p in self.communities))
        total_weight = community_cum[-1]
        notify_from = span - NOTIFICATION_DAYS * 86400
        notes = _Notifications(self, clock, read_before=span - 7 * 86400)
        post_tags = self.post_tag_ids
        handles, user_base = self.handles, self.user_base
        comments_scale = 1.55 * self.sizes.comments_per_post
        comment_id = reaction_id = mention_id = tagged_id = 0
        post_progress = Progress("posts", n_posts, self.stream)
        python_started = time.process_time()
        writer = ParallelCopy(workers=self.workers)
        with writer:
            for first in range(1, n_posts + 1, self.chunk):
                posts: list[tuple[Any, ...]] = []
                comments: list[tuple[Any, ...]] = []
                reactions: list[tuple[Any, ...]] = []
                mentions: list[tuple[Any, ...]] = []
                tagged: list[tuple[Any, ...]] = []
                notes.rows = []
                for post_id in range(first, min(first + self.chunk, n_posts + 1)):
                    # Activity grows over time: density rises linearly, so times follow sqrt.
                    created = int(math.sqrt((post_id - 1 + rnd()) / n_posts) * span)
                    created_ts = clock(created)
                    plan = self.communities[bisect.bisect_left(community_cum, rnd() * total_weight)]
                    members = plan.active_members
                    n_members = len(members)
                    author = members[int(rnd() * n_members)]
                    roll = rnd()
                    kind = "discussion" if roll < 0.75 else "question" if roll < 0.9 else "announcement"
                    title = text.title(plan.language)[:200]
                    paragraphs = text.paragraphs(plan.language, 1 + int(rnd() * 2))
                    roll = rnd()
                    status = "published" if roll < 0.98 else "pending" if roll < 0.99 else "hidden"
                    deleted = clock(created + 86400) if rnd() < 0.005 else None
                    # Notifications exist for the last NOTIFICATION_DAYS (older ones are gone).
                    note = (
                        (post_id, title, plan)
                        if status == "published" and deleted is None and created >= notify_from
                        else None
                    )
                    if rnd() < 0.01 and n_members > 1:
                        mentioned = members[int(rnd() * n_members)]
                        paragraphs[-1] += f" @{handles[mentioned - user_base - 1]}"
                        mention_id += 1
                        mentions.append((mention_id, created_ts, None, mentioned, post_id))
                        if note is not None:
                            notes.add(
                                note,
                                mentioned,
                                "post.mention",
                                f"post.mention:{post_id}",
                                author,
                                created,
                                {"in": "post"},
                            )
                    pinned = kind == "announcement" and rnd() < 0.05
                    edited = rnd() < 0.03
                    if rnd() < 0.15:
                        for tag in {post_tags[int(rnd() * len(post_tags))] for _ in range(1 + int(rnd() * 3))}:
                            tagged_id += 1
                            tagged.append((tagged_id, post_id, tag))
                    # Comments: a heavy tail (Pareto), mean about ``comments_per_post``.
                    n_comments = int(comments_scale * (pareto(2.0) - 1.0))
                    # Counters are exact by construction: every row they count is generated right here.
                    top_level: list[int] = []
                    comment_authors: dict[int, int] = {}
                    live_comments = 0
                    last_activity = created
                    for _ in range(n_comments):
                        comment_id += 1
                        at = min(created + int(expo(1 / 7200.0)), span)
                        at_ts = clock(at)
                        if at > last_activity:
                            last_activity = at
                        parent = top_level[int(rnd() * len(top_level))] if top_level and rnd() < 0.2 else None
                        if parent is None:
                            top_level.append(comment_id)
                        commenter = members[int(rnd() * n_members)]
                        comment_authors[comment_id] = commenter
                        body = text.sentence(plan.language)
                        mentioned = 0
                        if rnd() < 0.01:
                            mentioned = members[int(rnd() * n_members)]
                            body += f" @{handles[mentioned - user_base - 1]}"
                            mention_id += 1
                            mentions.append((mention_id, at_ts, comment_id, mentioned, post_id))
                        comment_deleted = rnd() < 0.01
                        live_comments += not comment_deleted
                        comment_kinds: dict[str, int] = {}
                        if rnd() < 0.1:
                            for user in {members[int(rnd() * n_members)] for _ in range(1 + int(rnd() * 3))}:
                                reaction_id += 1
                                reaction_kind = REACTION_KINDS[int(rnd() * len(REACTION_KINDS))]
                                comment_kinds[reaction_kind] = comment_kinds.get(reaction_kind, 0) + 1
                                reactions.append((reaction_id, reaction_kind, at_ts, comment_id, None, user))
                        comments.append(
                            (
                                comment_id,
                                body,
                                f"<p>{body}</p>",  # the vocabulary and handles need no escaping
                                "published",
                                at_ts,
                                None,
                                clock(at + 3600) if comment_deleted else None,
                                sum(comment_kinds.values()),
                                _json_counts(comment_kinds),
                                commenter,
                                parent,
                                post_id,
                            )
                        )
                        if note is not None and not comment_deleted:
                            notes.comment(
                                note, author, kind, comment_id, commenter, parent, comment_authors, mentioned, at
                            )
                    accepted = None
                    if kind == "question" and top_level and rnd() < 0.5:
                        accepted = top_level[int(rnd() * len(top_level))]
                    if accepted is not None and note is not None:
                        notes.add(
                            note,
                            comment_authors[accepted],
                            "answer.accepted",
                            f"answer.accepted:{accepted}",
                            author,
                            last_activity,
                            {},
                            comment=accepted,
                        )
                    n_reactions = min(n_members, int(2.0 * (pareto(1.8) - 1.0)))
                    post_kinds: dict[str, int] = {}
                    reactors = []
                    for user in {members[int(rnd() * n_members)] for _ in range(n_reactions)}:
                        reaction_id += 1
                        reaction_kind = REACTION_KINDS[int(rnd() * len(REACTION_KINDS))]
                        post_kinds[reaction_kind] = post_kinds.get(reaction_kind, 0) + 1
                        reactions.append((reaction_id, reaction_kind, created_ts, None, post_id, user))
                        if user != author:
                            reactors.append(user)
                    if reactors and note is not None:
                        # One batched row per post: it counts the people who reacted.
                        notes.add(
                            note,
                            author,
                            "post.reactions",
                            f"post.reactions:{post_id}",
                            reactors[-1],
                            created,
                            {},
                            count=len(reactors),
                            delivery="in_app",
                        )
                    posts.append(
                        (
                            post_id,
                            kind,
                            title,
                            "\n\n".join(paragraphs),
                            "".join([f"<p>{p}</p>" for p in paragraphs]),
                            " ".join(paragraphs),
                            status,
                            pinned,
                            created_ts if pinned else None,
                            rnd() < 0.005,
                            created_ts,
                            clock(created + 7200) if edited else None,
                            deleted,
                            clock(last_activity),
                            live_comments,
                            sum(post_kinds.values()),
                            _json_counts(post_kinds),
                            accepted,
                            author,
                            plan.id,
                            author if edited else None,
                        )
                    )
                writer.submit(
                    {
                        "communities_post": (POST_COLUMNS, posts),
                        "communities_comment": (COMMENT_COLUMNS, comments),
                        "communities_reaction": (REACTION_COLUMNS, reactions),
                        "communities_mention": (MENTION_COLUMNS, mentions),
                        "communities_taggedpost": (("id", "content_object_id", "tag_id"), tagged),
                        "notifications_notification": (NOTIFICATION_COLUMNS, notes.rows),
                    }
                )
                post_progress.add(len(posts))
        post_progress.finish()
        self.stream.write(
            f"posts: Python {time.process_time() - python_started:.1f}s CPU (with the COPY formatting), "
            f"server {writer.server_cpu:.1f}s CPU on {writer.workers} connections\n"
        )
        for table, count in writer.counts.items():
            self.counts[table] = self.counts.get(table, 0) + count


def _json_counts(counts: dict[str, int]) -> str:
    """``json.dumps`` of a small {kind: n} map, without its overhead (keys are fixed words)."""
    if not counts:
        return "{}"
    return "{" + ", ".join([f'"{kind}": {n}' for kind, n in counts.items()]) + "}"


class Clock:
    """Whole seconds since ``start`` as PostgreSQL timestamps ('2025-01-31 13:45:07+00'), from two
    lookup tables (the hour, then minute and second): formatting datetimes row by row cost more
    than generating the rows."""

    def __init__(self, start: dt.datetime, span: int) -> None:
        utc = start.astimezone(dt.UTC)
        self.offset = utc.minute * 60 + utc.second
        base = utc.replace(minute=0, second=0, microsecond=0)
        hours = (span + self.offset) // 3600 + 24 * 4  # slack for times after ``until`` (edits, reads)
        self.hours = [(base + dt.timedelta(hours=h)).strftime("%Y-%m-%d %H") for h in range(hours + 1)]
        self.rest = [f":{m:02d}:{s:02d}+00" for m in range(60) for s in range(60)]

    def __call__(self, seconds: int) -> str:
        seconds += self.offset
        return self.hours[seconds // 3600] + self.rest[seconds % 3600]


class _Notifications:
    """The notification rows the platform would have written for the generated events (as
    ``communities.core.notify`` does: mentions, comments and replies, answers, accepted answers and one
    batched reactions row per post; never to the actor themself)."""

    def __init__(self, generator: Generator, clock: Clock, *, read_before: int) -> None:
        self.g, self.clock, self.read_before = generator, clock, read_before
        self.rows: list[tuple[Any, ...]] = []
        self.next_id = 0

    def add(
        self,
        post: tuple[int, str, CommunityPlan],
        recipient: int,
        kind: str,
        event_key: str,
        actor: int,
        at: int,
        extra: dict[str, Any],
        *,
        comment: int | None = None,
        count: int = 1,
        delivery: str = "immediate",
    ) -> None:
        if recipient == actor:
            return
        post_id, title, plan = post
        g, clock = self.g, self.clock
        self.next_id += 1
        url = f"/posts/{post_id}/#comment-{comment}" if comment else f"/posts/{post_id}/"
        params = {"actor": g.names[actor - g.user_base - 1], "title": title, "community": plan.name, **extra}
        # Older ones are read; about half of the last week's are not.
        read = clock(at + 3 * 3600) if at < self.read_before or g.rng.random() < 0.5 else None
        self.rows.append(
            (
                self.next_id,
                recipient,
                kind,
                actor,
                event_key,
                f"community:{plan.id}",
                url,
                json.dumps(params, ensure_ascii=False),
                count,
                delivery,
                clock(at),
                read,
                clock(at + 60) if delivery != "in_app" else None,
            )
        )

    def comment(
        self,
        post: tuple[int, str, CommunityPlan],
        post_author: int,
        post_kind: str,
        comment_id: int,
        commenter: int,
        parent: int | None,
        authors: dict[int, int],
        mentioned: int,
        at: int,
    ) -> None:
        """The most specific kind per person: a mention beats a reply, a reply to one's comment
        beats a comment on one's post."""
        done = {commenter}
        if mentioned and mentioned not in done:
            self.add(
                post,
                mentioned,
                "post.mention",
                f"comment.mention:{comment_id}",
                commenter,
                at,
                {"in": "comment"},
                comment=comment_id,
            )
            done.add(mentioned)
        if parent is not None and authors[parent] not in done:
            self.add(
                post,
                authors[parent],
                "post.reply",
                f"comment.reply:{comment_id}",
                commenter,
                at,
                {"to": "comment"},
                comment=comment_id,
            )
            done.add(authors[parent])
        if post_author not in done:
            answer = post_kind == "question" and parent is None
            kind = "question.answer" if answer else "post.reply"
            self.add(post, post_author, kind, f"{kind}:{comment_id}", commenter, at, {"to": "post"}, comment=comment_id)


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
NOTIFICATION_COLUMNS = (
    "id",
    "recipient_id",
    "kind",
    "actor_id",
    "event_key",
    "scope",
    "url",
    "params",
    "count",
    "delivery",
    "created_at",
    "read_at",
    "emailed_at",
)
#: Notifications are generated for the events of the last days only (older ones are cleaned up).
NOTIFICATION_DAYS = 90


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
    "communities_taggedcommunity",
    "communities_taggedpost",
    "accounts_taggedskill",
    "accounts_follow",
    "notifications_notification",
)


class CannotClear(Exception):
    pass


#: Generated tables that also hold rows of people who are not generated: (table, user columns).
PEOPLE_TABLES = {
    "notifications_notification": ("recipient_id", "actor_id"),
    "accounts_follow": ("follower_id", "followee_id"),
    "accounts_taggedskill": ("content_object_id",),
}


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
                for table, columns in PEOPLE_TABLES.items():
                    touches = " OR ".join(f"{column} IN ({generated})" for column in columns)
                    cursor.execute(
                        f"SELECT EXISTS (SELECT 1 FROM {table} WHERE NOT ({touches}))",  # noqa: S608
                        [pattern] * len(columns),
                    )
                    row = cursor.fetchone()
                    if row and row[0]:  # rows of other people stay
                        cursor.execute(f"DELETE FROM {table} WHERE {touches}", [pattern] * len(columns))  # noqa: S608
                    else:
                        cursor.execute(f"TRUNCATE {table}")
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
