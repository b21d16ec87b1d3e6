#!/usr/bin/env bash
# The generator against specs it has never seen: every OpenAPI 3.0, OpenAPI 3.1 and Swagger 2.0
# spec of npm @readme/oas-examples (circular refs, polymorphism, parameter styles, odd names, type
# lists, webhooks, formData). No spec may crash the generator
# (it must generate, or refuse with exit 1 naming the file and JSON pointer), and every crate it
# writes must pass `cargo clippy -D warnings` against this checkout's runtime.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work="$root/target/oas-examples"
rm -rf "$work" && mkdir -p "$work/out"
cd "$work"
npm install --silent --no-audit --no-fund --prefix "$work" @readme/oas-examples@8.2.2 >/dev/null
cargo build --quiet --manifest-path "$root/Cargo.toml" -p xtask
xtask="$root/target/debug/xtask"

generated=0 refused=0 members=""
for spec in "$work"/node_modules/@readme/oas-examples/{3.0,3.1,2.0}/yaml/*.yaml; do
  version=$(basename "$(dirname "$(dirname "$spec")")")
  name="${version//./}-$(basename "$spec" .yaml)"
  status=0
  "$xtask" generate "$spec" --out "out/$name" --name "oas-${name//[._]/-}" --runtime "path:$root/crates/client-runtime" >"out/$name.log" 2>&1 || status=$?
  case $status in
    0) generated=$((generated + 1))
       # Members of one workspace below, so dependencies build once.
       sed -i '/^\[workspace\]$/d' "out/$name/Cargo.toml"
       members="$members\"out/$name\", " ;;
    1) refused=$((refused + 1)); echo "refused $name: $(grep '^error' "out/$name.log" | tail -n 1 | sed 's|.*\.yaml: ||')" ;;
    *) echo "generator crashed (exit $status) on $name:"; cat "out/$name.log"; exit 1 ;;
  esac
done
printf '[workspace]\nresolver = "2"\nmembers = [%s]\n' "$members" >Cargo.toml
cp "$root/Cargo.lock" .
CARGO_TARGET_DIR="$root/target/fixture-check" cargo clippy --quiet --workspace -- -D warnings
echo "oas-examples: $generated generated (all clippy-clean), $refused refused with a located error, 0 crashed"
