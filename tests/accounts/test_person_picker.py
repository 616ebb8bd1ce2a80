"""The person picker: its options endpoint, its selectors and its form field and widget."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from intranet.accounts.forms import PersonField, PersonPicker
from intranet.accounts.models import User
from intranet.accounts.selectors import user_list_for_picker, users_for_choice
from intranet.accounts.text import query_forms, search_name_for
from intranet.core.viewer import Viewer
from tests.factories import UserFactory
from tests.support.queries import assert_constant_queries, pin_queries

make_user = cast("Callable[..., User]", UserFactory)

pytestmark = pytest.mark.django_db

URL = reverse("accounts:person_options")


@pytest.fixture
def me(db):
    return make_user(display_name="Jürgen Selbst", handle="juergen.selbst")


@pytest.fixture
def me_client(client, me):
    client.force_login(me)
    return client


@pytest.fixture
def juergens(db):
    return {
        "umlaut": make_user(display_name="Jürgen Groß", handle="juergen.gross"),
        "ue": make_user(display_name="Juergen Weber", handle="juergen.weber"),
        "u": make_user(display_name="Jurgen Klein", handle="jurgen.klein"),
        "gone": make_user(display_name="Jürgen Gegangen", handle="juergen.gegangen", is_active=False),
        "other": make_user(display_name="Anna Schmidt", handle="anna.schmidt"),
    }


def _handles(html: str) -> set[str]:
    return {part.split('"', 1)[0] for part in html.split('data-handle="')[1:]}


def test_query_forms_add_the_german_spelling_of_umlauts():
    assert query_forms("Jür") == ["jur", "juer"]
    assert query_forms("jue") == ["jue"]
    assert query_forms("  ") == []


@pytest.mark.parametrize("query", ["Jür", "Juer", "Jur", "jürgen", "Jurgen", "Juergen", "Jürgn"])
def test_picker_finds_an_umlaut_name_however_it_is_typed(me, juergens, query):
    found = {p.handle for p in user_list_for_picker(viewer=Viewer(me), query=query, exclude_ids=[me.pk])}
    assert "juergen.gross" in found
    assert "juergen.gegangen" not in found  # deactivated people never show
    assert "anna.schmidt" not in found and me.handle not in found


def test_an_umlaut_query_finds_both_spellings_of_the_name():
    jue, ju = make_user(display_name="Juergen Weber"), make_user(display_name="Jurgen Klein")
    viewer = Viewer(make_user(display_name="Someone Else"))
    assert {p.pk for p in user_list_for_picker(viewer=viewer, query="Jür")} >= {jue.pk, ju.pk}


def test_picker_tolerates_a_typo_and_matches_handles(me, juergens):
    viewer = Viewer(me)
    assert [p.handle for p in user_list_for_picker(viewer=viewer, query="Anna Schmit")] == ["anna.schmidt"]
    assert [p.handle for p in user_list_for_picker(viewer=viewer, query=" @anna.schmidt")] == ["anna.schmidt"]


def test_picker_search_over_everyone_stays_on_indexes(me):
    # As in the directory's test: enough people for PostgreSQL to prefer a sequential scan.
    surnames = ["Müller", *(f"Nachname{n:02d}" for n in range(39))]
    User.objects.bulk_create(
        User(
            email=f"p{i}@example.com",
            display_name=f"Person {i} {surnames[i % 40]}",
            handle=f"p{i}",
            search_name=search_name_for(f"Person {i} {surnames[i % 40]}"),
        )
        for i in range(4000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE accounts_user")
    with CaptureQueriesContext(connection) as ctx:
        found = user_list_for_picker(viewer=Viewer(me), query="Mül")
    assert len(found) == 8
    tune, people = ctx.captured_queries[0]["sql"], ctx.captured_queries[1]["sql"]
    with connection.cursor() as cursor:
        cursor.execute(tune)
        cursor.execute(f"EXPLAIN {people}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Bitmap Index Scan on user_search_name_trgm" in plan, plan
    assert "Seq Scan on accounts_user" not in plan, plan


def test_picker_asks_nothing_for_a_blank_query(me):
    with pin_queries(0):
        assert user_list_for_picker(viewer=Viewer(me), query="  ") == []


def test_options_endpoint_lists_people_as_a_listbox(me_client, me, juergens):
    response = me_client.get(URL, {"q": "Jür"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="listbox"' in html and 'role="option"' in html
    assert 'data-name="Jürgen Groß"' in html
    assert {"juergen.gross", "juergen.weber", "jurgen.klein", me.handle} <= _handles(html)
    assert "juergen.gegangen" not in html
    assert "private" in response["Cache-Control"]
    without_me = me_client.get(URL, {"q": "Jür", "self": "0"}).content.decode()
    assert me.handle not in _handles(without_me)
    assert "Nobody found" in me_client.get(URL, {"q": "zzzzqqq"}).content.decode()
    assert "Nobody found" not in me_client.get(URL, {"q": ""}).content.decode()


def test_options_endpoint_needs_a_signed_in_person(client, juergens):
    response = client.get(URL, {"q": "Jür"})
    assert response.status_code == 302 and "juergen" not in response.content.decode()


def test_options_endpoint_refuses_other_methods(me_client):
    assert me_client.post(URL, {"q": "Jür"}).status_code == 405


def test_options_endpoint_query_count_does_not_grow_with_people(me_client):
    added: list[User] = []

    def add_rows(n):
        added.extend(make_user(display_name=f"Frida Fünfer {len(added) + i}") for i in range(n))

    def action():
        html = me_client.get(URL, {"q": "Frida Fünfer"}).content.decode()
        assert {p.handle for p in added} <= _handles(html)

    # The signed-in user, the search settings, the people with their profiles.
    assert_constant_queries(add_rows=add_rows, action=action, small=1, large=6, expected=3)


def test_users_for_choice_resolves_handles_and_addresses_in_one_query(me, juergens):
    viewer = Viewer(me)
    with pin_queries(1):
        people, missing = users_for_choice(
            viewer=viewer, tokens=["@juergen.gross", "ANNA.SCHMIDT", juergens["ue"].email.upper(), "ghost"]
        )
    assert [p.handle for p in people] == ["juergen.gross", "anna.schmidt", "juergen.weber"]
    assert missing == ["ghost"]
    people, missing = users_for_choice(viewer=viewer, tokens=["juergen.gegangen"])
    assert people == [] and missing == ["juergen.gegangen"]
    with pin_queries(0):
        assert users_for_choice(viewer=viewer, tokens=[" ", "@"]) == ([], [])


class _OneForm(forms.Form):
    person = PersonField(label="Person")


class _ManyForm(forms.Form):
    people = PersonField(label="People", multiple=True, required=False)


def test_person_field_cleans_to_tokens():
    one = _OneForm({"person": " @anna.schmidt "})
    assert one.is_valid() and one.cleaned_data["person"] == "anna.schmidt"
    many = _ManyForm({"people": "@anna.schmidt, juergen.gross\njuergen.gross; x@example.com"})
    assert many.is_valid()
    assert many.cleaned_data["people"] == ["anna.schmidt", "juergen.gross", "x@example.com"]
    assert not _OneForm({"person": ""}).is_valid()
    too_long = _ManyForm({"people": "a," * 1500})
    assert not too_long.is_valid() and "too long" in str(too_long.errors["people"])


def test_person_picker_renders_a_plain_input_the_script_enhances():
    widget = PersonPicker(multiple=True, include_self=False, people=[("anna.schmidt", "Anna Schmidt")])
    html = widget.render("trainers", "anna.schmidt", attrs={"id": "id_trainers"})
    assert 'type="text"' in html and 'name="trainers"' in html and 'value="anna.schmidt"' in html
    assert "data-person-picker" in html and f'data-options-url="{URL}"' in html
    assert 'data-multiple="1"' in html and 'data-self="0"' in html
    assert "Anna Schmidt" in html  # the chosen people, as chips
