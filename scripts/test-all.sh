#!/usr/bin/env bash
# Runs every test of the project on a fresh Debian machine (root, JDK 17, Maven):
#  1. installs the real Gearman peers the tests drive (gearmand, gearman/gearadmin CLIs, PHP's gearman extension);
#  2. runs the Maven build with all unit, engine and interop tests (mvn verify);
#  3. starts the server app jar with TLS on one free loopback port and a plaintext listener on another, and runs the
#     shared black-box conformance suite (../shared/tools/conformance) against the plaintext listener, which must end
#     in "N passed, 0 failed".
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

need_packages() {
  local missing=""
  command -v gearmand >/dev/null 2>&1 || [ -x /usr/sbin/gearmand ] || missing="$missing gearman-job-server"
  command -v gearman >/dev/null 2>&1 || missing="$missing gearman-tools"
  command -v gearadmin >/dev/null 2>&1 || missing="$missing gearman-tools"
  command -v php >/dev/null 2>&1 || missing="$missing php-cli"
  php -r 'exit(class_exists("GearmanClient") ? 0 : 1);' 2>/dev/null || missing="$missing php-gearman"
  [ -f /usr/include/libgearman-1.0/gearman.h ] || missing="$missing libgearman-dev"
  command -v python3 >/dev/null 2>&1 || missing="$missing python3"
  # the TLS tests drive Perl's Gearman::Client/Worker over IO::Socket::SSL and openssl s_client
  perl -MGearman::Client -MGearman::Worker -e 1 2>/dev/null || missing="$missing libgearman-client-perl"
  perl -MIO::Socket::SSL -e 1 2>/dev/null || missing="$missing libio-socket-ssl-perl"
  command -v openssl >/dev/null 2>&1 || missing="$missing openssl"
  # the JDBC store's tests start a throwaway PostgreSQL and MariaDB on loopback
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$missing postgresql"
  command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] || missing="$missing mariadb-server"
  # the crawler sample's page test drives headless Chromium through chromedriver
  [ -x /usr/bin/chromium ] || missing="$missing chromium"
  [ -x /usr/bin/chromedriver ] || missing="$missing chromium-driver"
  echo "$missing"
}

missing=$(need_packages)
if [ -n "$missing" ]; then
  echo "== installing:$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
# Debian starts no service at install time here, but make sure a packaged gearmand is not holding port 4730.
if command -v systemctl >/dev/null 2>&1; then systemctl stop gearman-job-server >/dev/null 2>&1 || true; fi

echo "== mvn verify"
mvn -B -ntp verify

echo "== conformance suite against the server app"
SHARED="$ROOT/../shared/tools/conformance/run"
if [ ! -x "$SHARED" ]; then
  echo "conformance suite not found at $SHARED" >&2
  exit 1
fi
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PORT=$(free_port)
TLS_PORT=$(free_port)
LOG=$(mktemp)
DATA_DIR=$(mktemp -d)
# a throwaway certificate for the TLS port, made here and deleted afterwards
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj "/CN=localhost" \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$DATA_DIR/tls-key.pem" -out "$DATA_DIR/tls.pem" \
  >/dev/null 2>&1
# the default JDBC store (embedded H2 in a fresh data directory): every scenario must pass with durable jobs;
# the main port speaks TLS, the suite runs against the plaintext listener beside it
# the app also serves the actuator over HTTP (default 8080): take any free port so parallel runs do not collide
export SERVER_PORT=0
java -jar gearman-server-app/target/gearman-server-app.jar --gearman.server.address=127.0.0.1 \
  --gearman.server.port="$TLS_PORT" --gearman.server.plaintext-port="$PORT" --gearman.server.data-dir="$DATA_DIR" \
  --spring.ssl.bundle.pem.gearman.keystore.certificate="file:$DATA_DIR/tls.pem" \
  --spring.ssl.bundle.pem.gearman.keystore.private-key="file:$DATA_DIR/tls-key.pem" \
  --gearman.server.ssl.bundle=gearman >"$LOG" 2>&1 &
APP=$!
unset SERVER_PORT
trap 'kill $APP 2>/dev/null || true; wait $APP 2>/dev/null || true; rm -rf "$DATA_DIR"' EXIT
for _ in $(seq 1 480); do
  if grep -q "listening on .* with TLS (.*) and on 127.0.0.1:$PORT without TLS" "$LOG"; then break; fi
  if ! kill -0 $APP 2>/dev/null; then cat "$LOG" >&2; exit 1; fi
  sleep 0.25
done
"$SHARED" 127.0.0.1 "$PORT"
