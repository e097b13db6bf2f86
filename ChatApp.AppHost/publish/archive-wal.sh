#!/bin/bash
# PostgreSQL's archive_command: archive-wal.sh %p %f. Copies one finished WAL segment into $BACKUP_DIR/wal, gzipped,
# durably (written, synced, then renamed), so a base backup plus these files restore to any moment (restore.sh pitr).
# Archiving the same segment twice succeeds only when the copies match: PostgreSQL retries after a crash.
set -euo pipefail
source_path=$1 name=$2
archive="${BACKUP_DIR:-/backups}/wal"
target="$archive/$name.gz"
if [ -f "$target" ]; then
  gzip -dc "$target" | cmp -s - "$source_path" && exit 0
  echo "archive-wal: $target exists and differs from $source_path" >&2
  exit 1
fi
gzip -1 -c "$source_path" > "$target.part"
sync "$target.part"
mv "$target.part" "$target"
sync "$archive"
