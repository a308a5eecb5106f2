#!/usr/bin/env bash
# Sets up a machine for yibao: Debian packages (when root), the virtual environment at .venv,
# and the project in it. `--test` adds what the test suite needs (PostgreSQL, chromium, fonts).
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

apt_missing=()
need() { dpkg -s "$1" >/dev/null 2>&1 || apt_missing+=("$1"); }
need fonts-wqy-microhei            # CJK glyphs for PDF notices and browser screenshots
if [ "$want_test" = 1 ]; then
  need postgresql
  need chromium
  need poppler-utils              # pdftotext/pdftoppm: the PDF notice tests read the text back
fi
if [ "${#apt_missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "安装系统软件包: ${apt_missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${apt_missing[@]}" >/dev/null
  else
    echo "提示：缺少系统软件包 ${apt_missing[*]}（需要 root 用 apt-get 安装）" >&2
  fi
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null 2>&1 || true
if [ "$want_test" = 1 ]; then
  .venv/bin/python -m pip install -q --disable-pip-version-check -e ".[test]" 2>&1 | grep -v "^WARNING" || true
else
  .venv/bin/python -m pip install -q --disable-pip-version-check -e . 2>&1 | grep -v "^WARNING" || true
fi
.venv/bin/python -c "import yibao, django" # fails loudly if the install did not happen
# The project's own modules compiled now (pip compiles what it installs, not an editable source
# tree): a process whose environment forbids writing bytecode (PYTHONDONTWRITEBYTECODE) would
# otherwise compile ~100 modules on every start (~0.1 s of a `yibao` command's ~0.4 s).
.venv/bin/python -m compileall -q src >/dev/null || true
