#!/bin/sh
# Entrypoint of the container image (deploy/Containerfile): one image, one process type per
# container, chosen by the first argument. Every process replaces this shell (exec), so it runs as
# PID 1 of the container and receives SIGTERM itself.
#
#   web        gunicorn (HTTP) with deploy/gunicorn.conf.py on PORT (8000)
#   realtime   uvicorn (websockets, /ws/) on PORT (8001 unless set), REALTIME_WORKERS processes
#   worker     Celery worker; CELERY_QUEUES (comma-separated, default: every queue),
#              WORKER_CONCURRENCY (2)
#   beat       Celery beat (exactly one per installation; schedules live in the database)
#   migrate    migrate + createcachetable; idempotent, run once per release before the new code
#   manage     python manage.py with the remaining arguments, e.g. `manage check --deploy`
# Anything else is run as a command, e.g. `python -c ...`.
# Extra arguments after web, realtime, worker and beat go to the server.
set -eu

command=${1:-web}
[ "$#" -gt 0 ] && shift

case "$command" in
web)
    exec gunicorn intranet.wsgi:application --config deploy/gunicorn.conf.py "$@"
    ;;
realtime)
    # The lifespan protocol is off: Channels' router does not speak it.
    exec uvicorn intranet.asgi:application \
        --host 0.0.0.0 --port "${PORT:-8001}" \
        --workers "${REALTIME_WORKERS:-1}" --lifespan off \
        --proxy-headers --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-127.0.0.1}" \
        --no-access-log "$@"
    ;;
worker)
    if [ -n "${CELERY_QUEUES:-}" ]; then
        set -- --queues "$CELERY_QUEUES" "$@"
    fi
    exec celery -A intranet worker --loglevel "${LOG_LEVEL:-INFO}" \
        --concurrency "${WORKER_CONCURRENCY:-2}" "$@"
    ;;
beat)
    # DatabaseScheduler keeps the schedule in PostgreSQL; the local state file goes to /tmp.
    exec celery -A intranet beat --loglevel "${LOG_LEVEL:-INFO}" \
        --schedule /tmp/celerybeat-schedule "$@"
    ;;
migrate)
    python manage.py migrate --noinput "$@"
    # A no-op unless a database cache is configured.
    exec python manage.py createcachetable
    ;;
manage)
    exec python manage.py "$@"
    ;;
*)
    exec "$command" "$@"
    ;;
esac
