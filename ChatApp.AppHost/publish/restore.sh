#!/bin/bash
# ChatApp's restores (published with docker-compose.yaml; the README's runbook says when to use which).
#
#   restore.sh dump <folder>            restores every database dump of a backup.sh dump folder into the server at
#                                       PGHOST/PGPORT: each database must be missing or empty; it is created, owned by
#                                       CHATAPP_DB_USER, in one transaction, stopping at the first error
#   restore.sh pitr <target> [base]     with the server STOPPED: rebuilds PGDATA from the newest base backup taken
#                                       before <target> (or the one named) and makes PostgreSQL replay the archived WAL
#                                       up to <target> when it next starts: a time ('2026-12-01 10:00:00+00'), a
#                                       restore point's name (restore-point:<name>) or 'latest'. The old PGDATA is
#                                       kept beside it (<PGDATA>.before-restore-<time>)
#
# Environment: as backup.sh (PGHOST, PGPORT, PGUSER, POSTGRES_PASSWORD_FILE, CHATAPP_DB_USER, BACKUP_DIR) and, for
# pitr, PGDATA.
set -euo pipefail

backup_dir=${BACKUP_DIR:-/backups}
log() { echo "restore: $*"; }
fail() { echo "restore: $*" >&2; exit 1; }

restore_dump() {
  local folder=${1:?usage: restore.sh dump <folder>}
  [ -d "$folder" ] || fail "no dump folder $folder (backup.sh dump writes them in $backup_dir/dumps)."
  export PGUSER=${PGUSER:-postgres}
  passfile=$(mktemp)
  trap 'rm -f "$passfile"' EXIT
  chmod 600 "$passfile"
  printf '*:*:*:%s:%s\n' "$PGUSER" "$(sed -e 's/\\/\\\\/g' -e 's/:/\\:/g' "${POSTGRES_PASSWORD_FILE:?}")" > "$passfile"
  export PGPASSFILE=$passfile
  local app_user=${CHATAPP_DB_USER:?} dump database
  psql -X -q -v ON_ERROR_STOP=1 -v app_user="$app_user" -d postgres >/dev/null <<'SQL'
SELECT NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'app_user') AS create_role \gset
\if :create_role
CREATE ROLE :"app_user" LOGIN;
\endif
SQL
  for dump in "$folder"/*.dump; do
    database=$(basename "$dump" .dump)
    psql -X -q -v ON_ERROR_STOP=1 -v app_user="$app_user" -v database="$database" -d postgres >/dev/null <<'SQL'
SELECT NOT EXISTS (SELECT FROM pg_database WHERE datname = :'database') AS create_database \gset
\if :create_database
CREATE DATABASE :"database" OWNER :"app_user";
\endif
SQL
    local tables
    tables=$(psql -X -A -t -d "$database" -c "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")
    [ "$tables" = 0 ] || fail "database $database already has $tables tables: restore into an empty one (drop it, or restore beside it under another name)."
    pg_restore --exit-on-error --single-transaction --no-owner --role="$app_user" -d "$database" "$dump"
    log "restored $database from $dump"
  done
}

restore_pitr() {
  local target=${1:?usage: restore.sh pitr <time|restore-point:name|latest> [base]} base=${2:-}
  : "${PGDATA:?PGDATA is not set}"
  if [ -f "$PGDATA/postmaster.pid" ] && pg_ctl status -D "$PGDATA" >/dev/null 2>&1; then
    fail "the server on $PGDATA is running: stop it first."
  fi
  if [ -z "$base" ]; then
    local before="99999999T999999Z"
    case "$target" in
      latest | restore-point:*) ;;
      *) before=$(date -u -d "$target" +%Y%m%dT%H%M%SZ) || fail "'$target' is not a time date(1) understands." ;;
    esac
    base=$(find "$backup_dir/base" -mindepth 1 -maxdepth 1 -type d -name '2*' ! -name '*.part' 2>/dev/null |
      sort | awk -F/ -v before="$before" '$NF <= before' | tail -n 1)
    [ -n "$base" ] || fail "no base backup in $backup_dir/base taken before $target."
  fi
  [ -f "$base/base.tar.gz" ] || fail "$base holds no base.tar.gz."

  if [ -d "$PGDATA" ] && [ -n "$(ls -A "$PGDATA")" ]; then
    local aside="$PGDATA.before-restore-$(date -u +%Y%m%dT%H%M%SZ)"
    mv "$PGDATA" "$aside"
    log "kept the old data folder as $aside"
  fi
  mkdir -p "$PGDATA"
  tar -xzf "$base/base.tar.gz" -C "$PGDATA"
  [ -f "$base/pg_wal.tar.gz" ] && tar -xzf "$base/pg_wal.tar.gz" -C "$PGDATA/pg_wal"
  {
    echo "restore_command = 'gzip -dc \"$backup_dir/wal/%f.gz\" > \"%p\"'"
    case "$target" in
      latest) ;;
      restore-point:*) echo "recovery_target_name = '${target#restore-point:}'" ;;
      *) echo "recovery_target_time = '$target'" ;;
    esac
    echo "recovery_target_action = 'promote'"
  } >> "$PGDATA/postgresql.auto.conf"
  touch "$PGDATA/recovery.signal"
  if [ "$(id -u)" = 0 ] && id postgres >/dev/null 2>&1; then
    chown -R postgres: "$PGDATA"
  fi
  chmod 700 "$PGDATA"
  log "PGDATA rebuilt from $base; start PostgreSQL and it replays the WAL up to: $target"
}

case "${1:-}" in
  dump) restore_dump "${2:-}" ;;
  pitr) restore_pitr "${2:-}" "${3:-}" ;;
  *) echo "usage: restore.sh dump <folder> | pitr <time|restore-point:name|latest> [base]" >&2; exit 2 ;;
esac
