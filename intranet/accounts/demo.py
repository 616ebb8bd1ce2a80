"""Demo people for local trials and screenshots (called by the ``seed_demo`` command).

Idempotent: people are looked up by e-mail and left alone when they already exist.
"""

from __future__ import annotations

from typing import TextIO

from django.db import transaction

from .models import User
from .services import follow_create, profile_update, user_create

DEMO_DOMAIN = "demo.intranet.test"
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - published demo credential, never used in production

# (local part, display name, job title, department, location, languages, skills, bio)
PEOPLE: list[tuple[str, str, str, str, str, list[str], list[str], str]] = [
    (
        "anna.mueller",
        "Anna Müller",
        "Software Engineer",
        "IT",
        "Stuttgart",
        ["German", "English"],
        ["Python", "Django", "Testing"],
        "I build internal tools and run the Python community.\nAsk me about testing.",
    ),
    (
        "juergen.gross",
        "Jürgen Groß",
        "Community Manager",
        "Communications",
        "München",
        ["German", "English"],
        ["Community management", "Moderation", "Storytelling"],
        "Coordinator of the community managers' network.",
    ),
    (
        "zoe.martin",
        "Zoë Martin",
        "UX Designer",
        "Design",
        "Paris",
        ["French", "English"],
        ["User research", "Accessibility", "Figma"],
        "Making our tools usable for everyone.",
    ),
    (
        "francois.dubois",
        "François Dubois",
        "Production Planner",
        "Production",
        "Sindelfingen",
        ["French", "German"],
        ["Lean", "Logistics", "SAP"],
        "Planning the assembly line, one takt at a time.",
    ),
    (
        "bjoern.astroem",
        "Björn Åström",
        "Battery Engineer",
        "Research & Development",
        "Göteborg",
        ["Swedish", "English", "German"],
        ["Batteries", "Electrochemistry"],
        "Cells, modules and packs.",
    ),
    (
        "lukasz.wisniewski",
        "Łukasz Wiśniewski",
        "Data Scientist",
        "IT",
        "Kraków",
        ["Polish", "English"],
        ["Python", "Machine learning", "Statistics"],
        "Forecasting demand with too many notebooks.",
    ),
    (
        "soeren.kjaergaard",
        "Søren Kjærgaard",
        "Quality Engineer",
        "Quality",
        "Bremen",
        ["Danish", "German", "English"],
        ["Six Sigma", "Root cause analysis"],
        "If it can fail, I have probably seen it fail.",
    ),
    (
        "jose.garcia",
        "José García",
        "Sales Manager",
        "Sales",
        "Barcelona",
        ["Spanish", "Catalan", "English"],
        ["Negotiation", "Fleet sales"],
        "Fleet customers across southern Europe.",
    ),
    (
        "nuria.puig",
        "Núria Puig",
        "Marketing Specialist",
        "Marketing",
        "Barcelona",
        ["Catalan", "Spanish", "English"],
        ["Social media", "Storytelling", "Photography"],
        "Telling our stories on every channel.",
    ),
    (
        "chloe.lefevre",
        "Chloé Lefèvre",
        "HR Business Partner",
        "Human Resources",
        "Paris",
        ["French", "English"],
        ["Coaching", "Recruiting"],
        "Helping teams grow.",
    ),
    (
        "oemer.yilmaz",
        "Ömer Yılmaz",  # noqa: RUF001 - the Turkish dotless i is intended
        "Test Driver",
        "Research & Development",
        "Sindelfingen",
        ["Turkish", "German"],
        ["Vehicle testing", "Photography"],
        "Winter tests in the north, summer tests in the south.",
    ),
    (
        "ayse.kaya",
        "Ayşe Kaya",
        "Controller",
        "Finance",
        "Stuttgart",
        ["Turkish", "German", "English"],
        ["Controlling", "Excel", "SAP"],
        "Numbers tell stories too.",
    ),
    (
        "renee.schaefer",
        "Renée Schäfer",
        "Trainer",
        "Human Resources",
        "Stuttgart",
        ["German", "French"],
        ["Coaching", "Facilitation", "Community management"],
        "I run the trainings for new community managers.",
    ),
    (
        "hans.mueller",
        "Hans Müller",
        "Plant Manager",
        "Production",
        "Bremen",
        ["German"],
        ["Lean", "Leadership"],
        "Thirty years on the shop floor.",
    ),
    (
        "katharina.weiss",
        "Katharina Weiß",
        "Legal Counsel",
        "Legal",
        "Berlin",
        ["German", "English"],
        ["Data protection", "Contracts"],
        "Data protection questions welcome.",
    ),
    (
        "stefan.schneider",
        "Stefan Schneider",
        "IT Architect",
        "IT",
        "Berlin",
        ["German", "English"],
        ["Kubernetes", "PostgreSQL", "Python"],
        "Keeping the platform running.",
    ),
    (
        "sabine.baecker",
        "Sabine Bäcker",
        "Assistant to the Board",
        "Management",
        "Stuttgart",
        ["German", "English"],
        ["Event planning", "Organisation"],
        "Organising the unorganisable.",
    ),
    (
        "guenther.koehler",
        "Günther Köhler",
        "Toolmaker",
        "Production",
        "Sindelfingen",
        ["German"],
        ["CNC machining", "Cycling"],
        "Apprentice trainer and weekend cyclist.",
    ),
    (
        "maximilian.hoffmann",
        "Maximilian Hoffmann",
        "Product Owner",
        "IT",
        "München",
        ["German", "English"],
        ["Scrum", "Product management"],
        "Owner of the intranet backlog.",
    ),
    (
        "lena.fischer",
        "Lena Fischer",
        "Sustainability Manager",
        "Strategy",
        "Berlin",
        ["German", "English", "Spanish"],
        ["Sustainability", "Reporting"],
        "Working towards a carbon-neutral fleet.",
    ),
    (
        "mehmet.oeztuerk",
        "Mehmet Öztürk",
        "Logistics Coordinator",
        "Logistics",
        "Bremen",
        ["Turkish", "German"],
        ["Logistics", "SAP", "Football"],
        "Parts in, cars out.",
    ),
    (
        "dorothee.blanc",
        "Dorothée Blanc",
        "Communications Officer",
        "Communications",
        "Paris",
        ["French", "English"],
        ["Writing", "Storytelling"],
        "Editor of the internal newsletter.",
    ),
    (
        "matteo.rossi",
        "Matteo Rossi",
        "Design Engineer",
        "Design",
        "Torino",
        ["Italian", "English"],
        ["CAD", "Industrial design"],
        "Shapes and surfaces.",
    ),
    (
        "giulia.bianchi",
        "Giulia Bianchi",
        "Purchasing Agent",
        "Purchasing",
        "Torino",
        ["Italian", "English", "German"],
        ["Negotiation", "Supplier management"],
        "Finding the right suppliers.",
    ),
    (
        "nikolaj.oedegaard",
        "Nikolaj Ødegård",
        "Security Analyst",
        "IT",
        "Oslo",
        ["Norwegian", "English"],
        ["IT security", "Incident response"],
        "Please report phishing mails to me.",
    ),
    (
        "elif.sahin",
        "Elif Şahin",
        "Apprentice Mechatronics",
        "Production",
        "Stuttgart",
        ["Turkish", "German"],
        ["Mechatronics", "Robotics"],
        "Second-year apprentice.",
    ),
    (
        "tomas.obriain",
        "Tomás Ó Briain",
        "Customer Service Lead",
        "Sales",
        "Dublin",
        ["Irish", "English"],
        ["Customer service", "Coaching"],
        "The voice of our customers.",
    ),
    (
        "marta.nowak",
        "Marta Nowak",
        "Software Tester",
        "IT",
        "Kraków",
        ["Polish", "English", "German"],
        ["Testing", "Accessibility", "Python"],
        "Breaking things so customers don't.",
    ),
    (
        "fatima.elamrani",
        "Fatima El Amrani",
        "Researcher",
        "Research & Development",
        "Stuttgart",
        ["Arabic", "French", "German"],
        ["Hydrogen", "Materials science"],
        "Fuel cells and materials.",
    ),
]

