"""Websocket URL routes of every app (the shell may import domain apps here only)."""

from django.urls import path

from intranet.core.consumers import LiveConsumer

websocket_urlpatterns = [
    # One socket per browser tab; what it receives is chosen by topic subscriptions.
    path("ws/", LiveConsumer.as_asgi()),
]
