"""gunicorn settings of the ``web`` process (HTTP; see deploy/README.md).

    gunicorn intranet.wsgi:application -c deploy/gunicorn.conf.py

Every view is synchronous (the ORM, templates, the psycopg pool), so HTTP runs under WSGI: a
request goes through the middleware and the view on one thread, with no hop between an event
loop and a worker thread (under ASGI each sync view costs a thread handover and Django runs them
one at a time per process). Websockets are served by the ``realtime`` process (uvicorn, ASGI).

Environment: ``PORT`` (8000), ``WEB_WORKERS`` (2 per core), ``WEB_THREADS`` (4 per worker),
``FORWARDED_ALLOW_IPS`` (the load balancer's addresses; ``*`` only when nothing else can reach
the process).
"""

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_WORKERS", 2 * (os.cpu_count() or 1)))
# Threads let a worker answer while another request waits on PostgreSQL or Redis; the GIL makes
# more than a few per worker pointless for CPU-bound rendering.
threads = int(os.environ.get("WEB_THREADS", 4))
worker_class = "gthread" if threads > 1 else "sync"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Long enough for the streamed CSV exports of the coordinator console.
timeout = 120
graceful_timeout = 30
keepalive = 5
# WEB_MAX_REQUESTS > 0 replaces a worker after that many requests (with 10 % jitter, so they do
# not all restart at once), should a leak ever make the workers grow. Off by default: a new worker
# imports the whole project again (about 1.5 s of CPU).
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", 0))
max_requests_jitter = max_requests // 10
# Each worker imports the application itself: nothing (the psycopg pool, Redis clients) is
# created before the fork and shared by accident.
preload_app = False
accesslog = None


def post_worker_init(worker: object) -> None:
    """Warm a new worker before it accepts requests: Django imports the URL configuration (every
    app's views) and compiles templates on first use, which made the first request of each worker
    take about a second; and it caches content types per process, so a fresh worker's first home
    page needed two more SQL queries (the CMS sections) than every later one."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType
    from django.template.loader import get_template
    from django.urls import get_resolver

    ContentType.objects.get_for_models(*apps.get_models())  # one query fills the per-process cache

    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 - imports every urls module and view
    resolver.reverse_dict  # noqa: B018 - builds the lookup table of reverse()
    for name in ("base.html", "communities/posts/feed.html", "communities/posts/_post_card.html"):
        get_template(name)
