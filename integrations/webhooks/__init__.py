"""Outgoing webhooks (issue 22): subscriptions, signed deliveries with retries, SSRF protection."""
