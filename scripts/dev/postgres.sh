#!/usr/bin/env bash
# Start the machine's PostgreSQL (Debian's postgresql package) for the test suite and print
# an admin URL the tests may create throw-away databases with. Idempotent.
#   usage: scripts/dev/postgres.sh            -> prints postgresql://todo_test:...@127.0.0.1:PORT/postgres
# Needs root (or the postgres user) and `apt-get install postgresql`; says so when missing.
set -euo pipefail
# Standard output carries the URL and nothing else: callers capture it with $(...).
# Everything the PostgreSQL tools print (e.g. pg_ctlcluster's "Removed stale pid file.") goes to stderr.
exec 3>&1 1>&2

role=todo_test
password=todo_test

if ! command -v pg_lsclusters >/dev/null 2>&1; then
  echo "postgres.sh: PostgreSQL is not installed; run: apt-get install -y postgresql" >&2
  exit 1
fi

as_postgres() {
  if [ "$(id -un)" = postgres ]; then "$@"; else runuser -u postgres -- "$@"; fi
}

cluster=$(pg_lsclusters --no-header | awk 'NR==1 {print $1" "$2" "$3" "$4}')
if [ -z "$cluster" ]; then
  version=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V | tail -n 1)
  pg_createcluster "$version" main 3>&- >/dev/null
  cluster=$(pg_lsclusters --no-header | awk 'NR==1 {print $1" "$2" "$3" "$4}')
fi
read -r version name port status <<<"$cluster"
if [ "$status" != online ]; then
  pg_ctlcluster "$version" "$name" start 3>&-  # the server must not hold our stdout open
fi

for _ in $(seq 1 50); do
  if as_postgres psql -p "$port" -Atqc 'SELECT 1' >/dev/null 2>&1; then break; fi
  sleep 0.2
done

as_postgres psql -p "$port" -v ON_ERROR_STOP=1 -qAt >/dev/null <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$role') THEN
    CREATE ROLE $role LOGIN CREATEDB PASSWORD '$password';
  END IF;
END \$\$;
SQL

echo "postgresql://$role:$password@127.0.0.1:$port/postgres" >&3
