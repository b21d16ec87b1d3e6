#!/usr/bin/env bash
# Mutation testing of the runtime's paginate, retry, pacing and redirect modules with
# cargo-mutants (not in CI: a full run builds and tests every mutant, hours on two cores).
#
#   cargo install --locked cargo-mutants
#   scripts/mutants.sh                                   # every mutant of the four modules
#   scripts/mutants.sh --shard 0/8 --sharding round-robin   # an eighth, spread over all four
#   MUTANTS_JOBS=2 scripts/mutants.sh …                  # two mutants at once (about 13 min a shard)
#
# Prints caught / missed / timed out; the list of each is under mutants.out/ (or -o DIR).
# Extra arguments go to `cargo mutants`.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo-mutants >/dev/null || { echo "cargo-mutants is not installed: cargo install --locked cargo-mutants" >&2; exit 2; }
cargo mutants -p client-runtime \
  --file 'crates/client-runtime/src/paginate/**' \
  --file 'crates/client-runtime/src/retry.rs' \
  --file 'crates/client-runtime/src/retry/budget.rs' \
  --file 'crates/client-runtime/src/pacing.rs' \
  --file 'crates/client-runtime/src/redirect.rs' \
  --exclude 'crates/client-runtime/src/paginate/tests.rs' \
  --exclude 'crates/client-runtime/src/paginate/properties.rs' \
  --timeout 60 --build-timeout 600 --jobs "${MUTANTS_JOBS:-1}" "$@"
