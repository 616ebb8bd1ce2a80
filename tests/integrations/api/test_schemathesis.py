"""Schemathesis against the live OpenAPI schema: every operation, a bounded number of generated
requests each (valid and invalid), with a write token; no 5xx, and every answer matches the schema
(status codes, content types, bodies, headers)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.communities.factories import CommunityFactory, MembershipFactory, write_post
from tests.integrations.api.conftest import make_token

#: Generated requests per operation: enough to hit every parameter's edges, small enough that the
#: whole run stays near a minute on two shared cores.
EXAMPLES = 8


@pytest.fixture
def api_schema(transactional_db: Any) -> Iterator[Any]:
    # Requests run in autocommit as in production, not inside one test transaction: a service that
    # opens ``atomic(savepoint=False)`` (the name search) and fails would otherwise poison the
    # transaction every later generated request runs in.
    # The WSGI handler closes the database connection after each request, as in production; the
    # test's transaction lives on that connection, so keep it open (as Django's test client does).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(user: Any) -> str:
    community = CommunityFactory.create(slug="fuzz")
    MembershipFactory.create(user=user, community=community, role="owner")
    write_post(user, community, title="Fuzzed", body="Some text")
    return make_token(user)


def test_every_operation_conforms(api_schema: Any, bearer: str) -> None:
    # schemathesis' pytest plugin (from_fixture) does not run under pytest 9 yet, so the operations
    # are walked here, each with its own bounded Hypothesis run.
    headers = {"Authorization": f"Bearer {bearer}"}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    calls: list[int] = []
    failures: list[str] = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
        def run(case: Any) -> None:
            calls.append(1)
            # Every built-in check but "schema-valid data is accepted": the services refuse valid
            # shapes for domain reasons (an unknown category, a forged cursor, joining twice) with
            # a 400/422 problem, as the pages show a form error.
            case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

        try:
            run()
        except Exception as error:  # collect every operation's failure, then fail once
            failures.append(f"{operation.label}: {error}")
    sys.stdout.write(f"schemathesis: {len(operations)} operations, {len(calls)} generated requests\n")
    assert len(operations) >= 15
    assert not failures, "\n\n".join(failures)
