"""Websocket URL routes of every app (the shell may import domain apps here only)."""

from django.urls import path

from intranet.core.consumers import PingConsumer

websocket_urlpatterns = [
    path("ws/ping/", PingConsumer.as_asgi()),
]
