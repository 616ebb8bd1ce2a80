"""E-mail: immediate messages and daily/weekly digests in the recipient's language, unsubscribe
links that work without signing in, and idempotent sending."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone, translation

from communities.core import notify as kinds
from communities.models import Membership, Post
from intranet.notifications import emails
from intranet.notifications.jobs import digest_send_task, notification_email_sweep_task
from intranet.notifications.kinds import get_kind
from intranet.notifications.models import Notification, Preference
from tests.factories import UserFactory
from tests.notifications.conftest import add_person, write_post

pytestmark = pytest.mark.django_db

SITE = settings.SITE_URL


def unsubscribe_path(text: str) -> str:
    match = re.search(re.escape(SITE) + r"(/notifications/unsubscribe/[^/\s]+/)", text)
    assert match, text
    return match.group(1)


def announce(owner, community, run_on_commit, title="Big news"):
    return run_on_commit(lambda: write_post(owner, community, title=title, kind=Post.Kind.ANNOUNCEMENT))


@pytest.mark.parametrize(
    ("language", "subject", "greeting", "footer"),
    [
        ("en", "[Intranet] Announcement in Solar Garden: “Big news”", "Hello Mia Member,", "Stop these e-mails:"),
        ("de", "[Intranet] Ankündigung in Solar Garden: „Big news“", "Hallo Mia Member,", "Diese E-Mails abbestellen:"),
    ],
)
def test_immediate_email_in_the_recipients_language(
    owner, community, member, run_on_commit, mailoutbox, language, subject, greeting, footer
):
    member.language = language
    member.save(update_fields=["language"])
    post = announce(owner, community, run_on_commit)
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [member.email] and mail.subject == subject
    assert greeting in mail.body and footer in mail.body
    assert f"{SITE}{post.get_absolute_url()}" in mail.body
    html = mail.alternatives[0][0]
    assert f'href="{SITE}{post.get_absolute_url()}"' in html and f'lang="{language}"' in html
    assert mail.extra_headers["List-Unsubscribe"] == f"<{SITE}{unsubscribe_path(mail.body)}>"
    assert mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert Notification.objects.get(recipient=member).emailed_at is not None
    # Idempotent: nothing is mailed twice, by the task or by the safety sweep.
    assert emails.send_immediate([n.pk for n in Notification.objects.all()]) == 0
    assert notification_email_sweep_task.delay().get() == 0
    assert len(mailoutbox) == 1


def test_empty_language_means_the_site_language(owner, community, member, run_on_commit, mailoutbox, settings):
    settings.LANGUAGE_CODE = "de"
    assert member.language == ""
    announce(owner, community, run_on_commit)
    assert mailoutbox[0].subject.startswith("[Intranet] Ankündigung in Solar Garden")


def test_in_app_and_read_notifications_send_no_mail(owner, community, member, run_on_commit, mailoutbox):
    Preference.objects.create(user=member, kind=kinds.ANNOUNCEMENT, delivery="in_app")
    reader = add_person(community)
    announce(owner, community, run_on_commit)
    assert [m.to for m in mailoutbox] == [[reader.email]]
    # A row read before its e-mail went out is stamped without a mail.
    Notification.objects.update(emailed_at=None, read_at=timezone.now(), delivery="immediate")
    assert emails.send_immediate(None) == 0 and len(mailoutbox) == 1
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def make_digest_rows(user, delivery, n, *, start=0, kind=kinds.NEW_POST, read=False):
    for i in range(start, start + n):
        Notification.objects.create(
            recipient=user,
            kind=kind,
            event_key=f"{kind}:{i}",
            url=f"/posts/{i}/",
            params={"actor": "Anna", "title": f"Post {i}", "community": "Solar"},
            delivery=delivery,
            read_at=timezone.now() if read else None,
        )


@pytest.mark.parametrize(
    ("language", "delivery", "subject", "intro", "line"),
    [
        ("en", "daily", "[Intranet] Your daily summary: 2 new notifications",
         "Here is what happened since yesterday:", "* Anna posted “Post 0” in Solar"),
        ("de", "daily", "[Intranet] Ihre tägliche Zusammenfassung: 2 neue Benachrichtigungen",
         "Das ist seit gestern passiert:", "* Anna hat „Post 0“ in Solar veröffentlicht"),
        ("en", "weekly", "[Intranet] Your weekly summary: 2 new notifications",
         "Here is what happened this week:", "* Anna posted “Post 0” in Solar"),
        ("de", "weekly", "[Intranet] Ihre wöchentliche Zusammenfassung: 2 neue Benachrichtigungen",
         "Das ist diese Woche passiert:", "* Anna hat „Post 0“ in Solar veröffentlicht"),
    ],
)  # fmt: skip
def test_digest_in_the_recipients_language(mailoutbox, language, delivery, subject, intro, line):
    person = UserFactory.create(language=language, display_name="Pia")
    other = UserFactory.create()
    make_digest_rows(person, delivery, 2)
    make_digest_rows(person, delivery, 1, start=10, read=True)  # read in the app: not listed
    make_digest_rows(person, "weekly" if delivery == "daily" else "daily", 1, start=20)  # the other digest
    make_digest_rows(other, "immediate", 1, start=30)
    assert digest_send_task.delay(delivery).get() == 1
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.subject == subject and mail.to == [person.email]
    assert intro in mail.body and line in mail.body and "Post 10" not in mail.body and "Post 20" not in mail.body
    assert f"{SITE}/posts/0/" in mail.body
    assert "List-Unsubscribe" in mail.extra_headers
    html = mail.alternatives[0][0]
    assert f'href="{SITE}/posts/1/"' in html
    # Everything of this digest is stamped, the read row too; the rest waits.
    assert not Notification.objects.filter(delivery=delivery, emailed_at__isnull=True).exists()
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 2
    assert digest_send_task.delay(delivery).get() == 0 and len(mailoutbox) == 1


def test_digest_lists_kinds_with_their_own_unsubscribe_links(mailoutbox):
    person = UserFactory.create()
    make_digest_rows(person, "daily", 2)
    make_digest_rows(person, "daily", 1, start=5, kind=kinds.REACTIONS)
    assert emails.send_digests("daily") == 1
    mail = mailoutbox[0]
    assert "== New posts in communities I follow closely ==" in mail.body and "== Reactions to my posts ==" in mail.body
    links = set(re.findall(re.escape(SITE) + r"/notifications/unsubscribe/([^/\s]+)/", mail.body))
    assert sorted(emails.read_unsubscribe_token(token)[1] for token in links) == [[kinds.NEW_POST], [kinds.REACTIONS]]
    header = re.search(r"/unsubscribe/([^/]+)/>$", mail.extra_headers["List-Unsubscribe"])
    assert header and emails.read_unsubscribe_token(header.group(1)) == (person.pk, [kinds.NEW_POST, kinds.REACTIONS])


def test_nothing_unread_means_no_digest(mailoutbox):
    person = UserFactory.create()
    make_digest_rows(person, "daily", 2, read=True)
    assert emails.send_digests("daily") == 0 and mailoutbox == []
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


@pytest.mark.parametrize(
    ("language", "question", "label", "done"),
    [
        ("en", "Stop these e-mails?", "Announcements in my communities", "Done: you will no longer get these e-mails."),
        ("de", "Diese E-Mails abbestellen?", "Ankündigungen in meinen Communities",
         "Erledigt: Sie erhalten diese E-Mails nicht mehr."),
    ],
)  # fmt: skip
def test_unsubscribe_link_from_the_mail_works_without_sign_in(
    owner, community, member, run_on_commit, mailoutbox, language, question, label, done
):
    member.language = language
    member.save(update_fields=["language"])
    announce(owner, community, run_on_commit)
    path = unsubscribe_path(mailoutbox[0].body)
    anonymous = Client(headers={"accept-language": language})
    page = anonymous.get(path)
    assert page.status_code == 200
    html = page.content.decode()
    assert question in html and label in html
    assert not Preference.objects.exists()  # GET changes nothing
    response = anonymous.post(path)
    assert response.status_code == 200 and done in response.content.decode()
    assert list(Preference.objects.values_list("user_id", "kind", "scope", "delivery")) == [
        (member.pk, kinds.ANNOUNCEMENT, "", "in_app")
    ]
    announce(owner, community, run_on_commit, title="Second")
    assert len(mailoutbox) == 1  # still notified in the app, no more mail
    assert Notification.objects.filter(recipient=member).count() == 2


def test_one_click_unsubscribe_needs_no_csrf_token_and_stops_waiting_digests(mailoutbox):
    person = UserFactory.create()
    make_digest_rows(person, "daily", 2)
    scope = "community:1"
    Preference.objects.create(user=person, kind=kinds.NEW_POST, scope=scope, delivery="weekly")
    token = emails.unsubscribe_token(person.pk, [kinds.NEW_POST])
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"/notifications/unsubscribe/{token}/", {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert set(Preference.objects.values_list("scope", "delivery")) == {("", "in_app"), (scope, "in_app")}
    assert emails.send_digests("daily") == 0 and mailoutbox == []


@pytest.mark.parametrize("case", ["tampered", "other_salt", "inactive", "unknown_kind"])
def test_bad_unsubscribe_links_are_refused(client, case):
    from django.core import signing

    person = UserFactory.create()
    token = {
        "tampered": emails.unsubscribe_token(person.pk, [kinds.NEW_POST])[:-3] + "abc",
        "other_salt": signing.dumps({"u": person.pk, "k": [kinds.NEW_POST]}, salt="something.else"),
        "inactive": emails.unsubscribe_token(UserFactory.create(is_active=False).pk, [kinds.NEW_POST]),
        "unknown_kind": emails.unsubscribe_token(person.pk, ["no.such.kind"]),
    }[case]
    for response in (
        client.get(f"/notifications/unsubscribe/{token}/"),
        client.post(f"/notifications/unsubscribe/{token}/"),
    ):
        assert response.status_code == 400 and "This link is not valid." in response.content.decode()
    assert not Preference.objects.exists()


def test_unsubscribe_page_names_the_setting_but_not_the_address(client):
    person = UserFactory.create(email="private.person@corp.example")
    token = emails.unsubscribe_token(person.pk, [kinds.NEW_POST])
    for response in (
        client.get(f"/notifications/unsubscribe/{token}/"),
        client.post(f"/notifications/unsubscribe/{token}/"),
    ):
        html = response.content.decode()
        assert response.status_code == 200 and "private.person" not in html
        assert "email" not in response.context and person.display_name not in html
        assert str(get_kind(kinds.NEW_POST).label) in html  # type: ignore[union-attr]


def test_unsubscribe_links_expire_after_sixty_days(client):
    person = UserFactory.create()
    with time_machine.travel(timezone.now() - emails.UNSUBSCRIBE_MAX_AGE + dt.timedelta(hours=1)):
        fresh = emails.unsubscribe_token(person.pk, [kinds.NEW_POST])
    with time_machine.travel(timezone.now() - emails.UNSUBSCRIBE_MAX_AGE - dt.timedelta(hours=1)):
        old = emails.unsubscribe_token(person.pk, [kinds.NEW_POST])
    assert dt.timedelta(days=60) == emails.UNSUBSCRIBE_MAX_AGE
    assert client.get(f"/notifications/unsubscribe/{fresh}/").status_code == 200
    for response in (
        client.get(f"/notifications/unsubscribe/{old}/"),
        client.post(f"/notifications/unsubscribe/{old}/"),
    ):
        html = response.content.decode()
        assert response.status_code == 410 and "This link has expired." in html
        assert "/accounts/login/?next=/notifications/preferences/" in html.replace("%2F", "/")
    with translation.override("en"):  # the request activates German; give the next tests English back
        german = Client(headers={"accept-language": "de"}).get(f"/notifications/unsubscribe/{old}/").content.decode()
    assert "Dieser Link ist abgelaufen." in german and "gelten 60 Tage" in german
    assert not Preference.objects.exists()


def test_membership_request_mail_goes_to_managers(owner, run_on_commit, mailoutbox):
    from communities.core import services
    from communities.models import Community

    community = services.community_create(actor=owner, name="Club", join_policy=Community.JoinPolicy.REQUEST)
    add_person(community, role=Membership.Role.MODERATOR)
    asker = UserFactory.create(display_name="Ari")
    run_on_commit(lambda: services.membership_request(actor=asker, community=community))
    assert [(m.to, m.subject) for m in mailoutbox] == [([owner.email], "[Intranet] Ari asks to join Club")]
    assert f"{SITE}/communities/{community.slug}/members/#pending-requests" in mailoutbox[0].body
