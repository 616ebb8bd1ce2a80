"""Read-your-writes with a real streaming replica (issue 21, items 3 and 4): with replay paused on
the replica the author still sees the new post at once (their requests read the primary for a few
seconds after they wrote), others see it once replay resumes."""

from __future__ import annotations

import time
import uuid
from typing import Any

from intranet.core.dbrouter import PIN_COOKIE

from .client import Browser, post_id, record


def test_the_author_sees_the_post_at_once_others_after_replay_resumes(topology: Any, seed: dict[str, Any]):
    author, reader = Browser(topology), Browser(topology)
    assert author.login(seed["people"]["author"]["email"], seed["password"]).status_code == 302
    assert reader.login(seed["people"]["reader"]["email"], seed["password"]).status_code == 302
    # The reader wrote nothing since (the pin after signing in has run out).
    reader.drop_cookie(PIN_COOKIE)
    title = f"Lagging {uuid.uuid4().hex[:8]}"

    topology.psql("SELECT pg_wal_replay_pause()", which="replica")
    try:
        created = author.create_post(seed["community"]["slug"], title)
        assert created.status_code == 302, created.text[:500]
        assert PIN_COOKIE in author.session.cookies
        new = post_id(created)
        # Both web processes, round robin: the author reads the primary on each.
        for _ in range(2):
            assert author.get(f"/posts/{new}/").status_code == 200
            assert title in author.get(f"/communities/{seed['community']['slug']}/posts/").text
        # The replica has not replayed the post: others do not see it yet (and both processes
        # send them to the replica).
        for _ in range(2):
            assert reader.get(f"/posts/{new}/").status_code == 404
            assert title not in reader.get(f"/communities/{seed['community']['slug']}/posts/").text
        lag = topology.psql(
            "SELECT pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())", which="replica"
        )
        assert float(lag) > 0
    finally:
        topology.psql("SELECT pg_wal_replay_resume()", which="replica")

    resumed = time.monotonic()
    while time.monotonic() - resumed < 10:
        if reader.get(f"/posts/{new}/").status_code == 200:
            break
        time.sleep(0.05)
    seen = time.monotonic() - resumed
    assert reader.get(f"/posts/{new}/").status_code == 200
    assert title in reader.get(f"/communities/{seed['community']['slug']}/posts/").text
    record("read_your_writes", replica_behind_bytes=float(lag), reader_saw_it_after_resume_s=round(seen, 2))
