//! The spec loader and the generator on mutated real specs — the fixtures and the three
//! providers' specs, with a node deleted, retyped, duplicated or made cyclic: a crate (its files
//! in memory) or an error that names the file and a JSON pointer; never a panic, never a hang.
//! Fixed seed, bounded cases: they run with `cargo test`.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use openapi_clientgen::model::{self, Options};
use openapi_clientgen::spec::Spec;
use openapi_clientgen::{emit, surface};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};
use serde_json::{json, Value};

const SPECS: &[&str] = &[
    "xtask/tests/fixtures/models.yaml",
    "xtask/tests/fixtures/operations.yaml",
    "xtask/tests/fixtures/petstore.yaml",
    "specs/microcms/openapi.yaml",
    "specs/posteverywhere/openapi.yaml",
    "specs/utage/openapi.yaml",
];

/// No mutated spec may take longer than this to load and generate.
const HANG: Duration = Duration::from_secs(30);

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

fn load(spec: &str) -> Value {
    let text = std::fs::read_to_string(root().join(spec)).unwrap_or_else(|e| panic!("{spec}: {e}"));
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{spec}: {e}"))
}

/// Every node's path, as JSON pointer tokens, in document order.
fn nodes(value: &Value, path: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    out.push(path.clone());
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                path.push(k.clone());
                nodes(v, path, out);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                path.push(i.to_string());
                nodes(v, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

fn pointer(path: &[String]) -> String {
    path.iter().map(|t| format!("/{}", t.replace('~', "~0").replace('/', "~1"))).collect()
}

#[derive(Clone, Copy, Debug)]
enum Mutation {
    Delete,
    /// Replaced by a value of another type.
    Retype(u8),
    /// Copied beside itself (a second key, or a second array element).
    Duplicate,
    /// Replaced by a `$ref` to one of its ancestors (or itself).
    Cyclic(u8),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        Just(Mutation::Delete),
        (0u8..6).prop_map(Mutation::Retype),
        Just(Mutation::Duplicate),
        (0u8..8).prop_map(Mutation::Cyclic),
    ]
}

fn apply(doc: &mut Value, path: &[String], m: Mutation) {
    let Some((last, parent_path)) = path.split_last() else {
        // The root: retype it, or make it its own reference.
        *doc = match m {
            Mutation::Cyclic(_) => json!({ "$ref": "#" }),
            _ => json!([]),
        };
        return;
    };
    let Some(parent) = doc.pointer_mut(&pointer(parent_path)) else { return };
    match m {
        Mutation::Delete => match parent {
            Value::Object(map) => {
                map.shift_remove(last);
            }
            Value::Array(items) => {
                if let Ok(i) = last.parse::<usize>() {
                    if i < items.len() {
                        items.remove(i);
                    }
                }
            }
            _ => {}
        },
        Mutation::Retype(kind) => {
            let replacement =
                [json!("x"), json!(7), json!(-1.5), json!(true), json!(null), json!({})][usize::from(kind)].clone();
            if let Some(slot) = parent.pointer_mut(&format!("/{}", last.replace('~', "~0").replace('/', "~1"))) {
                *slot = match (slot.is_array(), replacement) {
                    (false, r) => r,
                    (true, _) => json!({}),
                };
            }
        }
        Mutation::Duplicate => match parent {
            Value::Object(map) => {
                if let Some(v) = map.get(last).cloned() {
                    // A second path or schema of the same content, or the same key in upper case.
                    map.insert(format!("{last}2"), v.clone());
                    map.insert(last.to_uppercase(), v);
                }
            }
            Value::Array(items) => {
                if let Some(v) = last.parse::<usize>().ok().and_then(|i| items.get(i).cloned()) {
                    items.push(v);
                }
            }
            _ => {}
        },
        Mutation::Cyclic(up) => {
            let keep = path.len().saturating_sub(usize::from(up) % (path.len() + 1));
            let target = format!("#{}", pointer(&path[..keep]));
            if let Some(slot) = parent.pointer_mut(&format!("/{}", last.replace('~', "~0").replace('/', "~1"))) {
                *slot = json!({ "$ref": target });
            }
        }
    }
}

/// Loads and generates `doc` as the file `name`: `Ok` with the files, or the error's text.
fn generate(name: &str, doc: &Value) -> Result<usize, String> {
    let path = PathBuf::from(name);
    let text = doc.to_string();
    let spec = Spec::parse(&path, &text).map_err(|e| {
        assert_eq!(e.file, path, "the error names the file");
        e.to_string()
    })?;
    let api = model::build(&spec, &Options { source: name.to_owned(), ..Options::default() }).map_err(|e| {
        assert_eq!(e.file, path, "the error names the file");
        assert!(e.pointer.starts_with('#'), "a located error: {e}");
        e.to_string()
    })?;
    let _ = surface::render(&api);
    let files = emit::emit(&api, &openapi_clientgen::Settings::default())
        .unwrap_or_else(|e| panic!("{name}: the generator emitted code that does not parse: {e}"));
    assert!(!files.is_empty());
    Ok(files.len())
}

/// [`generate`] on its own thread, so a hang fails the test instead of stalling it.
fn generate_in_time(name: &str, doc: Value) -> Result<usize, String> {
    let (send, receive) = mpsc::channel();
    let owned = name.to_owned();
    std::thread::spawn(move || {
        let result = std::panic::catch_unwind(|| generate(&owned, &doc));
        let _ = send.send(result);
    });
    match receive.recv_timeout(HANG) {
        Ok(Ok(result)) => result,
        Ok(Err(panic)) => {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            panic!("{name}: panicked: {message}")
        }
        Err(_) => panic!("{name}: no answer within {HANG:?}: a hang"),
    }
}

#[test]
fn every_unmutated_spec_generates() {
    for spec in SPECS {
        assert!(generate_in_time(spec, load(spec)).is_ok(), "{spec}");
    }
}

proptest! {
    #![proptest_config(Config { cases: 96, rng_seed: RngSeed::Fixed(0x5eed_0003), failure_persistence: None, ..Config::default() })]

    #[test]
    fn mutated_specs_give_a_crate_or_a_located_error(
        which in 0usize..SPECS.len(),
        at in any::<proptest::sample::Index>(),
        mutations in proptest::collection::vec((any::<proptest::sample::Index>(), mutation()), 1..3),
    ) {
        let spec = SPECS[which];
        let mut doc = load(spec);
        let mut first = true;
        for (index, m) in mutations {
            let mut all = Vec::new();
            nodes(&doc, &mut Vec::new(), &mut all);
            let pick = if first { at.index(all.len()) } else { index.index(all.len()) };
            first = false;
            apply(&mut doc, &all[pick], m);
        }
        let name = format!("{spec}.mutated.json");
        let _ = generate_in_time(&name, doc);
    }
}
