#!/usr/bin/env bash
# Side-by-side benchmark: our server (gearman-server-app) against Debian's gearmand, same load, same machine,
# interleaved runs (A, B, A, B, ...). Prints one line per figure: our median, gearmand's median, the ratio
# ours/gearmand and the target. Not part of the test command.
#
# usage: benchmarks/run.sh
# env:   ROUNDS=3             interleaved rounds of the throughput scenarios
#        SCENARIOS=throughput,memory,connections,durable
#        DURABLE_RUNS=1       interleaved rounds of the durable scenario (benchmarks/durable.sh; about 3 min each)
#        QUEUED_JOBS=1000000  jobs held in the memory scenario (100 bytes each)
#        DRAIN_SECONDS=20     how long the memory scenario drains (and probes) before it stops
#        IDLE_CONNS=10000     idle connections in the connections scenario
#        OUR_JAVA_OPTS=...    JVM options for our server (default: the recommended ones below)
#        BENCH_TOOL=DIR       the shared libgearman load generator (default: ../shared/tools/bench)
#        SKIP_BUILD=1         use the jar already built
#        OUT=FILE             also write the result table (TSV) here; a chart needs CHART=FILE.png
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH_TOOL=${BENCH_TOOL:-$ROOT/../shared/tools/bench}
ROUNDS=${ROUNDS:-5}
DURABLE_RUNS=${DURABLE_RUNS:-1}
# the load generator repeats itself RUNS times; every round here is one run of it
unset RUNS
SCENARIOS=${SCENARIOS:-throughput,memory,connections,durable}
QUEUED_JOBS=${QUEUED_JOBS:-1000000}
DRAIN_SECONDS=${DRAIN_SECONDS:-20}
IDLE_CONNS=${IDLE_CONNS:-10000}
# The recommended launch of the server app: Serial GC returns less garbage headroom to a one-engine-thread
# server, and the queue, not the heap limit, bounds memory (see README "Benchmarks").
OUR_JAVA_OPTS=${OUR_JAVA_OPTS:--XX:+UseSerialGC}
JAR=$ROOT/gearman-server-app/target/gearman-server-app.jar
WORK=$(mktemp -d "${TMPDIR:-/tmp}/gearman-benchmarks.XXXXXX")
RES=$WORK/results
mkdir -p "$RES"
# shellcheck source=benchmarks/servers.sh
. "$ROOT/benchmarks/servers.sh"

# ---- prerequisites ---------------------------------------------------------------------------------------------
need_pkg() {
	if ! dpkg -s "$1" >/dev/null 2>&1; then
		log "installing $1"
		apt-get install -y -q "$1" >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q "$1" >/dev/null; }
	fi
}
need_pkg gearman-job-server
need_pkg libgearman-dev
need_pkg gcc

if [ -z "${SKIP_BUILD:-}" ] || [ ! -f "$JAR" ]; then
	log "building gearman-server-app"
	# -DskipTests, not -Dmaven.test.skip: the app's test scope needs gearman-core's test jar
	(cd "$ROOT" && { mvn -B -o -q -pl gearman-server-app -am clean package -DskipTests >/dev/null 2>&1 \
		|| mvn -B -q -pl gearman-server-app -am clean package -DskipTests >&2; })
fi
gcc -O2 -Wall -o "$WORK/gearload" "$ROOT/benchmarks/gearload.c"
GEARLOAD=$WORK/gearload

# 10,000 connections need more descriptors than the usual 1024, for the servers and for the load generator
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

# ---- servers ---------------------------------------------------------------------------------------------------
# below the ephemeral range: the 10,000 connections of one scenario leave TIME_WAIT sockets on ephemeral ports,
# which a server without SO_REUSEADDR (gearmand) cannot bind
free_port() {
	local port low
	low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
	for _ in $(seq 1 100); do
		port=$((10000 + RANDOM % (low - 10000)))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && ! ss -tanH 2>/dev/null | awk '{ print $4 }' | grep -q ":$port\$"; then
			echo "$port"
			return
		fi
	done
	echo "no free port" >&2
	exit 1
}

# start_server ours|gearmand [gearmand options]: sets SERVER_PID and SERVER_PORT
start_server() {
	local extra=("${@:2}")
	SERVER_PORT=$(free_port)
	if [ "$1" = ours ]; then
		# shellcheck disable=SC2086
		java $OUR_JAVA_OPTS -Xlog:gc:file="$WORK/ours-$SERVER_PORT-gc.log" -jar "$JAR" --gearman.server.address=127.0.0.1 --gearman.server.port="$SERVER_PORT" \
			--gearman.server.store.type=memory --gearman.server.max-connections=$((IDLE_CONNS + 100)) \
			--gearman.server.max-connections-per-address=0 \
			--logging.level.root=WARN >"$WORK/ours-$SERVER_PORT.log" 2>&1 &
	else
		gearmand --listen=127.0.0.1 --port="$SERVER_PORT" -t 4 --log-file="$WORK/gearmand-$SERVER_PORT.log" \
			"${extra[@]}" >/dev/null 2>&1 &
	fi
	SERVER_PID=$!
	PIDS+=("$SERVER_PID")
	wait_port "$SERVER_PORT"
}

