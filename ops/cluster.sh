#!/usr/bin/env bash
# A Flink 2.2 session cluster as separate local processes, from Flink's Maven jars and entry-point classes:
# one JobManager (StandaloneSessionClusterEntrypoint) and N TaskManagers (TaskManagerRunner), web UI and REST API
# at http://localhost:8081, one Prometheus endpoint per process (JobManager 9249, TaskManagers 9250-9259).
#
#   ops/cluster.sh start [--taskmanagers N]   start the JobManager and N TaskManagers (default 2, 1 slot each)
#   ops/cluster.sh add-taskmanager            start one more TaskManager
#   ops/cluster.sh submit [--parallelism P] [JOB OPTIONS...]
#                                             upload pipeline/target/csflow-job.jar and run the job with the
#                                             options of `./csflow job` (default --bootstrap-servers localhost:9092
#                                             --prior models/fmnist-vae.avro); prints the job id
#   ops/cluster.sh cancel [JOB_ID]            cancel a job (default: the last one submitted)
#   ops/cluster.sh list                       jobs and their states
#   ops/cluster.sh status                     processes, TaskManagers, free slots, Prometheus ports
#   ops/cluster.sh stop                       stop every process this script started (by recorded PID)
#
# Configuration: ops/conf/flink/config.yaml, copied to ops/.run/flink/conf/ with addresses and directories
# appended. lib/: ops/flink-dist/target/lib (Flink) + pipeline/target/flink-lib (ND4J, JavaCPP, OpenBLAS); both
# are built on first use (`mvn -Pdist package` for the latter). Logs: ops/.run/flink/log/. JM_HEAP (default 512m).
set -euo pipefail
SCRIPT_NAME=cluster
# shellcheck source=ops/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DIR="$RUN/flink"
CONF="$DIR/conf"
LOGS="$DIR/log"
FLINK_LIB="$OPS/flink-dist/target/lib"
NATIVE_LIB="$ROOT/pipeline/target/flink-lib"
JOB_JAR="$ROOT/pipeline/target/csflow-job.jar"
REST="http://localhost:8081"
ENTRY_CLASS=io.csflow.cli.JobMain

usage() { sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }

ensure_jars() {
  if [[ -z "$(ls "$FLINK_LIB"/flink-runtime-web-*.jar 2>/dev/null)" ]]; then
    say "assembling Flink's lib/ (mvn -f ops/flink-dist/pom.xml package)"
    mkdir -p "$DIR"
    mvn_build "$DIR/build-flink-dist.log" -f "$OPS/flink-dist/pom.xml" package
  fi
  if [[ ! -f "$JOB_JAR" || -z "$(ls "$NATIVE_LIB"/nd4j-native-*.jar 2>/dev/null)" ]]; then
    say "building the job jar and flink-lib/ (mvn -Pdist package -DskipTests)"
    mkdir -p "$DIR"
    (cd "$ROOT" && mvn_build "$DIR/build-dist.log" -Pdist package -DskipTests)
  fi
}

# conf_value KEY: a flat key's value in config.yaml (memory sizes feed the TaskManager's JVM flags)
conf_value() {
  sed -n "s/^$1: *//p" "$OPS/conf/flink/config.yaml" | tail -1
}

# to_mb 128m|1g|512mb -> megabytes
to_mb() {
  local v="${1,,}"
  v="${v%b}"
  case "$v" in
    *g) echo $(( ${v%g} * 1024 )) ;;
    *m) echo "${v%m}" ;;
    *) die "cannot read memory size '$1' in ops/conf/flink/config.yaml (use e.g. 128m or 1g)" ;;
  esac
}

write_conf() {
  mkdir -p "$CONF" "$LOGS" "$DIR/tmp" "$DIR/upload" "$DIR/checkpoints"
  cp "$OPS/conf/flink/log4j.properties" "$CONF/log4j.properties"
  {
    cat "$OPS/conf/flink/config.yaml"
    echo
    echo "# ---- appended by ops/cluster.sh: addresses and directories of this machine ----"
    echo "jobmanager.rpc.address: localhost"
    echo "jobmanager.bind-host: localhost"
    echo "taskmanager.bind-host: localhost"
    echo "taskmanager.host: localhost"
    echo "rest.address: localhost"
    echo "rest.bind-address: localhost"
    echo "io.tmp.dirs: $DIR/tmp"
    echo "web.upload.dir: $DIR/upload"
    echo "execution.checkpointing.dir: file://$DIR/checkpoints"
  } >"$CONF/config.yaml"
}

