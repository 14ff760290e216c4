#!/usr/bin/env bash
# Stops a cluster made by scripts/postgres/start.sh and deletes its directory.
#
#   scripts/postgres/stop.sh DIR
#
# DIR must be a start.sh cluster dir (its DIR/env names DIR as PG_CLUSTER_DIR); anything
# else is refused, so a wrong argument never deletes an unrelated directory. A DIR that no
# longer exists is not an error (stop is safe to call twice, e.g. from a CI trap).
set -euo pipefail

PG_MAJOR="${PG_MAJOR:-15}"
PG_BINDIR="${PG_BINDIR:-/usr/lib/postgresql/$PG_MAJOR/bin}"

log() { echo "[pg-stop] $*" >&2; }
die() { echo "[pg-stop] ERROR: $*" >&2; exit 1; }

if [ $# -ne 1 ]; then
  echo "usage: $0 DIR   (the dir start.sh printed on stderr and wrote as PG_CLUSTER_DIR)" >&2
  found="$(ls -d "${TMPDIR:-/tmp}"/recommender-pg.* 2>/dev/null || true)"
  [ -z "$found" ] || { echo "clusters in ${TMPDIR:-/tmp}:" >&2; echo "$found" | sed 's/^/  /' >&2; }
  exit 2
fi

if [ ! -e "$1" ]; then
  log "$1 does not exist: nothing to stop"
  exit 0
fi
DIR="$(cd "$1" && pwd -P)"
[ -f "$DIR/env" ] && grep -qxF "PG_CLUSTER_DIR=$DIR" "$DIR/env" ||
  die "$DIR is not a cluster made by scripts/postgres/start.sh (no matching $DIR/env); not touching it"

DATA="$DIR/data"
if [ -f "$DATA/postmaster.pid" ]; then
  owner="$(stat -c %U "$DATA")"
  if [ "$(id -un)" = "$owner" ]; then
    run() { (cd "$DIR" && "$@"); }
  elif [ "$(id -u)" -eq 0 ]; then
    run() { (cd "$DIR" && runuser -u "$owner" -- "$@"); }
  else
    die "$DATA belongs to $owner: run this as $owner or root"
  fi
  # -m fast: roll back open transactions and disconnect clients (tests may leave some open).
  if ! run "$PG_BINDIR/pg_ctl" stop -D "$DATA" -m fast -w -t 60 >/dev/null; then
    # Not running after all (stale pid file after a crash) or stuck: make sure it is gone.
    if run "$PG_BINDIR/pg_ctl" status -D "$DATA" >/dev/null 2>&1; then
      log "fast stop failed, using -m immediate"
      run "$PG_BINDIR/pg_ctl" stop -D "$DATA" -m immediate -w >/dev/null
    fi
  fi
  log "stopped the cluster in $DIR"
fi
rm -rf "$DIR"
log "removed $DIR"
