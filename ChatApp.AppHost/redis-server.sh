#!/usr/bin/env bash
# Redis from the machine's redis-server, in the foreground: the AppHost's `redis` resource in run mode, and the
# tests' throwaway server. Nothing is persisted: Redis only carries live traffic between API instances.
#
# Environment: PORT, REDIS_PASSWORD; optional REDIS_SERVER (the redis-server binary).
set -euo pipefail

fail() { echo "redis: $*" >&2; exit 1; }
[ -n "${PORT:-}" ] || fail "PORT is not set."
[ -n "${REDIS_PASSWORD:-}" ] || fail "REDIS_PASSWORD is not set."
server=${REDIS_SERVER:-$(command -v redis-server || true)}
[ -n "$server" ] && [ -x "$server" ] || fail "no redis-server found${REDIS_SERVER:+ at '$REDIS_SERVER'}. Install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis), or set Redis:Server."

cd /
# The configuration comes on stdin, so the password is in neither the command line nor the dashboard.
exec "$server" - <<CONFIG
port $PORT
bind 127.0.0.1
protected-mode yes
requirepass $REDIS_PASSWORD
save ""
appendonly no
CONFIG
