# Sourced by demo.sh and test.sh: make sure system packages, a virtualenv and the Python packages exist.
# Works on a fresh Debian/Ubuntu machine with Python 3.11+; installs only what is missing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

SUDO=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
APT_UPDATED=0
apt_install() {
  # apt_install PKG… — install Debian packages that are not installed yet.
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "!! Please install these system packages: ${missing[*]}" >&2
    return 1
  fi
  echo ">> apt-get install ${missing[*]}"
  if [ "$APT_UPDATED" -eq 0 ]; then $SUDO apt-get update -qq; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

find_python() {
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  return 1
}

PYTHON="$(find_python)" || { echo "!! Python 3.11 or newer is required" >&2; exit 1; }

# Debian/Ubuntu ship venv and the headers psycopg2 compiles against as separate packages.
if ! "$PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1; then
  ver="$("$PYTHON" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
  apt_install "python${ver}-venv" || apt_install python3-venv
fi
if ! command -v pg_config >/dev/null 2>&1 || ! command -v gcc >/dev/null 2>&1; then
  apt_install libpq-dev gcc python3-dev
fi

EXTRAS="${XMGJ_EXTRAS:-dev}"
if [ ! -x .venv/bin/python ]; then
  echo ">> creating .venv with $PYTHON"
  "$PYTHON" -m venv .venv
fi
STAMP=".venv/.installed-$(sha1sum pyproject.toml | cut -c1-12)-$EXTRAS"
if [ ! -f "$STAMP" ]; then
  echo ">> installing Python packages (pyproject.toml [$EXTRAS])"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[$EXTRAS]"
  touch "$STAMP"
fi
# psycopg 3 next to psycopg2 would silently win in Django: make sure it is not there.
if .venv/bin/python -c 'import psycopg' >/dev/null 2>&1; then
  .venv/bin/python -m pip uninstall -q -y psycopg psycopg-binary psycopg-c || true
fi
