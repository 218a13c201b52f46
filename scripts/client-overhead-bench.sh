#!/usr/bin/env bash
# Our Java client's own overhead next to libgearman's C client (../shared/tools/bench), against one gearmand
# started here on a free loopback port, runs interleaved C, Java, C, Java, ... (env RUNS=N, default 3).
# Both use W=2 libgearman C echo workers; see gearman-core/src/test/java/dev/gearman/bench/ClientOverheadBench.java.
# usage: scripts/client-overhead-bench.sh            (needs gearman-job-server, libgearman-dev, gcc)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
RUNS=${RUNS:-3}
BENCH="$ROOT/../shared/tools/bench/run"
CP_FILE=$(mktemp)
mvn -B -o -q -Dstyle.color=never -pl gearman-core -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$CP_FILE" >/dev/null
CP="$ROOT/gearman-core/target/classes:$ROOT/gearman-core/target/test-classes:$(cat "$CP_FILE")"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
DIR=$(mktemp -d)
/usr/sbin/gearmand --listen=127.0.0.1 --port="$PORT" --log-file=none --pid-file="$DIR/pid" &
GEARMAND=$!
trap 'kill $GEARMAND 2>/dev/null || true; wait $GEARMAND 2>/dev/null || true; rm -rf "$DIR" "$CP_FILE"' EXIT
for _ in $(seq 1 100); do
  if (exec 3<>/dev/tcp/127.0.0.1/"$PORT") 2>/dev/null; then break; fi
  sleep 0.1
done
echo "gearmand=$(/usr/sbin/gearmand --version 2>&1 | grep -m1 gearmand) port=$PORT"
for r in $(seq 1 "$RUNS"); do
  echo "== run $r: C bench (libgearman client)"
  RUNS=1 "$BENCH" 127.0.0.1 "$PORT" --phases bg,bgq,fg
  echo "== run $r: Java client"
  java -Xms512m -Xmx512m -Dlogback.configurationFile="$ROOT/gearman-core/src/test/resources/bench/logback-bench.xml" \
    -cp "$CP" dev.gearman.bench.ClientOverheadBench 127.0.0.1 "$PORT"
done
