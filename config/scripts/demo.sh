#!/usr/bin/env bash
# Install everything, build the demo city on the embedded default (SQLite file, in-process tasks) and run the portal.
source "$(dirname "${BASH_SOURCE[0]}")/_setup.sh"

export DJANGO_SETTINGS_MODULE=config.settings.local
HOST="${XMGJ_HOST:-127.0.0.1}"
PORT="${XMGJ_PORT:-8000}"

.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py seed_demo --if-empty --url "http://$HOST:$PORT/"

echo "按 Ctrl+C 停止。"
exec .venv/bin/python manage.py runserver "$HOST:$PORT"
