"""Demo people for trials: created once, with the documented logins."""

from __future__ import annotations

import io

import pytest

from intranet.accounts import demo
from intranet.accounts.models import Follow, Profile, User
from intranet.accounts.selectors import user_list_for_directory
from intranet.core.viewer import Viewer

pytestmark = pytest.mark.django_db


def test_seed_creates_demo_people_once():
    out = io.StringIO()
    demo.seed(stdout=out)
    people = User.objects.filter(email__endswith="@demo.intranet.test")
    assert people.count() == len(demo.PEOPLE) + 1 >= 30
    assert Profile.objects.filter(user__in=people).count() == people.count()

    anna = User.objects.get(email="anna.mueller@demo.intranet.test")
    assert anna.display_name == "Anna Müller" and not anna.is_staff
    assert anna.check_password("demo-password-2026")
    assert anna.profile.department == "IT" and "Python" in anna.profile.skills.names()
    admin = User.objects.get(email="admin@demo.intranet.test")
    assert admin.is_staff and admin.is_superuser and admin.check_password("demo-password-2026")
    follows = Follow.objects.count()
    assert follows == len(demo.FOLLOWS)

    demo.seed(stdout=out)
    assert people.count() == len(demo.PEOPLE) + 1
    assert Follow.objects.count() == follows
    assert "0 demo people created" in out.getvalue()


def test_demo_people_are_found_by_ascii_search():
    demo.seed(stdout=io.StringIO())
    viewer = Viewer(User.objects.get(email="admin@demo.intranet.test"))
    for query, name in [
        ("Juergen Gross", "Jürgen Groß"),
        ("Zoe", "Zoë Martin"),
        ("Francois", "François Dubois"),
        ("Bjoern Astroem", "Björn Åström"),
        ("Lukasz", "Łukasz Wiśniewski"),
    ]:
        found = [p.display_name for p in user_list_for_directory(viewer=viewer, query=query)]
        assert found[0] == name, (query, found)
