//! The `openapi-clientgen` command line, as a library so a workspace task (this repository's
//! `cargo xtask`) can offer the same subcommands with the same flags.

// The doc comments below are the `--help` text clap prints, where `<dir>` reads as a placeholder.
#![allow(rustdoc::invalid_html_tags)]

use std::path::PathBuf;

use clap::{Args, Subcommand};
use openapi_clientgen::diff::{self, Format, Overlays};
use openapi_clientgen::generate::{self, RuntimeDependency};
use openapi_clientgen::project::{Project, Target};
use openapi_clientgen::release::{self, ReleaseOptions};
use openapi_clientgen::{Error, Settings};

#[derive(Subcommand)]
pub enum Command {
    /// Write a complete client crate for an OpenAPI 3.0/3.1 or Swagger 2.0 spec (YAML or JSON):
    /// Cargo.toml, README.md, CHANGELOG.md, api-surface.txt, src/lib.rs and src/generated/.
    ///
    /// Regenerating into an existing crate rewrites src/generated/, api-surface.txt and the
    /// manifest (keeping its version); README.md, CHANGELOG.md and src/lib.rs are yours once written.
    Generate(GenerateArgs),
    /// Compare two versions of a spec in terms of the Rust API a caller uses: every change is
    /// breaking, compatible or docs-only, with the semver bump it needs.
    #[command(name = "api-diff", visible_alias = "diff")]
    ApiDiff(DiffArgs),
    /// Release a generated crate: bump its version and write its CHANGELOG.md entry from the API
    /// diff against its last release (<crate>/released/openapi.json); refuses when stale.
    Release(ReleaseArgs),
    /// Merge the OpenAPI blocks of saved doc pages (Markdown, one block each) into one spec:
    /// <dir>/pages/ keeps every page, <dir>/openapi.yaml is their merge.
    Vendor(VendorArgs),
}

#[derive(Args)]
pub struct GenerateArgs {
    /// The spec (YAML or JSON; relative `$ref`s to other local files are followed).
    pub spec: PathBuf,
    /// The folder to write the crate to (created if missing).
    #[arg(long)]
    pub out: PathBuf,
    /// The package name (default: from the spec's title, e.g. `github-client`).
    #[arg(long)]
    pub name: Option<String>,
    /// An OpenAPI Overlay 1.0 document to apply to the spec first (repeatable; applied in order).
    #[arg(long = "overlay", value_name = "FILE")]
    pub overlays: Vec<PathBuf>,
    /// Where the crate gets the runtime: `path:DIR` (a checkout of client-runtime; written as a
    /// relative path with its version), `version:X` (from crates.io, once published) or `git:URL`.
    /// Default: the runtime beside this generator's checkout, by path and version, so the crate
    /// builds on this machine; by version when that checkout is gone.
    #[arg(long, value_name = "path:DIR|version:X|git:URL")]
    pub runtime: Option<RuntimeDependency>,
    /// No Cargo feature per tag: every operation always compiled (for small APIs).
    #[arg(long)]
    pub no_features: bool,
    /// Refuse the spec at the first construct the generator cannot hold. Without it, such a
    /// construct costs the smallest unit holding it (a field or type becomes serde_json::Value,
    /// an optional parameter is left out, an operation is skipped whole), each with a warning.
    #[arg(long)]
    pub strict: bool,
    /// Use a type of your own instead of a generated one: `--type Money=my_crate::Money`
    /// (repeatable; the name as api-surface.txt shows it; yours must (de)serialize the same JSON).
    #[arg(long = "type", value_name = "NAME=PATH", value_parser = parse_mapping)]
    pub type_mappings: Vec<(String, String)>,
}

fn parse_mapping(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, path)) if !name.trim().is_empty() && !path.trim().is_empty() => {
            Ok((name.trim().to_owned(), path.trim().to_owned()))
        }
        _ => Err(format!("{text:?}: expected NAME=PATH, e.g. Money=my_crate::Money")),
    }
}

#[derive(Args)]
pub struct DiffArgs {
    /// The old spec: a file, or `<git-rev>:<path>` (e.g. `HEAD:specs/utage/openapi.yaml`).
    #[arg(required_unless_present = "overlays_only")]
    pub old: Option<String>,
    /// The new spec, in the same forms.
    #[arg(required_unless_present = "overlays_only")]
    pub new: Option<String>,
    /// `markdown` (for a pull request) or `json` (for tools).
    #[arg(long, default_value = "markdown")]
    pub format: Format,
    /// Exit non-zero when any change is breaking.
    #[arg(long)]
    pub fail_on_breaking: bool,
    /// Compare the specs as written, without the overlays beside them (`overlays/` next to each).
    #[arg(long, conflicts_with = "overlays_only")]
    pub no_overlays: bool,
    /// Show what the overlays beside a spec change: the spec as written → as generated.
    #[arg(long, value_name = "SPEC", conflicts_with_all = ["old", "new"])]
    pub overlays_only: Option<String>,
}

