#!/usr/bin/env bash
# Hostile and broken peers against our server (gearman-server-app, default settings) and Debian's gearmand, side by
# side: each attack of benchmarks/hostile.py runs twice against a fresh server of each kind, and the script prints
# what it cost each server (RSS growth) and what a well-behaved peer saw meanwhile, for the first run (which also
# pays the server's first use of a code path: a JVM compiling it, a pool taking chunks) and for the second.
# Not part of the test command.
#
# usage: benchmarks/hostile.sh
# env:   ATTACKS="trickle status_flood ..."   which attacks (default: all of hostile.py)
#        OUR_JAVA_OPTS=...                    JVM options for our server (default -XX:+UseSerialGC, as run.sh)
#        SKIP_BUILD=1                         use the jar already built
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUR_JAVA_OPTS=${OUR_JAVA_OPTS:--XX:+UseSerialGC}
ATTACKS=${ATTACKS:-trickle status_flood_big_names status_flood fanout function_flood grab_spin colliding read_ahead silent_connections}
JAR=$ROOT/gearman-server-app/target/gearman-server-app.jar
WORK=$(mktemp -d "${TMPDIR:-/tmp}/gearman-hostile.XXXXXX")
# shellcheck source=benchmarks/servers.sh
. "$ROOT/benchmarks/servers.sh"

if ! dpkg -s gearman-job-server >/dev/null 2>&1; then
	log "installing gearman-job-server"
	apt-get install -y -q gearman-job-server >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q gearman-job-server >/dev/null; }
fi
if [ -z "${SKIP_BUILD:-}" ] || [ ! -f "$JAR" ]; then
	log "building gearman-server-app"
	(cd "$ROOT" && { mvn -B -o -q -pl gearman-server-app -am package -DskipTests >/dev/null 2>&1 \
		|| mvn -B -q -pl gearman-server-app -am package -DskipTests >&2; })
fi
# thousands of connections from the attacks, for the servers and for the attacking script
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# start_server ours|gearmand: sets SERVER_PID and SERVER_PORT
start_server() {
	SERVER_PORT=$(free_port)
	if [ "$1" = ours ]; then
		# shellcheck disable=SC2086
		java $OUR_JAVA_OPTS -jar "$JAR" --gearman.server.address=127.0.0.1 --gearman.server.port="$SERVER_PORT" \
			--gearman.server.store.type=memory --server.port=0 --logging.level.root=WARN \
			>"$WORK/ours-$SERVER_PORT.log" 2>&1 &
	else
		# a backlog like ours (1024): gearmand's default of 32 turns thousands of connects into SYN retransmits
		gearmand --listen=127.0.0.1 --port="$SERVER_PORT" -t 4 --backlog=1024 \
			--log-file="$WORK/gearmand-$SERVER_PORT.log" >/dev/null 2>&1 &
	fi
	SERVER_PID=$!
	PIDS+=("$SERVER_PID")
	wait_port "$SERVER_PORT"
}

# ordinary traffic first (hostile.py warm_up), so that neither server's first use of its common paths counts
warm_up() {
	python3 "$ROOT/benchmarks/hostile.py" warm_up 127.0.0.1 "$1" "$2" || log "warm-up against port $1 failed"
	sleep 1
}

# a server still busy with an attack may take long to stop: 10 s, then SIGKILL
stop_server() {
	kill "$1" 2>/dev/null || true
	for _ in $(seq 1 100); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	kill -9 "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

log "machine: nproc=$(nproc), $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1); gearmand $(dpkg-query -W -f '${Version}' gearman-job-server 2>/dev/null);" \
	"ours: java $OUR_JAVA_OPTS -jar gearman-server-app.jar (defaults, memory store); $(java -version 2>&1 | head -1)"
log "started $(date -u '+%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
RESULTS=$WORK/results
: >"$RESULTS"
for attack in $ATTACKS; do
	for server in ours gearmand; do
		log "$attack: $server (load: $(cut -d' ' -f1 /proc/loadavg))"
		start_server "$server"
		warm_up "$SERVER_PORT" "$SERVER_PID"
		for run in 1 2; do
			python3 "$ROOT/benchmarks/hostile.py" "$attack" 127.0.0.1 "$SERVER_PORT" "$SERVER_PID" "$run" \
				| sed "s/^/$server$run /" | tee -a "$RESULTS" >&2 || log "$attack against $server failed (run $run)"
			sleep 2
		done
		stop_server "$SERVER_PID"
	done
done
log "finished $(date -u '+%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg)"

# one line per figure, first run and second: ours, gearmand, and whether ours is better (lower is better, but for
# the round trips counted); figures for information only get no verdict (round trips during an attack: what the
# attack adds to them, "_increase", is what is compared). Differences below what the figures resolve on a shared
# machine (0.5 MiB of RSS, 1 ms of round trip, 0.2 of a ratio) are "same".
printf '%-40s %10s %10s %6s   %10s %10s %6s\n' figure "ours 1st" "gearmand" better "ours 2nd" "gearmand" better
awk '{ split($2, kv, "="); value[$1, kv[1]] = kv[2]; if (!(kv[1] in seen)) { seen[kv[1]] = 1; order[++n] = kv[1] } }
	function verdict(key, ours, theirs,    higher, tolerance) {
		if (ours == "" || theirs == "" || key ~ /_sent$|_send_s$|_during_ms$|_submit_ms$/) return "-"
		higher = (key ~ /_count$/)
		tolerance = (key ~ /_mib$/) ? 0.5 : (key ~ /_ms$/) ? 1 : (key ~ /_over_/) ? 0.2 : 0
		if (ours - theirs <= tolerance && theirs - ours <= tolerance) return "same"
		return ((higher && ours + 0 > theirs + 0) || (!higher && ours + 0 < theirs + 0)) ? "yes" : "NO"
	}
	END {
		for (i = 1; i <= n; i++) {
			key = order[i]
			o1 = value["ours1", key]; g1 = value["gearmand1", key]; o2 = value["ours2", key]; g2 = value["gearmand2", key]
			printf "%-40s %10s %10s %6s   %10s %10s %6s\n", key, o1, g1, verdict(key, o1, g1), o2, g2, verdict(key, o2, g2)
		}
	}' "$RESULTS"
