# Sourced by .ci/run: a throwaway PostgreSQL cluster on loopback for the storage tests.
# Installs Debian's postgresql when missing, starts a fresh cluster in a temp folder on a free port as
# the postgres user, exports HNTE_TEST_POSTGRES_URL, and stops and removes it when the shell exits.

hnte_postgres_start() {
  if ! ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 || ! id postgres >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  HNTE_PG_BIN=$bin
  HNTE_PG_DATA=$(mktemp -d /tmp/hnte-pg.XXXXXX)
  chown postgres:postgres "$HNTE_PG_DATA"
  local port
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  runuser -u postgres -- "$bin/initdb" -D "$HNTE_PG_DATA/data" -A trust -U postgres -E UTF8 --no-sync >/dev/null
  runuser -u postgres -- "$bin/pg_ctl" -D "$HNTE_PG_DATA/data" -l "$HNTE_PG_DATA/log" -w \
    -o "-h 127.0.0.1 -p $port -k $HNTE_PG_DATA -F -c fsync=off -c full_page_writes=off" start >/dev/null
  export HNTE_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
  trap hnte_postgres_stop EXIT
  echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port for the storage tests"
}

hnte_postgres_stop() {
  if [ -n "${HNTE_PG_DATA:-}" ] && [ -d "$HNTE_PG_DATA/data" ]; then
    runuser -u postgres -- "$HNTE_PG_BIN/pg_ctl" -D "$HNTE_PG_DATA/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$HNTE_PG_DATA"
  fi
}
