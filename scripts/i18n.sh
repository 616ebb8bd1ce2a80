#!/usr/bin/env bash
# Refresh the German message catalogue from the sources and compile it.
#   scripts/i18n.sh            makemessages + compilemessages
#   scripts/i18n.sh --compile  compilemessages only (what a build or CI needs)
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-.venv/bin/python}"
[ -x "$PYTHON" ] || PYTHON=python

IGNORES=(
  --ignore=.venv --ignore=node_modules --ignore=static/dist --ignore=staticfiles
  --ignore=media --ignore=.data --ignore=artifacts --ignore=tests --ignore=.tools
)

if [ "${1:-}" != "--compile" ]; then
  "$PYTHON" manage.py makemessages --locale=de --no-obsolete --add-location=file "${IGNORES[@]}"
fi
"$PYTHON" manage.py compilemessages --locale=de "${IGNORES[@]}"
