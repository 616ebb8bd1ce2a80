"""The API's operations, one module per resource; :mod:`integrations.api.v1` mounts them."""
