#!/usr/bin/env bash
# Type fidelity on vendor specs (issue 21): every 2xx JSON response example a spec documents that
# is valid against its own schema must decode into the type `send()` decodes that status into,
# and serialize back to a value still valid against the schema. Per spec: examples found, valid,
# decoded, round-tripped valid; the failures are in <crate>/fidelity-report.txt.
#
#   bash scripts/type-fidelity.sh --only 'twilio-video|discord'
#   bash scripts/type-fidelity.sh --github --only github
#
# Steps per spec: `openapi-clientgen generate` (release), `cargo xtask fidelity prepare` (finds
# the examples, validates them with the jsonschema crate, writes tests/fidelity.rs into the
# crate), `cargo test --all-features --test fidelity` in the crate, `cargo xtask fidelity check`.
# Not part of `cargo test`: it needs the vendor specs and compiles each whole crate (minutes for
# a big one). All crates share one target dir, so their dependencies build once.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/vendor-specs.sh"
target="${CARGO_TARGET_DIR:-$root/target}"
work="$target/type-fidelity"
only="" github=0
while [ $# -gt 0 ]; do
  case "$1" in
    --only) only="$2"; shift ;;
    --github) github=1 ;;
    *) echo "usage: $0 [--only REGEX] [--github]" >&2; exit 2 ;;
  esac
  shift
done

vendor_specs_unpack
[ "$github" = 1 ] && vendor_specs_add_github

cargo build --quiet --release --manifest-path "$root/Cargo.toml" -p openapi-clientgen-cli -p xtask
gen="$target/release/openapi-clientgen"
xtask="$target/release/xtask"
mkdir -p "$work"
results="$work/results.tsv"
printf 'spec\texamples\tvalid\tdecoded\tround_tripped\n' >"$results"

for entry in "${specs[@]}"; do
  name="${entry%%=*}" file="${entry#*=}"
  if [ -n "$only" ] && ! [[ "$name" =~ $only ]]; then continue; fi
  out="$work/$name"
  rm -rf "$out"
  if ! "$gen" generate "$cache/$file" --out "$out" --name "vc-$name" >"$work/$name.gen.log" 2>&1; then
    echo "$name: generate failed: $(tail -n 1 "$work/$name.gen.log")"; continue
  fi
  read -r found _ valid _ < <("$xtask" fidelity prepare "$cache/$file" "$out")
  if [ "$valid" = 0 ]; then
    # Nothing to decode: not worth compiling the crate.
    printf '%s\t%s\t0\t0\t0\n' "$name" "$found" >>"$results"
    echo "$name: $found examples, none valid"; continue
  fi
  cp "$root/Cargo.lock" "$out/"
  if ! CARGO_TARGET_DIR="$target/vendor" cargo test --quiet --all-features --manifest-path "$out/Cargo.toml" \
      --test fidelity >"$work/$name.test.log" 2>&1; then
    echo "$name: the fidelity test did not run: $(grep -m1 '^error' "$work/$name.test.log" || tail -n 1 "$work/$name.test.log")"
    continue
  fi
  row=$("$xtask" fidelity check "$cache/$file" "$out")
  printf '%s\t%s\n' "$name" "$row" >>"$results"
  echo "$name: $row (failures: $out/fidelity-report.txt)"
done

echo
echo "| spec | examples | valid against their schema | decoded | round-tripped valid |"
echo "|---|---|---|---|---|"
tail -n +2 "$results" | while IFS=$'\t' read -r spec found valid decoded round; do
  echo "| $spec | $found | $valid | $decoded | $round |"
done
