# Sourced from the repository's root by bench/run.sh, bench/pg-floor.sh and bench/pg-writer-parts.sh.
#
# start_postgres [-c setting …]  starts a fresh PostgreSQL with its default durability (fsync and synchronous_commit on)
#                                through ChatApp.AppHost/postgres-server.sh on PG_PORT, its data in $WORK/pgdata (the
#                                caller makes WORK and stops PG_PID on exit); sets PG_PID, POSTMASTER and PGPASSWORD
#                                (exported, so psql and pgbench sign in).
# scratch_postgres [-c …]        start_postgres in a temporary WORK of its own, removed with the server on exit.
# psql_                          psql as the superuser, stopping at the first error.
# cpu_ticks                      utime + stime + cutime + cstime in clock ticks (100 a second) of the postmaster and its
#                                children: exited children count through cutime.
# machine_line                   cores, load average and the server's version, for a result's first line.
start_postgres() {
  PGPASSWORD=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
  export PGPASSWORD
  PGDATA="$WORK/pgdata" PGPORT=$PG_PORT POSTGRES_PASSWORD=$PGPASSWORD ChatApp.AppHost/postgres-server.sh \
    -c shared_buffers=512MB "$@" > "$WORK/postgres.log" 2>&1 &
  PG_PID=$!
  for _ in $(seq 1 300); do grep -q "ready on" "$WORK/postgres.log" && break; kill -0 "$PG_PID" 2>/dev/null || break; sleep 0.1; done
  grep -q "ready on" "$WORK/postgres.log" || { echo "PostgreSQL did not start:"; cat "$WORK/postgres.log"; exit 1; }
  POSTMASTER=$(head -n 1 "$WORK/pgdata/postmaster.pid")
}

scratch_postgres() {
  WORK=$(mktemp -d /tmp/chatapp-pgbench.XXXXXX)
  chmod 755 "$WORK" # PostgreSQL runs as the postgres user when we are root
  trap 'kill $PG_PID 2>/dev/null; wait $PG_PID 2>/dev/null; rm -rf "$WORK"' EXIT
  start_postgres "$@"
}

psql_() { psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres "$@"; }

cpu_ticks() {
  local sum=0
  for pid in $POSTMASTER $(pgrep -P "$POSTMASTER"); do
    sum=$((sum + $(awk '{print $14 + $15 + $16 + $17}' "/proc/$pid/stat" 2>/dev/null || echo 0)))
  done
  echo $sum
}

machine_line() {
  echo "== $(nproc) cores; $(uptime | sed 's/.*load/load/'); $(psql -X -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc 'SELECT version()' postgres | cut -d, -f1)"
}
