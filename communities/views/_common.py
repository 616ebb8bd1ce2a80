"""Emptied: the communities views import their request helpers from :mod:`intranet.core.web`."""
