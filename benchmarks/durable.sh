#!/usr/bin/env bash
# Durable background jobs, side by side on this machine in one run, with the shared load generator
# (../shared/tools/bench, libgearman C clients and workers):
#   gearmand -q libsqlite3   (gearmand's persistent queue: one INSERT + commit per job)
#   our server, memory store (the in-memory reference)
#   our server, JDBC store on embedded H2 (the default of the server app)
#   our server, JDBC store on PostgreSQL (a throwaway instance on a free loopback port)
# Prints the figures of each server and the ratios: durable vs gearmand/SQLite and durable vs our in-memory.
# The target figure is bg_complete (jobs submitted, stored, run and deleted, per second from the first submit):
# it is what issue 5 calls background jobs/s, whose reference pair for gearmand (about 620/s with SQLite, about
# 17,500/s in memory) is the load generator's bg_complete figure (../shared/tools/bench/README.md). The other
# ratios are printed for information.
#
# usage: benchmarks/durable.sh            (build first: mvn -B -pl gearman-server-app -am package -DskipTests)
#   env JOBS=N          background jobs per phase for our server (default 50000)
#   env SQLITE_JOBS=N   background jobs per phase for gearmand/SQLite (default 5000: it manages ~600/s)
#   env RUNS=N          interleaved rounds, medians reported (default 1)
#   env OUR_JAVA_OPTS   JVM options of our servers (default -XX:+UseSerialGC, as in benchmarks/run.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BENCH="$ROOT/../shared/tools/bench/run"
JAR="$ROOT/gearman-server-app/target/gearman-server-app.jar"
JOBS=${JOBS:-50000}
SQLITE_JOBS=${SQLITE_JOBS:-5000}
RUNS=${RUNS:-1}
OUR_JAVA_OPTS=${OUR_JAVA_OPTS:--XX:+UseSerialGC}
[ -x "$BENCH" ] || { echo "load generator not found at $BENCH" >&2; exit 2; }
[ -f "$JAR" ] || { echo "$JAR missing: mvn -B -pl gearman-server-app -am package -DskipTests" >&2; exit 2; }
GEARMAND=$(command -v gearmand || echo /usr/sbin/gearmand)
[ -x "$GEARMAND" ] || { echo "gearmand missing: apt-get install gearman-job-server" >&2; exit 2; }
"$GEARMAND" --help 2>&1 | grep -q libsqlite3 || { echo "this gearmand has no libsqlite3 queue" >&2; exit 2; }
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$PGBIN" ] || { echo "PostgreSQL missing: apt-get install postgresql" >&2; exit 2; }

WORK=$(mktemp -d /tmp/gearman-durable-bench.XXXXXX)
chmod 755 "$WORK"
PIDS=()
cleanup() {
  if [ -f "$WORK/java.pids" ]; then while read -r pid; do PIDS+=("$pid"); done <"$WORK/java.pids"; fi
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -f "$WORK/pg/data/postmaster.pid" ]; then as_postgres "$PGBIN/pg_ctl -D $WORK/pg/data -m fast -w stop" >/dev/null 2>&1 || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
# one load-generator run per call: the generator reads RUNS too, and would repeat itself RUNS times
bench() { RUNS=1 "$BENCH" "$@"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
as_postgres() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$1"; else sh -c "$1"; fi; }
wait_port() { # port pid log
  for _ in $(seq 1 600); do
    if python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$1),1)" 2>/dev/null; then return 0; fi
    kill -0 "$2" 2>/dev/null || { echo "server died:"; cat "$3"; exit 1; } >&2
    sleep 0.2
  done
  echo "server on port $1 did not come up" >&2; exit 1
}

echo "== PostgreSQL (throwaway, fsync on, synchronous_commit on)"
mkdir -p "$WORK/pg"; [ "$(id -u)" = 0 ] && chown postgres:postgres "$WORK/pg"
PGPORT=$(free_port)
as_postgres "$PGBIN/initdb -D $WORK/pg/data -U postgres -A trust -E UTF8 --locale=C.UTF-8" >/dev/null
as_postgres "$PGBIN/pg_ctl -D $WORK/pg/data -l $WORK/pg/log -w -t 60 -o \"-c listen_addresses=127.0.0.1 -p $PGPORT -k $WORK/pg -c log_checkpoints=on -c log_autovacuum_min_duration=0\" start" >/dev/null
"$PGBIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -q -v ON_ERROR_STOP=1 \
  -c "CREATE ROLE gearman LOGIN PASSWORD 'gearman'" -c "CREATE DATABASE gearman OWNER gearman"

start_ours() { # name extra-args...
  local name=$1; shift
  local port; port=$(free_port)
  # shellcheck disable=SC2086
  java $OUR_JAVA_OPTS -jar "$JAR" --gearman.server.address=127.0.0.1 --gearman.server.port="$port" --server.port=0 \
    --logging.level.root=WARN "$@" >"$WORK/$name.log" 2>&1 &
  local pid=$!
  echo "$pid" >>"$WORK/java.pids"   # called in $(...): the parent's PIDS array is out of reach
  wait_port "$port" "$pid" "$WORK/$name.log"
  echo "$port"
}

echo "== starting servers"
mkdir -p "$WORK/sqlite"
SQLITE_PORT=$(free_port)
"$GEARMAND" --listen=127.0.0.1 --port="$SQLITE_PORT" -q libsqlite3 --libsqlite3-db="$WORK/sqlite/queue.db" \
  --log-file="$WORK/gearmand.log" --verbose=ERROR >/dev/null 2>&1 &
