#!/usr/bin/env bash
# TaskManager-kill test of the job on a real multi-process Flink cluster (run by CI after the unit tests).
#
#   ops/cluster-test.sh
#
# 1. builds the job jar and flink-lib/ (mvn -Pdist package), starts a KRaft broker (ops/kafka.sh), a JobManager
#    and 3 TaskManagers with 1 slot each (ops/cluster.sh), and submits the job at parallelism 2 over the REST API
#    with fast solver settings (csgm, 1 restart, $ITERATIONS iterations);
# 2. streams $SENSORS x $COUNT measurements with the simulator (csflow produce) and, once about a third of them
#    are reconstructed, kills one TaskManager that runs a reconstruct task with SIGKILL; the job recovers onto
#    the spare TaskManager;
# 3. scrapes the TaskManagers' Prometheus endpoints during the run and checks the csflow metrics are there;
# 4. waits for all output and checks with a read_committed consumer (csflow consume) that every
#    (sensor, sequence) appears exactly once (duplicates 0, missing 0);
# 5. cancels the job, resubmits it on the same TaskManagers, streams $COUNT2 more per sensor and checks they come
#    out (exactly once again), with no native-library errors (UnsatisfiedLinkError ...) in the logs and one copy
#    of ND4J's native library per TaskManager process (/proc/PID/maps).
# Exit status 0 when every check passed; otherwise 1 with "cluster-test: FAILED: <what>". Everything started is
# stopped on exit. Run directory (logs, Prometheus sample, summary.txt): ops/.run/cluster-test/.
# Environment: SENSORS (4), COUNT (500), COUNT2 (50), ITERATIONS (50), KEEP_RUNNING=1 leaves the cluster up.
set -euo pipefail
SCRIPT_NAME=cluster-test
export CSFLOW_RUN_DIR="${CSFLOW_RUN_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/.run/cluster-test}"
# shellcheck source=ops/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SENSORS="${SENSORS:-4}"
COUNT="${COUNT:-500}"
COUNT2="${COUNT2:-50}"
ITERATIONS="${ITERATIONS:-50}"
TOTAL=$((SENSORS * COUNT))
TOTAL2=$((SENSORS * COUNT2))
REST="http://localhost:8081"
T0=$(date +%s)
BG_PIDS=()

fail() { echo "cluster-test: FAILED: $*" >&2; exit 1; }
elapsed() { echo $(( $(date +%s) - T0 )); }
now_ms() { date +%s%3N; }

cleanup() {
  local rc=$? p
  for p in "${BG_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  if [[ "${KEEP_RUNNING:-0}" != 1 ]]; then
    "$OPS/cluster.sh" stop >/dev/null 2>&1 || true
    "$OPS/kafka.sh" stop >/dev/null 2>&1 || true
  fi
  [[ $rc -eq 0 ]] || say "logs: $RUN/flink/log/, $RUN/kafka/, $RUN/*.log"
  exit $rc
}
trap cleanup EXIT

# the CLI from the module's classes (the -Pdist build writes target/classpath.txt too); started as
# "${CLI[@]}" so that a background one's $! is the JVM itself, which cleanup can stop
CLI=()
cli() { "${CLI[@]}" "$@"; }

job_state() {
  curl -sf "$REST/jobs/$1" | json_get 'j["state"] + ("" if all(v["status"] == "RUNNING" for v in j["vertices"]) else "-DEPLOYING")' 2>/dev/null || echo UNKNOWN
}

job_running() { [[ "$(job_state "$1")" == RUNNING ]]; }

restarts() {
  curl -sf "$REST/jobs/$1/metrics?get=numRestarts" | json_get 'int(float(j[0]["value"])) if j else 0' 2>/dev/null || echo 0
}

# scrape PORT: the Prometheus text of one process
scrape() { curl -sf --max-time 5 "localhost:$1/metrics" || true; }

tm_ports() { "$OPS/cluster.sh" prometheus-ports | grep '^taskmanager' || true; }

# reconstructions counted by the current attempt's reconstruct tasks, summed over the TaskManagers
reconstructed_now() {
  local entry sum=0 v
  for entry in $(tm_ports); do
    v="$(scrape "${entry#*:}" | grep "^flink_taskmanager_job_task_operator_csflow_reconstructions{" | grep "job_id=\"$JOB\"" \
      | awk '{s += $NF} END {printf "%d", s}')"
    sum=$((sum + ${v:-0}))
  done
  echo "$sum"
}

