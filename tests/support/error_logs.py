"""Errors logged by project code fail the test that caused them, unless it says it expects them.

``tests/conftest.py`` wraps every test in an :class:`ErrorLogGuard`. A test that provokes such a log
on purpose is marked ``@pytest.mark.expect_error_logs`` (any message) or
``@pytest.mark.expect_error_logs("text", ...)`` (only messages containing one of the texts).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from types import TracebackType

#: Loggers of the project's packages; their children propagate to them.
PROJECT_LOGGERS = ("intranet", "communities", "training", "meetups", "bench")


class ErrorLogGuard(logging.Handler):
    """Collects ERROR and CRITICAL records of the project loggers while it is entered.

    The handler sits on the package loggers themselves, so records from other threads (the live
    server, channels' database threads) count too; a subprocess's logs do not.
    """

    def __init__(self, loggers: Sequence[str] = PROJECT_LOGGERS) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []
        self._loggers = [logging.getLogger(name) for name in loggers]

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def __enter__(self) -> ErrorLogGuard:
        for logger in self._loggers:
            logger.addHandler(self)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        for logger in self._loggers:
            logger.removeHandler(self)

    def unexpected(self, *, expected: bool, texts: Sequence[str] = ()) -> list[logging.LogRecord]:
        """The records a test did not announce: all of them when ``expected`` is false; when it is
        true, those that contain none of ``texts`` (none at all if ``texts`` is empty)."""
        if not expected:
            return list(self.records)
        if not texts:
            return []
        return [record for record in self.records if not any(text in record.getMessage() for text in texts)]

    def report(self, records: Sequence[logging.LogRecord]) -> str:
        lines = [f"  {record.name} {record.levelname}: {record.getMessage()}" for record in records]
        return (
            "project code logged an error this test does not expect "
            "(mark the test expect_error_logs if it provokes it on purpose):\n" + "\n".join(lines)
        )
