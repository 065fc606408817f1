#!/usr/bin/env bash
# Install everything, build the demo city on the embedded default (SQLite file, in-process tasks) and run the portal.
source "$(dirname "${BASH_SOURCE[0]}")/_setup.sh"

export DJANGO_SETTINGS_MODULE=config.settings.local
HOST="${XMGJ_HOST:-127.0.0.1}"
PORT="${XMGJ_PORT:-8000}"

.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py seed_demo --if-empty --url "http://$HOST:$PORT/"

cat <<MSG

  项目建设攻坚平台 is running at  http://$HOST:$PORT/
  API docs: http://$HOST:$PORT/api/docs/    admin: http://$HOST:$PORT/admin/

  Demo logins (password for all: Demo@2025)
    office       项目攻坚专班办公室（市发改委）
    leader       市领导（只读看板）
    stats        市统计局
    zezhou       泽州县填报员        zezhou_head  泽州县审核员
    gaoping      高平市填报员        jtj          市交通运输局填报员
    admin        系统管理员

  Press Ctrl+C to stop.
MSG
exec .venv/bin/python manage.py runserver "$HOST:$PORT"
