"""Coordinator authoring in a real browser: a question bank with a topic and a question
(first refused for a missing correct answer), then an exam drawing from the topic."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from intranet.core.models import AuditEntry
from tests.browser.conftest import sign_in
from tests.factories import UserFactory
from training.models import Exam, Question

pytestmark = pytest.mark.django_db(transaction=True)


def _shot(page: Page, screenshots_dir: Path, name: str) -> None:
    page.screenshot(path=str(screenshots_dir / f"journey-authoring-{name}.png"), full_page=True)


def test_coordinator_builds_a_bank_and_an_exam(browser, live_server, screenshots_dir):
    base = live_server.url
    coordinator = UserFactory.create(is_staff=True, display_name="Cora Coordinator", email="cora@corp.example")
    page = sign_in(browser, base, coordinator).page

    page.goto(f"{base}/training/manage/banks/")
    expect(page.locator("#no-banks")).to_be_visible()
    page.locator("#bank-create").click()
    page.get_by_label("Title").fill("Moderation basics")
    page.get_by_role("button", name="Save question bank").click()
    page.locator("#topic-create").click()
    page.get_by_label("Name").fill("Handling conflict")
    page.get_by_role("button", name="Save topic").click()
    page.get_by_role("link", name="Add question").click()
    page.locator("#id_text").fill("A member insults another. What do you do first?")
    page.locator("#id_choices-0-text").fill("Ignore it")
    page.locator("#id_choices-1-text").fill("Step in calmly and point to the guidelines")
    page.get_by_role("button", name="Save question").click()
    expect(page.locator("#choice-errors")).to_contain_text("needs exactly one correct answer")
    _shot(page, screenshots_dir, "question-error")
    page.locator("#id_choices-1-is_correct").check()
    page.get_by_role("button", name="Save question").click()
    expect(page.locator(".question-row")).to_have_count(1)
    _shot(page, screenshots_dir, "bank")

    page.goto(f"{base}/training/manage/exams/new/")
    page.get_by_label("Title").fill("Moderation exam")
    page.locator("#id_rules-0-topic").select_option(label="Moderation basics: Handling conflict")
    page.locator("#id_rules-0-count").fill("2")
    page.get_by_role("button", name="Save exam").click()
    expect(page.locator("#id_rules-0-count + .invalid-feedback, .rule-row .invalid-feedback").first).to_contain_text(
        "only 1 question in use"
    )
    page.locator("#id_rules-0-count").fill("1")
    page.get_by_role("button", name="Save exam").click()
    expect(page.locator(".alert-success, .toast, [role=status]").first).to_contain_text("The exam was saved")
    _shot(page, screenshots_dir, "exam")
    page.set_viewport_size({"width": 390, "height": 844})
    _shot(page, screenshots_dir, "exam-390")

    exam = Exam.objects.get()
    assert list(exam.rules.values_list("count", flat=True)) == [1]
    assert Question.objects.get().choices.filter(is_correct=True).count() == 1
    assert AuditEntry.objects.filter(action__startswith="training.").count() == 4
