#!/usr/bin/env bash
# Benchmark: builds in Release, starts a fresh PostgreSQL (default durability: fsync and synchronous_commit on)
# and the API alone (no AppHost), runs the load scenarios, and measures the raw insert limit with pgbench.
#
#   bench/run.sh                       # the full run: N=1000, M=10, 5000 msg/s for 60 s, 10,000 idle connections
#   N=200 RATE=1000 DURATION=10 CONNECTIONS=2000 bench/run.sh    # a quick run
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-1000}; M=${M:-10}; RATE=${RATE:-5000}; DURATION=${DURATION:-60}; WARMUP=${WARMUP:-10}
CONNECTIONS=${CONNECTIONS:-10000}; API_PORT=${API_PORT:-5380}; PG_PORT=${PG_PORT:-54380}
RESULTS=${RESULTS:-bench/results}
PG_BIN=${PG_BIN:-$(pg_config --bindir 2>/dev/null || ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}
mkdir -p "$RESULTS"

WORK=$(mktemp -d /tmp/chatapp-bench.XXXXXX)
chmod 755 "$WORK"
API_PID=""
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  [ -n "$API_PID" ] && kill "$API_PID" 2>/dev/null && wait "$API_PID" 2>/dev/null || true
  as_pg "$PG_BIN/pg_ctl" -D "$WORK/pgdata" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "== Building (Release)"
dotnet build ChatApp.Api -c Release -v q -nologo >/dev/null
dotnet build ChatApp.MigrationService -c Release -v q -nologo >/dev/null
dotnet build bench/ChatApp.LoadTest -c Release -v q -nologo >/dev/null

echo "== Starting PostgreSQL ($PG_BIN) on 127.0.0.1:$PG_PORT"
PASSWORD=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
echo "$PASSWORD" > "$WORK/pwfile"
[ "$(id -u)" = 0 ] && chown -R postgres "$WORK"
as_pg "$PG_BIN/initdb" -D "$WORK/pgdata" -U postgres --pwfile="$WORK/pwfile" -A scram-sha-256 -E UTF8 --locale=C >/dev/null
as_pg "$PG_BIN/pg_ctl" -D "$WORK/pgdata" -l "$WORK/postgres.log" -w start \
  -o "-p $PG_PORT -h 127.0.0.1 -k $WORK -c max_connections=300 -c shared_buffers=512MB" >/dev/null
CS="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Password=$PASSWORD;Database=chatdb"
PGPASSWORD=$PASSWORD "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE DATABASE chatdb" postgres
echo "   durability: $(PGPASSWORD=$PASSWORD "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc "SELECT 'fsync=' || current_setting('fsync') || ', synchronous_commit=' || current_setting('synchronous_commit')" postgres)"

echo "== Migrating"
ADMIN_PASSWORD=bench-admin-password
ConnectionStrings__chatdb="$CS" Admin__Email=admin@bench.local Admin__Password=$ADMIN_PASSWORD \
  DOTNET_ENVIRONMENT=Production dotnet ChatApp.MigrationService/bin/Release/net10.0/ChatApp.MigrationService.dll \
  --contentRoot "$PWD/ChatApp.MigrationService/bin/Release/net10.0"

echo "== Starting the API on 127.0.0.1:$API_PORT"
env ConnectionStrings__chatdb="$CS" \
Jwt__SigningKey="$(head -c 48 /dev/urandom | base64)" \
ASPNETCORE_URLS="http://127.0.0.1:$API_PORT" ASPNETCORE_ENVIRONMENT=Production \
Logging__LogLevel__Default=Warning \
Chat__MaxMessagesPerSecond=100000 ${WRITER_PARTITIONS:+Chat__Writer__Partitions=$WRITER_PARTITIONS} \
RateLimits__LoginPerIpPerMinute=100000 RateLimits__LoginPerAccountPer15Minutes=100000 \
RateLimits__WidgetStartsPerIpPerMinute=1000000 \
  dotnet ChatApp.Api/bin/Release/net10.0/ChatApp.Api.dll --contentRoot "$PWD/ChatApp.Api/bin/Release/net10.0" > "$WORK/api.log" 2>&1 &
API_PID=$!
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$API_PORT/health" >/dev/null && break; sleep 0.5; done
curl -sf "http://127.0.0.1:$API_PORT/health" >/dev/null || { echo "API did not become healthy:"; cat "$WORK/api.log"; exit 1; }

LOADTEST="dotnet bench/ChatApp.LoadTest/bin/Release/net10.0/ChatApp.LoadTest.dll --url http://127.0.0.1:$API_PORT --admin-email admin@bench.local --admin-password $ADMIN_PASSWORD"

echo "== Throughput: N=$N conversations, M=$M operators, $RATE msg/s for $DURATION s (+$WARMUP s warm-up)"
$LOADTEST --mode throughput --conversations "$N" --operators "$M" --rate "$RATE" --duration "$DURATION" --warmup "$WARMUP" \
  --connection-string "$CS" --output "$RESULTS/throughput.json"

echo "== Raw insert limit: pgbench, one message-sized row per transaction, same server and durability"
PGPASSWORD=$PASSWORD "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -q chatdb <<'SQL'
CREATE TABLE pgbench_messages (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, conversation_id uuid NOT NULL,
  sender_kind varchar(20) NOT NULL, body varchar(4000) NOT NULL, client_message_id varchar(64) NOT NULL,
  created_at timestamptz NOT NULL, UNIQUE (conversation_id, client_message_id));
SQL
cat > "$WORK/insert.sql" <<'SQL'
INSERT INTO pgbench_messages (conversation_id, sender_kind, body, client_message_id, created_at)
VALUES (gen_random_uuid(), 'Visitor', repeat('x', 80), md5(random()::text), now());
SQL
PGBENCH_OUT=$(PGPASSWORD=$PASSWORD "$PG_BIN/pgbench" -h 127.0.0.1 -p "$PG_PORT" -U postgres -n -c 32 -j 2 -T 20 -f "$WORK/insert.sql" chatdb 2>&1)
PGBENCH_TPS=$(echo "$PGBENCH_OUT" | sed -n 's/^tps = \([0-9.]*\).*/\1/p' | head -1)
echo "   pgbench: $PGBENCH_TPS rows/s (32 clients, 20 s)"

echo "== Idle connections: C=$CONNECTIONS"
$LOADTEST --mode connections --connections "$CONNECTIONS" --api-pid "$API_PID" --output "$RESULTS/connections.json"

DELIVERED=$(sed -n 's/.*"delivered_messages_per_s": \([0-9.]*\).*/\1/p' "$RESULTS/throughput.json")
echo
echo "== Summary"
echo "   delivered messages/s: $DELIVERED    pgbench raw insert rows/s: $PGBENCH_TPS    ratio: $(awk "BEGIN { printf \"%.2f\", $DELIVERED / $PGBENCH_TPS }")"
echo "   results: $RESULTS/throughput.json, $RESULTS/connections.json"
