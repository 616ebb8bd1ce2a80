"""Two managers saving at the same moment on the same version: one wins, the other gets a conflict,
no version number is used twice and nothing is lost silently (real threads, real row locks)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from communities.canvas.services import CanvasConflict, canvas_save
from communities.models import CanvasVersion, CommunityCanvas
from intranet.accounts.models import User
from intranet.core.viewer import Viewer
from tests.communities.canvas.helpers import make_community, make_manager, save


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("base", [0, 1])
def test_simultaneous_saves_on_the_same_base(base):
    community = make_community()
    anna, ben = make_manager(community), make_manager(community)
    if base:
        save(anna, community, {"purpose": "Start"}, base=0)
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def run(name: str, user: User) -> None:
        try:
            barrier.wait(timeout=10)
            canvas_save(actor=Viewer(user), community=community, answers={"purpose": f"By {name}"}, base_version=base)
            outcomes[name] = "saved"
        except CanvasConflict:
            outcomes[name] = "conflict"
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(name, user)) for name, user in (("anna", anna), ("ben", ben))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == ["conflict", "saved"]
    winner = next(name for name, outcome in outcomes.items() if outcome == "saved")
    assert list(
        CanvasVersion.objects.filter(canvas_id=community.pk).order_by("number").values_list("number", flat=True)
    ) == list(range(1, base + 2))
    assert CommunityCanvas.objects.get(pk=community.pk).answers == {"purpose": f"By {winner}"}
