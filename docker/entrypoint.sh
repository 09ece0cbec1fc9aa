#!/bin/sh
# Container entry point of the clickstream image: entrypoint.sh [coordinator|worker|standalone [args...]]
# Without arguments it runs the image's default role, CLICKSTREAM_ROLE.
#
# Inside a container, each member's Hazelcast and event-bus address must be the container's own
# address, and the members must find each other by compose service (or Kubernetes headless Service)
# names. Hazelcast resolves a name to ONE address, so a scaled service name is expanded here to all of
# its addresses. Everything else is configured by the environment variables the jars read.
#
# Environment read here:
#   CLUSTER_HOST, CLUSTER_PUBLIC_HOST  default: this container's first IPv4 address
#   CLUSTER_MEMBERS                    names or addresses, optionally host:port; names are expanded
#   JAVA_OPTS                          JVM options (the image sets container-sane memory flags)
#   CLICKSTREAM_ROLE                   the role when none is given as an argument
#   CLICKSTREAM_HOME                   where the jars are (default /app)
#   COORDINATOR_JAR, WORKER_JAR        override the jar paths themselves
set -eu

log() { printf 'entrypoint: %s\n' "$*" >&2; }

usage() {
  log "usage: entrypoint.sh coordinator|worker|standalone [args...]"
  exit 2
}

is_ipv4() {
  case "$1" in
    *[!0-9.]* | "" | .* | *. | *..*) return 1 ;;
  esac
  # Exactly four dot-separated parts (the characters are already digits and dots).
  [ "$(printf '%s' "$1" | tr -cd '.' | wc -c)" -eq 3 ]
}

# The first IPv4 address of this host that is not loopback, else the first IPv4 address at all.
own_ipv4() {
  addrs=$(hostname -i 2>/dev/null || true)
  if [ -z "$addrs" ]; then
    addrs=$(getent ahostsv4 "$(hostname)" 2>/dev/null | awk '{print $1}' || true)
  fi
  first=""
  for a in $addrs; do
    is_ipv4 "$a" || continue
    [ -n "$first" ] || first=$a
    case "$a" in
      127.*) ;;
      *) printf '%s\n' "$a"; return 0 ;;
    esac
  done
  [ -n "$first" ] || return 1
  printf '%s\n' "$first"
}

# Expands CLUSTER_MEMBERS: each name becomes all its IPv4 addresses (getent ahostsv4), keeping a
# :port suffix; addresses and IPv6 literals stay as they are; duplicates are dropped. A name that
# does not resolve (yet: a scaled service whose first replica is still starting) is left out, with
# a note; the member then finds the others through the names that do resolve.
expand_members() {
  out=""
  old_ifs=$IFS
  IFS=','
  # shellcheck disable=SC2086 # splitting on commas is the point
  set -- $1
  IFS=$old_ifs
  for entry in "$@"; do
    entry=$(printf '%s' "$entry" | tr -d ' \t')
    [ -n "$entry" ] || continue
    case "$entry" in
      \[*)
        # An IPv6 literal, [addr] or [addr]:port: nothing to resolve.
        resolved=$entry ;;
      *:*:*)
        resolved=$entry ;;
      *)
        host=${entry%%:*}
        suffix=""
        [ "$host" = "$entry" ] || suffix=":${entry#*:}"
        if is_ipv4 "$host"; then
          resolved=$entry
        else
          resolved=""
          for ip in $(getent ahostsv4 "$host" 2>/dev/null | awk '{print $1}'); do
            resolved="$resolved $ip$suffix"
          done
          if [ -z "$resolved" ]; then
            log "CLUSTER_MEMBERS: '$host' does not resolve (yet); left out"
            continue
          fi
        fi ;;
    esac
    for r in $resolved; do
      case ",$out," in
        *",$r,"*) ;;
        *) out="${out:+$out,}$r" ;;
      esac
    done
  done
  printf '%s\n' "$out"
}

if [ $# -ge 1 ]; then
  role=$1
  shift
else
  role=${CLICKSTREAM_ROLE:-}
  [ -n "$role" ] || usage
fi

home=${CLICKSTREAM_HOME:-/app}
coordinator_jar=${COORDINATOR_JAR:-$home/clickstream-coordinator.jar}
worker_jar=${WORKER_JAR:-$home/clickstream-worker.jar}

case "$role" in
  coordinator) jar=$coordinator_jar ;;
  worker | standalone) jar=$worker_jar ;;
  -h | --help | help) usage ;;
  *) log "unknown role '$role'"; usage ;;
esac
[ -f "$jar" ] || { log "jar not found: $jar (set CLICKSTREAM_HOME, COORDINATOR_JAR or WORKER_JAR)"; exit 1; }

if [ "$role" != standalone ]; then
  if [ -z "${CLUSTER_HOST:-}" ]; then
    CLUSTER_HOST=$(own_ipv4) || { log "cannot find this container's IPv4 address; set CLUSTER_HOST"; exit 1; }
    export CLUSTER_HOST
  fi
  if [ -z "${CLUSTER_PUBLIC_HOST:-}" ]; then
    CLUSTER_PUBLIC_HOST=$CLUSTER_HOST
    export CLUSTER_PUBLIC_HOST
  fi
  if [ -n "${CLUSTER_MEMBERS:-}" ]; then
    members=$(expand_members "$CLUSTER_MEMBERS")
    # Nothing resolved: at least this member itself, so it starts and the others can join it.
    CLUSTER_MEMBERS=${members:-$CLUSTER_PUBLIC_HOST}
    export CLUSTER_MEMBERS
  fi
  log "$role: CLUSTER_HOST=$CLUSTER_HOST CLUSTER_PUBLIC_HOST=$CLUSTER_PUBLIC_HOST CLUSTER_MEMBERS=${CLUSTER_MEMBERS:-}"
else
  set -- --standalone "$@"
fi

# JAVA_OPTS is a list of options: word splitting is intended.
# shellcheck disable=SC2086
exec java ${JAVA_OPTS:-} -jar "$jar" "$@"
