"""Demo meetups: organisations, guests from outside, series with dates, answers (idempotent).

Called by ``manage.py seed_demo`` (autodiscovered); needs the demo people of the accounts demo.
Each feature seeds its own rows; this module only runs them in order.
"""

from __future__ import annotations

from intranet.accounts.models import User
from meetups.events import demo as events_demo
from meetups.organisations import demo as organisations_demo

DEMO_EMAIL_DOMAIN = "@demo.intranet.test"


def seed(*, stdout: events_demo.Output) -> None:
    """Create the demo organisations, guests, series, dates and answers (idempotent)."""
    people = list(User.objects.filter(email__endswith=DEMO_EMAIL_DOMAIN, is_active=True).order_by("pk"))
    if not people:
        stdout.write("meetups: no demo people (…@demo.intranet.test) found, so no meetups were created.")
        return
    organisations, guests = organisations_demo.seed()
    events_demo.seed(stdout=stdout, people=people, organisations=organisations, guests=guests)
