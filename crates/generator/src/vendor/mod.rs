//! `cargo xtask vendor utage PAGE.md…` and `cargo xtask vendor utage --remove PAGE`: UTAGE
//! publishes one endpoint's OpenAPI document inside each doc page. Every saved page is kept under
//! `specs/utage/pages/`, and `specs/utage/openapi.yaml` is their OpenAPI blocks merged (see
//! [`merge`]), so the spec can always be traced to, and re-derived from, what the vendor
//! published.
//!
//! Which page a new one replaces: the page of the same file name; else the one page that defines
//! any of the same operations (a re-saved page under another name); else none, and it is added.
//! With a single page the spec is that page's block byte for byte; with several it is the merged
//! document written as YAML, under a comment naming the pages.
//!
//! Nothing is written unless the new set of pages merges, loads and builds into the generator's
//! model: a bad page leaves every file untouched. Afterwards the command prints the API diff of
//! the specs as generated (overlays applied) against the spec it replaced, and fails if an
//! overlay no longer applies to the new spec (after writing it: the vendor's text is the truth,
//! the overlay is what needs fixing).

mod extract;
pub mod merge;

use std::path::{Path, PathBuf};

use serde_json::Value;

pub use extract::extract;

use crate::model::{self, Api, Options};
use crate::output::write_atomic;
use crate::spec::overlay::{self, Overlay, OverlayError};
use crate::spec::Spec;
use crate::{diff, Error};

/// The folder of saved pages, inside `specs/<provider>/`.
pub const PAGES: &str = "pages";

/// Vendors saved doc pages into the spec folder `dir` (`dir/pages/`, `dir/openapi.yaml`) and
/// prints what changed; `regenerate` is the command the next step names.
pub fn run(dir: &Path, add: &[PathBuf], remove: &[String], regenerate: &str) -> Result<(), Error> {
    if add.is_empty() && remove.is_empty() {
        return Err(Error::Usage("name the saved page(s) to vendor, or --remove PAGE".to_owned()));
    }
    let outcome = update(dir, add, remove)?;
    for change in &outcome.pages {
        println!("{change}");
    }
    println!("wrote {} ({} page(s))", outcome.spec.display(), outcome.page_count);
    match &outcome.report {
        Some(report) if report.changes.is_empty() => println!("the generated API is unchanged"),
        Some(report) => print!("\n{}", diff::markdown(report, "previous spec", "vendored spec")),
        None => {}
    }
    if let Some(problem) = outcome.overlay_problem {
        return Err(Error::Usage(format!(
            "the spec is vendored, but an overlay no longer applies to it; fix the overlay, then run \
             `{regenerate}`:\n  {problem}"
        )));
    }
    let spec = outcome.spec.display();
    println!(
        "\nnext: `{regenerate}`; review the diff of the crate's api-surface.txt and \
         `api-diff HEAD:{spec} {spec}`; commit"
    );
    Ok(())
}

/// What [`update`] wrote, and how the API changed if there was a spec before.
pub struct Vendored {
    pub spec: PathBuf,
    /// Where the (last) vendored page is kept, under `pages/`; `None` when only removing.
    pub page: Option<PathBuf>,
    /// One line per page added, replaced or removed.
    pub pages: Vec<String>,
    pub page_count: usize,
    /// `None` when there was no previous spec, or it no longer loads.
    pub report: Option<diff::Report>,
    /// An overlay beside the spec that no longer applies to it.
    pub overlay_problem: Option<OverlayError>,
}

/// Vendors one page into `dir` (`dir/pages/`, `dir/openapi.yaml`); `dir` is a parameter so tests
/// need not touch `specs/`.
pub fn vendor_into(page: &Path, dir: &Path) -> Result<Vendored, Error> {
    update(dir, &[page.to_owned()], &[])
}

/// Removes a saved page (by its name under `pages/`, or a path ending in it) and rebuilds the spec.
pub fn remove_from(page: &str, dir: &Path) -> Result<Vendored, Error> {
    update(dir, &[], &[page.to_owned()])
}

/// A page as kept under `pages/`.
struct Saved {
    name: String,
    text: String,
    block: String,
    tree: Value,
}

