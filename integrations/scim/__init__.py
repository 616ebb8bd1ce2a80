"""SCIM 2.0 provisioning (RFC 7643/7644) at ``/scim/v2/``: identity providers create, update,
deactivate and delete people, and keep organisational units (groups) in step."""
