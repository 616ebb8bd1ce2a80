from __future__ import annotations

import ast
from pathlib import Path

import pytest

from intranet.core.viewer import Viewer
from intranet.search import registry
from intranet.search.registry import ResultPage, SearchProvider

SHELL_SEARCH = Path(registry.__file__).parent


class _Meetups:
    key = "meetups"
    label = "Meetups"
    template_name = "search/_test_result.html"
    position = 99

    def __init__(self) -> None:
        self.calls: list[str] = []

    def count(self, viewer: Viewer, query: str, *, cap: int) -> int:
        self.calls.append(f"count:{query}:{cap}")
        return 2

    def results(self, viewer: Viewer, query: str, *, cursor: str | None, limit: int) -> ResultPage:
        self.calls.append(f"results:{query}:{cursor}:{limit}")
        return ResultPage(items=["first meetup", "second meetup"], next_cursor=None)


@pytest.fixture
def meetups():
    provider = _Meetups()
    registry.register(provider)
    yield provider
    registry.unregister(provider.key)


def test_apps_register_their_providers_in_tab_order():
    providers = registry.providers()

    assert [p.key for p in providers] == ["posts", "communities", "people"]
    assert all(isinstance(p, SearchProvider) for p in providers)


def test_a_new_app_plugs_in_a_tab_without_touching_the_shell(client, user, meetups, settings, tmp_path):
    (tmp_path / "search").mkdir()
    (tmp_path / "search" / "_test_result.html").write_text('<p class="meetup">{{ item }}</p>')
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    client.force_login(user)

    html = client.get("/search/", {"q": "Stammtisch", "type": "meetups"}).content.decode()

    assert 'data-type="meetups"' in html
    assert '<p class="meetup">first meetup</p>' in html
    assert meetups.calls == ["count:Stammtisch:1000", "results:Stammtisch:None:20"]


def test_keys_must_be_plain_identifiers():
    bad = _Meetups()
    bad.key = "meet ups"

    with pytest.raises(ValueError):
        registry.register(bad)


def test_the_search_shell_imports_no_domain_app():
    domain = {"communities", "training", "meetups"}
    for path in SHELL_SEARCH.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert name.split(".")[0] not in domain, f"{path.name} imports {name}"
