#!/usr/bin/env bash
# Cross-checks `cargo xtask api-diff` against cargo-semver-checks on the api-diff corpus
# (xtask/tests/api_diff/<case>/{old,new}.yaml). Not run in CI: it builds rustdoc JSON for two
# generated crates per case, which takes minutes.
#
#   scripts/semver-check.sh              # every case
#   scripts/semver-check.sh field_removed enum_variant_added
#
# For each case it generates both versions as a crate named `x` (`cargo xtask generate`), asks
# cargo-semver-checks which bump the new one needs (checked as a patch release, so minor-level
# findings are reported too), and prints it beside api-diff's answer. The two are expected to
# differ where the rules differ on purpose (see xtask/src/diff/mod.rs): cargo-semver-checks sees
# only the Rust API, so it misses behaviour (bounds checked by `to_request()`, defaults, routes,
# server URL, auth); it calls every new struct field major, response-only types included; and
# (as of 0.51) it has no lint for a changed type of a field, argument or return value, nor for
# reordered arguments, so `T` → `Option<T>` and friends pass it. Agreement is counted on
# "breaking or not". Last run (cargo-semver-checks 0.51.0, 43 cases): 31 agree; the 12 others
# are 2 behavioural, 2 response-only fields, 8 type changes, each as explained above.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
if ! cargo semver-checks --version >/dev/null 2>&1; then
    echo "cargo-semver-checks is not installed; install it with: cargo install cargo-semver-checks --locked" >&2
    exit 0
fi

work=${SEMVER_CHECK_DIR:-$(mktemp -d)}
mkdir -p "$work"
corpus="$root/xtask/tests/api_diff"
if [ "$#" -gt 0 ]; then
    cases=("$@")
else
    cases=()
    for dir in "$corpus"/*/; do
        [ -f "$dir/old.yaml" ] && cases+=("$(basename "$dir")")
    done
fi

xtask() { (cd "$root" && cargo run --quiet --package xtask -- "$@"); }

# One target directory for every generated crate, so client-runtime and its dependencies are
# documented once (set after xtask itself is built, which keeps the workspace's own target).
xtask --help >/dev/null
export CARGO_TARGET_DIR="$work/target"

agree=0
total=0
printf '%-40s %-10s %-14s %s\n' case api-diff semver-checks agree
for name in "${cases[@]}"; do
    dir="$corpus/$name"
    out="$work/$name"
    rm -rf "$out"
    xtask generate "$dir/old.yaml" --out "$out/old" --name x --runtime "path:$root/crates/client-runtime" >/dev/null
    xtask generate "$dir/new.yaml" --out "$out/new" --name x --runtime "path:$root/crates/client-runtime" >/dev/null
    mine=$(xtask api-diff "$dir/old.yaml" "$dir/new.yaml" --format json | sed -n 's/^  "bump": "\(.*\)",$/\1/p')

    log="$out/semver-checks.log"
    if cargo semver-checks check-release --manifest-path "$out/new/Cargo.toml" --baseline-root "$out/old" \
        --release-type patch >"$log" 2>&1; then
        theirs=none
    elif grep -q "requires new major version" "$log"; then
        theirs=major
    elif grep -q "requires new minor version" "$log"; then
        theirs=minor
    else
        theirs="error"
    fi

    total=$((total + 1))
    if [ "$theirs" = error ]; then
        verdict="? (see $log)"
    elif { [ "$mine" = major ] && [ "$theirs" = major ]; } || { [ "$mine" != major ] && [ "$theirs" != major ]; }; then
        verdict=yes
        agree=$((agree + 1))
    else
        verdict=no
    fi
    printf '%-40s %-10s %-14s %s\n' "$name" "$mine" "$theirs" "$verdict"
done
echo
echo "agreement on breaking-or-not: $agree of $total cases (logs in $work)"
