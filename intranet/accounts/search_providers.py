"""People on the site search page, through the directory's own selector (same matching rules)."""

from __future__ import annotations

from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _

from intranet.core.viewer import Viewer
from intranet.search.registry import ResultPage, register

from .models import User
from .permissions import visible_users
from .selectors import _NAME_SEARCH_SETTINGS, MAX_QUERY_LENGTH, NAME_MATCH_THRESHOLD, user_list_for_directory
from .text import normalise_query


class PeopleSearchProvider:
    key = "people"
    label = _("People")
    template_name = "search/_person_result.html"
    position = 30

    def count(self, viewer: Viewer, query: str, *, cap: int) -> int:
        """Active people whose name matches like in the directory (typo- and accent-tolerant)."""
        term = normalise_query(query)[:MAX_QUERY_LENGTH]
        if not term or not viewer.is_authenticated:
            return 0
        qs = visible_users(viewer, User.objects.all()).filter(search_name__trigram_word_similar=term)
        # The same transaction-local match threshold and plan settings as the directory's list,
        # so the count and the list agree.
        with transaction.atomic(savepoint=False):
            with connection.cursor() as sql:
                sql.execute(_NAME_SEARCH_SETTINGS, [str(NAME_MATCH_THRESHOLD)])
            return qs.order_by().values("pk")[: cap + 1].count()

    def results(self, viewer: Viewer, query: str, *, cursor: str | None, limit: int) -> ResultPage:
        if not normalise_query(query) or not viewer.is_authenticated:
            return ResultPage()  # the directory would list everyone
        page = user_list_for_directory(viewer=viewer, query=query, cursor=cursor, page_size=limit)
        return ResultPage(items=page.items, next_cursor=page.next_cursor)


def register_providers() -> None:
    register(PeopleSearchProvider())
