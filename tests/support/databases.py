"""The database URL a child process (a Celery worker, a server) needs to reach this test's database.

Built from the run's ``DATABASE_URL`` with ``urlsplit``, only the database name replaced, so every
form the settings accept keeps working: a TCP host, a percent-encoded Unix-socket directory (the
embedded PostgreSQL of ``make test``), query options such as ``sslmode``. Rebuilding it from
``connection.settings_dict`` as ``host:port`` broke the socket form (issue 17, item 13).
"""

from __future__ import annotations

import os
from urllib.parse import quote, urlsplit, urlunsplit

from django.conf import settings
from django.db import connection


def database_url(name: str | None = None) -> str:
    """This run's ``DATABASE_URL`` pointing at ``name`` (default: the test database in use)."""
    base = os.environ.get("DATABASE_URL") or settings.ENV.database_url
    if not base:
        raise RuntimeError("DATABASE_URL is not set")
    name = name or str(connection.settings_dict["NAME"])
    return urlunsplit(urlsplit(base)._replace(path="/" + quote(name, safe="")))
