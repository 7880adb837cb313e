#!/usr/bin/env bash
# Instructions per request of each overhead case, through heygen-client and through bare reqwest,
# counted by callgrind (independent of the machine's load). Usage:
#   tools/count-instructions.sh [case...]      (default: every case)
# Builds the `requests` bench, runs its driver (HEYGEN_BENCH_DRIVE, see tests/benches/requests.rs)
# under `valgrind --tool=callgrind`, and prints the instructions the client's thread ran inside
# `measured` divided by the number of requests. The mock server runs on its own thread, which is
# not counted. Keeps the callgrind files in target/callgrind/ for callgrind_annotate.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_INCREMENTAL=0
bench=$(cargo bench -p heygen-tests --bench requests --no-run --message-format=json 2>/dev/null |
  sed -n 's/.*"executable":"\([^"]*requests-[^"]*\)".*/\1/p' | tail -1)
out=target/callgrind
mkdir -p "$out"
cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(small-get list post v3-create v3-small-get v3-list v3-pages)
printf '%-14s %16s %16s %10s\n' case client bare overhead
for case in "${cases[@]}"; do
  case $case in list|v3-list|v3-pages) n=10 ;; *) n=100 ;; esac
  declare -A per=()
  for side in client bare; do
    rm -f "$out/$case-$side".*
    HEYGEN_BENCH_DRIVE="$case:$side:$n" valgrind --tool=callgrind --separate-threads=yes \
      --collect-atstart=no --toggle-collect='*requests*measured*' \
      --callgrind-out-file="$out/$case-$side.%p" "$bench" >/dev/null 2>"$out/$case-$side.log"
    # Thread 1 is the client's (a current-thread runtime); the server's threads come after it.
    file=$(ls "$out/$case-$side".*-01)
    total=$(sed -n 's/^summary: \([0-9]*\).*/\1/p;s/^totals: \([0-9]*\).*/\1/p' "$file" | head -1)
    per[$side]=$((total / n))
  done
  printf '%-14s %16d %16d %9.2fx\n' "$case" "${per[client]}" "${per[bare]}" \
    "$(echo "${per[client]} / ${per[bare]}" | bc -l)"
done