# audit GROUP: read the whole output topic read_committed; prints "records duplicates"
audit() {
  cli consume --group-id "$1" --idle-timeout 10 --png-every 0 --report-every 0 --out "$RUN/consume-$1" \
    >"$RUN/consume-$1.log" 2>&1 || fail "the audit consumer failed (log: $RUN/consume-$1.log)"
  local records dups
  records="$(sed -n 's/^records: *\([0-9]*\).*/\1/p' "$RUN/consume-$1.log")"
  dups="$(sed -n 's/^duplicates: *\([0-9]*\).*/\1/p' "$RUN/consume-$1.log")"
  [[ -n "$records" && -n "$dups" ]] || fail "could not read the audit summary ($RUN/consume-$1.log)"
  echo "$records $dups"
}

# ---- 1. build, broker, cluster, job ----
say "run directory $RUN"
"$OPS/cluster.sh" stop >/dev/null 2>&1 || true
"$OPS/kafka.sh" stop >/dev/null 2>&1 || true
rm -rf "$RUN"
mkdir -p "$RUN"
port_open 9092 && fail "port 9092 is in use by another process (a broker not started by this run): stop it"
port_open 8081 && fail "port 8081 is in use by another process (a Flink cluster not started by this run): stop it"
say "building the job jar and flink-lib/ (mvn -Pdist package -DskipTests)"
(cd "$ROOT" && mvn_build "$RUN/build.log" -Pdist package -DskipTests)
CLI=("$JAVA" -Xmx1g -Djava.awt.headless=true
  -cp "$ROOT/pipeline/target/classes:$(cat "$ROOT/pipeline/target/classpath.txt")" io.csflow.cli.Main)
jar_mb=$(( $(stat -c %s "$ROOT/pipeline/target/csflow-job.jar") / 1048576 ))
grep -qE 'org/nd4j/|org/bytedeco/' <<<"$(jar tf "$ROOT/pipeline/target/csflow-job.jar")" \
  && fail "csflow-job.jar contains ND4J/JavaCPP classes; they must only be in flink-lib/ (pipeline/pom.xml, dist profile)"

"$OPS/kafka.sh" start
"$OPS/kafka.sh" topics --partitions 2 >"$RUN/topics.log" 2>&1 || { cat "$RUN/topics.log" >&2; fail "creating topics"; }
"$OPS/cluster.sh" start --taskmanagers 3
grep -q "Apache Flink" <<<"$(curl -sf "$REST/")" || fail "the web UI at $REST/ did not answer with Flink's dashboard"

job_args=(--parallelism 2 --method csgm --restarts 1 --iterations "$ITERATIONS" --batch-size 16 --batch-wait-ms 200
  --checkpoint-interval-ms 1000 --restart-attempts 50 --group-id cluster-test --transactional-id-prefix cluster-test)
JOB="$("$OPS/cluster.sh" submit "${job_args[@]}")" || fail "submitting the job"
wait_for 120 "job running" job_running "$JOB" || fail "job $JOB is not RUNNING after 120 s (state $(job_state "$JOB"))"
say "job $JOB running at $(elapsed) s"

# ---- 2. stream, scrape, kill ----
"${CLI[@]}" consume --group-id progress --count "$TOTAL" --idle-timeout 300 --png-every 0 --report-every 10 \
  --out "$RUN/consume-progress" >"$RUN/consume-progress.log" 2>&1 &
PROGRESS=$!; BG_PIDS+=("$PROGRESS")
t_stream=$(now_ms)
"${CLI[@]}" produce --profile "cam:GAUSSIAN:200:0.05:sensors=$SENSORS" --count "$COUNT" >"$RUN/produce.log" 2>&1 &
PRODUCER=$!; BG_PIDS+=("$PRODUCER")

kill_at=$((TOTAL / 3))
say "streaming $TOTAL measurements; killing a TaskManager after $kill_at reconstructions"
done_now=0
for ((i = 0; i < 600; i++)); do
  done_now="$(reconstructed_now)"
  [[ "$done_now" -ge "$kill_at" ]] && break
  kill -0 "$PROGRESS" 2>/dev/null || break
  sleep 0.5
