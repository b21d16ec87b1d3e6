//! The test written into the generated crate: each valid example decoded into its type as `send()`
//! does (`from_slice`) and written back with `serde_json::to_value`, the results saved for
//! `fidelity check` to validate (so the crate under test needs no schema validator).

use std::path::Path;

use serde_json::{json, Value};

pub const DATA: &str = "tests/fidelity.json";
pub const RESULTS: &str = "fidelity-out.json";

/// Writes `tests/fidelity.rs` and its data: `(type index, example)` pairs in example order.
pub fn write(dir: &Path, krate: &str, cases: &[(&str, &Value)]) -> Result<(), String> {
    let mut types: Vec<&str> = Vec::new();
    let mut data = Vec::new();
    for (ty, value) in cases {
        let index = types.iter().position(|t| t == ty).unwrap_or_else(|| {
            types.push(ty);
            types.len() - 1
        });
        data.push(json!([index, value]));
    }
    let arms: String =
        types.iter().enumerate().map(|(i, ty)| format!("            {i} => roundtrip::<{ty}>(value),\n")).collect();
    let source = format!(
        r#"//! Written by `cargo xtask fidelity prepare`: the spec's valid 2xx JSON examples through the
//! types `send()` decodes them into, and back. Run with `--all-features`.
#![allow(unused_imports)]
use std::collections::BTreeMap;
use client_runtime::serde_json;
use {krate}::types;

fn roundtrip<T>(value: serde_json::Value) -> Result<serde_json::Value, String>
where
    T: client_runtime::serde::de::DeserializeOwned + client_runtime::serde::Serialize,
{{
    // From bytes, as `send()` decodes a body (`from_value` differs on a few numbers and enums).
    let bytes = serde_json::to_vec(&value).map_err(|e| format!("bytes: {{e}}"))?;
    let decoded: T = serde_json::from_slice(&bytes).map_err(|e| format!("decode: {{e}}"))?;
    serde_json::to_value(&decoded).map_err(|e| format!("encode: {{e}}"))
}}

#[test]
fn examples_round_trip() {{
    let dir = env!("CARGO_MANIFEST_DIR");
    let text = std::fs::read_to_string(format!("{{dir}}/{DATA}")).expect("example data");
    let cases: Vec<(usize, serde_json::Value)> = serde_json::from_str(&text).expect("example data");
    let mut results = Vec::new();
    for (ty, value) in cases {{
        let result = match ty {{
{arms}            _ => Err("no type for this example".to_owned()),
        }};
        results.push(match result {{
            Ok(value) => serde_json::json!({{"ok": value}}),
            Err(error) => serde_json::json!({{"error": error}}),
        }});
    }}
    let out = serde_json::to_string(&results).expect("results");
    std::fs::write(format!("{{dir}}/{RESULTS}"), out).expect("write results");
}}
"#
    );
    let tests = dir.join("tests");
    std::fs::create_dir_all(&tests).map_err(|e| format!("{}: {e}", tests.display()))?;
    let text = serde_json::to_string(&data).map_err(|e| e.to_string())?;
    std::fs::write(dir.join(DATA), text).map_err(|e| format!("{DATA}: {e}"))?;
    std::fs::write(tests.join("fidelity.rs"), source).map_err(|e| format!("tests/fidelity.rs: {e}"))
}

/// What the harness wrote: per example, the re-serialized value or why it failed.
pub fn read_results(dir: &Path) -> Result<Vec<Result<Value, String>>, String> {
    let path = dir.join(RESULTS);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let results: Vec<Value> = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(results
        .into_iter()
        .map(|r| match r.get("ok") {
            Some(value) => Ok(value.clone()),
            None => Err(r["error"].as_str().unwrap_or("unknown").to_owned()),
        })
        .collect())
}
