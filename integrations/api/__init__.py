"""The REST API at ``/api/v1/`` and the personal access tokens that reach it."""
