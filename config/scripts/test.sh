#!/usr/bin/env bash
# Install everything (Python packages, Chromium and Chinese fonts for the browser tests) and run the whole suite.
# Extra arguments go to pytest. DATABASE_URL / REDIS_URL select PostgreSQL / Redis; without them SQLite is used
# and tests that need the services skip with a reason (XMGJ_REQUIRE_SERVICES=1 turns those skips into failures).
source "$(dirname "${BASH_SOURCE[0]}")/_setup.sh"

if [ ! -x /usr/bin/chromium ] || ! dpkg -s fonts-wqy-microhei >/dev/null 2>&1; then
  apt_install chromium fonts-wqy-microhei || echo "!! chromium/fonts unavailable: browser tests will skip" >&2
fi

export DJANGO_SETTINGS_MODULE=config.settings.test
set +e
.venv/bin/python -m pytest "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
  echo "!! pytest collected no tests: that is a failure, not a pass" >&2
  exit 1
fi
exit "$status"
