#!/bin/bash
# The postgres service's entrypoint (published with docker-compose.yaml): the official image's entrypoint, then, on
# every start, apply-roles.sh. The official image sets passwords only when it initialises an empty volume, so without
# this a rotated password would silently break every sign-in. Healthy (/tmp/chatapp-ready) only once that is done.
set -euo pipefail
rm -f /tmp/chatapp-ready
if [ -n "${BACKUP_DIR:-}" ]; then
  mkdir -p "$BACKUP_DIR/wal"
  chown postgres: "$BACKUP_DIR" "$BACKUP_DIR/wal"
fi

docker-entrypoint.sh "$@" &
server=$!
# SIGTERM is a "smart" shutdown to PostgreSQL, which waits for pooled clients: make it a fast one.
trap 'kill -INT "$server" 2>/dev/null || true' TERM INT

# TCP answers only once the real server runs (the first initialisation uses a socket-only temporary one).
until pg_isready -q -h 127.0.0.1 -p "${PGPORT:-5432}" -U postgres; do
  kill -0 "$server" 2>/dev/null || { wait "$server"; exit $?; }
  sleep 1
done
PGHOST=/var/run/postgresql /chatapp/apply-roles.sh
touch /tmp/chatapp-ready

status=0
while kill -0 "$server" 2>/dev/null; do
  wait "$server" && status=0 || status=$?
done
exit "$status"
