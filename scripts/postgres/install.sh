#!/usr/bin/env bash
# Installs PostgreSQL 15 (Debian 12 packages) and pgvector 0.8.0 (built from Debian 13's
# source package) for the Postgres storage backend's tests. Run as root. Idempotent: what
# is already installed is skipped, so a second run takes about a second.
#
# Why pgvector is built from source: Debian 12 has no pgvector package, and CI reaches apt
# but not the general internet (no GitHub, no PGDG). Debian 13 (trixie) ships the pgvector
# 0.8.0 source package, which builds unchanged against PG 15. The trixie deb-src index is
# fetched with a private sources file, lists dir and cache dir, so the system's own apt
# sources and state are never touched.
#
# Environment (all optional):
#   PG_MAJOR            PostgreSQL major version (default 15)
#   PGVECTOR_VERSION    upstream pgvector version required (default 0.8.0)
#   PGVECTOR_SUITE      Debian suite to take the pgvector source from (default trixie)
#   PGVECTOR_APT_URI    archive URI for that suite (default: the URI of the first stanza of
#                       /etc/apt/sources.list.d/debian.sources, else http://deb.debian.org/debian)
#   KEEP_BUILD_DIR=1    keep the temporary build dir (printed) instead of deleting it
set -euo pipefail

PG_MAJOR="${PG_MAJOR:-15}"
PGVECTOR_VERSION="${PGVECTOR_VERSION:-0.8.0}"
PGVECTOR_SUITE="${PGVECTOR_SUITE:-trixie}"
PG_BINDIR="/usr/lib/postgresql/$PG_MAJOR/bin"
PG_CONFIG="$PG_BINDIR/pg_config"
APT_PKGS="postgresql-$PG_MAJOR postgresql-client-$PG_MAJOR postgresql-server-dev-$PG_MAJOR"
# pgvector's build needs a C toolchain; dpkg-dev unpacks the source package (dpkg-source).
BUILD_PKGS="gcc make libc6-dev dpkg-dev"
export DEBIAN_FRONTEND=noninteractive

log() { echo "[pg-install] $*" >&2; }
die() { echo "[pg-install] ERROR: $*" >&2; exit 1; }
WORK="" # temporary build dir, removed on exit
on_exit() {
  local rc=$?
  if [ -n "$WORK" ] && [ "${KEEP_BUILD_DIR:-}" != 1 ]; then rm -rf "$WORK"; fi
  [ "$rc" -eq 0 ] || echo "[pg-install] FAILED (exit $rc); see the messages above" >&2
}
trap on_exit EXIT

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
T_ALL=$(now)
timed() { # timed "label" cmd args...: runs the command and reports how long it took
  local label="$1" t0; shift
  t0=$(now)
  "$@"
  log "step '$label' took $(secs "$t0" "$(now)") s"
}

[ "$(id -u)" -eq 0 ] || die "must run as root (try: sudo $0)"
command -v apt-get >/dev/null || die "apt-get not found: this script supports Debian 12 only"
if [ -r /etc/os-release ]; then
  . /etc/os-release
  [ "${ID:-}" = debian ] && [ "${VERSION_ID:-}" = 12 ] ||
    log "warning: written for Debian 12, this is ${PRETTY_NAME:-unknown}; continuing"
fi

# ---------------------------------------------------------------- 1. Debian packages
pg_packages_present() {
  local f p
  for f in initdb pg_ctl postgres psql pg_isready pg_config; do
    [ -x "$PG_BINDIR/$f" ] || return 1
  done
  # server-dev: postgres.h (pgxs.mk alone proves nothing: postgresql-client ships it)
  [ -f "$("$PG_CONFIG" --includedir-server)/postgres.h" ] || return 1
  for p in $BUILD_PKGS; do dpkg -s "$p" >/dev/null 2>&1 || return 1; done
}

# Wait for a concurrent apt/dpkg (another job installing) instead of failing at once.
APT_OPTS=(-o DPkg::Lock::Timeout=600)

missing_packages() { # the packages of $APT_PKGS $BUILD_PKGS that dpkg does not have installed
  local p out=""
  for p in $APT_PKGS $BUILD_PKGS; do
    dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed || out="$out $p"
  done
  echo "${out# }"
}