classpath() {
  echo "$FLINK_LIB/*:$NATIVE_LIB/*"
}

rest_up() {
  curl -sf "$REST/overview" >/dev/null 2>&1
}

registered_taskmanagers() {
  curl -sf "$REST/taskmanagers" | json_get 'len(j["taskmanagers"])' 2>/dev/null || echo 0
}

start_jobmanager() {
  if pid_alive "$DIR/jobmanager.pid"; then say "JobManager already running (pid $(cat "$DIR/jobmanager.pid"))"; return 0; fi
  port_open 8081 && die "port 8081 is taken by another process; stop it first (this script did not start it)"
  nohup "$JAVA" -Xmx"${JM_HEAP:-512m}" "${JAVA17_OPENS[@]}" \
    -Dlog.file="$LOGS/jobmanager.log" -Dlog4j.configurationFile="$CONF/log4j.properties" \
    -cp "$(classpath)" org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint \
    --configDir "$CONF" >"$LOGS/jobmanager.out" 2>&1 &
  echo $! >"$DIR/jobmanager.pid"
  if ! wait_for 90 "REST API" rest_up; then
    tail -30 "$LOGS/jobmanager.log" >&2 || true
    die "the JobManager's REST API did not answer at $REST within 90 s (log: $LOGS/jobmanager.log)"
  fi
  say "JobManager running (pid $(cat "$DIR/jobmanager.pid")), web UI $REST"
}

start_taskmanager() {
  local i=1
  while [[ -f "$DIR/taskmanager-$i.pid" ]] && pid_alive "$DIR/taskmanager-$i.pid"; do i=$((i + 1)); done
  local heap direct meta
  heap=$(( $(to_mb "$(conf_value taskmanager.memory.framework.heap.size)") + $(to_mb "$(conf_value taskmanager.memory.task.heap.size)") ))
  direct=$(( $(to_mb "$(conf_value taskmanager.memory.framework.off-heap.size)") + $(to_mb "$(conf_value taskmanager.memory.task.off-heap.size)") + $(to_mb "$(conf_value taskmanager.memory.network.max)") ))
  meta=$(to_mb "$(conf_value taskmanager.memory.jvm-metaspace.size)")
  # -Xmx etc. as Flink's taskmanager.sh would compute them from the same memory components
  nohup "$JAVA" -Xms"${heap}m" -Xmx"${heap}m" -XX:MaxDirectMemorySize="${direct}m" -XX:MaxMetaspaceSize="${meta}m" \
    "${JAVA17_OPENS[@]}" -Dlog.file="$LOGS/taskmanager-$i.log" -Dlog4j.configurationFile="$CONF/log4j.properties" \
    -cp "$(classpath)" org.apache.flink.runtime.taskexecutor.TaskManagerRunner \
    --configDir "$CONF" >"$LOGS/taskmanager-$i.out" 2>&1 &
  echo $! >"$DIR/taskmanager-$i.pid"
  say "TaskManager $i started (pid $!, log $LOGS/taskmanager-$i.log)"
}

start() {
  local n=2
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --taskmanagers) n="$2"; shift 2 ;;
      *) die "start: unknown option $1 (use --taskmanagers N)" ;;
    esac
  done
  [[ "$n" =~ ^[1-9][0-9]*$ && "$n" -le 10 ]] || die "--taskmanagers must be 1..10 (Prometheus ports 9250-9259), got $n"
  command -v curl >/dev/null || die "curl is needed for the REST API"
  ensure_jars
  write_conf
  start_jobmanager
  local before i
  before="$(registered_taskmanagers)"
  for ((i = 0; i < n; i++)); do start_taskmanager; done
  local want=$((before + n))
  if ! wait_for 90 "TaskManagers" bash -c "[[ \"\$(curl -sf $REST/taskmanagers | python3 -c 'import json,sys; print(len(json.load(sys.stdin)[\"taskmanagers\"]))' 2>/dev/null)\" -ge $want ]]"; then
    die "only $(registered_taskmanagers) of $want TaskManagers registered within 90 s (logs: $LOGS/taskmanager-*.log)"
  fi
  say "$want TaskManagers registered; Prometheus: $(prometheus_ports | tr '\n' ' ')"
}