/// Removes then adds pages, in memory; validates; then writes everything at once.
pub fn update(dir: &Path, add: &[PathBuf], remove: &[String]) -> Result<Vendored, Error> {
    let pages_dir = dir.join(PAGES);
    let spec_path = dir.join("openapi.yaml");
    let unchanged = |reason: String| {
        Error::Usage(format!("{reason}\n  (nothing was written; {} is unchanged)", spec_path.display()))
    };
    let mut pages = saved_pages(&pages_dir)?;
    let mut log = Vec::new();
    for name in remove {
        let name = Path::new(name).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let Some(index) = pages.iter().position(|p| p.name == name) else {
            let known: Vec<&str> = pages.iter().map(|p| p.name.as_str()).collect();
            return Err(unchanged(format!("no saved page {name:?} in {} (there are: {known:?})", pages_dir.display())));
        };
        let gone = pages.remove(index);
        log.push(format!("removed page {} ({})", gone.name, merge::operations(&gone.tree).join(", ")));
    }
    let mut last = None;
    for path in add {
        let new = read_page(path).map_err(|e| match e {
            Error::Usage(reason) => unchanged(reason),
            other => other,
        })?;
        let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let name = replaced_page(&pages, &file_name, &new.tree).map_err(unchanged)?;
        let name = name.unwrap_or(file_name);
        let saved = Saved { name: name.clone(), ..new };
        match pages.iter().position(|p| p.name == name) {
            Some(index) => {
                log.push(format!("replaced page {name} with {}", path.display()));
                pages[index] = saved;
            }
            None => {
                log.push(format!("added page {name} ({})", merge::operations(&saved.tree).join(", ")));
                pages.push(saved);
            }
        }
        last = Some(pages_dir.join(&name));
    }
    if pages.is_empty() {
        return Err(unchanged("that would leave no page, and no spec; vendor another page first".to_owned()));
    }
    pages.sort_by(|a, b| a.name.cmp(&b.name));
    let text = spec_text(&pages).map_err(unchanged)?;

    // The spec must load, and (with its overlays) build into the model, before anything is written.
    let raw = Spec::parse(&spec_path, &text).map_err(|e| unchanged(e.to_string()))?;
    let overlays = overlay::load_all(&spec_path, &overlay::overlays_in(&overlay::overlay_dir(&spec_path))?)?;
    let mut overlaid_tree = overlay::read_tree(&spec_path, &text)?;
    let overlay_problem = overlays.iter().try_for_each(|o: &Overlay| o.apply(&mut overlaid_tree)).err();
    let api = match overlay_problem {
        None => overlay::parse_with(&spec_path, &text, &overlays).map_err(|e| unchanged(e.to_string()))?,
        Some(_) => raw,
    };
    let api = model::build(&api, &Options { strict: true, ..Options::default() })
        .map_err(|e| unchanged(format!("the generator cannot use it: {e}")))?;
    let previous = previous(&spec_path, if overlay_problem.is_none() { &overlays } else { &[] });
    let report = previous.map(|old| diff::compare(&old, &api));

    std::fs::create_dir_all(&pages_dir).map_err(|e| Error::io(&pages_dir, e))?;
    for page in &pages {
        let path = pages_dir.join(&page.name);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(page.text.as_str()) {
            write_atomic(&path, &page.text)?;
        }
    }
    for name in remove {
        let name = Path::new(name).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if !pages.iter().any(|p| p.name == name) {
            let path = pages_dir.join(&name);
            std::fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
        }
    }
    write_atomic(&spec_path, &text)?;
    Ok(Vendored { spec: spec_path, page: last, pages: log, page_count: pages.len(), report, overlay_problem })
}

/// The page an incoming one replaces: the same file name, else the one page sharing an operation.
fn replaced_page(pages: &[Saved], file_name: &str, tree: &Value) -> Result<Option<String>, String> {
    if pages.iter().any(|p| p.name == file_name) {
        return Ok(Some(file_name.to_owned()));
    }
    let incoming = merge::operations(tree);
    let sharing: Vec<&Saved> =
        pages.iter().filter(|p| merge::operations(&p.tree).iter().any(|op| incoming.contains(op))).collect();
    match sharing.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one.name.clone())),
        several => {
            let names: Vec<&str> = several.iter().map(|p| p.name.as_str()).collect();
            Err(format!(
                "{file_name} defines operations of several saved pages ({}); --remove them first",
                names.join(", ")
            ))
        }
    }
}

/// The spec text: one page's block as published, or the merged document of several.
fn spec_text(pages: &[Saved]) -> Result<String, String> {
    if let [only] = pages {
        return Ok(only.block.clone());
    }
    let specs: Vec<merge::PageSpec> =
        pages.iter().map(|p| merge::PageSpec { name: p.name.clone(), tree: p.tree.clone() }).collect();
    let merged = merge::merge(&specs)?;
    let yaml = serde_yaml::to_string(&merged).map_err(|e| format!("cannot write the merged spec as YAML: {e}"))?;
    let names: Vec<&str> = pages.iter().map(|p| p.name.as_str()).collect();
    Ok(format!(
        "# Written by `cargo xtask vendor`: the OpenAPI blocks of the saved pages {}, merged. Do not edit:\n\
         # save the vendor's page again, or correct it with an overlay in overlays/.\n{yaml}",
        names.join(", ")
    ))
}

/// Reads and checks a saved page: one OpenAPI block that is valid YAML.
fn read_page(path: &Path) -> Result<Saved, Error> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let block = extract(&text).map_err(|message| Error::Usage(format!("{}: {message}", path.display())))?;
    // serde_yaml first: its errors carry the line inside the block, which `Spec::parse` rewords.
    let tree: Value = serde_yaml::from_str(&block)
        .map_err(|e| Error::Usage(format!("{}: the OpenAPI block is not valid YAML: {e}", path.display())))?;
    // Errors name the page: the spec file is not written yet. The loader decides which OpenAPI
    // versions are accepted.
    Spec::parse(path, &block).map_err(|e| Error::Usage(format!("in the OpenAPI block of the page: {e}")))?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    Ok(Saved { name, text, block, tree })
}

/// The pages kept under `pages/`, in name order (none if the folder does not exist yet).
fn saved_pages(dir: &Path) -> Result<Vec<Saved>, Error> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io(dir, e)),
    };
    let mut paths: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "md"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|path| {
            read_page(path).map_err(|e| match e {
                Error::Usage(reason) => Error::Usage(format!("a saved page no longer reads: {reason}")),
                other => other,
            })
        })
        .collect()
}

/// The current spec's model, as generated, if it loads.
fn previous(path: &Path, overlays: &[Overlay]) -> Option<Api> {
    let text = std::fs::read_to_string(path).ok()?;
    let spec = overlay::parse_with(path, &text, overlays).ok()?;
    model::build(&spec, &Options { strict: true, ..Options::default() }).ok()
}

/// Rebuilds the spec from the saved pages in memory: what `dir/openapi.yaml` should be.
pub fn expected_spec(dir: &Path) -> Result<String, Error> {
    let pages = saved_pages(&dir.join(PAGES))?;
    if pages.is_empty() {
        return Err(Error::Usage(format!("no saved pages in {}", dir.join(PAGES).display())));
    }
    spec_text(&pages).map_err(Error::Usage)
}