PIDS+=("$!")
wait_port "$SQLITE_PORT" "$!" "$WORK/gearmand.log"
MEM_PORT=$(start_ours memory --gearman.server.store.type=memory)
H2_PORT=$(start_ours h2 --gearman.server.data-dir="$WORK/h2")
PG_PORT=$(start_ours postgresql \
  --spring.datasource.url="jdbc:postgresql://127.0.0.1:$PGPORT/gearman?reWriteBatchedInserts=true" \
  --spring.datasource.username=gearman --spring.datasource.password=gearman)

# JIT warm-up of the JVM servers, not measured: H2's and the JDBC driver's code paths take a while to compile
# (the enqueue rate still rose by half from the first to the fourth run of 50,000 jobs on a fresh server, and
# the compiler was still busy after the sixth): six runs per server
echo "== warm-up from $(date -u +%T)"
for port in "$MEM_PORT" "$H2_PORT" "$PG_PORT"; do
  for _ in 1 2 3 4 5 6; do bench 127.0.0.1 "$port" --jobs "$JOBS" --phases bg,bgq >/dev/null || true; done
done

declare -A FIG
FAILURES=0
measure() { # name port jobs
  # write back what earlier phases left dirty in the page cache (H2 does not fsync), so that it is not flushed
  # inside the next server's commits: on one shared disk, ext4's journal can make an fsync wait for it
  sync
  echo "   $1 from $(date -u +%T)"
  local out; out=$(bench 127.0.0.1 "$2" --jobs "$3" --phases bg,bgq 2>&1) || true
  if ! grep -q '^result=ok' <<<"$out"; then
    {
      echo "benchmark against $1 failed (this round is left out of its medians):"; echo "$out" | grep -v '^[a-z_]*='
      if [ -f "$WORK/$1.log" ]; then echo "--- last lines of the $1 server's log"; tail -20 "$WORK/$1.log"; fi
    } >&2
    FAILURES=$((FAILURES + 1))
    return
  fi
  for key in bg_submit_jobs_per_s bg_complete_jobs_per_s bgq_submit_jobs_per_s bgq_drain_jobs_per_s; do
    FIG[$1.$key]="${FIG[$1.$key]:-} $(sed -n "s/^$key=//p" <<<"$out")"
  done
}
for r in $(seq 1 "$RUNS"); do
  echo "== round $r of $RUNS"
  measure sqlite "$SQLITE_PORT" "$SQLITE_JOBS"
  measure memory "$MEM_PORT" "$JOBS"
  measure h2 "$H2_PORT" "$JOBS"
  measure postgresql "$PG_PORT" "$JOBS"
done
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf (b > 0) ? "%.1f" : "n/a", a / b}'; }

echo
echo "nproc=$(nproc) jobs=$JOBS sqlite_jobs=$SQLITE_JOBS runs=$RUNS failed_runs=$FAILURES (medians, jobs/s)"
printf '%-24s %15s %12s %12s %15s\n' metric gearmand-sqlite ours-memory ours-h2 ours-postgresql
declare -A MED
for key in bgq_submit_jobs_per_s bg_submit_jobs_per_s bg_complete_jobs_per_s bgq_drain_jobs_per_s; do
  for s in sqlite memory h2 postgresql; do MED[$s.$key]=$(echo "${FIG[$s.$key]}" | median); done
  printf '%-24s %15s %12s %12s %15s\n' "$key" "${MED[sqlite.$key]}" "${MED[memory.$key]}" "${MED[h2.$key]}" \
    "${MED[postgresql.$key]}"
done
echo
echo "ratios; target, for bg_complete: durable >= 20x gearmand-sqlite and >= 0.5x ours-memory (others: information)"
verdict() { # ratio target key
  if [ "$3" = bg_complete_jobs_per_s ]; then awk -v r="$1" -v t="$2" 'BEGIN { print (r >= t) ? "ok" : "MISS" }'; else echo "(info)"; fi
}
for key in bg_complete_jobs_per_s bgq_drain_jobs_per_s bgq_submit_jobs_per_s bg_submit_jobs_per_s; do
  line="$key:"
  for store in h2 postgresql; do
    vs_sqlite=$(ratio "${MED[$store.$key]}" "${MED[sqlite.$key]}")
    vs_memory=$(awk -v a="${MED[$store.$key]}" -v b="${MED[memory.$key]}" 'BEGIN {printf (b > 0) ? "%.2f" : "0", a / b}')
    line="$line $store/sqlite=$vs_sqlite $(verdict "$vs_sqlite" 20 "$key") $store/memory=$vs_memory $(verdict "$vs_memory" 0.5 "$key")"
  done
  echo "$line"
done
echo "# every run, in order (gearmand-sqlite | memory | h2 | postgresql):"
for key in bg_complete_jobs_per_s bgq_drain_jobs_per_s bgq_submit_jobs_per_s bg_submit_jobs_per_s; do
  echo "#   $key:${FIG[sqlite.$key]:-} |${FIG[memory.$key]:-} |${FIG[h2.$key]:-} |${FIG[postgresql.$key]:-}"
done
# a checkpoint (its writes, then a full page image in the WAL for every page touched first after it) slows the
# commits around it: say when PostgreSQL ran them
grep -E 'checkpoint (starting|complete)|automatic (vacuum|analyze) of table "gearman\.' "$WORK/pg/log" | cut -c1-160 | sed 's/^/# postgresql: /' || true
[ "$FAILURES" -eq 0 ] || { echo "$FAILURES runs failed; see above" >&2; exit 1; }
