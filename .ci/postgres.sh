#!/usr/bin/env bash
# Makes the machine's PostgreSQL serve $CI_PG_URL for CI, or fails: installs Debian's postgresql when
# it is missing, starts its clusters (local trust auth for the postgres user), creates the database.
# PostgreSQL is part of CI, never optional: there is no "skipped". Sourced by .ci/run; runs alone too.
set -euo pipefail

CI_PG_URL=${CI_PG_URL:-postgres://postgres@127.0.0.1:5432/test}
PG_START_WAIT=${PG_START_WAIT:-30}
PG_ETC=${PG_ETC:-/etc/postgresql}

ensure_postgres() {
  local hostport host port
  hostport=${CI_PG_URL#*@}
  hostport=${hostport%%/*}
  host=${hostport%:*}
  port=${hostport##*:}
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    echo "PostgreSQL is not installed: installing Debian's postgresql"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
  if ! pg_isready -q -h "$host" -p "$port"; then
    for version in $(ls "$PG_ETC"); do
      local hba=$PG_ETC/$version/main/pg_hba.conf
      grep -q '^host all all 127.0.0.1/32 trust' "$hba" || sed -i '1i host all all 127.0.0.1/32 trust' "$hba"
      pg_ctlcluster --skip-systemctl-redirect "$version" main start || pg_ctlcluster --skip-systemctl-redirect "$version" main reload
    done
    for _ in $(seq 1 "$PG_START_WAIT"); do pg_isready -q -h "$host" -p "$port" && break; sleep 1; done
  fi
  if ! pg_isready -q -h "$host" -p "$port"; then
    echo "FAILED: PostgreSQL is not accepting connections at $host:$port; CI needs it" >&2
    return 1
  fi
  local database=${CI_PG_URL##*/}
  psql "${CI_PG_URL%/*}/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = '$database'" | grep -q 1 \
    || psql "${CI_PG_URL%/*}/postgres" -c "CREATE DATABASE \"$database\""
  echo "PostgreSQL ready at $CI_PG_URL"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then ensure_postgres; fi
