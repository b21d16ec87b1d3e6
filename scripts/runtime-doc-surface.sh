#!/usr/bin/env bash
# The runtime's documented API shows nothing that only generated code needs: after `cargo doc`,
# client_runtime's all.html (every documented item, by path) must name none of the helpers and
# transport types that live in the hidden `__private` module, and the crate root must not
# re-export reqwest. Run after `cargo doc` (CI does, right after its doc step); it builds nothing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
doc="${CARGO_TARGET_DIR:-$root/target}/doc/client_runtime"
if [ ! -f "$doc/all.html" ]; then
  echo "runtime-doc-surface: no $doc/all.html; run cargo doc first" >&2
  exit 1
fi

# Item pages as all.html links them: struct.Response.html, paginate/fn.next_link.html, …
items=$(grep -oE '<li><a href="[^"]+\.html"' "$doc/all.html" | sed -E 's/^<li><a href="//; s/"$//')
count=$(grep -c . <<<"$items" || true)

hidden='Transport|Request|RawResponse|ForeignRequest|ForeignBody|ForeignResponse|StreamForm|MultipartPart|QueryStyle'
hidden+='|path_segment|scalar_text|check_range|bracket_pairs|form_pairs|path_text|header_text|PathStyle'
hidden+='|parse_retry_after|request_id_from_body|STORAGE_OPERATION'
hidden+='|ClientConfig|UploadSource|PreparedUpload|Upload|presigned_upload|PresignedSteps|storage_outcome'
leaked=$(grep -E "(^|/)(struct|enum|fn|trait|type|constant)\.($hidden)\.html$" <<<"$items" || true)

status=0
if [ -n "$leaked" ]; then
  echo "runtime-doc-surface: documented items that only generated code needs (move them to __private):" >&2
  printf '  %s\n' $leaked >&2
  status=1
fi
# A re-exported crate shows on the root page as `pub use reqwest;`.
if grep -qE 'pub use (::)?reqwest' "$doc/index.html"; then
  echo "runtime-doc-surface: the crate root re-exports reqwest" >&2
  status=1
fi
# Guards against a rustdoc whose pages this script no longer reads: the check would pass on nothing.
for expected in struct.Response.html struct.ClientBuilder.html enum.Error.html; do
  if ! grep -qx "$expected" <<<"$items"; then
    echo "runtime-doc-surface: $expected missing from all.html; has rustdoc's layout changed?" >&2
    status=1
  fi
done
[ "$status" -eq 0 ] && echo "runtime-doc-surface: $count documented items, none only for generated code"
exit "$status"
