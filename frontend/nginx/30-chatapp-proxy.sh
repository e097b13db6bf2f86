#!/bin/sh
# Writes nginx's server configuration for ChatApp from the environment. The official nginx image runs it at start-up
# (/docker-entrypoint.d/); the tests run it too, before they start Debian's nginx on the result.
#
#   PROXY_MODE           tls (default): TLS here, HTTP redirected, HSTS; behind-proxy: plain HTTP behind an outer proxy
#   TRUSTED_PROXIES      behind-proxy: the outer proxies' networks (CIDR), comma- or space-separated; required there
#   API_UPSTREAM         the API's host:port (default api:8080), re-resolved every 5 s
#   RESOLVER             the DNS server for that name (default: the first nameserver of /etc/resolv.conf, Docker's)
#   SERVER_NAME          the site's host name (default _: any)
#   TLS_CERTIFICATE, TLS_CERTIFICATE_KEY  PEM files (default /run/secrets/tls-certificate, /run/secrets/tls-certificate-key)
#   HTTP_PORT, HTTPS_PORT, HTML_ROOT, CHATAPP_NGINX_DIR, CHATAPP_NGINX_OUTPUT  where things are (defaults for the image)
set -eu

fail() { echo "chatapp-proxy: $*" >&2; exit 1; }

mode=${PROXY_MODE:-tls}
source_dir=${CHATAPP_NGINX_DIR:-/etc/nginx/chatapp}
output=${CHATAPP_NGINX_OUTPUT:-/etc/nginx/conf.d/default.conf}

export API_UPSTREAM="${API_UPSTREAM:-api:8080}"
export SERVER_NAME="${SERVER_NAME:-_}"
export HTML_ROOT="${HTML_ROOT:-/usr/share/nginx/html}"
export HTTP_PORT="${HTTP_PORT:-80}"
export HTTPS_PORT="${HTTPS_PORT:-443}"
export TLS_CERTIFICATE="${TLS_CERTIFICATE:-/run/secrets/tls-certificate}"
export TLS_CERTIFICATE_KEY="${TLS_CERTIFICATE_KEY:-/run/secrets/tls-certificate-key}"
if [ -z "${RESOLVER:-}" ]; then
  RESOLVER=$(awk '$1 == "nameserver" { print $2; exit }' /etc/resolv.conf)
  [ -n "$RESOLVER" ] || fail "no nameserver in /etc/resolv.conf: set RESOLVER to the DNS server that knows '${API_UPSTREAM%:*}'."
  case "$RESOLVER" in *:*) RESOLVER="[$RESOLVER]" ;; esac
fi
export RESOLVER

TRUSTED_PROXIES_GEO=""
TRUSTED_PROXIES_REAL_IP=""
for network in $(printf '%s' "${TRUSTED_PROXIES:-}" | tr ',' ' '); do
  case "$network" in
    *[!0-9A-Fa-f.:/]*) fail "TRUSTED_PROXIES: '$network' is not an address or a CIDR network." ;;
  esac
  TRUSTED_PROXIES_GEO="$TRUSTED_PROXIES_GEO    $network 1;
"
  TRUSTED_PROXIES_REAL_IP="$TRUSTED_PROXIES_REAL_IP    set_real_ip_from $network;
"
done
export TRUSTED_PROXIES_GEO TRUSTED_PROXIES_REAL_IP

case "$mode" in
  tls)
    [ -r "$TLS_CERTIFICATE" ] && [ -r "$TLS_CERTIFICATE_KEY" ] ||
      fail "PROXY_MODE=tls needs the certificate files $TLS_CERTIFICATE and $TLS_CERTIFICATE_KEY (the tls-certificate and tls-certificate-key secrets); or set PROXY_MODE=behind-proxy behind a proxy that does TLS." ;;
  behind-proxy)
    [ -n "$TRUSTED_PROXIES_REAL_IP" ] ||
      fail "PROXY_MODE=behind-proxy needs TRUSTED_PROXIES: the networks of the outer proxies, e.g. 10.0.0.0/8." ;;
  *) fail "PROXY_MODE must be tls or behind-proxy, not '$mode'." ;;
esac

envsubst '${API_UPSTREAM} ${SERVER_NAME} ${HTML_ROOT} ${HTTP_PORT} ${HTTPS_PORT} ${TLS_CERTIFICATE} ${TLS_CERTIFICATE_KEY} ${RESOLVER} ${TRUSTED_PROXIES_GEO} ${TRUSTED_PROXIES_REAL_IP}' \
  < "$source_dir/$mode.conf.template" > "$output"
echo "chatapp-proxy: $mode, API at $API_UPSTREAM (DNS $RESOLVER), configuration in $output"
