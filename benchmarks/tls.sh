#!/usr/bin/env bash
# TLS beside plaintext on one server: the server app with TLS on one port and its plaintext listener on another,
# the same load against each in interleaved rounds (plaintext, TLS, ...), medians and the ratios TLS/plaintext for
# foreground jobs/s and the 1 MiB echo. The load is our own client and worker (dev.gearman.bench.TlsBench in
# gearman-core's tests): the shared libgearman load generator speaks no TLS. Not part of the test command.
#
# usage: benchmarks/tls.sh
# env:   ROUNDS=5           measured rounds per port (after one warm-up round each)
#        CLIENTS=4          foreground client threads, one connection each
#        FG_COUNT=5000      sequential 16-byte foreground jobs per client and round
#        PAYLOAD_COUNT=100  1 MiB echo jobs per round
#        OUR_JAVA_OPTS=...  JVM options of the server (default -XX:+UseSerialGC, as benchmarks/run.sh)
#        SKIP_BUILD=1       use the jar and classes already built
#        TLS_NATIVE=1       put netty-tcnative-boringssl-static (BoringSSL) on the server's and the driver's class
#                           path: Netty then uses it instead of the JDK's TLS, with no other change
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
OUR_JAVA_OPTS=${OUR_JAVA_OPTS:--XX:+UseSerialGC}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/gearman-tls-bench.XXXXXX")
APP=
cleanup() {
  if [ -n "$APP" ]; then kill "$APP" 2>/dev/null || true; wait "$APP" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

if [ -z "${SKIP_BUILD:-}" ]; then
  mvn -B -o -q -Dstyle.color=never -pl gearman-server-app -am package -DskipTests >/dev/null
fi
mvn -B -o -q -Dstyle.color=never -pl gearman-core -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/cp" >/dev/null
CP="$ROOT/gearman-core/target/classes:$ROOT/gearman-core/target/test-classes:$(cat "$WORK/cp")"
SERVER=(-jar gearman-server-app/target/gearman-server-app.jar)
if [ -n "${TLS_NATIVE:-}" ]; then
  # the version netty-bom 4.2.17.Final (Boot 4.1.1's Netty) names; the server app is started through Boot's
  # PropertiesLauncher so that it takes the extra jars
  TCN=${TCNATIVE_VERSION:-2.0.81.Final}
  for artifact in io.netty:netty-tcnative-classes:"$TCN" io.netty:netty-tcnative-boringssl-static:"$TCN":jar:linux-x86_64; do
    mvn -B -q -Dstyle.color=never dependency:get -Dartifact="$artifact" -Dtransitive=false >/dev/null
  done
  NATIVE="$HOME/.m2/repository/io/netty/netty-tcnative-classes/$TCN/netty-tcnative-classes-$TCN.jar"
  NATIVE="$NATIVE,$HOME/.m2/repository/io/netty/netty-tcnative-boringssl-static/$TCN/netty-tcnative-boringssl-static-$TCN-linux-x86_64.jar"
  CP="$CP:${NATIVE//,/:}"
  SERVER=(-cp gearman-server-app/target/gearman-server-app.jar -Dloader.path="$NATIVE"
    org.springframework.boot.loader.launch.PropertiesLauncher)
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PLAIN=$(free_port)
TLS=$(free_port)
# a throwaway self-signed certificate (EC P-256, as most deployments use now), trusted by the driver
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj "/CN=localhost" \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$WORK/key.pem" -out "$WORK/cert.pem" >/dev/null 2>&1

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg), nproc=$(nproc)," \
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(java -version 2>&1 | head -1)"
# shellcheck disable=SC2086
SERVER_PORT=0 java $OUR_JAVA_OPTS "${SERVER[@]}" \
  --gearman.server.address=127.0.0.1 --gearman.server.port="$TLS" --gearman.server.plaintext-port="$PLAIN" \
  --gearman.server.store.type=memory \
  --spring.ssl.bundle.pem.gearman.keystore.certificate="file:$WORK/cert.pem" \
  --spring.ssl.bundle.pem.gearman.keystore.private-key="file:$WORK/key.pem" \
  --gearman.server.ssl.bundle=gearman >"$WORK/server.log" 2>&1 &
APP=$!
for _ in $(seq 1 240); do
  if grep -q "listening on .* with TLS" "$WORK/server.log"; then break; fi
  if ! kill -0 "$APP" 2>/dev/null; then cat "$WORK/server.log" >&2; exit 1; fi
  sleep 0.25
done
grep -m1 "listening on" "$WORK/server.log" | sed 's/^.*INFO/# server:/'

java -Xms512m -Xmx1g -Dlogback.configurationFile="$ROOT/gearman-core/src/test/resources/bench/logback-bench.xml" \
  -cp "$CP" dev.gearman.bench.TlsBench 127.0.0.1 "$PLAIN" "$TLS" "$WORK/cert.pem" --rounds "${ROUNDS:-5}" \
  --clients "${CLIENTS:-4}" --fg-count "${FG_COUNT:-5000}" --payload-count "${PAYLOAD_COUNT:-100}"
