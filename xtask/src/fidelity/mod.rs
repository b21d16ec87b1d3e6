//! `cargo xtask fidelity prepare|check SPEC CRATE`: type fidelity of a generated crate (driven by
//! `scripts/type-fidelity.sh`). `prepare` collects the spec's 2xx JSON response examples, keeps
//! those valid against their schema and writes a test into the crate that decodes each into the
//! type `send()` decodes its status into and serializes it back; `check` validates what came
//! back against the schema and prints the figures. Types come from the generator's own model, so
//! the test names them exactly as the emitter printed them.

mod examples;
mod harness;
mod schema;

use std::fmt::Write as _;
use std::path::Path;

use openapi_clientgen::{generate, spec, Error, Settings};
use serde_json::Value;

use examples::Example;
use schema::Schemas;

const REPORT: &str = "fidelity-report.txt";

/// The examples of `spec`, the validators of their schemas, and which examples are valid.
struct Checked {
    examples: Vec<Example>,
    schemas: Schemas,
    valid: Vec<bool>,
    report: String,
}

fn load(spec_path: &Path) -> Result<Checked, String> {
    let text = std::fs::read_to_string(spec_path).map_err(|e| format!("{}: {e}", spec_path.display()))?;
    let tree = spec::read_tree(spec_path, &text).map_err(|e| e.to_string())?;
    // The CLI's settings, so every name is the one the crate was generated with.
    let api = generate::load_model(spec_path, &[], &Settings::default(), &mut |_| {}).map_err(|e| e.to_string())?;
    let mut examples = examples::collect(&tree, &api);
    let schemas = Schemas::new(&tree, &examples.iter().map(|e| &e.schema).collect::<Vec<_>>())?;
    let mut report = String::new();
    for (index, error) in &schemas.errors {
        let _ = writeln!(report, "schema {index} does not compile: {error}");
    }
    let mut valid = Vec::new();
    for example in &mut examples {
        let mut result = schemas.validate(&example.schema, &example.value);
        // Jira writes its examples as JSON text in a string: that text is the example.
        if let (Err(_), Some(parsed)) = (&result, embedded_json(&example.value)) {
            if schemas.validate(&example.schema, &parsed).is_ok() {
                example.value = parsed;
                example.label.push_str(" (JSON in a string)");
                result = Ok(());
            }
        }
        if let Err(error) = &result {
            let _ = writeln!(report, "not valid against its schema: {}: {error}", example.label);
        }
        valid.push(result.is_ok());
    }
    Ok(Checked { examples, schemas, valid, report })
}

fn embedded_json(value: &Value) -> Option<Value> {
    let parsed: Value = serde_json::from_str(value.as_str()?).ok()?;
    (parsed.is_object() || parsed.is_array()).then_some(parsed)
}

fn crate_name(dir: &Path) -> Result<String, String> {
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).map_err(|e| format!("{}: {e}", dir.display()))?;
    let name = manifest
        .lines()
        .find_map(|l| l.strip_prefix("name = ").map(|n| n.trim().trim_matches('"').to_owned()))
        .ok_or("no package name in Cargo.toml")?;
    Ok(name.replace('-', "_"))
}

fn write_report(dir: &Path, text: &str) -> Result<(), String> {
    std::fs::write(dir.join(REPORT), text).map_err(|e| format!("{REPORT}: {e}"))
}

pub fn prepare(spec_path: &Path, dir: &Path) -> Result<(), Error> {
    let run = || -> Result<(), String> {
        let checked = load(spec_path)?;
        let cases: Vec<(&str, &Value)> = checked
            .examples
            .iter()
            .zip(&checked.valid)
            .filter(|(_, valid)| **valid)
            .map(|(e, _)| (e.rust_type.as_str(), &e.value))
            .collect();
        harness::write(dir, &crate_name(dir)?, &cases)?;
        write_report(dir, &checked.report)?;
        println!("{} examples, {} valid against their schema", checked.examples.len(), cases.len());
        Ok(())
    };
    run().map_err(Error::Usage)
}

/// Prints `found valid decoded round-tripped` (tab-separated) and writes the failures to the
/// crate's `fidelity-report.txt`.
pub fn check(spec_path: &Path, dir: &Path) -> Result<(), Error> {
    let run = || -> Result<(), String> {
        let mut checked = load(spec_path)?;
        let results = harness::read_results(dir)?;
        let valid: Vec<&Example> =
            checked.examples.iter().zip(&checked.valid).filter(|(_, v)| **v).map(|(e, _)| e).collect();
        if valid.len() != results.len() {
            return Err(format!(
                "{} results for {} examples: run `prepare` and the test again",
                results.len(),
                valid.len()
            ));
        }
        let (mut decoded, mut round_tripped) = (0, 0);
        for (example, result) in valid.iter().zip(results) {
            let label = format!("{} ({})", example.label, example.rust_type);
            match result {
                Err(error) => {
                    let _ = writeln!(checked.report, "does not decode: {label}: {error}");
                }
                Ok(value) => {
                    decoded += 1;
                    match checked.schemas.validate(&example.schema, &value) {
                        Ok(()) => round_tripped += 1,
                        Err(error) => {
                            let _ = writeln!(checked.report, "written back not valid: {label}: {error}");
                        }
                    }
                }
            }
        }
        write_report(dir, &checked.report)?;
        println!("{}\t{}\t{decoded}\t{round_tripped}", checked.examples.len(), valid.len());
        Ok(())
    };
    run().map_err(Error::Usage)
}
