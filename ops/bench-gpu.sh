#!/usr/bin/env bash
# Runs the solver bench (`csflow bench`) on this machine's NVIDIA GPU: builds csflow with ND4J's CUDA backend
# (mvn -Pcuda, same ND4J version, no code change), runs the bench and writes docs/bench-gpu-<date>.md like the
# CPU bench writes its file. Without a GPU it says so and exits 2.
#
#   ops/bench-gpu.sh                       # batches 64,256,1024, m 50,200
#   ops/bench-gpu.sh --batches 1024,4096   # any `csflow bench` options replace the defaults below
#
# Needs: an NVIDIA driver that runs CUDA 11.6 (>= 450.80.02; see README, Solver throughput), Java 17, Maven.
# The first build downloads ~2.3 GB into ~/.m2 (nd4j-cuda-11.6 natives 573 MB, bytedeco CUDA 11.6 redist 1.8 GB).
# Afterwards the next `./csflow` rebuilds with the default CPU backend by itself.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET="$ROOT/pipeline/target"
STAMP="$TARGET/.csflow-build-stamp"

say() { echo "bench-gpu: $*" >&2; }
die() { echo "bench-gpu: $*" >&2; exit 2; }

command -v nvidia-smi >/dev/null 2>&1 \
  || die "nvidia-smi not found: no NVIDIA GPU or driver on this machine. For the CPU figures run ./csflow bench"
gpus="$(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1)" \
  || die "nvidia-smi failed (driver not loaded?): $gpus"
[[ -n "$gpus" ]] || die "nvidia-smi lists no GPU"
say "GPU(s): $gpus"
driver="$(nvidia-smi --query-gpu=driver_version --format=csv,noheader | head -1)"
if [[ "${driver%%.*}" -lt 450 ]]; then
  die "driver $driver is older than CUDA 11.6 allows (needs >= 450.80.02); update the NVIDIA driver"
fi

command -v mvn >/dev/null 2>&1 || die "Maven (mvn) is not installed; run ops/setup.sh"
say "building with -Pcuda (ND4J CUDA 11.6 backend; the first build downloads ~2.3 GB)..."
(cd "$ROOT" && mvn -B -q -Pcuda -DskipTests package) || die "the -Pcuda build failed (see the Maven output above)"
# the launcher runs what is built when its stamp is fresh; drop the stamp on exit so the next ./csflow
# rebuilds with the default CPU backend
touch "$STAMP"
trap 'rm -f "$STAMP"' EXIT

day="$(date -u +%Y-%m-%d)"
out="$ROOT/docs/bench-gpu-$day.md"
args=("$@")
if [[ ${#args[@]} -eq 0 ]]; then
  args=(--batches 64,256,1024 --m 50,200)
fi
say "running: csflow bench ${args[*]} --no-profile --out ${out#"$ROOT"/}"
# one solver thread drives the GPU; the CPU-time profile means nothing for asynchronous kernels
OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}" "$ROOT/csflow" bench "${args[@]}" --no-profile --out "$out"
{
  echo
  echo "GPU (nvidia-smi): $gpus"
  echo
  echo "Built with \`mvn -Pcuda\` (ND4J 1.0.0-M2.1 CUDA 11.6 backend); \"peak\" above is the GPU's fp32 GEMM rate through ND4J."
} >>"$out"
say "wrote ${out#"$ROOT"/}"
