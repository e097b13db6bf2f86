#!/usr/bin/env bash
# Report query times at scale: builds in Release, starts a fresh PostgreSQL (default durability) and the API alone,
# seeds MESSAGES messages (default 1,000,000: 100,000 conversations over DAYS days, 20 operators) straight into the
# database, then times each report endpoint over HTTP (one warm-up call, then RUNS timed calls).
#
#   bench/reports.sh                        # 1,000,000 messages over 180 days, 5 runs per report
#   MESSAGES=100000 RUNS=3 bench/reports.sh # a quick run
set -euo pipefail
cd "$(dirname "$0")/.."

MESSAGES=${MESSAGES:-1000000}; DAYS=${DAYS:-180}; RUNS=${RUNS:-5}
API_PORT=${API_PORT:-5381}; PG_PORT=${PG_PORT:-54381}
RESULTS=${RESULTS:-bench/results}
PG_BIN=${PG_BIN:-$(pg_config --bindir 2>/dev/null || ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}
mkdir -p "$RESULTS"

WORK=$(mktemp -d /tmp/chatapp-bench-reports.XXXXXX)
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
  -o "-p $PG_PORT -h 127.0.0.1 -k $WORK -c shared_buffers=512MB -c max_wal_size=4GB" >/dev/null
CS="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Password=$PASSWORD;Database=chatdb"
PGPASSWORD=$PASSWORD "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE DATABASE chatdb" postgres

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
  dotnet ChatApp.Api/bin/Release/net10.0/ChatApp.Api.dll --contentRoot "$PWD/ChatApp.Api/bin/Release/net10.0" > "$WORK/api.log" 2>&1 &
API_PID=$!
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$API_PORT/health" >/dev/null && break; sleep 0.5; done
curl -sf "http://127.0.0.1:$API_PORT/health" >/dev/null || { echo "API did not become healthy:"; cat "$WORK/api.log"; exit 1; }

echo "== Reports at $MESSAGES messages over $DAYS days ($RUNS timed runs each)"
dotnet bench/ChatApp.LoadTest/bin/Release/net10.0/ChatApp.LoadTest.dll --mode reports --url "http://127.0.0.1:$API_PORT" \
  --admin-email admin@bench.local --admin-password "$ADMIN_PASSWORD" --connection-string "$CS" \
  --messages "$MESSAGES" --days "$DAYS" --runs "$RUNS" --output "$RESULTS/reports.json"
