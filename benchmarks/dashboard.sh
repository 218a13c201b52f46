#!/usr/bin/env bash
# The dashboard's cost to the job server (issue 18): the shared libgearman load generator against one server app,
# in interleaved rounds without and with a browser that keeps the dashboard's overview open (headless Chromium,
# signed in, refreshing every 2 s: benchmarks/dashboard-browser.py). Prints the median of each figure both ways and
# the ratio with/without; the target is a drop under 5 %.
#
# usage: benchmarks/dashboard.sh            (build first: mvn -B -pl gearman-server-app -am package -DskipTests)
#   env ROUNDS=N        interleaved rounds (default 5)
#   env PAGE=PATH       the page kept open (default /dashboard)
#   env OUR_JAVA_OPTS   JVM options of the server (default -XX:+UseSerialGC, as in benchmarks/run.sh)
#   env BENCH_TOOL=DIR  the shared libgearman load generator (default ../shared/tools/bench)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
JAR="$ROOT/gearman-server-app/target/gearman-server-app.jar"
BENCH_TOOL=${BENCH_TOOL:-$ROOT/../shared/tools/bench}
ROUNDS=${ROUNDS:-5}
PAGE=${PAGE:-/dashboard}
OUR_JAVA_OPTS=${OUR_JAVA_OPTS:--XX:+UseSerialGC}
[ -f "$JAR" ] || { echo "$JAR missing: mvn -B -pl gearman-server-app -am package -DskipTests" >&2; exit 2; }
[ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] || { echo "apt-get install chromium chromium-driver" >&2; exit 2; }

WORK=$(mktemp -d /tmp/gearman-dashboard-bench.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PORT=$(free_port)
HTTP_PORT=$(free_port)
# shellcheck disable=SC2086
java $OUR_JAVA_OPTS -jar "$JAR" --gearman.server.address=127.0.0.1 --gearman.server.port="$PORT" \
  --server.port="$HTTP_PORT" --gearman.server.store.type=memory --logging.level.root=WARN \
  --gearman.server.http.users.ops.password='{noop}bench' --gearman.server.http.users.ops.roles=operator \
  >"$WORK/server.log" 2>&1 &
SERVER=$!
PIDS+=("$SERVER")
for _ in $(seq 1 600); do
  if curl -s -o /dev/null "http://127.0.0.1:$HTTP_PORT/dashboard/login" 2>/dev/null \
      && python3 -c "import socket; socket.create_connection(('127.0.0.1',$PORT),1)" 2>/dev/null; then break; fi
  kill -0 "$SERVER" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
  sleep 0.2
done

KEYS=(bg_submit_jobs_per_s bg_complete_jobs_per_s fg_jobs_per_s fg_latency_p99_us)
bench() { # label
  "$BENCH_TOOL/run" 127.0.0.1 "$PORT" --phases bg,fg >"$WORK/run.txt"
  for key in "${KEYS[@]}"; do
    sed -n "s/^$key=//p" "$WORK/run.txt" | tail -1 >>"$WORK/$key.$1"
  done
}
echo "# machine: nproc=$(nproc), load average $(cut -d' ' -f1-3 /proc/loadavg); page kept open: $PAGE"
echo "== warm-up (JIT), not measured"
bench warmup
for r in $(seq 1 "$ROUNDS"); do
  echo "== round $r of $ROUNDS: without a browser (load $(cut -d' ' -f1 /proc/loadavg))"
  bench without
  python3 "$ROOT/benchmarks/dashboard-browser.py" "http://127.0.0.1:$HTTP_PORT" ops bench "$PAGE" \
    >"$WORK/browser.log" 2>&1 &
  BROWSER=$!
  PIDS+=("$BROWSER")
  for _ in $(seq 1 300); do grep -q '^open:' "$WORK/browser.log" && break; sleep 0.2; done
  grep -q '^open:' "$WORK/browser.log" || { cat "$WORK/browser.log" >&2; exit 1; }
  sleep 3
  echo "== round $r of $ROUNDS: with the overview open (load $(cut -d' ' -f1 /proc/loadavg))"
  bench with
  kill -TERM "$BROWSER"
  wait "$BROWSER" 2>/dev/null || true
done
median() { sort -g "$1" | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
printf '%-26s %14s %14s %8s\n' figure without with ratio
for key in "${KEYS[@]}"; do
  a=$(median "$WORK/$key.without")
  b=$(median "$WORK/$key.with")
  printf '%-26s %14s %14s %8s\n' "$key" "$a" "$b" "$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f", b / a }')"
done
for key in "${KEYS[@]}"; do
  echo "# $key without: $(tr '\n' ' ' <"$WORK/$key.without")| with: $(tr '\n' ' ' <"$WORK/$key.with")"
done
