from __future__ import annotations

import pytest

from intranet.cms.demo import PageTree, ensure_page_tree


@pytest.fixture
def page_tree(db) -> PageTree:
    return ensure_page_tree()
