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
source bench/pg-server.sh
scratch_postgres
psql_ -c "CREATE DATABASE floor" postgres
psql_ floor -c "CREATE TABLE messages (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, conversation_id uuid NOT NULL,
  sender_kind varchar(20) NOT NULL, body varchar(4000) NOT NULL, client_message_id varchar(64) NOT NULL,
  created_at timestamptz NOT NULL, UNIQUE (conversation_id, client_message_id));
  CREATE INDEX ON messages (conversation_id, id);"
cat > "$WORK/insert.sql" <<'SQL'
INSERT INTO messages (conversation_id, sender_kind, body, client_message_id, created_at)
VALUES (gen_random_uuid(), 'Visitor', repeat('x', 80), md5(random()::text), now());
SQL
machine_line
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
