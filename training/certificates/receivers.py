"""Certificates react to programme progress: a completed step may complete the programme."""

from __future__ import annotations

from intranet.core.outbox import TRANSACTION, Event, subscriber
from training.programmes.events import STEP_COMPLETED
from training.programmes.models import Enrolment

from .services import certificate_issue_if_complete


@subscriber(STEP_COMPLETED, name="training.certificates.issue_if_complete", when=TRANSACTION)
def on_step_completed(event: Event) -> None:
    """Issue the certificate in the transaction that completed the step (the enrolment row is
    locked there): the certificate exists exactly when the last required step is done."""
    enrolment = Enrolment.objects.select_related("programme").filter(pk=event["enrolment_id"]).first()
    if enrolment is not None:
        certificate_issue_if_complete(enrolment=enrolment)
