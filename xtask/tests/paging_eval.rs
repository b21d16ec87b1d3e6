//! Paging inference measured against hand labels (`paging_labels.tsv`) over vendors' real specs.
//! Not part of `cargo test`: the specs live outside the repository (`~/.cache/vendor-specs`,
//! GitHub's from npm `@octokit/openapi` under `github/` there); `scripts/paging-eval.sh` runs it with
//! `--ignored`. `PAGING_EVAL_DUMP=<spec>` prints every GET of that spec with what was inferred,
//! for labelling.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use openapi_clientgen::model::{Api, BodyPath, Pagination, PagingOrigin};
use openapi_clientgen::Settings;

/// Label name → the spec file, under the vendor-spec cache (or an absolute path).
fn spec_path(name: &str) -> Option<PathBuf> {
    let cache = std::env::var_os("VENDOR_SPECS")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache/vendor-specs")))?;
    // GitHub's comes from npm, unpacked beside the others (see the vendor-specs README).
    let github = std::env::var_os("OCTOKIT_SPEC")
        .map(PathBuf::from)
        .unwrap_or_else(|| cache.join("github/node_modules/@octokit/openapi/generated/api.github.com.json"));
    let relative = match name {
        "stripe" => "stripe/spec3.2023-09-12.yaml",
        "openai" => "openai/openapi.yaml",
        "cloudflare" => "cloudflare/openapi.2024-08-06.json",
        "twilio-api" => "twilio/twilio_api_v2010.json",
        "twilio-video" => "twilio/twilio_video_v1.json",
        "box" => "box/openapi.json",
        "asana" => "asana/asana_oas.yaml",
        "slack" => "slack/slack_web_openapi_v2.json",
        "discord" => "discord/openapi.json",
        "kubernetes" => "kubernetes/swagger.json",
        "jira" => "jira/swagger-v3.v3.json",
        "github" => return Some(github),
        _ => return None,
    };
    Some(cache.join(relative))
}

fn model(name: &str) -> Api {
    let path = spec_path(name).unwrap_or_else(|| panic!("unknown spec {name}"));
    let settings = Settings::default();
    openapi_clientgen::generate::load_model(&path, &[], &settings, &mut |_| {})
        .unwrap_or_else(|e| panic!("{name}: {}: {e}", path.display()))
}

/// operationId → (style or `none`, evidence or note).
fn inferred(api: &Api) -> BTreeMap<String, (String, String)> {
    let mut out = BTreeMap::new();
    for op in &api.operations {
        let found = match &op.pagination {
            Some(p) => {
                let why = match &p.origin {
                    PagingOrigin::Declared(key) => format!("declared {key}"),
                    PagingOrigin::Inferred(evidence) => evidence.clone(),
                };
                (p.style.name().to_owned(), why)
            }
            None => {
                let note = api.paging_notes.iter().find(|n| n.id == op.id).map(|n| n.reason.clone());
                ("none".to_owned(), note.unwrap_or_default())
            }
        };
        out.insert(op.id.clone(), found);
    }
    out
}

/// What the engine will read besides the items (the total, the page size used, the next
/// token), as Rust field paths: a wrong total is how an inference loses items.
fn facts(paging: Option<&Pagination>) -> String {
    let Some(p) = paging else { return String::new() };
    let path = |what: &str, path: &Option<BodyPath>| {
        path.as_ref().map(|b| {
            let steps: Vec<&str> = b.steps.iter().map(|s| s.field.as_str()).collect();
            format!(" {what}={}:{:?}", steps.join("."), b.leaf)
        })
    };
    [path("total", &p.total), path("page_size", &p.page_size), path("next", &p.next_token)]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("")
        .replacen(' ', "\t", 1)
}

#[test]
#[ignore = "needs the vendor specs: scripts/paging-eval.sh"]
fn paging_inference_against_labels() {
    if let Ok(name) = std::env::var("PAGING_EVAL_DUMP") {
        let api = model(&name);
        for op in api.operations.iter().filter(|op| op.method.as_str() == "GET") {
            let (style, why) = inferred(&api).remove(&op.id).unwrap_or_default();
            println!("{name}\t{}\t{style}\t{}\t{why}{}", op.id, op.path, facts(op.pagination.as_ref()));
        }
        return;
    }
    let labels = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/paging_labels.tsv"))
        .expect("paging_labels.tsv");
    let mut by_spec: BTreeMap<&str, Vec<(&str, &str)>> = BTreeMap::new();
    for line in labels.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        assert!(cols.len() >= 3, "bad label line: {line}");
        by_spec.entry(cols[0]).or_default().push((cols[1], cols[2]));
    }
    let (mut tp, mut fp, mut fn_, mut tn, mut wrong) = (0usize, 0usize, 0usize, 0usize, Vec::new());
    let mut per_spec = Vec::new();
    for (spec, ops) in &by_spec {
        let before = (tp, fp);
        let api = model(spec);
        let found = inferred(&api);
        for (id, expected) in ops {
            let Some((got, why)) = found.get(*id) else {
                wrong.push(format!("{spec}\t{id}\tnot in the model (skipped or renamed)"));
                if *expected != "none" {
                    fn_ += 1;
                }
                continue;
            };
            match (*expected == "none", got == "none") {
                (true, true) => tn += 1,
                (false, true) => {
                    fn_ += 1;
                    wrong.push(format!("{spec}\t{id}\tmissed: expected {expected} ({why})"));
                }
                (_, false) if expected.split('|').any(|e| e == got) => tp += 1,
                (_, false) => {
                    fp += 1;
                    wrong.push(format!("{spec}\t{id}\twrong: expected {expected}, inferred {got} ({why})"));
                }
            }
        }
        let spec_paged = ops.iter().filter(|(_, e)| *e != "none").count();
        per_spec.push(format!("{spec} {}/{spec_paged} (wrong {})", tp - before.0, fp - before.1));
    }
    for line in &wrong {
        println!("{line}");
    }
    println!("per spec, paged correctly of paged: {}", per_spec.join(", "));
    let labelled = tp + fp + fn_ + tn;
    let precision = if tp + fp == 0 { 1.0 } else { tp as f64 / (tp + fp) as f64 };
    let paged = by_spec.values().flatten().filter(|(_, e)| *e != "none").count();
    let recall = if paged == 0 { 1.0 } else { tp as f64 / paged as f64 };
    println!(
        "specs {}, labelled {labelled} ({paged} paged, {} not), correct paging {tp}, wrong style {fp}, missed {fn_}, \
         correctly unpaged {tn}",
        by_spec.len(),
        labelled - paged
    );
    println!("precision {:.1}% ({tp}/{}), recall {:.1}% ({tp}/{paged})", precision * 100.0, tp + fp, recall * 100.0);
}
