#!/usr/bin/env bash
# Benchmark: builds in Release, starts a fresh PostgreSQL with its default durability (fsync and synchronous_commit on)
# through ChatApp.AppHost/postgres-server.sh, and the API alone (no AppHost), then measures:
#
#   ladder       offered rates 1 (clients connected, next to idle; measured after SETTLE s, 30 by default, so the runtime's
#                tier-1 JIT compilation of what the warm-up ran is not counted as idle burn), 100, 500, 2,000, 5,000 msg/s, then upward in
#                CLIMB steps until a rung fails (p99 > 100 ms, or anything lost), then halves the gap between the last rung
#                that held and the first that failed down to KNEE_STEP msg/s (500): per rung the API's and PostgreSQL's
#                CPU from /proc, CPU per message, p50/p99 from each message's intended send time, loss, duplicates and
#                order, and every acknowledged message checked in the database exactly once. One table.
#                With INSTANCES=2 the same ladder runs again on two API instances with the SignalR Redis backplane
#                (Redis from ChatApp.AppHost/redis-server.sh; a conversation's visitor and operator on different
#                instances), and redis-benchmark measures Redis's PUBLISH rate.
#   connections  C idle hub connections on one instance: memory per connection and the CPU it spends holding them.
#   pgbench      (PGBENCH=1) the raw insert limit of the same server: one message-sized row per transaction.
#
#   bench/run.sh                                   # 200 conversations, 10 operators, the ladder, 20,000 connections
#   INSTANCES=2 SCENARIOS=ladder bench/run.sh      # one instance, then two instances + Redis, from one run
#   RATES=500,2000 CLIMB=0 DURATION=10 SCENARIOS=ladder bench/run.sh   # a quick look at two rungs
#   PROTOCOL=messagepack bench/run.sh              # the hub's MessagePack protocol instead of JSON
#   API_ENV="DOTNET_PerfMapEnabled=1" SKIP_BUILD=1 …   # extra environment for the API (here: for perf), no build
#
# The load generator runs on the same machine: check `uptime` first; each rung reports the load average and how busy
# the whole machine was. Results: bench/results/<time>/ (JSON per scenario, the ladder tables as Markdown).
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-200}; M=${M:-10}; DURATION=${DURATION:-20}; WARMUP=${WARMUP:-5}; SETTLE=${SETTLE:-30}
RATES=${RATES:-1,100,500,2000,5000}; CLIMB=${CLIMB:-2500}; MAX_RATE=${MAX_RATE:-30000}; KNEE_STEP=${KNEE_STEP:-500}
INSTANCES=${INSTANCES:-1}; PROTOCOL=${PROTOCOL:-json}; SCENARIOS=${SCENARIOS:-ladder,connections}
CONNECTIONS=${CONNECTIONS:-20000}; SOURCE_ADDRESSES=${SOURCE_ADDRESSES:-4}
API_PORT=${API_PORT:-5380}; PG_PORT=${PG_PORT:-54380}; REDIS_PORT=${REDIS_PORT:-6390}
RESULTS=${RESULTS:-bench/results/$(date -u +%Y%m%dT%H%M%SZ)}
# The API and migrations measured; another worktree's (APP_DIR=/tmp/main-copy) gives a before/after with this load test.
APP_DIR=$(cd "${APP_DIR:-.}" && pwd)
mkdir -p "$RESULTS"
has() { [[ ",$SCENARIOS," == *",$1,"* ]]; }

