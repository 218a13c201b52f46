#!/usr/bin/env bash
# Retries under load (issue 17): background jobs/s with a retry policy on and FAIL_PCT% of the jobs failing once
# (WORK_FAIL, then run again after the backoff and completed), beside the same load with no failures, on our
# server with the in-memory and the JDBC (embedded H2) store; and the cost of the job history on the JDBC store.
# Driver: gearload's 'retry' scenario (the shared load generator cannot fail jobs): WORKERS raw-socket workers,
# N background jobs pipelined in batches of 1000, jobs/s from the first submission until all N completed.
#
# usage: benchmarks/retry.sh            (build first: mvn -B -pl gearman-server-app -am package -DskipTests)
#   env JOBS=N        background jobs per run (default 50000)
#   env WORKERS=N     workers (default 2)
#   env FAIL_PCT=N    percent of jobs whose first attempt fails (default 10)
#   env ROUNDS=N      interleaved rounds, medians reported (default 3)
#   env OUR_JAVA_OPTS JVM options of the servers (default -XX:+UseSerialGC, as in benchmarks/run.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
JAR="$ROOT/gearman-server-app/target/gearman-server-app.jar"
JOBS=${JOBS:-50000}
WORKERS=${WORKERS:-2}
FAIL_PCT=${FAIL_PCT:-10}
ROUNDS=${ROUNDS:-3}
OUR_JAVA_OPTS=${OUR_JAVA_OPTS:--XX:+UseSerialGC}
[ -f "$JAR" ] || { echo "$JAR missing: mvn -B -pl gearman-server-app -am package -DskipTests" >&2; exit 2; }
command -v gcc >/dev/null || { echo "gcc missing: apt-get install gcc" >&2; exit 2; }

WORK=$(mktemp -d /tmp/gearman-retry-bench.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
gcc -O2 -o "$WORK/gearload" benchmarks/gearload.c
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { # port pid log
  for _ in $(seq 1 600); do
    if python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$1),1)" 2>/dev/null; then return 0; fi
    kill -0 "$2" 2>/dev/null || { echo "server died:"; cat "$3"; exit 1; } >&2
    sleep 0.2
  done
  echo "server on port $1 did not come up" >&2; exit 1
}

# every server has the same retry policy: 3 attempts, 100 ms before the second (a backoff short enough not to be
# what the run measures; the retry path itself is: WAITING, the due timer, and on the JDBC store the row update)
POLICY=(--gearman.server.retry.max-attempts=3 --gearman.server.retry.initial-delay=100ms
  --gearman.server.retry.jitter=0.2)
declare -A PORT
start() { # name extra-args...
  local name=$1; shift
  local port; port=$(free_port)
  # shellcheck disable=SC2086
  java $OUR_JAVA_OPTS -jar "$JAR" --gearman.server.address=127.0.0.1 --gearman.server.port="$port" --server.port=0 \
    --logging.level.root=WARN --gearman.server.data-dir="$WORK/$name" "${POLICY[@]}" "$@" >"$WORK/$name.log" 2>&1 &
  PIDS+=("$!")
  wait_port "$port" "$!" "$WORK/$name.log"
  PORT[$name]=$port
}
echo "== starting servers"
start memory --gearman.server.store.type=memory
start h2
start h2-history --gearman.server.history.enabled=true
CONFIGS=(memory h2 h2-history)

run() { # name function fail-pct
  sync
  "$WORK/gearload" retry 127.0.0.1 "${PORT[$1]}" "$2" "$JOBS" "$WORKERS" "$3" 120 | sed -n 's/^retry_jobs_per_s=//p'
}
echo "== warm-up from $(date -u +%T) (JIT), not measured"
for name in "${CONFIGS[@]}"; do
  for w in 1 2 3 4; do run "$name" "warm$w" "$FAIL_PCT" >/dev/null; done
done

declare -A FIG
for r in $(seq 1 "$ROUNDS"); do
  echo "== round $r of $ROUNDS from $(date -u +%T)"
  for name in "${CONFIGS[@]}"; do
    FIG[$name.ok]="${FIG[$name.ok]:-} $(run "$name" "ok$r" 0)"
    FIG[$name.fail]="${FIG[$name.fail]:-} $(run "$name" "fail$r" "$FAIL_PCT")"
  done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf (b > 0) ? "%.2f" : "n/a", a / b}'; }

echo
echo "nproc=$(nproc) jobs=$JOBS workers=$WORKERS fail_pct=$FAIL_PCT rounds=$ROUNDS load=$(cut -d' ' -f1-3 /proc/loadavg)"
echo "(medians, background jobs/s from the first submission until all completed)"
printf '%-12s %14s %20s %8s\n' store "no failures" "${FAIL_PCT}% fail once" ratio
declare -A MED
for name in "${CONFIGS[@]}"; do
  MED[$name.ok]=$(echo "${FIG[$name.ok]}" | median)
  MED[$name.fail]=$(echo "${FIG[$name.fail]}" | median)
  printf '%-12s %14s %20s %8s\n' "$name" "${MED[$name.ok]}" "${MED[$name.fail]}" \
    "$(ratio "${MED[$name.fail]}" "${MED[$name.ok]}")"
done
echo "history on / off (JDBC store, no failures): $(ratio "${MED[h2-history.ok]}" "${MED[h2.ok]}")"
echo "# every run, in order:"
for name in "${CONFIGS[@]}"; do echo "#   $name: no failures:${FIG[$name.ok]} | fail once:${FIG[$name.fail]}"; done
