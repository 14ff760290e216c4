#!/usr/bin/env bash
# Starts a throw-away PostgreSQL 15 cluster for tests (run scripts/postgres/install.sh first).
#
#   scripts/postgres/start.sh [DIR]
#
# DIR (default: a new /tmp/recommender-pg.XXXXXX) must be missing or empty. The cluster
# listens on 127.0.0.1 only, on the first free port from $PG_PORT_START (default 54329),
# and has a database `recommender` owned by the role `recommender` (random password) with
# the `vector` extension created. Stdout gets exactly one line:
#
#   DATABASE_URL=postgres://recommender:PASS@127.0.0.1:PORT/recommender
#
# (use it as `export "$(scripts/postgres/start.sh)"`); everything else goes to stderr.
# DIR/env holds DATABASE_URL, PG_CLUSTER_DIR and PG_CLUSTER_PORT; `scripts/postgres/stop.sh DIR`
# stops the cluster and deletes DIR.
#
# As root the cluster runs as the `postgres` user (initdb refuses root); as any other user it
# runs as that user. Layout: DIR/data (PGDATA), DIR/socket (unix socket), DIR/postgres.log.
set -euo pipefail

PG_MAJOR="${PG_MAJOR:-15}"
PG_BINDIR="${PG_BINDIR:-/usr/lib/postgresql/$PG_MAJOR/bin}"
PG_PORT_START="${PG_PORT_START:-54329}"
PG_PORT_TRIES="${PG_PORT_TRIES:-100}"
DB_NAME=recommender
DB_USER=recommender

log() { echo "[pg-start] $*" >&2; }
die() { echo "[pg-start] ERROR: $*" >&2; exit 1; }
t0=$(date +%s.%N)

for f in initdb pg_ctl postgres psql pg_isready; do
  [ -x "$PG_BINDIR/$f" ] || die "$PG_BINDIR/$f missing: run scripts/postgres/install.sh (as root) first"
done