apt_has_candidates() { # all of "$@" are installable from the current apt lists
  local p policy
  for p in "$@"; do
    # No `apt-cache | grep -q` here: grep -q exits early, apt-cache gets SIGPIPE and
    # pipefail turns that into a false "no candidate".
    policy="$(apt-cache policy "$p" 2>/dev/null)"
    [[ "$policy" == *"Candidate: "[!\(]* ]] || return 1
  done
}

install_packages() {
  local missing reinstall=()
  missing="$(missing_packages)"
  # Installed but incomplete (e.g. a file deleted by hand): reinstall the PG packages.
  if [ -z "$missing" ]; then missing="$APT_PKGS"; reinstall=(--reinstall); fi
  # Only the missing names are installed, so already-installed packages are not upgraded
  # as a side effect (apt still upgrades whatever the new ones depend on at a fixed version).
  # shellcheck disable=SC2086
  if ! apt_has_candidates $missing; then
    log "apt lists lack some of: $missing: apt-get update"
    apt-get "${APT_OPTS[@]}" update -qq
  fi
  log "apt-get install $missing"
  # A stale list can point at files the mirror no longer has: refresh once and retry.
  # shellcheck disable=SC2086
  if ! apt-get "${APT_OPTS[@]}" install -y -qq --no-install-recommends "${reinstall[@]}" $missing >/dev/null; then
    log "apt-get install failed; apt-get update and retry"
    apt-get "${APT_OPTS[@]}" update -qq
    # shellcheck disable=SC2086
    apt-get "${APT_OPTS[@]}" install -y -qq --no-install-recommends "${reinstall[@]}" $missing >/dev/null
  fi
  pg_packages_present || die "packages installed but $PG_BINDIR or the server headers are still missing"
}

if pg_packages_present; then
  log "PostgreSQL $PG_MAJOR binaries, server-dev and build tools already installed: skip apt"
else
  timed "apt install PostgreSQL $PG_MAJOR" install_packages
fi
log "$("$PG_BINDIR/postgres" --version)"

# ---------------------------------------------------------------- 2. pgvector
EXT_DIR="$("$PG_CONFIG" --sharedir)/extension"
PKGLIB_DIR="$("$PG_CONFIG" --pkglibdir)"

pgvector_installed_version() { # prints default_version from vector.control, or nothing
  [ -f "$EXT_DIR/vector.control" ] && [ -f "$PKGLIB_DIR/vector.so" ] || return 0
  sed -n "s/^default_version *= *'\([^']*\)'.*/\1/p" "$EXT_DIR/vector.control"
}

private_sources_file() { # writes a deb-src stanza for $PGVECTOR_SUITE to $1
  local out="$1" sys=/etc/apt/sources.list.d/debian.sources
  if [ -n "${PGVECTOR_APT_URI:-}" ]; then
    printf 'Types: deb-src\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      "$PGVECTOR_APT_URI" "$PGVECTOR_SUITE" >"$out"
  elif [ -r "$sys" ]; then
    # First stanza only: the security archive (second stanza) has no $PGVECTOR_SUITE here.
    awk 'BEGIN { RS = ""; FS = "\n" } NR == 1 { print; exit }' "$sys" |
      grep -v '^[[:space:]]*#' |
      sed -e 's/^Types:.*/Types: deb-src/' -e "s/^Suites:.*/Suites: $PGVECTOR_SUITE/" >"$out"
  else
    printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: %s\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      "$PGVECTOR_SUITE" >"$out"
  fi
  grep -q '^URIs:' "$out" || die "could not derive an archive URI for $PGVECTOR_SUITE (set PGVECTOR_APT_URI)"
}

build_pgvector() {
  local work src
  WORK="$(mktemp -d /tmp/pgvector-build.XXXXXX)"
  work="$WORK"
  [ "${KEEP_BUILD_DIR:-}" != 1 ] || log "build dir kept: $work"
  # apt downloads as the unprivileged _apt user: let it reach the lists and source dirs.
  chmod 0755 "$work"
  mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/src"
  if id _apt >/dev/null 2>&1; then chown -R _apt "$work/lists" "$work/src"; fi

  private_sources_file "$work/sources.sources"
  log "private apt source for pgvector:"; sed 's/^/    /' "$work/sources.sources" >&2
  local apt_private=(
    -o "Dir::Etc::SourceList=$work/sources.sources"
    -o "Dir::Etc::SourceParts=/dev/null"
    -o "Dir::State::Lists=$work/lists"
    -o "Dir::Cache=$work/cache"
    -o "Dir::Cache::pkgcache="
    -o "Dir::Cache::srcpkgcache="
  )
  timed "apt-get update ($PGVECTOR_SUITE deb-src, private lists)" \
    apt-get "${apt_private[@]}" update -qq
  local deb_version
  deb_version="$(apt-cache "${apt_private[@]}" showsrc pgvector | sed -n 's/^Version: //p' | head -n1)"
  [ -n "$deb_version" ] || die "no pgvector source package in $PGVECTOR_SUITE"
  case "$deb_version" in
    "$PGVECTOR_VERSION"-*) ;;
    *) die "$PGVECTOR_SUITE has pgvector $deb_version, need upstream $PGVECTOR_VERSION" ;;
  esac
  log "apt-get source pgvector=$deb_version"
  (cd "$work/src" && timed "apt-get source pgvector" \
    apt-get "${apt_private[@]}" source -qq "pgvector=$deb_version" >/dev/null)
  src="$work/src/pgvector-$PGVECTOR_VERSION"
  [ -f "$src/vector.control" ] || die "unpacked source not found at $src"

  # OPTFLAGS="" drops pgvector's default -march=native, so the .so runs on any x86-64 CPU
  # (CI machines differ from the one that built it). pgvector still picks SIMD at runtime.
  timed "make pgvector" make -C "$src" -s -j"$(nproc)" PG_CONFIG="$PG_CONFIG" OPTFLAGS="" >/dev/null
  timed "make install pgvector" make -C "$src" -s PG_CONFIG="$PG_CONFIG" OPTFLAGS="" install >/dev/null
}

have="$(pgvector_installed_version)"
if [ "$have" = "$PGVECTOR_VERSION" ]; then
  log "pgvector $have already installed in $EXT_DIR: skip build"
else
  [ -z "$have" ] || log "pgvector $have installed, want $PGVECTOR_VERSION: rebuilding"
  timed "pgvector $PGVECTOR_VERSION (fetch, build, install)" build_pgvector
  have="$(pgvector_installed_version)"
  [ "$have" = "$PGVECTOR_VERSION" ] || die "after install, vector.control says '${have:-missing}', want $PGVECTOR_VERSION"
fi

log "done: PostgreSQL $PG_MAJOR + pgvector $have, total $(secs "$T_ALL" "$(now)") s"
