#!/usr/bin/env bash
# The generator on the specs API vendors publish today (../shared/vendor-specs: Stripe, OpenAI,
# Cloudflare, Twilio x2, DigitalOcean as a folder of files, Box, Asana, Slack, Discord,
# Kubernetes, Jira; plus GitHub from npm with --github). Per spec: operations generated / in the
# spec, warnings by kind, `serde_json::Value` in the types, generate time and peak memory, and
# with --check the crate's `cargo check` time and peak memory. The specs are unpacked into a
# cache, never into the repository.
#
#   bash scripts/vendor-corpus.sh                 # generate only (a few minutes)
#   bash scripts/vendor-corpus.sh --check         # also cargo check every crate (long: an hour or more on 2 cores)
#   bash scripts/vendor-corpus.sh --only 'stripe|slack' --check
#   bash scripts/vendor-corpus.sh --github        # add GitHub's REST description (npm @octokit/openapi@23.0.2)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/vendor-specs.sh"
work="$root/target/vendor-corpus"
check=0 only="" github=0
while [ $# -gt 0 ]; do
  case "$1" in
    --check) check=1 ;;
    --only) only="$2"; shift ;;
    --github) github=1 ;;
    *) echo "usage: $0 [--check] [--only REGEX] [--github]" >&2; exit 2 ;;
  esac
  shift
done

vendor_specs_unpack
[ "$github" = 1 ] && vendor_specs_add_github

cargo build --quiet --release --manifest-path "$root/Cargo.toml" -p openapi-clientgen-cli
gen="$root/target/release/openapi-clientgen"
# Per-spec outputs are replaced; the shared target dir (dependencies built once) is kept.
mkdir -p "$work" && rm -f "$work/kinds.txt"
results="$work/results.tsv"
printf 'spec\tstatus\tgenerated\ttotal\tskipped\twarnings\tvalue_fields\tgen_s\tgen_mb\tcheck_s\tcheck_mb\n' >"$results"

for entry in "${specs[@]}"; do
  name="${entry%%=*}" file="${entry#*=}"
  if [ -n "$only" ] && ! [[ "$name" =~ $only ]]; then continue; fi
  out="$work/$name"
  rm -rf "$out"
  status=0
  /usr/bin/time -f '%e %M' -o "$work/$name.time" \
    "$gen" generate "$cache/$file" --out "$out" --name "vc-$name" >"$work/$name.out" 2>"$work/$name.log" || status=$?
  read -r gen_s gen_kb <"$work/$name.time" || true
  if [ "$status" -gt 1 ]; then
    echo "generator crashed (exit $status) on $name:"; tail -n 20 "$work/$name.log"; exit 1
  fi
  if [ "$status" = 1 ]; then
    printf '%s\trefused\t0\t?\t?\t0\t0\t%s\t%s\t-\t-\n' "$name" "$gen_s" "$((gen_kb / 1024))" >>"$results"
    echo "$name: refused: $(grep '^error' "$work/$name.log" | tail -n 1)"
    continue
  fi
  summary=$(head -n 1 "$work/$name.out")
  generated=$(sed -E 's/.*generated ([0-9]+) of ([0-9]+) operations; ([0-9]+) skipped.*/\1/' <<<"$summary")
  total=$(sed -E 's/.*generated ([0-9]+) of ([0-9]+) operations.*/\2/' <<<"$summary")
  skipped=$(sed -E 's/.*; ([0-9]+) skipped.*/\1/' <<<"$summary")
  warnings=$(grep -c '^warning' "$work/$name.log" || true)
  # A crate with features spreads its types over types/ (one file per feature set). The
  # written-out decoders (`impl<'de> Deserialize<'de> for …`) repeat their fields' types in typed
  # locals: left out of the count.
  values=$(cat "$out/src/generated/types.rs" $(find "$out/src/generated/types" -name '*.rs' 2>/dev/null) 2>/dev/null \
    | awk "/^impl<'de> Deserialize<'de>/ { skip = 1 } skip && /^}/ { skip = 0; next } !skip" \
    | grep -c 'serde_json::Value' || true)
  check_s=- check_mb=-
  if [ "$check" = 1 ]; then
    cp "$root/Cargo.lock" "$out/"
    if CARGO_TARGET_DIR="$work/target" /usr/bin/time -f '%e %M' -o "$work/$name.check" \
        cargo check --quiet --manifest-path "$out/Cargo.toml" >"$work/$name.check.log" 2>&1; then
      read -r check_s check_kb <"$work/$name.check"; check_mb=$((check_kb / 1024))
    else
      check_s=FAILED; echo "$name: cargo check failed: $(grep -m1 '^error' "$work/$name.check.log")"
    fi
  fi
  printf '%s\tok\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$generated" "$total" "$skipped" "$warnings" \
    "$values" "$gen_s" "$((gen_kb / 1024))" "$check_s" "$check_mb" >>"$results"
  # Warnings by kind: the message without its pointer and names, first clause.
  grep '^warning' "$work/$name.log" | sed -E 's/^warning: [^:]+: at [^:]+: //; s/"[^"]*"/"…"/g; s/`[^`]*`/`…`/g; s/[;(].*//' \
    | sort | uniq -c | sort -rn | head -n 5 | sed "s/^/  $name warning: /" >>"$work/kinds.txt" || true
done

python3 - "$results" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
print("| spec | operations generated / in spec | skipped | warnings | `serde_json::Value` in types | generate s / MB | cargo check s / MB |")
print("|---|---|---|---|---|---|---|")
kept = compiled = 0
for r in rows:
    if r["status"] != "ok":
        print(f"| {r['spec']} | refused | | | | {r['gen_s']} / {r['gen_mb']} | |")
        continue
    share = 100 * int(r["generated"]) / max(int(r["total"]), 1)
    kept += share >= 95
    compiled += r["check_s"] not in ("-", "FAILED")
    print(f"| {r['spec']} | {int(r['generated']):,} / {int(r['total']):,} ({share:.1f}%) | {r['skipped']} | {r['warnings']} | {r['value_fields']} | {r['gen_s']} / {r['gen_mb']} | {r['check_s']} / {r['check_mb']} |")
ok = sum(r["status"] == "ok" for r in rows)
print(f"\n{ok} of {len(rows)} specs give a crate; {kept} keep at least 95% of their operations; {compiled} checked with cargo check")
PY
[ -f "$work/kinds.txt" ] && { echo; echo "Warnings by kind (top 5 per spec):"; cat "$work/kinds.txt"; }
