"""Integrations with other systems: the REST API, outgoing webhooks and SCIM provisioning.

The layer above the domain apps: each sub-app uses the domain's services, selectors and access
rules (communities through ``communities.api``) and no domain app imports it.
"""
