"""The German words issue 18 found wrong, checked where people read them: pages and notifications."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from communities.core import services
from communities.core.notices import NOTIFY_KIND
from communities.lifecycle.notify import HANDOVER
from intranet.messaging.models import MAX_BODY_LENGTH
from intranet.messaging.services import conversation_start
from intranet.notifications.kinds import render_message
from tests.communities.factories import CategoryFactory, add_person, write_post
from tests.factories import UserFactory

GERMAN = {"HTTP_ACCEPT_LANGUAGE": "de"}


@pytest.fixture
def community(db):
    return services.community_create(actor=UserFactory.create(), name="Solarfreunde", category=CategoryFactory.create())


def test_moderation_notice_gives_the_reason_in_german():
    params = {"what": "post_hidden", "title": "Grillfest", "reason": "Werbung"}

    with translation.override("de"):
        german = render_message(NOTIFY_KIND, params, 1)
    with translation.override("en"):
        english = render_message(NOTIFY_KIND, params, 1)

    assert german == "Die Moderation hat Ihren Beitrag „Grillfest“ ausgeblendet. Begründung: Werbung"
    assert english == "A moderator hid your post “Grillfest”. Reason: Werbung"


def test_moderation_notice_without_reason_has_no_reason_label():
    with translation.override("de"):
        text = render_message(NOTIFY_KIND, {"what": "post_restored", "title": "Grillfest"}, 1)

    assert text == "Ihr Beitrag „Grillfest“ ist wieder sichtbar." and "Begründung" not in text


@pytest.mark.parametrize("automatic", [False, True])
def test_handover_notification_says_inhaber(automatic):
    with translation.override("de"):
        text = render_message(HANDOVER, {"actor": "Ana", "community": "Solarfreunde", "automatic": automatic}, 1)

    assert "Sie sind jetzt Inhaber" in text and "Eigentümer" not in text


def test_community_page_is_about_the_community_not_a_person(client, community):
    client.force_login(add_person(community))

    html = client.get(
        reverse("communities:community_detail", kwargs={"slug": community.slug}), **GERMAN
    ).content.decode()

    assert ">Über die Community</h2>" in html and "Zur Person" not in html


def test_profile_page_keeps_zur_person(client, db):
    person = UserFactory.create()
    client.force_login(UserFactory.create())

    html = client.get(reverse("accounts:profile_detail", kwargs={"handle": person.handle}), **GERMAN).content.decode()

    assert ">Zur Person</h2>" in html and "Über die Community" not in html


def test_report_button_reads_melden(client, community):
    post = write_post(add_person(community), community)
    client.force_login(add_person(community))

    html = client.get(post.get_absolute_url(), **GERMAN).content.decode()

    button = html[html.index('id="post-report"') :]
    assert button[: button.index("</a>")].rstrip().endswith("Melden")


def test_length_limit_is_written_with_german_digit_grouping(db):
    sender, recipient = UserFactory.create(), UserFactory.create()
    with translation.override("de"), pytest.raises(ValidationError) as refused:
        conversation_start(actor=sender, recipients=[recipient], body="x" * (MAX_BODY_LENGTH + 1))

    assert refused.value.message_dict["body"] == ["Eine Nachricht darf höchstens 10.000 Zeichen lang sein."]
