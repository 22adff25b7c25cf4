#!/usr/bin/env bash
# A local single-node Kafka broker (KRaft: broker and controller in one process) from Kafka's Maven jars.
#
#   ops/kafka.sh start            format the log dir (first time) and start the broker on localhost:9092
#   ops/kafka.sh topics [--partitions N] [--prefix P]
#                                 create the four csflow topics if missing (the models topic compacted, 32 MB
#                                 messages); default 2 partitions
#   ops/kafka.sh status           is it running
#   ops/kafka.sh stop             stop it (SIGTERM, then SIGKILL after 30 s)
#   ops/kafka.sh clean            stop it and delete its data
#
# Configuration: ops/conf/kafka/server.properties (ports 9092, controller 9093). Jars: ops/kafka-dist/ (built on
# first use). PID, log and data under ops/.run/kafka/ (CSFLOW_RUN_DIR moves ops/.run). KAFKA_HEAP (default 1g).
set -euo pipefail
SCRIPT_NAME=kafka
# shellcheck source=ops/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DIR="$RUN/kafka"
PID="$DIR/kafka.pid"
LOG="$DIR/kafka.log"
LIB="$OPS/kafka-dist/target/lib"
BOOTSTRAP=localhost:9092

usage() { sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }

ensure_jars() {
  if [[ -z "$(ls "$LIB"/kafka-tools-*.jar 2>/dev/null)" ]]; then
    say "assembling Kafka's jars (mvn -f ops/kafka-dist/pom.xml package)"
    mkdir -p "$DIR"
    mvn_build "$DIR/build.log" -f "$OPS/kafka-dist/pom.xml" package
  fi
}

kafka_java() {
  # TopicCommand warns about '.' in topic names on every call; csflow's names use '.' and never '_'
  "$JAVA" -Xmx"${KAFKA_HEAP:-1g}" -Dlog4j2.configurationFile="$OPS/conf/kafka/log4j2.properties" \
    -Dkafka.log.file="$LOG" -cp "$LIB/*" "$@" | { grep -v "^WARNING: Due to limitations in metric names" || true; }
}

start() {
  if pid_alive "$PID"; then say "already running (pid $(cat "$PID"))"; return 0; fi
  port_open 9092 && die "port 9092 is taken by another process; stop it first (this script did not start it)"
  ensure_jars
  mkdir -p "$DIR/data"
  cp "$OPS/conf/kafka/server.properties" "$DIR/server.properties"
  echo "log.dirs=$DIR/data" >>"$DIR/server.properties"
  if [[ ! -f "$DIR/data/meta.properties" ]]; then
    local cluster_id
    cluster_id="$(kafka_java kafka.tools.StorageTool random-uuid)"
    say "formatting $DIR/data (cluster id $cluster_id)"
    kafka_java kafka.tools.StorageTool format -t "$cluster_id" -c "$DIR/server.properties" >"$DIR/format.log" 2>&1 \
      || { cat "$DIR/format.log" >&2; die "formatting the log dir failed"; }
  fi
  nohup "$JAVA" -Xmx"${KAFKA_HEAP:-1g}" -Dlog4j2.configurationFile="$OPS/conf/kafka/log4j2.properties" \
    -Dkafka.log.file="$LOG" -cp "$LIB/*" kafka.Kafka "$DIR/server.properties" >"$DIR/kafka.out" 2>&1 &
  echo $! >"$PID"
  if ! wait_for 60 "broker" port_open 9092; then
    tail -20 "$DIR/kafka.out" "$LOG" >&2 || true
    die "the broker did not open port 9092 within 60 s (log: $LOG)"
  fi
  pid_alive "$PID" || die "the broker exited (log: $LOG, $DIR/kafka.out)"
  say "broker running at $BOOTSTRAP (pid $(cat "$PID"), log $LOG)"
}

topics() {
  local partitions=2 prefix=""
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --partitions) partitions="$2"; shift 2 ;;
      --prefix) prefix="$2"; shift 2 ;;
      *) die "topics: unknown option $1 (use --partitions N, --prefix P)" ;;
    esac
  done
  ensure_jars
  local t
  for t in measurements reconstructions dead-letters; do
    kafka_java org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" --create --if-not-exists \
      --topic "${prefix}cs.$t" --partitions "$partitions" --replication-factor 1
  done
  # one partition: the newest snapshot per key wins; compacted so the topic keeps it
  kafka_java org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" --create --if-not-exists \
    --topic "${prefix}cs.models" --partitions 1 --replication-factor 1 \
    --config cleanup.policy=compact --config max.message.bytes=33554432
  kafka_java org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" --list
}

status() {
  if pid_alive "$PID"; then echo "kafka: running at $BOOTSTRAP (pid $(cat "$PID"))"; else echo "kafka: stopped"; return 1; fi
}

case "${1:-}" in
  start) start ;;
  topics) shift; topics "$@" ;;
  status) status ;;
  stop) stop_pid "$PID" "the broker" ;;
  clean) stop_pid "$PID" "the broker"; rm -rf "$DIR" ;;
  -h|--help|help) usage 0 ;;
  *) usage 1 ;;
esac
