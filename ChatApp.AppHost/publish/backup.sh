#!/bin/bash
# ChatApp's backups (published with docker-compose.yaml; the backup service runs `backup.sh schedule`).
#
#   backup.sh dump [label]   a logical dump of every database (pg_dump -Fc) into $BACKUP_DIR/dumps/<time>[-label]/
#   backup.sh base           a base backup (pg_basebackup) into $BACKUP_DIR/base/<time>/: with the WAL archive, the
#                            starting point of a point-in-time restore
#   backup.sh prune          deletes dumps and base backups older than BACKUP_KEEP_DAYS (keeping the newest of each),
#                            and the archived WAL that no kept base backup needs
#   backup.sh schedule       forever: a base backup and a dump every BACKUP_INTERVAL_HOURS, then prune
#
# Environment: PGHOST, PGPORT (where the server is), PGUSER (default postgres) and POSTGRES_PASSWORD_FILE (its password,
# a secret file); CHATAPP_DATABASES (space-separated); BACKUP_DIR (default /backups); BACKUP_KEEP_DAYS (default 14);
# BACKUP_INTERVAL_HOURS (default 24).
set -euo pipefail

backup_dir=${BACKUP_DIR:-/backups}
export PGUSER=${PGUSER:-postgres}
log() { echo "backup: $*"; }

# libpq reads the password from a passfile, never from the command line or the environment.
passfile=$(mktemp)
trap 'rm -f "$passfile"' EXIT
chmod 600 "$passfile"
printf '*:*:*:%s:%s\n' "$PGUSER" "$(sed -e 's/\\/\\\\/g' -e 's/:/\\:/g' "${POSTGRES_PASSWORD_FILE:?}")" > "$passfile"
export PGPASSFILE=$passfile

stamp() { date -u +%Y%m%dT%H%M%SZ; }

dump() {
  local target="$backup_dir/dumps/$(stamp)${1:+-$1}"
  mkdir -p "$target.part"
  for database in ${CHATAPP_DATABASES:?}; do
    pg_dump -Fc -Z 6 -d "$database" -f "$target.part/$database.dump"
  done
  pg_dumpall --globals-only --no-role-passwords > "$target.part/globals.sql"
  mv "$target.part" "$target"
  touch "$backup_dir/.last-dump"
  log "dump $target ($(du -sh "$target" | cut -f1))"
}

base() {
  local target="$backup_dir/base/$(stamp)"
  pg_basebackup -D "$target.part" -Ft -z -X fetch --checkpoint=fast --label="chatapp $(stamp)"
  mv "$target.part" "$target"
  touch "$backup_dir/.last-base"
  log "base backup $target ($(du -sh "$target" | cut -f1))"
}

prune() {
  local kind
  for kind in dumps base; do
    [ -d "$backup_dir/$kind" ] || continue
    # Never the newest: an old but only backup beats none.
    find "$backup_dir/$kind" -mindepth 1 -maxdepth 1 -type d -name '2*' ! -name '*.part' -mtime "+${BACKUP_KEEP_DAYS:-14}" |
      sort | head -n -1 | while read -r old; do rm -rf "$old"; log "deleted $old"; done
  done
  local oldest
  oldest=$(find "$backup_dir/base" -mindepth 1 -maxdepth 1 -type d -name '2*' ! -name '*.part' 2>/dev/null | sort | head -n 1)
  if [ -n "$oldest" ]; then
    local first_wal
    first_wal=$(tar -xzOf "$oldest/base.tar.gz" backup_label | sed -n 's/^START WAL LOCATION: .*(file \([0-9A-F]*\))$/\1/p')
    [ -n "$first_wal" ] && pg_archivecleanup -x .gz "$backup_dir/wal" "$first_wal" && log "WAL before $first_wal deleted"
  fi
}

case "${1:-}" in
  dump) dump "${2:-}" ;;
  base) base ;;
  prune) prune ;;
  schedule)
    interval=$(( ${BACKUP_INTERVAL_HOURS:-24} * 3600 ))
    until pg_isready -q; do sleep 2; done
    while true; do
      # After a restart, wait out what is left of the interval instead of backing up again at once.
      last=$(stat -c %Y "$backup_dir/.last-dump" 2>/dev/null || echo 0)
      wait=$(( last + interval - $(date +%s) ))
      if [ "$wait" -gt 0 ]; then sleep "$wait"; continue; fi
      if ! { base && dump && prune; }; then
        log "FAILED: see above; retrying in 10 minutes"
        sleep 600
      fi
    done ;;
  *) echo "usage: backup.sh dump [label] | base | prune | schedule" >&2; exit 2 ;;
esac
