#!/bin/bash
# Creates the secret files docker-compose.yaml (and docker-stack.yaml) name, in ./secrets beside them, when missing:
# random passwords, the JWT key ring's first key, the telemetry key and, until you put a real one there, a self-signed
# TLS certificate for SERVER_NAME. Existing files are left alone. Run it once before the first deploy.
set -euo pipefail
cd "$(dirname "$0")"
umask 077
mkdir -p secrets
chmod 700 secrets
random() { openssl rand -hex 32; }
server_name=$(sed -n 's/^SERVER_NAME=//p' .env 2>/dev/null | head -n 1)

for name in $(sed -n 's|^ *file: "\{0,1\}\./secrets/\([A-Za-z0-9._-]*\)"\{0,1\}$|\1|p' docker-compose.yaml | sort -u); do
  file="secrets/$name"
  [ -e "$file" ] && continue
  case "$name" in
    jwt-signing-key) printf '%s %s\n' "$(date -u +%Y-%m)" "$(random)" > "$file" ;;
    otel-exporter-otlp-headers) continue ;;  # from the dashboard's key, below
    tls-certificate | tls-certificate-key)
      [ -e secrets/tls-certificate ] && [ -e secrets/tls-certificate-key ] && continue
      openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=${server_name:-localhost}" \
        -addext "subjectAltName=DNS:${server_name:-localhost}" \
        -keyout secrets/tls-certificate-key -out secrets/tls-certificate 2>/dev/null
      echo "secrets.sh: a SELF-SIGNED certificate for ${server_name:-localhost} is in secrets/tls-certificate: replace it with your CA's." ;;
    *) random > "$file" ;;
  esac
  echo "secrets.sh: created $file"
done
if grep -q 'secrets/otel-exporter-otlp-headers' docker-compose.yaml && [ ! -e secrets/otel-exporter-otlp-headers ]; then
  printf 'x-otlp-api-key=%s\n' "$(cat secrets/dashboard-otlp-api-key)" > secrets/otel-exporter-otlp-headers
  echo "secrets.sh: created secrets/otel-exporter-otlp-headers"
fi
# Bind-mounted secrets keep these modes: the services run as other users (the API as 1654) and must read them.
# The folder (700) keeps them from other users of this host.
chmod 444 secrets/*
