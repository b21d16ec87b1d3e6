#!/usr/bin/env bash
# cargo-semver-checks on client-runtime against its last release: the commit where
# crates/client-runtime/Cargo.toml got its last released version — the current one when its
# CHANGELOG.md heading is dated, else the one before it (the current one is being prepared) —
# or the version given with --baseline-version, or a commit given with --baseline-rev. Prints the
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
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "runtime-semver: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

if ! cargo semver-checks --version >/dev/null 2>&1; then
  echo "runtime-semver: cargo-semver-checks is not installed: cargo install --locked cargo-semver-checks" >&2
  exit 2
fi

current=$(sed -n 's/^version = "\([^"]*\)"$/\1/p' "$manifest" | head -n 1)
# A version whose changelog heading carries a date has been released: it is the baseline itself
# (changes since then are checked against it). One still "unreleased" is the one being prepared,
# checked against the version before it.
if [ -z "$baseline_version" ] && [ -z "$baseline_rev" ] \
  && grep -qE "^## ${current//./\\.} — [0-9]{4}-[0-9]{2}-[0-9]{2}" crates/client-runtime/CHANGELOG.md; then
  baseline_version=$current
fi
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

# The kind of bump from $1 to $2, as cargo-semver-checks reads versions: below 1.0 the minor
# number is the breaking one (0.3 -> 0.4 is "major") and the patch number the additive one.
bump_kind() {
  IFS=. read -r a1 b1 c1 <<<"${1%%[-+]*}"
  IFS=. read -r a2 b2 c2 <<<"${2%%[-+]*}"
  if [ "$a1" -ne 0 ] || [ "$a2" -ne 0 ]; then
    if [ "$a2" -gt "$a1" ]; then echo major; elif [ "$b2" -gt "$b1" ]; then echo minor; else echo none; fi
  elif [ "$b2" -gt "$b1" ]; then echo major
  elif [ "$c2" -gt "$c1" ]; then echo minor
  else echo none; fi
}
rank() { case "$1" in major) echo 2 ;; minor) echo 1 ;; *) echo 0 ;; esac; }

echo "runtime-semver: client-runtime $current against ${baseline_version:-?} at $(git rev-parse --short "$baseline_rev")"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
start=$(date +%s)
# Checked as a patch release, so every check runs and the summary says what the changes need
# whatever Cargo.toml says; the bump is compared below. (Checked as the 0.4 it is, a breaking
# release would skip every check and say nothing.)
cargo semver-checks check-release -p client-runtime --baseline-rev "$baseline_rev" --release-type patch 2>&1 \
  | tee "$log" || true
took=$(( $(date +%s) - start ))

summary=$(grep -E '^ *Summary ' "$log" | tail -n 1 | sed -E 's/^ *Summary +//')
case "$summary" in
  *"new major version"*) required=major ;;
  *"new minor version"*) required=minor ;;
  *"no semver update required"*) required=none ;;
  *) echo "runtime-semver: cargo-semver-checks gave no verdict (see above); ${took}s" >&2; exit 2 ;;
esac
bumped=$(bump_kind "${baseline_version:-0.0.0}" "$current")
echo "runtime-semver: verdict: $summary; the changes need a $required bump, Cargo.toml makes a $bumped one (${baseline_version:-?} -> $current); ${took}s"
if [ "$(rank "$bumped")" -lt "$(rank "$required")" ]; then
  echo "runtime-semver: bump the version in $manifest: below 1.0 a breaking change needs the minor number raised, an addition the patch number" >&2
  exit 1
fi
