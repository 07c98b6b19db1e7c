#!/usr/bin/env bash
# Makes sure a PostgreSQL answers on 127.0.0.1:5432 with trust auth for user postgres and a
# database `test` (what the sync tests use). If none answers, it starts Debian's cluster,
# creating one when needed; it never touches a server that already answers.
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

ready() { pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; }

if ! ready; then
  version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n1 || true)
  if [ -z "$version" ]; then
    version=$(ls /usr/lib/postgresql | sort -V | tail -n1)
    echo "postgres: creating cluster $version/main"
    $SUDO pg_createcluster "$version" main >/dev/null
  fi
  conf=/etc/postgresql/$version/main
  if ! $SUDO grep -q "clinicdesk-tests" "$conf/pg_hba.conf"; then
    # Local test server only: trust connections from this machine.
    $SUDO sed -i '1i host all all 127.0.0.1/32 trust # clinicdesk-tests\nhost all all ::1/128 trust # clinicdesk-tests\nlocal all all trust # clinicdesk-tests' "$conf/pg_hba.conf"
  fi
  echo "postgres: starting cluster $version/main"
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 60); do
    ready && break
    sleep 0.5
  done
fi
if ! ready; then
  echo "postgres: nothing answers on 127.0.0.1:5432" >&2
  exit 1
fi
if ! psql -w -h 127.0.0.1 -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'test'" | grep -q 1; then
  psql -w -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE test" >/dev/null
fi
echo "postgres: ready on 127.0.0.1:5432"
