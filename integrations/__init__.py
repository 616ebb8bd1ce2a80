"""Integrations: the REST API, outgoing webhooks and SCIM provisioning (the top layer)."""
