"""The lifecycle tests build their communities with the console's builders (one set of helpers)."""

from tests.communities.console.conftest import category, staff

__all__ = ["category", "staff"]