# the Prometheus port of each process, from its log: "jobmanager 9249", "taskmanager-1 9250", ...
prometheus_ports() {
  local f name port
  for f in "$LOGS"/jobmanager.log "$LOGS"/taskmanager-*.log; do
    [[ -f "$f" ]] || continue
    name="$(basename "$f" .log)"
    port="$(sed -n 's/.*Started PrometheusReporter HTTP server on port \([0-9]*\).*/\1/p' "$f" | tail -1)"
    [[ -n "$port" ]] && echo "$name:$port"
  done
  return 0
}

submit() {
  local parallelism="" args=()
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --parallelism) parallelism="$2"; args+=(--parallelism "$2"); shift 2 ;;
      *) args+=("$1"); shift ;;
    esac
  done
  [[ " ${args[*]} " == *" --bootstrap-servers "* ]] || args=(--bootstrap-servers localhost:9092 "${args[@]}")
  [[ " ${args[*]} " == *" --prior "* ]] || args+=(--prior "$ROOT/models/fmnist-vae.avro")
  [[ -f "$JOB_JAR" ]] || die "$JOB_JAR is missing: build it with mvn -Pdist package -DskipTests"
  rest_up || die "no JobManager answers at $REST: ops/cluster.sh start"
  local upload jar_id body run job_id
  upload="$(curl -sf -X POST -H "Expect:" -F "jarfile=@$JOB_JAR" "$REST/jars/upload")" \
    || die "uploading $JOB_JAR to $REST/jars/upload failed"
  jar_id="$(echo "$upload" | json_get 'j["filename"].split("/")[-1]')"
  body="$(python3 -c 'import json,sys; d={"entryClass":sys.argv[1],"programArgsList":sys.argv[3:]}
if sys.argv[2]: d["parallelism"]=int(sys.argv[2])
print(json.dumps(d))' "$ENTRY_CLASS" "$parallelism" "${args[@]}")"
  run="$(curl -s -X POST -H "Content-Type: application/json" -d "$body" "$REST/jars/$jar_id/run")"
  job_id="$(echo "$run" | json_get 'j.get("jobid","")' 2>/dev/null || true)"
  [[ -n "$job_id" ]] || die "the JobManager did not run the job: $(echo "$run" | head -c 3000)"
  echo "$job_id" >"$DIR/last-job"
  say "job $job_id submitted (jar $jar_id, ${args[*]}); UI: $REST/#/job/running/$job_id/overview"
  echo "$job_id"
}

cancel() {
  local id="${1:-$(cat "$DIR/last-job" 2>/dev/null || true)}"
  [[ -n "$id" ]] || die "cancel: no job id given and none submitted by this script"
  curl -sf -X PATCH "$REST/jobs/$id?mode=cancel" >/dev/null || die "cancelling job $id failed"
  say "job $id cancelling"
}

list() {
  curl -sf "$REST/jobs/overview" | json_get '"\n".join("%s %-10s %s" % (x["jid"], x["state"], x["name"]) for x in j["jobs"]) or "(no jobs)"'
}

status() {
  local f
  for f in "$DIR"/jobmanager.pid "$DIR"/taskmanager-*.pid; do
    [[ -f "$f" ]] || continue
    if pid_alive "$f"; then echo "$(basename "$f" .pid): running (pid $(cat "$f"))"; else echo "$(basename "$f" .pid): not running"; fi
  done
  if rest_up; then
    curl -sf "$REST/overview" | json_get '"taskmanagers %d, slots %d (%d free), jobs running %d" % (j["taskmanagers"], j["slots-total"], j["slots-available"], j["jobs-running"])'
    echo "prometheus: $(prometheus_ports | tr '\n' ' ')"
  else
    echo "REST API at $REST: not answering"
    return 1
  fi
}

stop() {
  local f
  for f in "$DIR"/taskmanager-*.pid; do
    [[ -f "$f" ]] && stop_pid "$f" "$(basename "$f" .pid)"
  done
  stop_pid "$DIR/jobmanager.pid" "JobManager"
}

case "${1:-}" in
  start) shift; start "$@" ;;
  add-taskmanager) ensure_jars; [[ -f "$CONF/config.yaml" ]] || write_conf; start_taskmanager ;;
  submit) shift; submit "$@" ;;
  cancel) shift; cancel "$@" ;;
  list) list ;;
  status) status ;;
  stop) stop ;;
  prometheus-ports) prometheus_ports ;;
  -h|--help|help) usage 0 ;;
  *) usage 1 ;;
esac
