"""The autouse guard of tests/conftest.py: project errors fail a test unless it expects them."""

from __future__ import annotations

import logging
import threading

import pytest

from tests.support.error_logs import ErrorLogGuard


def _log_in_a_thread(name: str, message: str) -> None:
    thread = threading.Thread(target=lambda: logging.getLogger(name).error(message))
    thread.start()
    thread.join()


# These tests log errors on purpose; the marker keeps the autouse guard around them quiet.
@pytest.mark.expect_error_logs
def test_an_unannounced_error_of_project_code_is_reported_from_any_thread() -> None:
    with ErrorLogGuard() as guard:
        logging.getLogger("training.onboarding.services").error("offer failed")
        _log_in_a_thread("communities.lifecycle", "handover failed")
        logging.getLogger("intranet.core").warning("only a warning")
        logging.getLogger("celery.worker").error("not ours")
    unexpected = guard.unexpected(expected=False)
    assert [(r.name, r.getMessage()) for r in unexpected] == [
        ("training.onboarding.services", "offer failed"),
        ("communities.lifecycle", "handover failed"),
    ]
    assert "offer failed" in guard.report(unexpected)
    # The guard is gone once left: later records are not collected.
    logging.getLogger("meetups").error("after the test")
    assert len(guard.records) == 2


@pytest.mark.expect_error_logs
def test_a_marked_test_may_log_all_errors_or_only_the_named_ones() -> None:
    with ErrorLogGuard() as guard:
        logging.getLogger("meetups.events").critical("calendar feed broke")
        logging.getLogger("intranet.core.consumers").error("realtime topic check failed")
    assert guard.unexpected(expected=True) == []
    only_named = guard.unexpected(expected=True, texts=("realtime topic check",))
    assert [r.getMessage() for r in only_named] == ["calendar feed broke"]
