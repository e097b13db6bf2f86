#!/bin/bash
# Sets the superuser's and the app role's passwords from their secret files, creates the app role and its databases
# when missing, and makes the role their owner. Run by postgres-entrypoint.sh on every start, so rotating a password
# is: change the file, restart postgres, then the services.
#
# Environment: POSTGRES_PASSWORD_FILE, CHATAPP_DB_USER, CHATAPP_DB_PASSWORD_FILE, CHATAPP_DATABASES (space-separated);
# PGHOST, PGPORT, PGUSER (default postgres) say where, as libpq reads them.
set -euo pipefail
: "${POSTGRES_PASSWORD_FILE:?}" "${CHATAPP_DB_USER:?}" "${CHATAPP_DB_PASSWORD_FILE:?}" "${CHATAPP_DATABASES:?}"
for file in "$POSTGRES_PASSWORD_FILE" "$CHATAPP_DB_PASSWORD_FILE"; do
  [ -s "$file" ] || { echo "apply-roles: the secret file $file is missing or empty." >&2; exit 1; }
done

# Over TCP the superuser signs in with its password (from a passfile, never the command line); in the container the
# local socket needs none.
passfile=$(mktemp)
trap 'rm -f "$passfile"' EXIT
chmod 600 "$passfile"
printf '*:*:*:%s:%s\n' "${PGUSER:-postgres}" "$(sed -e 's/\\/\\\\/g' -e 's/:/\\:/g' "$POSTGRES_PASSWORD_FILE")" > "$passfile"
export PGPASSFILE=$passfile

# The passwords go from the files to psql's variables by psql's own backquotes: never on a command line.
{
  printf '\\set su_password `cat %s`\n' "'$POSTGRES_PASSWORD_FILE'"
  printf '\\set app_password `cat %s`\n' "'$CHATAPP_DB_PASSWORD_FILE'"
  cat <<SQL
ALTER ROLE CURRENT_USER PASSWORD :'su_password';
SELECT NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'app_user') AS create_role \gset
\if :create_role
CREATE ROLE :"app_user" LOGIN;
\endif
ALTER ROLE :"app_user" LOGIN PASSWORD :'app_password';
SQL
  for database in $CHATAPP_DATABASES; do
    cat <<SQL
SELECT NOT EXISTS (SELECT FROM pg_database WHERE datname = '$database') AS create_database \gset
\if :create_database
CREATE DATABASE "$database" OWNER :"app_user";
\endif
ALTER DATABASE "$database" OWNER TO :"app_user";
SQL
  done
} | psql -X -q -v ON_ERROR_STOP=1 -v app_user="$CHATAPP_DB_USER" -U "${PGUSER:-postgres}" -d postgres >/dev/null
echo "apply-roles: passwords applied; $CHATAPP_DB_USER owns $CHATAPP_DATABASES"
