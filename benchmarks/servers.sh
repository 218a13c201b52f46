# Sourced by the benchmark scripts: logging to stderr, and the servers they start (PIDS), which are stopped when the
# script exits.

PIDS=()

log() { echo "# $*" >&2; }

cleanup() {
	for pid in "${PIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${PIDS[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
}
trap cleanup EXIT

# wait_port PORT: returns once something accepts connections on 127.0.0.1:PORT; fails the script after 60 s
wait_port() {
	for _ in $(seq 1 600); do
		if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
			return 0
		fi
		sleep 0.1
	done
	echo "server on port $1 did not start" >&2
	exit 1
}
