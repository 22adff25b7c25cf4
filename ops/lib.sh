# Shared by ops/kafka.sh, ops/cluster.sh and ops/cluster-test.sh (sourced, not run).
# Run directory: $CSFLOW_RUN_DIR, default ops/.run/ (git-ignored): PID files, logs, data, generated configs.

OPS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$OPS/.." && pwd)"
RUN="${CSFLOW_RUN_DIR:-$OPS/.run}"
JAVA="${JAVA:-java}"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"

say() { echo "${SCRIPT_NAME:-ops}: $*" >&2; }
die() { echo "${SCRIPT_NAME:-ops}: ERROR: $*" >&2; exit 1; }

# JVM flags Flink (and Kafka's clients) need on Java 17, as Flink's own config.yaml sets env.java.default-opts.all,
# and the last one csflow's: the Vector API kernels (io.csflow.core.solver.VectorSupport; without it they run scalar)
JAVA17_OPENS=(
  --add-exports=java.base/sun.net.util=ALL-UNNAMED
  --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED
  --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/java.text=ALL-UNNAMED
  --add-opens=java.base/java.time=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED
  --add-modules=jdk.incubator.vector
)

# mvn offline first (CI and this machine keep ~/.m2 filled), online when something is missing
mvn_build() {
  local log="$1"; shift
  if ! mvn -B -q -o "$@" >"$log" 2>&1; then
    if grep -qiE "offline|has not been downloaded|Could not resolve" "$log"; then
      say "some artifacts are not in ~/.m2 yet; fetching them (mvn $*)"
      mvn -B -q "$@" >"$log" 2>&1 || { cat "$log" >&2; die "mvn $* failed (log: $log)"; }
    else
      cat "$log" >&2; die "mvn $* failed (log: $log)"
    fi
  fi
}

# pid_alive FILE: the process recorded in FILE is running
pid_alive() {
  [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null
}

# stop_pid FILE NAME [SECONDS]: SIGTERM the recorded process, SIGKILL after SECONDS (default 30), remove FILE
stop_pid() {
  local file="$1" name="$2" grace="${3:-30}" pid i
  [[ -f "$file" ]] || return 0
  pid="$(cat "$file")"
  if kill -0 "$pid" 2>/dev/null; then
    say "stopping $name (pid $pid)"
    kill "$pid" 2>/dev/null || true
    for ((i = 0; i < grace * 10; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      say "$name (pid $pid) still running after ${grace}s; SIGKILL"
      kill -9 "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$file"
}

# port_open PORT: something listens on localhost:PORT
port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# wait_for SECONDS DESCRIPTION COMMAND...: polls COMMAND every 0.5 s until it succeeds
wait_for() {
  local seconds="$1" what="$2" i; shift 2
  for ((i = 0; i < seconds * 2; i++)); do
    if "$@"; then return 0; fi
    sleep 0.5
  done
  return 1
}

# json_get EXPR: reads JSON on stdin, prints the Python expression EXPR over it (bound to j)
json_get() {
  python3 -c 'import json,sys; j=json.load(sys.stdin); r=eval(sys.argv[1]); print(r if not isinstance(r,(list,dict)) else json.dumps(r))' "$1"
}
