#!/usr/bin/env bash
# Several servers on one PostgreSQL (issue 19), on this machine:
#  1. background jobs/s with 1, 2 and 3 server app instances sharing one throwaway PostgreSQL (fsync and
#     synchronous commit on): the shared load generator (../shared/tools/bench, libgearman C clients and echo
#     workers) runs its bg phase against every instance at once, JOBS jobs each; the figure is all jobs over the
#     wall time from the first submission until the last instance's workers finished (bg_complete, summed);
#  2. takeover time after kill -9: with 3 instances, TAKEOVER_JOBS background jobs are queued on one of them
#     (benchmarks/gearload.c fill, no workers), the instance is killed with SIGKILL, and the time until the
#     survivors hold every one of those jobs (admin "status", polled every 20 ms) is measured; the killed instance
#     is restarted for the next run. The same for a clean stop (SIGTERM), where the jobs are handed over at once.
# Medians over RUNS rounds. The instances use the app's defaults (lease 5 s, heartbeat every 1 s).
#
# usage: benchmarks/cluster.sh            (build first: mvn -B -pl gearman-server-app -am package -DskipTests)
#   env JOBS=N            background jobs per instance per round (default 20000)
#   env TAKEOVER_JOBS=N   jobs queued on the instance that is killed (default 10000)
#   env RUNS=N            rounds, medians reported (default 5)
#   env OUR_JAVA_OPTS     JVM options of the instances (default -XX:+UseSerialGC, as in benchmarks/run.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BENCH="$ROOT/../shared/tools/bench/run"
JAR="$ROOT/gearman-server-app/target/gearman-server-app.jar"
JOBS=${JOBS:-20000}
TAKEOVER_JOBS=${TAKEOVER_JOBS:-10000}
RUNS=${RUNS:-5}
OUR_JAVA_OPTS=${OUR_JAVA_OPTS:--XX:+UseSerialGC}
[ -x "$BENCH" ] || { echo "load generator not found at $BENCH" >&2; exit 2; }
[ -f "$JAR" ] || { echo "$JAR missing: mvn -B -pl gearman-server-app -am package -DskipTests" >&2; exit 2; }
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$PGBIN" ] || { echo "PostgreSQL missing: apt-get install postgresql" >&2; exit 2; }