stop_server() {
	kill "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

# record SERVER FIGURE VALUE
record() {
	echo "$3" >>"$RES/$2.$1"
}

# record every key=value line of a run whose key is in the list
record_keys() {
	local server=$1 file=$2
	shift 2
	for key in "$@"; do
		local value
		value=$(sed -n "s/^$key=//p" "$file" | tail -1)
		if [ -n "$value" ]; then
			record "$server" "$key" "$value"
		fi
	done
}

# ---- scenarios -------------------------------------------------------------------------------------------------
THROUGHPUT_KEYS=(bg_submit_jobs_per_s bg_complete_jobs_per_s bgq_submit_jobs_per_s bgq_drain_jobs_per_s
	fg_jobs_per_s fg_latency_p50_us fg_latency_p99_us payload_bigbuf_mib_per_s payload_bigbuf_latency_p50_us)

scenario_throughput() {
	local ours_pid ours_port gd_pid gd_port
	start_server ours
	ours_pid=$SERVER_PID ours_port=$SERVER_PORT
	start_server gearmand
	gd_pid=$SERVER_PID gd_port=$SERVER_PORT
	# one short untimed pass each first, so that the JIT has compiled our hot path before anything counts
	log "throughput warm-up (not counted)"
	for port in "$ours_port" "$gd_port"; do
		"$BENCH_TOOL/run" 127.0.0.1 "$port" --phases bg,bgq,fg,payload_bigbuf --jobs 50000 --fg-count 5000 \
			--payload-bigbuf-count 100 >/dev/null
	done
	for round in $(seq 1 "$ROUNDS"); do
		for server in ours gearmand; do
			local port=$ours_port out="$WORK/throughput-$round-$server.txt"
			[ "$server" = gearmand ] && port=$gd_port
			log "throughput round $round/$ROUNDS: $server (load: $(cut -d' ' -f1 /proc/loadavg))"
			"$BENCH_TOOL/run" 127.0.0.1 "$port" --phases bg,bgq,fg,payload_bigbuf --payload-bigbuf-count 100 >"$out"
			record_keys "$server" "$out" "${THROUGHPUT_KEYS[@]}"
		done
	done
	stop_server "$ours_pid"
	stop_server "$gd_pid"
}

rss_mib() {
	awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"
}

scenario_memory() {
	for server in ours gearmand; do
		log "memory: $server holds $QUEUED_JOBS queued jobs (load: $(cut -d' ' -f1 /proc/loadavg))"
		# gearmand's job hash tables have 991 buckets by default, which makes queueing a million jobs take
		# many minutes (every insert walks a chain of ~1000): size them for the load, as its --help advises
		start_server "$server" --hashtable-buckets=1048573
		local out="$WORK/memory-$server.txt"
		echo "rss_idle_mib=$(rss_mib "$SERVER_PID")" >"$out"
		"$GEARLOAD" fill 127.0.0.1 "$SERVER_PORT" mem_fill "$QUEUED_JOBS" 100 >>"$out"
		sleep 1
		echo "rss_queued_mib=$(rss_mib "$SERVER_PID")" >>"$out"
		"$GEARLOAD" drain 127.0.0.1 "$SERVER_PORT" mem_fill "$QUEUED_JOBS" 2 "$DRAIN_SECONDS" >>"$out"
		echo "rss_after_drain_mib=$(rss_mib "$SERVER_PID")" >>"$out"
		record_keys "$server" "$out" rss_queued_mib fill_jobs_per_s drain_jobs_per_s drain_probe_p50_us \
			drain_probe_p99_us
		stop_server "$SERVER_PID"
	done
}

scenario_connections() {
	for server in ours gearmand; do
		log "connections: $server holds $IDLE_CONNS idle connections (load: $(cut -d' ' -f1 /proc/loadavg))"
		# gearmand listens with a backlog of 32 by default, which makes 10,000 connects crawl through SYN
		# retransmits; ours uses 1024, so gearmand gets the same
		start_server "$server" --backlog=1024
		# untimed warm-up, so that the working client measures a compiled server
		"$BENCH_TOOL/run" 127.0.0.1 "$SERVER_PORT" --phases fg --fg-count 3000 >/dev/null
		local out="$WORK/connections-$server.txt"
		if ! "$GEARLOAD" idle 127.0.0.1 "$SERVER_PORT" "$IDLE_CONNS" 5 "$SERVER_PID" >"$out"; then
			log "connections: $server did not keep all $IDLE_CONNS connections live"
		fi
		record_keys "$server" "$out" idle_connections_live_after idle_rss_held_mib idle_quiet_cpu_pct \
			idle_probe_jobs_per_s idle_probe_p99_us
		stop_server "$SERVER_PID"
	done
}

scenario_durable() {
	if [ -f "$ROOT/benchmarks/durable.sh" ]; then
		log "durable: benchmarks/durable.sh"
		# durable.sh prints its own table: gearmand/SQLite, our memory, H2 and PostgreSQL stores, and the ratios
		OUR_JAVA_OPTS="$OUR_JAVA_OPTS" RUNS="$DURABLE_RUNS" bash "$ROOT/benchmarks/durable.sh" >"$WORK/durable.txt" || \
			log "durable.sh failed"
	else
		log "durable: no benchmarks/durable.sh, skipped"
	fi
}

# ---- report ----------------------------------------------------------------------------------------------------
median() {
	sort -g "$1" | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# figure|label|target (ratio ours/gearmand: ">=X" higher is better, "<=X" lower is better, "" none)
FIGURES=(
	"bg_submit_jobs_per_s|bg submit, 2 workers running (jobs/s)|"
	"bg_complete_jobs_per_s|bg completed, 2 workers running (jobs/s)|>=1.5"
	"bgq_submit_jobs_per_s|bg enqueued, no worker (jobs/s)|"
	"bgq_drain_jobs_per_s|bg drained by 2 workers (jobs/s)|>=1.5"
	"fg_jobs_per_s|fg 4 clients x 10000 x 16 B (jobs/s)|>=1.5"
	"fg_latency_p50_us|fg latency p50 (us)|"
	"fg_latency_p99_us|fg latency p99 (us)|<=1.0"
	"payload_bigbuf_mib_per_s|1 MiB echo (MiB/s)|>=1.0"
	"payload_bigbuf_latency_p50_us|1 MiB echo latency p50 (us)|"
	"rss_queued_mib|RSS holding 1M queued 100 B jobs (MiB)|<=1.5"
	"fill_jobs_per_s|1M jobs enqueue rate (jobs/s)|"
	"drain_jobs_per_s|1M jobs drain rate, 2 workers (jobs/s)|"
	"drain_probe_p50_us|fg probe p50 while 1M drain (us)|"
	"drain_probe_p99_us|fg probe p99 while 1M drain (us)|"
	"idle_connections_live_after|idle connections still live|"
	"idle_rss_held_mib|RSS holding idle connections (MiB)|"
	"idle_quiet_cpu_pct|CPU while connections idle (%)|"
	"idle_probe_jobs_per_s|working client beside idle conns (jobs/s)|"
	"idle_probe_p99_us|working client p99 beside idle conns (us)|"
)

report() {
	printf '%-44s %12s %12s %8s %8s\n' figure ours gearmand ratio target
	for entry in "${FIGURES[@]}"; do
		IFS='|' read -r key label target <<<"$entry"
		[ -f "$RES/$key.ours" ] || [ -f "$RES/$key.gearmand" ] || continue
		local a b ratio verdict=""
		a=$([ -f "$RES/$key.ours" ] && median "$RES/$key.ours" || echo -)
		b=$([ -f "$RES/$key.gearmand" ] && median "$RES/$key.gearmand" || echo -)
		ratio=$(awk -v a="$a" -v b="$b" 'BEGIN { if (a == "-" || b == "-" || b + 0 == 0) print "-"; else printf "%.2f", a / b }')
		if [ -n "$target" ] && [ "$ratio" != "-" ]; then
			verdict=$(awk -v r="$ratio" -v t="$target" 'BEGIN { op = substr(t, 1, 2); x = substr(t, 3) + 0;
				ok = (op == ">=") ? (r >= x) : (r <= x); printf "%s%s", t, ok ? " ok" : " MISS" }')
		fi
		printf '%-44s %12s %12s %8s %8s\n' "$label" "$a" "$b" "$ratio" "$verdict"
		if [ -n "${OUT:-}" ]; then
			printf '%s\t%s\t%s\t%s\t%s\n' "$label" "$a" "$b" "$ratio" "$target" >>"$OUT"
		fi
	done
	if [ -f "$WORK/durable.txt" ]; then
		cat "$WORK/durable.txt"
	fi
	echo "# every run, in order (ours | gearmand):"
	for entry in "${FIGURES[@]}"; do
		IFS='|' read -r key _ _ <<<"$entry"
		[ -f "$RES/$key.ours" ] || [ -f "$RES/$key.gearmand" ] || continue
		echo "#   $key: $(cat "$RES/$key.ours" 2>/dev/null | tr '\n' ' ')| $(cat "$RES/$key.gearmand" 2>/dev/null | tr '\n' ' ')"
	done
}

echo "# machine: nproc=$(nproc), cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), ram=$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
echo "# gearmand $(gearmand --version 2>&1 | awk '/^gearmand/ { print $2; exit }') -t 4; ours: java $OUR_JAVA_OPTS -jar gearman-server-app.jar; $(java -version 2>&1 | head -1)"
echo "# started $(date -u '+%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg), rounds $ROUNDS"
[ -n "${OUT:-}" ] && : >"$OUT"
IFS=',' read -r -a wanted <<<"$SCENARIOS"
for scenario in "${wanted[@]}"; do
	"scenario_$scenario"
done
echo "# finished $(date -u '+%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
report
if [ -n "${CHART:-}" ] && [ -n "${OUT:-}" ]; then
	java -Djava.awt.headless=true "$ROOT/benchmarks/Chart.java" "$OUT" "$CHART"
fi