done
[[ "$done_now" -ge "$kill_at" ]] || fail "only $done_now of $kill_at reconstructions after 300 s (logs: $RUN/flink/log/)"

# metrics check while the job runs: every csflow metric on the reconstructing TaskManagers
required=(reconstructions batchSize solverMillis iterations meanResidual meanUncertainty modelVersion deadLetters)
: >"$RUN/prometheus-sample.txt"
victim=""
for entry in $(tm_ports); do
  text="$(scrape "${entry#*:}")"
  echo "$text" | grep "job_id=\"$JOB\"" | grep -E '^flink_taskmanager_job_task_(operator_csflow_|numRecords(In|Out)PerSecond)' \
    | grep -v quantile >>"$RUN/prometheus-sample.txt" || true
  if echo "$text" | grep "^flink_taskmanager_job_task_operator_csflow_reconstructions{" | grep "job_id=\"$JOB\"" \
      | awk '{exit !($NF > 0)}'; then
    [[ -n "$victim" ]] || victim="$entry"
    for m in "${required[@]}"; do
      grep -q "^flink_taskmanager_job_task_operator_csflow_${m}{.*job_id=\"$JOB\"" <<<"$text" \
        || fail "metric csflow_$m missing on ${entry%%:*} (Prometheus port ${entry#*:})"
    done
    grep -q "^flink_taskmanager_job_task_numRecordsInPerSecond{.*job_id=\"$JOB\"" <<<"$text" \
      || fail "Flink's numRecordsInPerSecond missing on ${entry%%:*}"
    version="$(echo "$text" | grep "^flink_taskmanager_job_task_operator_csflow_modelVersion{" | grep "job_id=\"$JOB\"" | awk '{print $NF}' | head -1)"
    [[ "${version%.*}" -ge 1 ]] || fail "csflow_modelVersion is '$version' on ${entry%%:*}, expected the prior's version (>= 1)"
  fi
done
[[ -n "$victim" ]] || fail "no TaskManager reports reconstructions for job $JOB"
say "Prometheus: csflow metrics present (model version $version); sample in $RUN/prometheus-sample.txt"

victim_name="${victim%%:*}"
victim_pid="$(cat "$RUN/flink/$victim_name.pid")"
restarts_before="$(restarts "$JOB")"
t_kill=$(now_ms)
kill -9 "$victim_pid"
say "SIGKILL $victim_name (pid $victim_pid) at $done_now reconstructions, $(elapsed) s"

recovered=""
for ((i = 0; i < 240; i++)); do
  if [[ "$(restarts "$JOB")" -gt "$restarts_before" ]] && job_running "$JOB"; then recovered=1; break; fi
  sleep 0.5
done
[[ -n "$recovered" ]] || fail "job $JOB did not restart and run again within 120 s of the kill (state $(job_state "$JOB"))"
t_recovered=$(now_ms)
recovery_ms=$((t_recovered - t_kill))
say "job running again after $recovery_ms ms ($(restarts "$JOB") restart(s))"

wait "$PRODUCER" || fail "the producer failed (log: $RUN/produce.log)"
wait "$PROGRESS" || fail "the progress consumer failed (log: $RUN/consume-progress.log)"
t_all=$(now_ms)
grep -q "ended: count" "$RUN/consume-progress.log" \
  || fail "not all $TOTAL reconstructions arrived (consumer: $(grep '^records:' "$RUN/consume-progress.log"))"
stream_s=$(( (t_all - t_stream) / 1000 ))

# ---- 4. exactly once ----
audit_out="$(audit audit-1)"
read -r records dups <<<"$audit_out"
missing=$((TOTAL - (records - dups)))
say "after the kill: $records records read_committed, $dups duplicates, $missing missing (expected $TOTAL)"
[[ "$dups" -eq 0 && "$missing" -eq 0 && "$records" -eq "$TOTAL" ]] \
  || fail "exactly-once violated: $records records, $dups duplicates, $missing missing of $TOTAL"

# ---- 5. cancel and resubmit on the same TaskManagers ----
"$OPS/cluster.sh" cancel "$JOB" >/dev/null
wait_for 60 "cancel" bash -c "[[ \"\$(curl -sf $REST/jobs/$JOB | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"state\"])')\" == CANCELED ]]" \
  || fail "job $JOB not CANCELED within 60 s"
JOB2="$("$OPS/cluster.sh" submit "${job_args[@]}")" || fail "resubmitting the job"
wait_for 120 "job running" job_running "$JOB2" || fail "resubmitted job $JOB2 is not RUNNING after 120 s (state $(job_state "$JOB2"))"
cli produce --profile "again:GAUSSIAN:200:0.05:sensors=$SENSORS" --count "$COUNT2" >"$RUN/produce-2.log" 2>&1 \
  || fail "the second producer failed (log: $RUN/produce-2.log)"
cli consume --group-id progress --count "$TOTAL2" --idle-timeout 120 --png-every 0 --report-every 0 \
  --out "$RUN/consume-progress-2" >"$RUN/consume-progress-2.log" 2>&1 || fail "the second progress consumer failed"
grep -q "ended: count" "$RUN/consume-progress-2.log" \
  || fail "the resubmitted job did not reconstruct all $TOTAL2 new measurements ($(grep '^records:' "$RUN/consume-progress-2.log"))"
audit_out="$(audit audit-2)"
read -r records2 dups2 <<<"$audit_out"
missing2=$((TOTAL + TOTAL2 - (records2 - dups2)))
[[ "$dups2" -eq 0 && "$missing2" -eq 0 ]] \
  || fail "after resubmission: $records2 records, $dups2 duplicates, $missing2 missing of $((TOTAL + TOTAL2))"
native="$(grep -lE 'UnsatisfiedLinkError|already loaded in another classloader|NoClassDefFoundError: org/(nd4j|bytedeco)' \
  "$RUN"/flink/log/* 2>/dev/null || true)"
[[ -z "$native" ]] || fail "native-library errors in $native"
# Load-once check. With ND4J inside the job jar, a resubmission does not fail here: JavaCPP extracts the
# natives into ~/.javacpp/cache/<jar file name>/ and Flink names each job's jar blob differently, so the second
# job loads a second copy (~400 MB on disk, mapped into the TaskManager) instead of hitting "already loaded in
# another classloader". So count the copies of libnd4jcpu.so mapped into each TaskManager.
copies_report=""
for f in "$RUN"/flink/taskmanager-*.pid; do
  pid_alive "$f" || continue
  copies="$(grep -o '/[^ ]*libnd4jcpu\.so' "/proc/$(cat "$f")/maps" 2>/dev/null | sort -u | wc -l)"
  copies_report+=" $(basename "$f" .pid)=$copies"
  [[ "$copies" -le 1 ]] || fail "$(basename "$f" .pid) maps $copies copies of libnd4jcpu.so: ND4J was loaded per job, not once from Flink's lib/"
done
say "resubmitted job $JOB2: $TOTAL2 new records out, exactly once, no native-library errors; libnd4jcpu.so copies:$copies_report"

# ---- figures ----
rate="$(sed -n 's/^records: *[0-9]* (\([0-9.]*\) records\/s.*/\1/p' "$RUN/consume-progress.log")"
{
  echo "cluster-test $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(getconf _NPROCESSORS_ONLN) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "job jar:              ${jar_mb} MB (ND4J/JavaCPP/OpenBLAS in flink-lib/)"
  echo "records:              $TOTAL ($SENSORS sensors x $COUNT, GAUSSIAN m=200), csgm 1 restart $ITERATIONS iterations, p=2, 3 TMs x 1 slot"
  echo "killed:               $victim_name with SIGKILL at $done_now reconstructions"
  echo "recovery:             $recovery_ms ms from SIGKILL to the job RUNNING again on the spare TaskManager"
  echo "all output committed: $stream_s s after streaming started (consumer: ${rate} records/s first to last)"
  echo "exactly once:         $records read_committed, duplicates $dups, missing $missing"
  echo "resubmission:         $TOTAL2 more records, duplicates $dups2, missing $missing2 (total $records2), no native errors"
  echo "ND4J loaded once:     libnd4jcpu.so copies per live TaskManager:$copies_report"
  echo "duration:             $(elapsed) s"
} | tee "$RUN/summary.txt"
echo "cluster-test: PASSED"
