#!/usr/bin/env bash
# Builds the benchmarks and runs JMH with these arguments (by default every JMH benchmark). benchmarks/run runs
# the whole suite (JMH and the closed loops) and checks each figure against its target; this is for one JMH
# benchmark with options of your own, e.g. benchmarks/run.sh EngineBenchmark -p pack=windowed-10 -prof gc
#
#   benchmarks/run.sh                              # every JMH benchmark (about 15 minutes)
#   benchmarks/run.sh HostJvmSampleBenchmark       # one host + JVM sample
#   benchmarks/run.sh PostgresSampleBenchmark -p tables=10000
#
# PostgreSQL benchmarks create a database of their own (governor_bench_*) on the server at
# GOVERNOR_BENCH_PG_URL (default jdbc:postgresql://127.0.0.1:5432/postgres, user GOVERNOR_BENCH_PG_USER,
# default postgres) and drop it afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -pl benchmarks -am package -DskipTests
args=("$@")
if [ ${#args[@]} -eq 0 ]; then args=(".*Benchmark.*"); fi
exec java ${GOVERNOR_BENCH_OPTS:-} -Djmh.ignoreLock=true -Dgovernor.rules=rules -cp "benchmarks/target/benchmarks.jar:benchmarks/target/lib/*" \
  org.openjdk.jmh.Main -f 1 -wi 3 -w 2s -i 5 -r 2s "${args[@]}"