WORK=$(mktemp -d /tmp/gearman-cluster-bench.XXXXXX)
chmod 755 "$WORK"
declare -A PID_OF
cleanup() {
  for pid in "${PID_OF[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  for pid in "${PID_OF[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -f "$WORK/pg/data/postmaster.pid" ]; then as_postgres "$PGBIN/pg_ctl -D $WORK/pg/data -m fast -w stop" >/dev/null 2>&1 || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
bench() { RUNS=1 "$BENCH" "$@"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
as_postgres() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$1"; else sh -c "$1"; fi; }
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {if (NR==0) print "-"; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
gcc -O2 -Wall -o "$WORK/gearload" "$ROOT/benchmarks/gearload.c"

echo "== PostgreSQL (throwaway, fsync on, synchronous_commit on)"
mkdir -p "$WORK/pg"; [ "$(id -u)" = 0 ] && chown postgres:postgres "$WORK/pg"
PGPORT=$(free_port)
as_postgres "$PGBIN/initdb -D $WORK/pg/data -U postgres -A trust -E UTF8 --locale=C.UTF-8" >/dev/null
as_postgres "$PGBIN/pg_ctl -D $WORK/pg/data -l $WORK/pg/log -w -t 60 -o \"-c listen_addresses=127.0.0.1 -p $PGPORT -k $WORK/pg -c max_connections=200\" start" >/dev/null
"$PGBIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -q -v ON_ERROR_STOP=1 \
  -c "CREATE ROLE gearman LOGIN PASSWORD 'gearman'" -c "CREATE DATABASE gearman OWNER gearman"
URL="jdbc:postgresql://127.0.0.1:$PGPORT/gearman?reWriteBatchedInserts=true"

# start PORT: one instance on a Gearman port of its own, waits until it listens
start() {
  local port=$1
  # shellcheck disable=SC2086
  java $OUR_JAVA_OPTS -jar "$JAR" --gearman.server.address=127.0.0.1 --gearman.server.port="$port" --server.port=0 \
    --logging.level.root=WARN --logging.level.dev.gearman.server.store.jdbc=INFO \
    --spring.datasource.url="$URL" --spring.datasource.username=gearman --spring.datasource.password=gearman \
    >>"$WORK/server-$port.log" 2>&1 &
  PID_OF[$port]=$!
  for _ in $(seq 1 600); do
    if python3 -c "import socket; socket.create_connection(('127.0.0.1',$port),1)" 2>/dev/null; then return 0; fi
    kill -0 "${PID_OF[$port]}" 2>/dev/null || { echo "instance on $port died:"; cat "$WORK/server-$port.log"; exit 1; } >&2
    sleep 0.2
  done
  echo "instance on $port did not come up" >&2; exit 1
}
stop() { # PORT SIGNAL
  kill "-$2" "${PID_OF[$1]}" 2>/dev/null || true
  wait "${PID_OF[$1]}" 2>/dev/null || true
  unset "PID_OF[$1]"
}
# queued FN PORT...: jobs of FN the instances hold (admin status, total column)
queued() {
  local fn=$1; shift
  python3 - "$fn" "$@" <<'EOF'
import socket, sys
fn, total = sys.argv[1], 0
for port in sys.argv[2:]:
    try:
        s = socket.create_connection(("127.0.0.1", int(port)), 1)
        s.sendall(b"status\n"); data = b""
        while not data.endswith(b".\n"):
            chunk = s.recv(65536)
            if not chunk: break
            data += chunk
        s.close()
        for line in data.decode().splitlines():
            cols = line.split("\t")
            if cols[0] == fn and len(cols) > 1: total += int(cols[1])
    except OSError:
        pass
print(total)
EOF
}
now_ms() { date +%s%3N; }

declare -A RATE
for n in 1 2 3; do
  echo "== $n instance(s)"
  PORTS=()
  for _ in $(seq 1 "$n"); do p=$(free_port); PORTS+=("$p"); start "$p"; done
  echo "   warm-up from $(date -u +%T)"
  for _ in 1 2 3 4; do
    LOADS=()
    for p in "${PORTS[@]}"; do bench 127.0.0.1 "$p" --jobs "$JOBS" --phases bg >/dev/null & LOADS+=("$!"); done
    for pid in "${LOADS[@]}"; do wait "$pid" || true; done
  done
  for r in $(seq 1 "$RUNS"); do
    # one load generator per instance, all at once; wait for them only (the servers are children too)
    LOADS=()
    for p in "${PORTS[@]}"; do bench 127.0.0.1 "$p" --jobs "$JOBS" --phases bg >"$WORK/bench-$n-$r-$p.out" 2>&1 & LOADS+=("$!"); done
    for pid in "${LOADS[@]}"; do wait "$pid" || true; done
    slowest=0; ok=1
    for p in "${PORTS[@]}"; do
      grep -q '^result=ok' "$WORK/bench-$n-$r-$p.out" || { ok=0; echo "   round $r on $p failed:"; grep -v '=' "$WORK/bench-$n-$r-$p.out" | head -5; } >&2
      s=$(sed -n 's/^bg_complete_seconds=//p' "$WORK/bench-$n-$r-$p.out")
      slowest=$(python3 -c "print(max($slowest, ${s:-0}))")
    done
    if [ "$ok" = 1 ]; then
      rate=$(python3 -c "print(round($n * $JOBS / $slowest))")
      RATE[$n]="${RATE[$n]:-} $rate"
      echo "   round $r: $rate jobs/s"
    fi
  done
  for p in "${PORTS[@]}"; do stop "$p" TERM; done
done

echo "== takeover, 3 instances"
PORTS=()
for _ in 1 2 3; do p=$(free_port); PORTS+=("$p"); start "$p"; done
KILLED_TIMES=""; STOPPED_TIMES=""
# takeover SIGNAL ROUND: queues jobs on the middle instance, signals it, times until the others hold them all
# (sets LAST_MS; no subshell, so that the restarted instance's pid stays known for the clean-up)
takeover() {
  local victim=${PORTS[1]} fn="takeover-$1-$2"
  "$WORK/gearload" fill 127.0.0.1 "$victim" "$fn" "$TAKEOVER_JOBS" 100 >/dev/null
  local pid=${PID_OF[$victim]} t0 t1
  t0=$(now_ms)
  kill "-$1" "$pid"
  while [ "$(queued "$fn" "${PORTS[0]}" "${PORTS[2]}")" -lt "$TAKEOVER_JOBS" ]; do
    if [ $(( $(now_ms) - t0 )) -gt 120000 ]; then echo "   $fn: not taken over within 120 s" >&2; exit 1; fi
    sleep 0.02
  done
  t1=$(now_ms)
  wait "$pid" 2>/dev/null || true
  unset "PID_OF[$victim]"
  LAST_MS=$(( t1 - t0 ))
  start "$victim"
}
for r in $(seq 1 "$RUNS"); do
  takeover KILL "$r"; KILLED_TIMES="$KILLED_TIMES $LAST_MS"; echo "   kill -9, round $r: $LAST_MS ms"
  takeover TERM "$r"; STOPPED_TIMES="$STOPPED_TIMES $LAST_MS"; echo "   SIGTERM, round $r: $LAST_MS ms"
done
for p in "${PORTS[@]}"; do stop "$p" TERM; done

echo
echo "== results (medians of $RUNS rounds; $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'))"
for n in 1 2 3; do
  echo "bg_complete, $n instance(s), $JOBS jobs each: $(median <<<"${RATE[$n]:-}") jobs/s   (rounds:${RATE[$n]:-})"
done
echo "takeover after kill -9 ($TAKEOVER_JOBS queued jobs): $(median <<<"$KILLED_TIMES") ms   (rounds:$KILLED_TIMES)"
echo "hand-over after SIGTERM ($TAKEOVER_JOBS queued jobs): $(median <<<"$STOPPED_TIMES") ms   (rounds:$STOPPED_TIMES)"
