#!/usr/bin/env bash
# Builds nestscope-fuzz with libFuzzer and runs one target over its corpus.
#   Fuzz/run.sh TARGET [RUNS]        TARGET: hex | decode | scenario | theme | importer | statements | fields
# New interesting inputs go to fuzz-out/TARGET (ignored by git); crashes to fuzz-out/crash-*.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: Fuzz/run.sh hex|decode|scenario|theme|importer|statements|fields [runs]}
runs=${2:-1000000}
swift build -c release --scratch-path .build-fuzz --product nestscope-fuzz \
  -Xswiftc -sanitize=fuzzer -Xswiftc -DFUZZING -Xswiftc -use-ld=lld >&2
mkdir -p "fuzz-out/$target"
SWIFT_BACKTRACE=enable=no NESTSCOPE_FUZZ_TARGET="$target" .build-fuzz/release/nestscope-fuzz \
  -runs="$runs" -max_len=4096 -timeout=10 -rss_limit_mb=2048 -artifact_prefix="fuzz-out/crash-$target-" \
  -print_final_stats=1 "fuzz-out/$target" "Fuzz/corpus/$target"