# ---------------------------------------------------------------- cluster dir and owner
created_dir=0
if [ $# -ge 1 ]; then
  DIR="$1"
  if [ -e "$DIR" ]; then
    [ -d "$DIR" ] || die "$DIR exists and is not a directory"
    [ -z "$(ls -A "$DIR")" ] || die "$DIR is not empty (already a cluster? stop it with scripts/postgres/stop.sh $DIR)"
  else
    mkdir -p "$DIR"
    created_dir=1
  fi
  DIR="$(cd "$DIR" && pwd -P)"
else
  DIR="$(mktemp -d "${TMPDIR:-/tmp}/recommender-pg.XXXXXX")"
  created_dir=1
fi
# The path goes unquoted into DIR/env and postgresql.conf, and the socket path has a
# ~107-byte limit: keep it plain and short.
[[ "$DIR" =~ ^[A-Za-z0-9._/-]+$ ]] || die "DIR '$DIR' may contain only letters, digits and ._/-"
[ "${#DIR}" -le 80 ] || die "DIR '$DIR' is too long for a unix socket path (max 80 chars)"

if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || die "no 'postgres' user (is postgresql-$PG_MAJOR installed?)"
  OWNER=postgres
  chown postgres: "$DIR"
  chmod 0700 "$DIR"
  runuser -u postgres -- test -w "$DIR" ||
    die "user postgres cannot write $DIR (a parent directory is not searchable by it?)"
  as_owner() { (cd "$DIR" && runuser -u postgres -- "$@"); }
else
  OWNER="$(id -un)"
  as_owner() { (cd "$DIR" && "$@"); }
fi

cleanup_on_error() {
  local rc=$?
  [ "$rc" -ne 0 ] || return 0
  log "FAILED (exit $rc); postgres log (if any):"
  [ -f "$DIR/postgres.log" ] && tail -n 20 "$DIR/postgres.log" >&2
  if [ -f "$DIR/data/postmaster.pid" ]; then
    as_owner "$PG_BINDIR/pg_ctl" stop -D "$DIR/data" -m immediate >/dev/null 2>&1 || true
  fi
  if [ "$created_dir" = 1 ]; then rm -rf "$DIR"; else rm -rf "${DIR:?}"/* 2>/dev/null || true; fi
}
trap cleanup_on_error EXIT

# ---------------------------------------------------------------- initdb
# Superuser `postgres` without a password; only the unix socket in DIR/socket (mode 0700
# dir) trusts it. TCP (what the app and tests use) needs the password: scram-sha-256.
as_owner mkdir -m 0700 "$DIR/socket"
as_owner "$PG_BINDIR/initdb" -D "$DIR/data" --username=postgres --encoding=UTF8 --locale=C \
  --auth-local=trust --auth-host=scram-sha-256 --no-sync >/dev/null

# Test-only settings. fsync/synchronous_commit/full_page_writes off: a crash can corrupt
# this cluster, which is fine because it is thrown away after the tests and it makes
# writes (index builds, fixtures) much faster. Never use these settings for real data.
as_owner tee -a "$DIR/data/postgresql.conf" >/dev/null <<EOF

# --- scripts/postgres/start.sh: throw-away test cluster ---
listen_addresses = '127.0.0.1'
unix_socket_directories = '$DIR/socket'
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 128MB
maintenance_work_mem = 256MB   # HNSW builds are faster when the graph fits in memory
max_connections = 100
jit = off                      # JIT compilation only slows down short test queries
log_min_messages = warning
log_line_prefix = '%m [%p] '
EOF

# ---------------------------------------------------------------- pick a port and start
port_in_use() { # something accepts connections on 127.0.0.1:$1
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

PORT=""
port=$PG_PORT_START
last=$((PG_PORT_START + PG_PORT_TRIES - 1))
while [ "$port" -le "$last" ]; do
  if port_in_use "$port"; then port=$((port + 1)); continue; fi
  # A port free a moment ago can be taken by a parallel start: then the bind fails,
  # postgres exits, and we try the next port.
  : >"$DIR/postgres.log"
  if [ "$OWNER" = postgres ]; then chown postgres: "$DIR/postgres.log"; fi
  if as_owner "$PG_BINDIR/pg_ctl" start -D "$DIR/data" -l "$DIR/postgres.log" -w -t 60 \
    -o "-p $port" >/dev/null 2>&1; then
    PORT=$port
    break
  fi
  if grep -q 'Address already in use\|could not create any TCP/IP sockets' "$DIR/postgres.log"; then
    log "port $port was taken meanwhile, trying the next one"
    port=$((port + 1))
    continue
  fi
  die "postgres did not start (see $DIR/postgres.log)"
done
[ -n "$PORT" ] || die "no free port in $PG_PORT_START..$last"
# Keep the port in the config too, so a plain `pg_ctl start -D DIR/data` reuses it.
echo "port = $PORT" | as_owner tee -a "$DIR/data/postgresql.conf" >/dev/null

# pg_ctl -w already waited for the socket; also wait until TCP accepts connections.
for _ in $(seq 1 100); do
  "$PG_BINDIR/pg_isready" -q -h 127.0.0.1 -p "$PORT" -d postgres && break
  sleep 0.1
done
"$PG_BINDIR/pg_isready" -q -h 127.0.0.1 -p "$PORT" -d postgres || die "postgres not ready on 127.0.0.1:$PORT"

# ---------------------------------------------------------------- role, database, extension
PASS="$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')" # hex: safe inside a URL unescaped
as_owner "$PG_BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -h "$DIR/socket" -p "$PORT" -U postgres -d postgres >/dev/null <<SQL
CREATE ROLE $DB_USER LOGIN PASSWORD '$PASS';
CREATE DATABASE $DB_NAME OWNER $DB_USER;
SQL
as_owner "$PG_BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -h "$DIR/socket" -p "$PORT" -U postgres -d "$DB_NAME" >/dev/null <<SQL
CREATE EXTENSION IF NOT EXISTS vector;
SQL

DATABASE_URL="postgres://$DB_USER:$PASS@127.0.0.1:$PORT/$DB_NAME"
# Check the URL itself works over TCP with the password, as the app will use it.
vec="$("$PG_BINDIR/psql" -X -qtA -v ON_ERROR_STOP=1 "$DATABASE_URL" \
  -c "SELECT extversion FROM pg_extension WHERE extname = 'vector'")" ||
  die "cannot connect with $DATABASE_URL"
[ -n "$vec" ] || die "extension vector missing in $DB_NAME"

# KEY=value lines without quotes: valid both for `. DIR/env` and for dotenv readers.
umask 077
cat >"$DIR/env" <<EOF
DATABASE_URL=$DATABASE_URL
PG_CLUSTER_DIR=$DIR
PG_CLUSTER_PORT=$PORT
EOF

trap - EXIT
log "cluster up in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s:" \
  "PostgreSQL $("$PG_BINDIR/postgres" -V | awk '{print $3}'), pgvector $vec, 127.0.0.1:$PORT, dir $DIR"
log "env file: $DIR/env    stop with: scripts/postgres/stop.sh $DIR"
echo "DATABASE_URL=$DATABASE_URL"
