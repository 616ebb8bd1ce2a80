"""The request helpers of the communities views (they live in :mod:`intranet.core.web`)."""

from intranet.core.web import apply_errors, is_htmx, viewer_of

__all__ = ["apply_errors", "is_htmx", "viewer_of"]
