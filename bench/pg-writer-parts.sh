#!/usr/bin/env bash
# What each part of the message writer's statement costs PostgreSQL, on this machine. A fresh server with its default
# durability (fsync and synchronous_commit on) through ChatApp.AppHost/postgres-server.sh, the schema of the
# migrations, N open conversations; pgbench then stores one visitor message per transaction, at each RATE, with:
#
#   writer      the writer's own statement (MessageWriter.InsertSql, read from the source): checks the conversation,
#               inserts, updates the conversation's activity and returns the summary
#   no-update   the same statement cut before the activity update: the check and the insert
#   insert      a plain INSERT into messages: its indexes, foreign keys and webhook trigger, nothing else
#
# alternating, ROUNDS times; CPU from /proc of the postmaster and every child (exited ones through cutime), and each
# transaction's latency from pgbench's log (from its scheduled start to the commit's answer, as the ladder counts). The
# floor under all three, a one-row insert into a table with only the messages table's keys, is bench/pg-floor.sh.
#
#   bench/pg-writer-parts.sh                     # 500 transactions/s, 25 s a part, 3 rounds
#   RATES="500 2000" ROUNDS=2 bench/pg-writer-parts.sh
set -euo pipefail
cd "$(dirname "$0")/.."
RATES=${RATES:-500}; DURATION=${DURATION:-25}; ROUNDS=${ROUNDS:-3}; N=${N:-200}; PG_PORT=${PG_PORT:-54392}
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  dotnet build ChatApp.MigrationService -c Release -v q -nologo >/dev/null
fi
source bench/pg-server.sh
scratch_postgres
psql_ -c "CREATE DATABASE chatdb" postgres
ConnectionStrings__chatdb="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Password=$PGPASSWORD;Database=chatdb" \
  Admin__Email=admin@bench.local Admin__Password=bench-admin-password DOTNET_ENVIRONMENT=Production \
  dotnet ChatApp.MigrationService/bin/Release/net10.0/ChatApp.MigrationService.dll \
  --contentRoot "$PWD/ChatApp.MigrationService/bin/Release/net10.0" >/dev/null
# Open conversations assigned to the admin, as the ladder's are to its operators; bench_conv numbers them for pgbench.
psql_ chatdb <<SQL
INSERT INTO visitors (id, name, created_at, last_seen_at) SELECT gen_random_uuid(), 'visitor ' || n, now(), now() FROM generate_series(1, $N) n;
INSERT INTO conversations (id, visitor_id, status, assigned_user_id, visitor_name, created_at, updated_at,
                           visitor_last_read_message_id, operator_last_read_message_id, operator_unread_count)
SELECT gen_random_uuid(), v.id, 'Assigned', (SELECT id FROM users LIMIT 1), v.name, now(), now(), 0, 0, 0 FROM visitors v;
CREATE TABLE bench_conv AS SELECT row_number() OVER (ORDER BY id) AS n, id, visitor_id FROM conversations;
CREATE UNIQUE INDEX ON bench_conv (n);
SQL
psql_ chatdb -c "VACUUM ANALYZE"

# The writer's statement with one visitor message's values in place of its array parameters.
python3 - "$WORK" "$N" <<'PY'
import re, sys
work, n = sys.argv[1], sys.argv[2]
source = open('ChatApp.Api/Services/MessageWriter.cs').read()
match = re.search(r'InsertSql = """\n(.*?)\n\s*""";', source, re.S)
if not match:
    sys.exit('pg-writer-parts: InsertSql not found in ChatApp.Api/Services/MessageWriter.cs')
sql = re.sub(r'--[^\n]*', '', match.group(1))
none = "'00000000-0000-0000-0000-000000000000'::uuid"
values = {1: 'ARRAY[(SELECT id FROM bench_conv WHERE n = :n)]', 2: "ARRAY['Visitor']", 3: f'ARRAY[{none}]',
          4: 'ARRAY[(SELECT visitor_id FROM bench_conv WHERE n = :n)]', 5: "ARRAY[repeat('x', 80)]", 6: f'ARRAY[{none}]',
          7: 'ARRAY[md5(random()::text)]', 8: 'ARRAY[now()]', 9: "ARRAY[repeat('x', 80)]"}
for k in range(9, 0, -1):
    sql = sql.replace(f'${k}::', values[k] + '::')
head = f'\\set n random(1, {n})\n'
one_line = lambda s: ' '.join(s.split()) + ';\n'
if '), per_conversation AS' not in sql:
    sys.exit('pg-writer-parts: the statement has no per_conversation step to cut the update at')
open(f'{work}/writer.sql', 'w').write(head + one_line(sql))
open(f'{work}/no-update.sql', 'w').write(head + one_line(sql.split('), per_conversation AS')[0] + ') SELECT * FROM ins'))
open(f'{work}/insert.sql', 'w').write(head + one_line(
    "INSERT INTO messages (conversation_id, sender_kind, body, client_message_id, created_at) "
    "VALUES ((SELECT id FROM bench_conv WHERE n = :n), 'Visitor', repeat('x', 80), md5(random()::text), now())"))
PY

machine_line
echo "| part | transactions/s offered | round | done | PostgreSQL % of a core | core-ms per transaction | latency p50 / p99 ms |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for round in $(seq 1 "$ROUNDS"); do
  for rate in $RATES; do
    for part in writer no-update insert; do
      before=$(cpu_ticks); start=$(date +%s.%N)
      rm -f "$WORK"/log*
      "$(pg_config --bindir)/pgbench" -h 127.0.0.1 -p "$PG_PORT" -U postgres -n -M prepared -c 2 -j 1 -R "$rate" -T "$DURATION" \
        -l --log-prefix="$WORK/log" -f "$WORK/$part.sql" chatdb > "$WORK/pgbench.txt" 2>&1 || { cat "$WORK/pgbench.txt"; exit 1; }
      after=$(cpu_ticks); end=$(date +%s.%N)
      tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$WORK/pgbench.txt" | head -1)
      # The third field of each logged transaction: microseconds from its scheduled start (with -R) to the answer.
      latency=$(cat "$WORK"/log* | python3 -c "import sys; t=sorted(int(l.split()[2]) for l in sys.stdin); print(f'{t[len(t)//2]/1000:.2f} / {t[len(t)*99//100]/1000:.2f}')")
      python3 -c "t=$after-$before; s=$end-$start; print(f'| $part | $rate | $round | {$tps:.0f} | {t/s:.1f} | {t*10/($tps*s):.3f} | $latency |')"
    done
  done
done
