"""Demo organisations and guests from outside (idempotent); run by :mod:`meetups.demo`."""

from __future__ import annotations

from .models import ExternalPerson, Organisation

ORGANISATIONS = [
    ("Intranet AG", "home", "https://intranet.example", "Stuttgart", "Our own company."),
    ("Technische Hochschule Nord", "external", "https://th-nord.example", "Hamburg", "University of applied sciences."),
    ("Datenwerk GmbH", "external", "https://datenwerk.example", "München", "Data consultancy and partner."),
    ("Open Source Verein Berlin", "external", "https://osv-berlin.example", "Berlin", "Non-profit open-source club."),
]

PEOPLE = [
    (
        "Prof. Dr. Jana Krüger",
        "Technische Hochschule Nord",
        "Professor of computer science",
        "j.krueger@th-nord.example",
    ),
    ("Mehmet Aydin", "Datenwerk GmbH", "Lead data engineer", "m.aydin@datenwerk.example"),
    ("Sophie Laurent", "Open Source Verein Berlin", "Chair", ""),
]


def seed() -> tuple[dict[str, Organisation], dict[str, ExternalPerson]]:
    """Create the demo organisations and guests; return them by name."""
    orgs: dict[str, Organisation] = {}
    for name, kind, website, city, description in ORGANISATIONS:
        orgs[name], _ = Organisation.objects.get_or_create(
            name=name, defaults={"kind": kind, "website": website, "city": city, "description": description}
        )
    guests: dict[str, ExternalPerson] = {}
    for name, org_name, role, email in PEOPLE:
        guests[name], _ = ExternalPerson.objects.get_or_create(
            name=name, defaults={"organisation": orgs[org_name], "role": role, "email": email}
        )
    return orgs, guests
