#!/usr/bin/env bash
# Prepares this machine to build, test and run csflow. Safe to run again (it only does what is missing).
#
#   1. checks Java 17+ (a JDK: javac too) and Maven
#   2. installs the Debian package dataset-fashion-mnist when the Fashion-MNIST IDX files are missing
#      (as root, or through sudo; skipped when $CSFLOW_FASHION_MNIST already holds them)
#   3. builds and installs the project: mvn -B -q install -DskipTests
#   4. assembles the Flink and Kafka jars of ops/cluster.sh and ops/kafka.sh (ops/flink-dist, ops/kafka-dist), so
#      ~/.m2 holds everything ops/cluster-test.sh needs
#
# Usage: ops/setup.sh     (from anywhere; Debian/Ubuntu for step 2)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEFAULT_DATASET_DIR=/usr/share/datasets/fashion-mnist
DATASET_FILES=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)

say() { echo "setup: $*"; }
die() { echo "setup: ERROR: $*" >&2; exit 1; }

# "17.0.15" -> 17, "1.8.0_392" -> 8
major_version() {
  local v="$1"
  v="${v#1.}"
  echo "${v%%[!0-9]*}"
}

check_jdk() {
  local hint="install a JDK 17 or newer (Debian/Ubuntu: sudo apt-get install openjdk-17-jdk-headless) and put it on PATH"
  command -v java >/dev/null 2>&1 || die "java not found; $hint"
  command -v javac >/dev/null 2>&1 || die "javac not found (java is a JRE, Maven needs a JDK); $hint"
  local spec major
  spec="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')"
  major="$(major_version "${spec:-0}")"
  [[ -n "$major" && "$major" -ge 17 ]] || die "java is version ${spec:-unknown} ($(command -v java)); csflow needs 17 or newer: $hint"
  say "java ${spec} ($(command -v java))"
}

check_maven() {
  command -v mvn >/dev/null 2>&1 || die "mvn not found; install Maven 3.8 or newer (Debian/Ubuntu: sudo apt-get install maven)"
  say "$(mvn -v 2>/dev/null | head -n 1 | sed 's/\x1b\[[0-9;]*m//g')"
}

has_dataset() {
  local dir="$1" f
  for f in "${DATASET_FILES[@]}"; do
    [[ -f "$dir/$f" || -f "$dir/$f.gz" ]] || return 1
  done
}

as_root() {
  if [[ "$(id -u)" -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "need root to run '$*': run ops/setup.sh as root or install sudo"
  fi
}

ensure_dataset() {
  if [[ -n "${CSFLOW_FASHION_MNIST:-}" ]] && has_dataset "$CSFLOW_FASHION_MNIST"; then
    say "Fashion-MNIST in $CSFLOW_FASHION_MNIST (from \$CSFLOW_FASHION_MNIST)"
    return
  fi
  if has_dataset "$DEFAULT_DATASET_DIR"; then
    say "Fashion-MNIST in $DEFAULT_DATASET_DIR"
    [[ -z "${CSFLOW_FASHION_MNIST:-}" ]] || say "warning: \$CSFLOW_FASHION_MNIST=$CSFLOW_FASHION_MNIST lacks the IDX files; csflow will look there, not in $DEFAULT_DATASET_DIR"
    return
  fi
  command -v apt-get >/dev/null 2>&1 || die "Fashion-MNIST is missing and apt-get is not available: put ${DATASET_FILES[*]} (plain or .gz) in a folder and set CSFLOW_FASHION_MNIST to it"
  say "installing Fashion-MNIST (Debian package dataset-fashion-mnist)..."
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends dataset-fashion-mnist
  has_dataset "$DEFAULT_DATASET_DIR" || die "dataset-fashion-mnist is installed but $DEFAULT_DATASET_DIR lacks ${DATASET_FILES[*]}; check 'dpkg -L dataset-fashion-mnist'"
  say "Fashion-MNIST in $DEFAULT_DATASET_DIR"
}

build() {
  say "building: mvn -B -q install -DskipTests"
  (cd "$ROOT" && mvn -B -q install -DskipTests) || die "the build failed (see above)"
  say "assembling the cluster scripts' jars (ops/flink-dist, ops/kafka-dist)"
  (cd "$ROOT" && mvn -B -q -f ops/flink-dist/pom.xml package && mvn -B -q -f ops/kafka-dist/pom.xml package) \
    || die "assembling ops/flink-dist or ops/kafka-dist failed (see above)"
  say "done; try ./csflow dataset-info"
}

check_jdk
check_maven
ensure_dataset
build
