#!/usr/bin/env bash
# PostgreSQL from the machine's server binaries, in the foreground: the AppHost's `postgres` resource in run mode,
# and the throwaway server of the tests and the benchmark.
#
# - Initialises PGDATA on first use (superuser `postgres` with POSTGRES_PASSWORD; password logins over TCP, the
#   local socket in a private folder).
# - As root it runs the server as the `postgres` user (PostgreSQL refuses root); PGDATA must then be a folder that
#   user can reach, which is checked with a clear message.
# - Sets the superuser's password to POSTGRES_PASSWORD on every start, so the data folder follows the AppHost's
#   parameter even if that was regenerated.
# - Turns SIGTERM (a "smart" shutdown to PostgreSQL, which waits for pooled clients) into a fast shutdown.
#
# Environment: PGDATA, PGPORT, POSTGRES_PASSWORD; optional PG_BIN (folder of initdb and postgres), PG_MAJOR (the
# major version to prefer when several are installed), PG_EPHEMERAL=1 (no fsync: for tests). Arguments are passed
# on to postgres (e.g. -c max_connections=300).
set -euo pipefail

fail() { echo "postgres: $*" >&2; exit 1; }

[ -n "${PGDATA:-}" ] || fail "PGDATA is not set."
[ -n "${PGPORT:-}" ] || fail "PGPORT is not set."
[ -n "${POSTGRES_PASSWORD:-}" ] || fail "POSTGRES_PASSWORD is not set."

install_hint="Install the PostgreSQL server (Debian/Ubuntu: apt-get install postgresql; macOS: brew install postgresql), or set Postgres:BinDirectory."
if [ -n "${PG_BIN:-}" ]; then
  [ -x "$PG_BIN/initdb" ] && [ -x "$PG_BIN/postgres" ] || fail "no PostgreSQL server binaries (initdb, postgres) in '$PG_BIN'. $install_hint"
  bin=$PG_BIN
else
  bin=""
  for candidate in ${PG_MAJOR:+/usr/lib/postgresql/$PG_MAJOR/bin} "$(pg_config --bindir 2>/dev/null || true)" \
                   $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -Vr); do
    if [ -n "$candidate" ] && [ -x "$candidate/initdb" ] && [ -x "$candidate/postgres" ]; then bin=$candidate; break; fi
  done
  [ -n "$bin" ] || fail "no PostgreSQL server binaries found (looked in pg_config --bindir and /usr/lib/postgresql/*/bin). $install_hint"
fi
version=$("$bin/postgres" --version | sed -E 's/[^0-9]*([0-9]+).*/\1/')
if [ -n "${PG_MAJOR:-}" ] && [ "$version" != "$PG_MAJOR" ]; then
  echo "postgres: warning: running PostgreSQL $version from $bin; production uses $PG_MAJOR." >&2
fi

cd /  # The server user may not be allowed into the caller's folder.
# Called as a simple command (no function), so that `cmd &` gives the server's own pid to signal.
if [ "$(id -u)" = 0 ]; then
  server_user=postgres
  id "$server_user" >/dev/null 2>&1 || fail "running as root, but there is no 'postgres' user to run the server as (PostgreSQL refuses root)."
  run_as=(setpriv --reuid="$server_user" --regid="$server_user" --init-groups --)
  mkdir -p "$PGDATA"
  chown "$server_user:" "$PGDATA"
  "${run_as[@]}" test -w "$PGDATA" || fail "the 'postgres' user cannot reach the data folder '$PGDATA' (a parent folder is closed to it); choose another with Postgres:DataDirectory."
else
  run_as=()
  mkdir -p "$PGDATA"
fi
chmod 700 "$PGDATA"

socket_dir=$(mktemp -d /tmp/chatapp-pg.XXXXXX)
[ "$(id -u)" = 0 ] && chown "$server_user:" "$socket_dir"
server_pid=""
cleanup() { rm -rf "$socket_dir"; }
trap cleanup EXIT

if [ ! -f "$PGDATA/PG_VERSION" ]; then
  [ -z "$(ls -A "$PGDATA")" ] || fail "the data folder '$PGDATA' is not empty but holds no database (no PG_VERSION); empty it or choose another."
  echo "postgres: initialising $PGDATA with PostgreSQL $version"
  printf '%s\n' "$POSTGRES_PASSWORD" > "$socket_dir/pwfile"
  [ "$(id -u)" = 0 ] && chown "$server_user:" "$socket_dir/pwfile"
  "${run_as[@]}" "$bin/initdb" -D "$PGDATA" -U postgres --pwfile="$socket_dir/pwfile" --auth-host=scram-sha-256 --auth-local=trust \
    -E UTF8 --locale=C --no-instructions ${PG_EPHEMERAL:+--no-sync} >/dev/null
  rm -f "$socket_dir/pwfile"
fi

# A server left running on this folder by a run that was killed outright: stop it the way we would have.
if [ -f "$PGDATA/postmaster.pid" ]; then
  leftover=$(head -n 1 "$PGDATA/postmaster.pid")
  if [ -n "$leftover" ] && grep -q postgres "/proc/$leftover/cmdline" 2>/dev/null; then
    echo "postgres: stopping the server (pid $leftover) an earlier run left on $PGDATA"
    kill -INT "$leftover" 2>/dev/null || true
    for _ in $(seq 1 200); do kill -0 "$leftover" 2>/dev/null || break; sleep 0.1; done
  fi
fi

extra=()
[ -n "${PG_EPHEMERAL:-}" ] && extra+=(-c fsync=off -c synchronous_commit=off -c full_page_writes=off)
"${run_as[@]}" "$bin/postgres" -D "$PGDATA" -h 127.0.0.1 -p "$PGPORT" -k "$socket_dir" "${extra[@]}" "$@" &
server_pid=$!
trap 'kill -INT "$server_pid" 2>/dev/null || true' TERM INT

until "${run_as[@]}" "$bin/pg_isready" -q -h "$socket_dir" -p "$PGPORT" -d postgres; do
  kill -0 "$server_pid" 2>/dev/null || { wait "$server_pid" || true; fail "the server exited during start-up (its reason is above)."; }
  sleep 0.1
done
printf '%s\n' "ALTER ROLE postgres PASSWORD :'password';" |
  "${run_as[@]}" "$bin/psql" -X -q -h "$socket_dir" -p "$PGPORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -v password="$POSTGRES_PASSWORD" >/dev/null
echo "postgres: ready on 127.0.0.1:$PGPORT (PostgreSQL $version, data in $PGDATA)"

# wait returns early when a trapped signal arrives; keep waiting until the server has really stopped.
status=0
while kill -0 "$server_pid" 2>/dev/null; do
  wait "$server_pid" && status=0 || status=$?
done
exit "$status"
