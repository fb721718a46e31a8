#!/bin/sh
# First start: create the cluster in $PGDATA with POSTGRES_USER / POSTGRES_PASSWORD and the
# database POSTGRES_DB, and run /docker-entrypoint-initdb.d's *.sql and *.sh, as the official image
# does; then run the server on every address. Started as root (an image built FROM this one), it
# steps down to postgres first, as the official image does.
set -eu
if [ "$(id -u)" = 0 ]; then
  mkdir -p "${PGDATA:-/var/lib/postgresql/data}" && chown -R postgres:postgres "${PGDATA:-/var/lib/postgresql/data}"
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi
# `docker run IMAGE -c key=value`: options for the server, as the official image takes them.
if [ "${1#-}" != "${1:-}" ]; then set -- postgres "$@"; fi
: "${POSTGRES_USER:=postgres}" "${POSTGRES_DB:=$POSTGRES_USER}" "${PGDATA:=/var/lib/postgresql/data}"
if [ -z "${POSTGRES_PASSWORD:-}" ]; then
  echo "docker-entrypoint.sh: POSTGRES_PASSWORD is empty; set it (the chart takes it from its Secret)" >&2
  exit 1
fi
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  mkdir -p "$PGDATA" && chmod 700 "$PGDATA"
  pwfile=$(mktemp)
  printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
  initdb --pgdata="$PGDATA" --username="$POSTGRES_USER" --pwfile="$pwfile" \
    --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  rm -f "$pwfile"
  echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
  pg_ctl --pgdata="$PGDATA" --options="-c listen_addresses='' -k /var/run/postgresql" --wait start >/dev/null
  if [ "$POSTGRES_DB" != postgres ]; then
    createdb --host=/var/run/postgresql --username="$POSTGRES_USER" "$POSTGRES_DB"
  fi
  for script in /docker-entrypoint-initdb.d/*; do
    case "$script" in
      *.sql) psql -v ON_ERROR_STOP=1 --host=/var/run/postgresql --username="$POSTGRES_USER" --dbname="$POSTGRES_DB" -q -f "$script" ;;
      *.sh) echo "docker-entrypoint.sh: running $script"; PGHOST=/var/run/postgresql . "$script" ;;
    esac
  done
  pg_ctl --pgdata="$PGDATA" --wait stop >/dev/null
  echo "docker-entrypoint.sh: database $POSTGRES_DB created for $POSTGRES_USER"
fi
if [ "$1" = postgres ]; then
  shift
  exec postgres -D "$PGDATA" -c listen_addresses='*' -k /var/run/postgresql "$@"
fi
exec "$@"
