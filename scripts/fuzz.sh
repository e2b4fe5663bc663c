#!/usr/bin/env bash
# fuzz.sh [SECONDS] [NAME...]: builds the libFuzzer targets (Fuzz/<Name>/, declared only when
# EXPORTER_FUZZ is set) with -sanitize=fuzzer,address in their own build folder, then runs each
# for SECONDS (default 30) from its seed corpus (Fuzz/<Name>/Corpus/, read only; what the run
# finds goes to a scratch corpus under .build/fuzz-corpus/<Name>/). A crash, a hang (> 10 s for one
# input), a memory error or a leak stops that fuzzer, leaves the input in .build/fuzz-artifacts/
# and makes this script exit 1. `make fuzz` runs it for 600 s each; `FUZZ_JOBS=N` fuzzes in N processes (-fork=N).
# NAME... limits the run to those fuzzers (FuzzS3XML, FuzzBinaryCopy, FuzzSyncConfig,
# FuzzEnvironmentFile, FuzzManifest).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
seconds="${1:-30}"
shift || true
if [[ $# -gt 0 ]]; then
  names=("$@")
else
  names=()
  for dir in Fuzz/Fuzz*/; do names+=("$(basename "$dir")"); done
fi

export EXPORTER_FUZZ=1
build=(swift build --build-path .build/fuzz -Xswiftc -sanitize=fuzzer,address)
bin="$("${build[@]}" --show-bin-path)"
failed=()
for name in "${names[@]}"; do
  echo "== $name: build" >&2
  "${build[@]}" --product "$name" >&2
  corpus=".build/fuzz-corpus/$name"
  artifacts=".build/fuzz-artifacts/$name/"
  mkdir -p "$corpus" "$artifacts"
  echo "== $name: ${seconds} s from Fuzz/$name/Corpus" >&2
  # -rss_limit_mb: a parser must not need more than this for any input (default 2048).
  parallel=()
  [[ -n "${FUZZ_JOBS:-}" ]] && parallel=(-fork="$FUZZ_JOBS")
  if ! "$bin/$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=1024 -print_final_stats=1 "${parallel[@]}" \
       -artifact_prefix="$artifacts" "$corpus" "Fuzz/$name/Corpus" 2> ".build/fuzz-$name.log"; then
    failed+=("$name")
    tail -n 40 ".build/fuzz-$name.log" >&2
  fi
  grep -E '^stat::(number_of_executed_units|new_units_added|peak_rss_mb)|^#[0-9]+.*DONE' ".build/fuzz-$name.log" >&2 || true
done
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzz: FAILED: ${failed[*]} (inputs in .build/fuzz-artifacts/)" >&2
  exit 1
fi
echo "fuzz: ${#names[@]} fuzzers ran ${seconds} s each without a finding" >&2
