#!/usr/bin/env bash
# `make test`'s setup, then the command it is given (the pytest run). What the tests need beyond Python:
#  - Debian's Chromium and a CJK font for the browser tests (Playwright's own browser download does not work
#    everywhere), installed with apt-get when missing and we are root;
#  - PostgreSQL's binaries for the storage tests, likewise: the tests start a throwaway cluster from them
#    (tests/postgres_server.py) unless HNTE_TEST_POSTGRES_URL names a server.
# What cannot be set up is said in one line here, and the tests concerned are skipped with the reason
# (in CI, CI=true, they fail instead).
set -uo pipefail

chromium=${HNTE_CHROMIUM:-/usr/bin/chromium}
# HNTE_TEST_NO_INSTALL=1: never install anything (only say what will be skipped)
can_apt() { [ -z "${HNTE_TEST_NO_INSTALL:-}" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }
apt_updated=
apt_install() {
  if [ -z "$apt_updated" ]; then apt-get update -qq >/dev/null 2>&1 || true; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1
}
has_cjk_font() { fc-list 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null; }  # not grep -q: with pipefail, fc-list would die of SIGPIPE
has_postgres() {
  [ -n "${HNTE_PG_BIN:-}" ] && [ -x "$HNTE_PG_BIN/initdb" ] && return 0
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1
}

if [ ! -x "$chromium" ] || ! has_cjk_font; then
  if can_apt; then
    echo "安装 Chromium 与中文字体 / installing chromium and fonts-noto-cjk (apt-get)"
    apt_install chromium fonts-noto-cjk || echo "⚠ apt-get install chromium fonts-noto-cjk failed"
  fi
  if [ ! -x "$chromium" ]; then
    echo "⚠ 跳过浏览器测试 / skipping the browser tests: no $chromium (apt-get install chromium fonts-noto-cjk needs root)"
  elif ! has_cjk_font; then
    echo "⚠ 缺少中文字体 / no Noto CJK font: the pages' screenshots and PDFs show Chinese as boxes"
  fi
fi

if [ -z "${HNTE_TEST_POSTGRES_URL:-}" ] && ! has_postgres; then
  if can_apt; then
    echo "安装 PostgreSQL / installing postgresql (apt-get) for the storage tests"
    apt_install postgresql || echo "⚠ apt-get install postgresql failed"
  fi
  if ! has_postgres; then
    echo "⚠ 跳过 PostgreSQL 测试 / skipping the PostgreSQL storage tests: no initdb (apt-get install postgresql needs root; or set HNTE_TEST_POSTGRES_URL)"
  fi
fi

exec "$@"
