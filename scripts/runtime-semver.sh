#!/usr/bin/env bash
# cargo-semver-checks on client-runtime against its last release: the commit where
# crates/client-runtime/Cargo.toml got the version released before the current one (or the
# version given with --baseline-version, or a commit given with --baseline-rev). Prints the
# baseline, cargo-semver-checks' verdict and how long it took; exits non-zero when the version
# bump in Cargo.toml is smaller than what the API changes require (cargo-semver-checks' own rule:
# under 0.x, a breaking change needs the minor version bumped).
#
#   bash scripts/runtime-semver.sh                          # baseline: the previous version
#   bash scripts/runtime-semver.sh --baseline-version 0.3.0
#   bash scripts/runtime-semver.sh --baseline-rev <commit>
#
# Needs `cargo install --locked cargo-semver-checks` (the crates registry; it builds from source).
set -euo pipefail
cd "$(dirname "$0")/.."
manifest=crates/client-runtime/Cargo.toml

version_at() { # the package version in $manifest at commit $1 ("" when the file is absent)
  git show "$1:$manifest" 2>/dev/null | sed -n 's/^version = "\([^"]*\)"$/\1/p' | head -n 1
}

baseline_version="" baseline_rev=""
while [ $# -gt 0 ]; do
  case "$1" in
    --baseline-version) baseline_version="${2:?--baseline-version needs a version}"; shift 2 ;;
    --baseline-rev) baseline_rev="${2:?--baseline-rev needs a commit}"; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "runtime-semver: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

if ! cargo semver-checks --version >/dev/null 2>&1; then
  echo "runtime-semver: cargo-semver-checks is not installed: cargo install --locked cargo-semver-checks" >&2
  exit 2
fi

current=$(sed -n 's/^version = "\([^"]*\)"$/\1/p' "$manifest" | head -n 1)
if [ -z "$baseline_rev" ]; then
  # The manifest's history, newest first: the first version other than the current one is the
  # last release, unless one was named; its baseline is the oldest commit of its unbroken run.
  for commit in $(git log --format=%H -- "$manifest"); do
    seen=$(version_at "$commit")
    if [ -z "$baseline_version" ] && [ -n "$seen" ] && [ "$seen" != "$current" ]; then
      baseline_version=$seen
    fi
    if [ -n "$baseline_version" ]; then
      if [ "$seen" = "$baseline_version" ]; then
        baseline_rev=$commit
      elif [ -n "$baseline_rev" ]; then
        break
      fi
    fi
  done
  if [ -z "$baseline_rev" ]; then
    echo "runtime-semver: no commit of $manifest has version ${baseline_version:-other than $current}" >&2
    exit 2
  fi
fi
baseline_version=${baseline_version:-$(version_at "$baseline_rev")}

echo "runtime-semver: client-runtime $current against ${baseline_version:-?} at $(git rev-parse --short "$baseline_rev")"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
start=$(date +%s)
status=0
cargo semver-checks check-release -p client-runtime --baseline-rev "$baseline_rev" 2>&1 | tee "$log" || status=$?
took=$(( $(date +%s) - start ))

verdict=$(grep -E '^ *Summary ' "$log" | tail -n 1 | sed -E 's/^ *Summary +//')
echo "runtime-semver: verdict: ${verdict:-none printed}; ${took}s"
if [ "$status" -ne 0 ]; then
  echo "runtime-semver: the version in $manifest ($current) is not bumped enough for these changes, or the check failed" >&2
fi
exit "$status"
