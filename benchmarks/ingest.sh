#!/usr/bin/env bash
# Samples in through POST /api/samples at a fixed rate for a while, into a Governor started in-process with the API
# on a free port of 127.0.0.1, then checks that none was lost and reports the heap after GC at start, middle, end.
#
#   benchmarks/ingest.sh                                   # 10,000 samples/s for 60 s, batches of 100
#   benchmarks/ingest.sh --quick                           # the same for 15 s (benchmarks/run --quick)
#   benchmarks/ingest.sh --rate 20000 --seconds 30 --batch 200 --concurrency 16
#
# Builds the benchmarks first, unless GOVERNOR_BENCH_CLASSPATH names the jars to run (benchmarks/run passes the
# copy it built). Exit 1 when a sample was lost. BENCHMARKS.md, "Ingest through POST /api/samples", has the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
args=()
quick=false
for arg in "$@"; do
  if [ "$arg" = --quick ]; then quick=true; else args+=("$arg"); fi
done
# --quick shortens the run only; --seconds, if given too, wins.
if $quick && [[ " ${args[*]-} " != *" --seconds "* ]]; then args+=(--seconds 15); fi
classpath="${GOVERNOR_BENCH_CLASSPATH:-}"
if [ -z "$classpath" ]; then
  ./mvnw -B -q -pl benchmarks -am package -DskipTests
  classpath="benchmarks/target/benchmarks.jar:benchmarks/target/lib/*"
fi
export GOVERNOR_LOG_LEVEL="${GOVERNOR_LOG_LEVEL:-WARN}"
exec java ${GOVERNOR_BENCH_OPTS:--XX:+UseSerialGC -Xms64m -Xmx512m} \
  -cp "$classpath" dev.governor.benchmarks.IngestBenchmark ${args[@]+"${args[@]}"}