WORK=$(mktemp -d /tmp/chatapp-bench.XXXXXX)
chmod 755 "$WORK" # PostgreSQL runs as the postgres user when we are root
API_PIDS=(); PG_PID=""; REDIS_PID=""
stop_apis() {
  for pid in "${API_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${API_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  API_PIDS=()
}
cleanup() {
  stop_apis
  [ -n "$REDIS_PID" ] && { kill "$REDIS_PID" 2>/dev/null; wait "$REDIS_PID" 2>/dev/null || true; }
  [ -n "$PG_PID" ] && { kill "$PG_PID" 2>/dev/null; wait "$PG_PID" 2>/dev/null || true; }
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "== Machine: $(nproc) cores; $(uptime); measuring $APP_DIR at $(git -C "$APP_DIR" log -1 --format='%h %s' | cut -c1-80)"
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  echo "== Building (Release)"
  dotnet build "$APP_DIR/ChatApp.Api" -c Release -v q -nologo >/dev/null
  dotnet build "$APP_DIR/ChatApp.MigrationService" -c Release -v q -nologo >/dev/null
  dotnet build bench/ChatApp.LoadTest -c Release -v q -nologo >/dev/null
fi

echo "== Starting PostgreSQL on 127.0.0.1:$PG_PORT (ChatApp.AppHost/postgres-server.sh)"
source bench/pg-server.sh
start_postgres -c max_connections=300 -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track_planning=on
psql_ -c "CREATE DATABASE chatdb" postgres
psql_ -c "CREATE EXTENSION pg_stat_statements" chatdb
CS="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Password=$PGPASSWORD;Database=chatdb"
echo "   $(psql_ -tAc "SELECT version()" postgres | cut -d, -f1); durability: $(psql_ -tAc "SELECT 'fsync=' || current_setting('fsync') || ', synchronous_commit=' || current_setting('synchronous_commit')" postgres)"

echo "== Migrating"
ADMIN_PASSWORD=bench-admin-password
ConnectionStrings__chatdb="$CS" Admin__Email=admin@bench.local Admin__Password=$ADMIN_PASSWORD \
  DOTNET_ENVIRONMENT=Production dotnet "$APP_DIR/ChatApp.MigrationService/bin/Release/net10.0/ChatApp.MigrationService.dll" \
  --contentRoot "$APP_DIR/ChatApp.MigrationService/bin/Release/net10.0" >/dev/null
# A schema experiment without a migration: EXTRA_SQL="DROP INDEX ix_messages_body" bench/run.sh
[ -n "${EXTRA_SQL:-}" ] && { echo "== Extra SQL: $EXTRA_SQL"; psql_ -c "$EXTRA_SQL" chatdb; }

REDIS_PASSWORD=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
SIGNING_KEY=$(head -c 48 /dev/urandom | base64)
# Starts `count` API instances (ports API_PORT, API_PORT+1, …), with the Redis backplane when `redis` is set.
# The limits per person (issue 11) are raised: the load generator is 210 very fast people. The database timeouts too:
# past the knee a rung should show its latency, not the API's fail-fast answers (2 s / 3 s by default).
start_apis() {
  local count=$1 redis=${2:-}
  for i in $(seq 0 $((count - 1))); do
    env ConnectionStrings__chatdb="$CS" ${redis:+ConnectionStrings__redis="127.0.0.1:$REDIS_PORT,password=$REDIS_PASSWORD"} \
      Jwt__SigningKey="$SIGNING_KEY" ASPNETCORE_URLS="http://127.0.0.1:$((API_PORT + i))" ASPNETCORE_ENVIRONMENT=Production \
      Logging__LogLevel__Default=Warning \
      Chat__MaxMessagesPerSecond=1000000 Chat__MaxTypingPerSecond=1000000 Chat__MaxReadsPerSecond=1000000 \
      Chat__MaxConnectionsPerVisitor=1000000 ${WRITER_PARTITIONS:+Chat__Writer__Partitions=$WRITER_PARTITIONS} \
      Database__ConnectTimeoutSeconds=30 Database__CommandTimeoutSeconds=30 \
      RateLimits__LoginPerIpPerMinute=1000000 RateLimits__LoginPerAccountPer15Minutes=1000000 \
      RateLimits__WidgetStartsPerIpPerMinute=1000000 RateLimits__UploadsPerIpPerMinute=1000000 ${API_ENV:-} \
      dotnet "$APP_DIR/ChatApp.Api/bin/Release/net10.0/ChatApp.Api.dll" --contentRoot "$APP_DIR/ChatApp.Api/bin/Release/net10.0" \
      > "$WORK/api-$i.log" 2>&1 &
    API_PIDS+=($!)
  done
  API_URLS=""
  for i in $(seq 0 $((count - 1))); do
    local url="http://127.0.0.1:$((API_PORT + i))"
    for _ in $(seq 1 120); do curl -sf "$url/health" >/dev/null && break; sleep 0.5; done
    curl -sf "$url/health" >/dev/null || { echo "API $i did not become healthy:"; cat "$WORK/api-$i.log"; exit 1; }
    API_URLS+="${API_URLS:+,}$url"
  done
}
api_pids() { local IFS=,; echo "${API_PIDS[*]}"; }
loadtest() {
  dotnet bench/ChatApp.LoadTest/bin/Release/net10.0/ChatApp.LoadTest.dll --url "$API_URLS" \
    --admin-email admin@bench.local --admin-password "$ADMIN_PASSWORD" --protocol "$PROTOCOL" "$@"
}
ladder() { # label output [--redis-pid pid]
  local label=$1 output=$2; shift 2
  echo "== Ladder, $label: N=$N conversations, M=$M operators, $PROTOCOL, rates $RATES then +$CLIMB to the knee, $DURATION s a rung (+$WARMUP s warm-up); $(uptime | sed 's/.*load/load/')"
  loadtest --mode ladder --label "$label" --conversations "$N" --operators "$M" --rates "$RATES" --climb-step "$CLIMB" \
    --max-rate "$MAX_RATE" --knee-step "$KNEE_STEP" --duration "$DURATION" --warmup "$WARMUP" --settle "$SETTLE" --connection-string "$CS" \
    --api-pids "$(api_pids)" --postgres-pid "$POSTMASTER" --output "$output" "$@"
}

start_apis 1
if has ladder; then
  ladder "1 instance" "$RESULTS/ladder-1.json"
fi
if has connections; then
  echo "== Idle connections: C=$CONNECTIONS over $SOURCE_ADDRESSES loopback source addresses"
  loadtest --mode connections --connections "$CONNECTIONS" --source-addresses "$SOURCE_ADDRESSES" \
    --api-pids "$(api_pids)" --output "$RESULTS/connections.json"
fi
stop_apis

if has ladder && [ "$INSTANCES" -gt 1 ]; then
  echo "== Starting Redis on 127.0.0.1:$REDIS_PORT (ChatApp.AppHost/redis-server.sh)"
  PORT=$REDIS_PORT REDIS_PASSWORD=$REDIS_PASSWORD ChatApp.AppHost/redis-server.sh > "$WORK/redis.log" 2>&1 &
  REDIS_PID=$!
  for _ in $(seq 1 50); do redis-cli -p "$REDIS_PORT" -a "$REDIS_PASSWORD" --no-auth-warning ping 2>/dev/null | grep -q PONG && break; sleep 0.1; done
  start_apis "$INSTANCES" redis
  ladder "$INSTANCES instances + Redis" "$RESULTS/ladder-$INSTANCES.json" --redis-pid "$REDIS_PID"
  stop_apis

  echo "== Redis PUBLISH rate: redis-benchmark, 50 clients, a 400-byte message, one subscriber"
  redis-cli -p "$REDIS_PORT" -a "$REDIS_PASSWORD" --no-auth-warning SUBSCRIBE chatapp:bench > /dev/null &
  SUBSCRIBER=$!
  sleep 0.5
  PAYLOAD=$(head -c 400 /dev/zero | tr '\0' 'x')
  for pipeline in 1 16; do
    rate=$(redis-benchmark -h 127.0.0.1 -p "$REDIS_PORT" -a "$REDIS_PASSWORD" -c 50 -n 300000 -P "$pipeline" -q \
      PUBLISH chatapp:bench "$PAYLOAD" 2>/dev/null | tr '\r' '\n' | grep -o '[0-9.]* requests per second' | tail -1)
    echo "   PUBLISH, pipeline $pipeline: $rate" | tee -a "$RESULTS/redis-benchmark.txt"
  done
  kill "$SUBSCRIBER" 2>/dev/null || true
fi

if [ "${PGBENCH:-0}" = 1 ]; then
  echo "== Raw insert limit: pgbench, one message-sized row per transaction, same server and durability"
  psql_ -q chatdb <<'SQL'
CREATE TABLE pgbench_messages (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, conversation_id uuid NOT NULL,
  sender_kind varchar(20) NOT NULL, body varchar(4000) NOT NULL, client_message_id varchar(64) NOT NULL,
  created_at timestamptz NOT NULL, UNIQUE (conversation_id, client_message_id));
SQL
  cat > "$WORK/insert.sql" <<'SQL'
INSERT INTO pgbench_messages (conversation_id, sender_kind, body, client_message_id, created_at)
VALUES (gen_random_uuid(), 'Visitor', repeat('x', 80), md5(random()::text), now());
SQL
  "$(pg_config --bindir)/pgbench" -h 127.0.0.1 -p "$PG_PORT" -U postgres -n -c 32 -j 2 -T 20 -f "$WORK/insert.sql" chatdb 2>&1 |
    sed -n 's/^tps = \([0-9.]*\).*/   pgbench: \1 rows\/s (32 clients, 20 s)/p' | tee "$RESULTS/pgbench.txt"
fi

echo
echo "== Summary ($RESULTS)"
for table in "$RESULTS"/ladder-*.md; do
  [ -f "$table" ] || continue
  echo "$(basename "$table" .md): $(sed -n 's/.*"label": "\(.*\)".*/\1/p' "${table%.md}.json"), sustainable $(sed -n 's/.*"sustainable_rate_per_s": \([0-9]*\).*/\1/p' "${table%.md}.json") msg/s"
  cat "$table"
done
[ -f "$RESULTS/redis-benchmark.txt" ] && cat "$RESULTS/redis-benchmark.txt"
if [ -f "$RESULTS/connections.json" ]; then
  sed -n 's/.*"\(connections_open\|api_rss_before_mib\|api_rss_after_mib\|api_rss_per_connection_kib\|api_idle_cpu_percent_of_core\)": \(.*\),\?/   \1: \2/p' "$RESULTS/connections.json" | tr -d ','
fi
echo "== Done; $(uptime | sed 's/.*load/load/')"