FOLLOWS = [
    ("anna.mueller", "juergen.gross"),
    ("anna.mueller", "marta.nowak"),
    ("juergen.gross", "renee.schaefer"),
    ("zoe.martin", "anna.mueller"),
    ("marta.nowak", "anna.mueller"),
    ("lukasz.wisniewski", "anna.mueller"),
]


def seed(*, stdout: TextIO) -> None:
    """Create the demo people (including ``admin@`` as superuser) unless they already exist."""
    created = 0
    by_local: dict[str, User] = {}
    with transaction.atomic():
        _admin, was_created = _get_or_create(
            email=f"admin@{DEMO_DOMAIN}", display_name="Platform Admin", superuser=True
        )
        created += was_created
        for local, name, title, department, location, languages, skills, bio in PEOPLE:
            user, was_created = _get_or_create(email=f"{local}@{DEMO_DOMAIN}", display_name=name)
            by_local[local] = user
            if was_created:
                created += 1
                profile_update(
                    actor=user,
                    user=user,
                    job_title=title,
                    department=department,
                    location=location,
                    languages=languages,
                    skills=skills,
                    bio=bio,
                )
        for follower, followee in FOLLOWS:
            follow_create(actor=by_local[follower], followee=by_local[followee])
    stdout.write(f"accounts: {created} demo people created, {len(PEOPLE) + 1 - created} already there.\n")


def _get_or_create(*, email: str, display_name: str, superuser: bool = False) -> tuple[User, bool]:
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        return existing, False
    user = user_create(
        email=email,
        password=DEMO_PASSWORD,
        display_name=display_name,
        is_staff=superuser,
        is_superuser=superuser,
        language=User.Language.ENGLISH if superuser else User.Language.GERMAN,
    )
    return user, True
