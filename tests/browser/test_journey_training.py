"""The journey of issue #7 in a real browser: a community manager enrols in a live session, takes
and passes an exam, receives a certificate once a coordinator marks attendance, and the coordinator
promotes them to the next career level (which lets them mark their community as official)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from communities.core.permissions import can_set_official
from communities.models import Community, Membership
from intranet.core.models import AuditEntry
from intranet.core.viewer import Viewer
from tests.browser.conftest import sign_in
from tests.communities.factories import CommunityFactory, MembershipFactory
from tests.factories import UserFactory
from tests.training.factories import ProgrammeFactory, SessionFactory, StepFactory
from tests.training.qualification_helpers import make_exam
from training.levels.services import level_save, level_set
from training.models import Certificate, Level, LevelRight, Step, UserLevel

pytestmark = pytest.mark.django_db(transaction=True)


def _shot(page: Page, screenshots_dir: Path, name: str) -> None:
    page.screenshot(path=str(screenshots_dir / f"journey-training-{name}.png"), full_page=True)


def test_enrol_pass_exam_get_certificate_and_promotion(browser, live_server, screenshots_dir):
    base = live_server.url
    coordinator = UserFactory.create(is_staff=True, display_name="Cora Coordinator", email="cora@corp.example")
    manager = UserFactory.create(display_name="Mika Manager", email="mika@corp.example", handle="mika.manager")
    community = CommunityFactory.create(name="Welding Guild", slug="welding-guild")
    membership = MembershipFactory.create(user=manager, community=community, role=Membership.Role.OWNER)
    Membership.objects.filter(pk=membership.pk).update(created_at=timezone.now() - dt.timedelta(days=240))

    programme = ProgrammeFactory.create(title="Community Management Basics", validity_months=24)
    session_step = StepFactory.create(programme=programme, position=1, kind=Step.Kind.SESSION, title="Kick-off")
    exam_step = StepFactory.create(programme=programme, position=2, kind=Step.Kind.EXAM, title="Final exam")
    session = SessionFactory.create(
        programme=programme,
        step=session_step,
        title="Kick-off workshop",
        starts_at=timezone.now() + dt.timedelta(minutes=30),
    )
    make_exam(single=2, step=exam_step, title="Basics exam", pass_mark_percent=50, time_limit_minutes=20)
    first = level_save(actor=coordinator, level=Level(name_en="Community Manager", rank=1))
    senior = level_save(
        actor=coordinator,
        level=Level(
            name_en="Senior Community Manager",
            rank=2,
            min_manager_months=6,
            description_en="Runs communities that matter to the whole company.",
        ),
        rights=[LevelRight.CREATE_OFFICIAL_COMMUNITIES, LevelRight.MENTOR_OTHERS],
    )
    senior.required_programmes.add(programme)
    level_set(actor=coordinator, user=manager, level=first)

    mika = sign_in(browser, base, manager)
    page = mika.page

    # 1. Enrol in the programme and book a seat in the live session.
    page.goto(f"{base}/training/programmes/{programme.pk}/")
    page.locator("form[action$='/enrol/'] button[type=submit]").first.click()
    page.goto(f"{base}/training/sessions/{session.pk}/")
    page.locator("#book-seat").click()
    expect(page.locator("#cancel-booking")).to_be_visible()
    _shot(page, screenshots_dir, "1-session-booked")

    # 2. Take the exam from the programme step and pass it.
    page.goto(f"{base}/training/programmes/{programme.pk}/steps/{exam_step.pk}/")
    page.locator("#exam-step-info a").click()
    expect(page.locator("#exam-rules")).to_be_visible()
    _shot(page, screenshots_dir, "2-exam-page")
    page.locator("#start-attempt").click()
    expect(page.locator("#attempt-deadline")).to_be_visible()
    expect(page.locator("[data-countdown]")).to_have_text(re.compile(r"^1[89]:\d\d$"))  # the live countdown
    assert "correct" not in page.content().lower().replace("correct horse", "")
    page.get_by_label("Right 0").check()
    page.get_by_label("Right 1").check()
    _shot(page, screenshots_dir, "3-attempt")
    page.locator("#submit-attempt").click()
    expect(page.locator("#attempt-result")).to_contain_text("Passed")
    _shot(page, screenshots_dir, "4-review")
    assert not Certificate.objects.filter(user=manager).exists()  # the session is still missing

    # 3. The coordinator marks attendance; the certificate follows.
    cora = sign_in(browser, base, coordinator)
    cpage = cora.page
    cpage.goto(f"{base}/training/manage/sessions/{session.pk}/")
    cpage.locator("#attendance-form select").first.select_option("present")
    cpage.locator("#mark-attendance").click()
    expect(cpage.locator("#attendance-form select").first).to_have_value("present")
    _shot(cpage, screenshots_dir, "5-attendance")
    certificate = Certificate.objects.get(user=manager, programme=programme)

    page.goto(f"{base}/people/{manager.handle}/")
    expect(page.locator("#profile-certificates")).to_contain_text("Community Management Basics")
    expect(page.locator("#profile-level")).to_contain_text("Community Manager")
    _shot(page, screenshots_dir, "6-profile-certificate")
    page.goto(f"{base}/training/certificates/{certificate.code}/")
    expect(page.locator("main")).to_contain_text("Mika Manager")
    # The printed certificate names what Mika actually did: the attended session and the passed exam.
    page.goto(f"{base}/training/certificates/{certificate.code}/print/")
    steps = page.locator("#certificate-steps li")
    expect(steps).to_have_count(2)
    expect(steps.nth(0)).to_contain_text("Live session attended: Kick-off")
    expect(steps.nth(1)).to_contain_text("Exam passed: Final exam")
    _shot(page, screenshots_dir, "6b-certificate-print")

    # 4. The coordinator checks the requirements and promotes Mika to the next level.
    cpage.goto(f"{base}/training/levels/people/{manager.handle}/")
    expect(cpage.locator(f"section[data-level='{senior.pk}'] [data-met='no']")).to_have_count(0)
    cpage.locator("#id_level").select_option(str(senior.pk))
    cpage.locator("#level-change-submit").click()
    expect(cpage.locator("#current-level")).to_contain_text("Senior Community Manager")
    _shot(cpage, screenshots_dir, "7-promoted")
    assert UserLevel.objects.get(user=manager).level_id == senior.pk
    assert AuditEntry.objects.filter(action="training.level_promoted", scope=f"user:{manager.pk}").count() == 2

    # The level's right reaches the communities app: Mika may now mark the guild as official.
    assert can_set_official(Viewer(type(manager).objects.get(pk=manager.pk)), Community.objects.get(pk=community.pk))
    page.goto(f"{base}/people/{manager.handle}/")
    expect(page.locator("#profile-level")).to_contain_text("Senior Community Manager")
    page.goto(f"{base}/training/levels/")
    expect(page.locator("#my-level")).to_contain_text("Senior Community Manager")
    _shot(page, screenshots_dir, "8-levels")
    page.set_viewport_size({"width": 390, "height": 844})
    _shot(page, screenshots_dir, "9-levels-mobile")
    mika.context.close()
    cora.context.close()


def test_peer_learning_circle_join_start_and_check_in(browser, live_server, screenshots_dir):
    from tests.training.qualification_helpers import make_plan
    from training.circles.services import circle_create, circle_join
    from training.models import CheckIn, Circle

    base = live_server.url
    people = UserFactory.create_batch(3)
    newcomer = UserFactory.create(display_name="Nora Newcomer", email="nora@corp.example")
    circle = circle_create(
        actor=people[0], name="Harbour managers", plan=make_plan(weeks=12), description="Weekly, Tuesdays 8:30."
    )
    for person in people[1:]:
        circle = circle_join(actor=person, circle=circle)

    nora = sign_in(browser, base, newcomer)
    page = nora.page
    page.goto(f"{base}/training/circles/")
    expect(page.locator("#open-circles")).to_contain_text("Harbour managers")
    _shot(page, screenshots_dir, "c1-circle-list")
    page.locator("#open-circles a", has_text="Harbour managers").click()
    page.locator("#join-circle").click()
    expect(page.locator("#member-list")).to_contain_text("Nora Newcomer")
    page.locator("#start-circle").click()
    expect(page.locator("#circle-state")).to_contain_text("Running")
    page.locator("#id_checkin").fill("I tried the first kata and wrote down my goal.")
    page.locator("#checkin-form button[type=submit]").click()
    expect(page.locator("#checkin-list")).to_contain_text("I tried the first kata")
    _shot(page, screenshots_dir, "c2-circle-week")
    page.set_viewport_size({"width": 390, "height": 844})
    _shot(page, screenshots_dir, "c3-circle-week-mobile")
    assert Circle.objects.get(pk=circle.pk).state == Circle.State.RUNNING
    assert CheckIn.objects.filter(circle=circle, user=newcomer, week=1).exists()
    nora.context.close()


def test_free_text_grading_and_level_application(browser, live_server, screenshots_dir):
    from tests.training.qualification_helpers import correct_answers, make_grader
    from training.exams.services import attempt_start, attempt_submit
    from training.models import Attempt

    base = live_server.url
    coordinator = UserFactory.create(is_staff=True, display_name="Cora Coordinator", email="cora2@corp.example")
    learner = UserFactory.create(display_name="Lars Learner", email="lars@corp.example")
    grader = make_grader()
    exam = make_exam(single=1, free_text=1, title="Moderation exam", pass_mark_percent=75)
    attempt = attempt_start(actor=learner, exam=exam)
    attempt_submit(actor=learner, attempt=attempt, answers=correct_answers(attempt, text="I would calm things down."))
    level = level_save(actor=coordinator, level=Level(name_en="Community Manager", rank=1))

    # A trainer grades the free-text answer from the queue.
    trainer = sign_in(browser, base, grader)
    tpage = trainer.page
    tpage.goto(f"{base}/training/grading/")
    _shot(tpage, screenshots_dir, "g1-grading-queue")
    tpage.locator("#grading-list a").first.click()
    tpage.locator("#id_points").fill("7")
    tpage.locator("#grade-form button[type=submit]").click()
    expect(tpage.locator("#grade-error")).to_be_visible()
    _shot(tpage, screenshots_dir, "g2-grade-error")
    tpage.locator("#id_points").fill("1")
    tpage.locator("#id_feedback").fill("Good de-escalation. Mention the community rules next time.")
    tpage.locator("#grade-form button[type=submit]").click()
    expect(tpage.locator("#grading-empty")).to_be_visible()
    assert Attempt.objects.get(pk=attempt.pk).state == Attempt.State.PASSED

    # The learner reads the feedback and applies for a level.
    lars = sign_in(browser, base, learner)
    page = lars.page
    page.goto(f"{base}/training/attempts/{attempt.pk}/review/")
    expect(page.locator("main")).to_contain_text("Good de-escalation")
    _shot(page, screenshots_dir, "g3-review-feedback")
    page.goto(f"{base}/training/levels/{level.pk}/apply/")
    page.locator("#level-apply-form button[type=submit]").click()
    expect(page.locator("#apply-error")).to_be_visible()
    page.locator("#id_evidence_text").fill("I run the welding guild and answer every question within a day.")
    page.locator("#id_evidence_links").fill("https://intranet.example/c/welding-guild/")
    page.locator("#level-apply-form button[type=submit]").click()
    expect(page.locator("#my-applications")).to_contain_text("Submitted")
    _shot(page, screenshots_dir, "g4-applied")

    # The coordinator approves the application.
    cora = sign_in(browser, base, coordinator)
    cpage = cora.page
    cpage.goto(f"{base}/training/levels/applications/")
    _shot(cpage, screenshots_dir, "g5-application-queue")
    cpage.locator("#application-list a").first.click()
    cpage.locator("#id_note").fill("Welcome to level 1.")
    cpage.locator("#approve").click()
    expect(cpage.locator("#applications-empty")).to_be_visible()
    assert UserLevel.objects.get(user=learner).level_id == level.pk
    for signed_in in (trainer, lars, cora):
        signed_in.context.close()
