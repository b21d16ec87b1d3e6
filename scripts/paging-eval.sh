#!/usr/bin/env bash
# Paging inference against the hand labels in xtask/tests/paging_labels.tsv, over vendors' real
# specs: prints each disagreement, then precision and recall. Not part of `cargo test` (the
# specs live outside the repository):
#   ~/.cache/vendor-specs/ (or $VENDOR_SPECS): see /work/shared/vendor-specs/INDEX.tsv
#   GitHub: npm install --prefix ~/.cache/vendor-specs/github @octokit/openapi@23.0.2 (read from
#   its node_modules/@octokit/openapi/generated/api.github.com.json), or the file in $OCTOKIT_SPEC
# PAGING_EVAL_DUMP=<spec> prints every GET of one spec with what was inferred, for labelling.
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo test -q -p xtask --test paging_eval -- --ignored --nocapture
