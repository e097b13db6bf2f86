#!/usr/bin/env bash
# The floor under the message writer: what PostgreSQL alone spends on one durable single-row insert a transaction, at
# fixed rates, on this machine. A fresh server with its default durability (fsync and synchronous_commit on) through
# ChatApp.AppHost/postgres-server.sh; pgbench inserts a message-sized row into a table with the messages table's
# unique keys at each RATE for 20 s; CPU from /proc of the postmaster and every child (exited ones through cutime).
#
#   bench/pg-floor.sh                       # rates 100, 500 and 2,000 transactions/s
#   RATES="500" DURATION=60 bench/pg-floor.sh
set -euo pipefail
cd "$(dirname "$0")/.."
RATES=${RATES:-100 500 2000}; DURATION=${DURATION:-20}; PG_PORT=${PG_PORT:-54390}
WORK=$(mktemp -d /tmp/chatapp-pgfloor.XXXXXX)
chmod 755 "$WORK" # PostgreSQL runs as the postgres user when we are root
PASSWORD=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
PGDATA="$WORK/pgdata" PGPORT=$PG_PORT POSTGRES_PASSWORD=$PASSWORD ChatApp.AppHost/postgres-server.sh -c shared_buffers=512MB \
  > "$WORK/postgres.log" 2>&1 &
PG_PID=$!
trap 'kill $PG_PID 2>/dev/null; wait $PG_PID 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 1 300); do grep -q "ready on" "$WORK/postgres.log" && break; sleep 0.1; done
export PGPASSWORD=$PASSWORD
psql_() { psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres "$@"; }
psql_ -c "CREATE DATABASE floor" postgres
psql_ floor -c "CREATE TABLE messages (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, conversation_id uuid NOT NULL,
  sender_kind varchar(20) NOT NULL, body varchar(4000) NOT NULL, client_message_id varchar(64) NOT NULL,
  created_at timestamptz NOT NULL, UNIQUE (conversation_id, client_message_id));
  CREATE INDEX ON messages (conversation_id, id);"
cat > "$WORK/insert.sql" <<'SQL'
INSERT INTO messages (conversation_id, sender_kind, body, client_message_id, created_at)
VALUES (gen_random_uuid(), 'Visitor', repeat('x', 80), md5(random()::text), now());
SQL
POSTMASTER=$(head -n 1 "$WORK/pgdata/postmaster.pid")
# utime + stime + cutime + cstime, in clock ticks (100 a second), of the postmaster and its children.
cpu_ticks() {
  local sum=0
  for pid in $POSTMASTER $(pgrep -P "$POSTMASTER"); do
    sum=$((sum + $(awk '{print $14 + $15 + $16 + $17}' "/proc/$pid/stat" 2>/dev/null || echo 0)))
  done
  echo $sum
}
echo "== $(nproc) cores; $(uptime | sed 's/.*load/load/'); $(psql -X -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc 'SELECT version()' postgres | cut -d, -f1)"
echo "| transactions/s offered | done | PostgreSQL % of a core | core-ms per transaction |"
echo "|---:|---:|---:|---:|"
for rate in $RATES; do
  before=$(cpu_ticks); start=$(date +%s.%N)
  "$(pg_config --bindir)/pgbench" -h 127.0.0.1 -p "$PG_PORT" -U postgres -n -M prepared -c 4 -j 1 -R "$rate" -T "$DURATION" \
    -f "$WORK/insert.sql" floor > "$WORK/pgbench.txt" 2>&1
  after=$(cpu_ticks); end=$(date +%s.%N)
  tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$WORK/pgbench.txt" | head -1)
  python3 -c "t=$after-$before; s=$end-$start; print(f'| $rate | {$tps:.0f} | {t/s:.1f} | {t*10/($tps*s):.3f} |')"
done