#[derive(Args)]
pub struct ReleaseArgs {
    /// The crate's folder (holding Cargo.toml and src/generated/).
    #[arg(long = "crate", value_name = "DIR")]
    pub crate_dir: PathBuf,
    /// The spec the crate is generated from now (the overlays in `overlays/` beside it are
    /// applied); the last release's spec is `<crate>/released/openapi.json`.
    #[arg(long)]
    pub spec: PathBuf,
    #[command(flatten)]
    pub options: ReleaseFlags,
}

#[derive(Args)]
pub struct ReleaseFlags {
    /// The changelog entry's date, YYYY-MM-DD (default: today, UTC).
    #[arg(long)]
    pub date: Option<String>,
    /// Print the new version and the changelog entry; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Skip `cargo semver-checks` even where it is installed.
    #[arg(long)]
    pub no_semver_checks: bool,
}

impl ReleaseFlags {
    pub fn options(&self) -> ReleaseOptions {
        ReleaseOptions { date: self.date.clone(), dry_run: self.dry_run, no_semver_checks: self.no_semver_checks }
    }
}

#[derive(Args)]
pub struct VendorArgs {
    /// The spec's folder (pages go to <dir>/pages/, the merged spec to <dir>/openapi.yaml).
    #[arg(long)]
    pub dir: PathBuf,
    /// Saved doc pages (Markdown, each with one ```yaml OpenAPI block).
    pub pages: Vec<PathBuf>,
    /// A saved page to remove (its name under pages/), with the operations it defines (repeatable).
    #[arg(long, value_name = "PAGE")]
    pub remove: Vec<String>,
}

pub fn run(command: Command) -> Result<(), Error> {
    match command {
        Command::Generate(args) => run_generate(args, Settings::default()),
        Command::ApiDiff(args) => run_diff(args, |spec| Ok(PathBuf::from(spec))),
        Command::Release(args) => {
            let dir = args.crate_dir;
            let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            // The spec's folder is the root, so the `@generated` header names the spec as
            // `generate` wrote it (its file name) and the committed output is not taken for stale.
            let root = args.spec.parent().map(PathBuf::from).unwrap_or_default();
            let spec = args.spec.file_name().map(PathBuf::from).unwrap_or_default();
            let dir = std::path::absolute(&dir).map_err(|e| Error::io(&dir, e))?;
            let target = Target { name, spec, dir, settings: Settings::default() };
            let project = Project { root, targets: vec![target] };
            release::run(&project, &project.targets[0], &args.options.options())
        }
        Command::Vendor(args) => {
            openapi_clientgen::vendor::run(&args.dir, &args.pages, &args.remove, "openapi-clientgen generate …")
        }
    }
}

/// `generate` with `settings` as the base (a workspace task may change its header wording).
pub fn run_generate(args: GenerateArgs, settings: Settings) -> Result<(), Error> {
    let request = generate::Request {
        spec: args.spec.clone(),
        overlays: args.overlays,
        out: args.out.clone(),
        name: args.name,
        runtime: args.runtime,
        settings: Settings {
            features_by_tag: !args.no_features,
            strict: args.strict || settings.strict,
            type_mappings: args.type_mappings.into_iter().collect(),
            ..settings
        },
    };
    let mut warnings = 0usize;
    let spec = args.spec.display().to_string();
    let generated = generate::generate(&request, &mut |w| {
        warnings += 1;
        eprintln!("warning: {spec}: {w}");
    })?;
    let total = generated.operations + generated.skipped;
    println!(
        "wrote crate {} to {}: generated {} of {total} operations; {} skipped; {warnings} warning(s)\nruntime: client-runtime = {}",
        generated.name,
        args.out.display(),
        generated.operations,
        generated.skipped,
        generated.runtime
    );
    Ok(())
}

/// `api-diff`; `spec_path` turns `--overlays-only`'s argument into a spec file (a workspace task
/// may accept a crate's name there).
pub fn run_diff(args: DiffArgs, spec_path: impl Fn(&str) -> Result<PathBuf, Error>) -> Result<(), Error> {
    match (args.overlays_only, args.old, args.new) {
        (Some(target), _, _) => diff::run_overlays_only(&spec_path(&target)?, args.format, args.fail_on_breaking),
        (None, Some(old), Some(new)) => {
            let overlays = if args.no_overlays { Overlays::Skip } else { Overlays::Apply };
            diff::run_with(&old, &new, overlays, args.format, args.fail_on_breaking)
        }
        _ => Err(Error::Usage("api-diff needs OLD and NEW, or --overlays-only SPEC".to_owned())),
    }
}
