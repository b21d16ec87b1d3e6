//! `cargo xtask`: the project's generator and maintenance commands. The stages live in the
//! library (`src/lib.rs`); this is only the command line.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use xtask::{codegen, diff, generate, release, vendor};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Generator and maintenance commands for the media-library clients")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate crates/<provider>/src/generated/ from specs/<provider>/openapi.yaml.
    Codegen {
        /// Write nothing; fail and name the stale files if the committed output differs.
        #[arg(long)]
        check: bool,
    },
    /// Generate a standalone client crate for any OpenAPI 3.0/3.1 or Swagger 2.0 spec.
    Generate {
        /// The spec (YAML or JSON).
        spec: PathBuf,
        /// The directory to write the crate to.
        #[arg(long)]
        out: PathBuf,
        /// The crate's package name (default: from the spec's title).
        #[arg(long)]
        name: Option<String>,
        /// An OpenAPI Overlay 1.0 document to apply to the spec first (repeatable; in order).
        #[arg(long = "overlay", value_name = "FILE")]
        overlays: Vec<PathBuf>,
        /// Where the crate gets client-runtime: `version:X` (default: the version this generator
        /// is built for) or `path:DIR` (a local checkout; its version is written beside the path).
        #[arg(long, value_name = "path:DIR|version:X")]
        runtime: Option<generate::Runtime>,
    },
    /// Keep saved vendor doc pages under specs/<provider>/pages/ and merge their OpenAPI blocks
    /// into specs/<provider>/openapi.yaml (a page replaces the saved page of the same name or the
    /// same operations).
    Vendor {
        /// The provider (only `utage` publishes its spec inside its doc pages).
        provider: String,
        /// Saved doc pages (Markdown, each with one ```yaml OpenAPI block).
        pages: Vec<PathBuf>,
        /// A saved page to remove (its name under pages/), with the operations it defines (repeatable).
        #[arg(long, value_name = "PAGE")]
        remove: Vec<String>,
    },
    /// Compare two versions of a spec in terms of the generated Rust API (overlays applied).
    ApiDiff {
        /// The old spec: a file, or `<git-rev>:<path>` (e.g. `HEAD:specs/utage/openapi.yaml`).
        #[arg(required_unless_present = "overlays_only")]
        old: Option<String>,
        /// The new spec, in the same forms.
        #[arg(required_unless_present = "overlays_only")]
        new: Option<String>,
        #[arg(long, value_enum, default_value_t = diff::Format::Markdown)]
        format: diff::Format,
        /// Exit non-zero when any change is breaking.
        #[arg(long)]
        fail_on_breaking: bool,
        /// Compare the specs as written, without the overlays beside them.
        #[arg(long, conflicts_with = "overlays_only")]
        no_overlays: bool,
        /// Show what the overlays change: a provider (`utage`) or spec file, as written → as generated.
        #[arg(long, value_name = "PROVIDER|SPEC", conflicts_with_all = ["old", "new"])]
        overlays_only: Option<String>,
    },
    /// Release a provider crate: version and CHANGELOG.md entry from the API diff against the
    /// last release (crates/<provider>/released/openapi.json); refuses when the output is stale.
    Release {
        /// The provider (`microcms`, `posteverywhere`, `utage`).
        provider: String,
        /// The changelog entry's date, YYYY-MM-DD (default: today, UTC).
        #[arg(long)]
        date: Option<String>,
        /// Print the new version and the changelog entry; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Skip `cargo semver-checks` even where it is installed.
        #[arg(long)]
        no_semver_checks: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Codegen { check } => codegen::run(check),
        Command::Generate { spec, out, name, overlays, runtime } => generate::run(&generate::Request {
            spec: &spec,
            out: &out,
            name: name.as_deref(),
            overlays: &overlays,
            runtime,
        }),
        Command::Vendor { provider, pages, remove } => vendor::run(&provider, &pages, &remove),
        Command::Release { provider, date, dry_run, no_semver_checks } => {
            release::run(&provider, &release::ReleaseOptions { date, dry_run, no_semver_checks })
        }
        Command::ApiDiff { old, new, format, fail_on_breaking, no_overlays, overlays_only } => {
            match (overlays_only, old, new) {
                (Some(target), _, _) => diff::run_overlays_only(&target, format, fail_on_breaking),
                (None, Some(old), Some(new)) => {
                    let overlays = if no_overlays { diff::Overlays::Skip } else { diff::Overlays::Apply };
                    diff::run_with(&old, &new, overlays, format, fail_on_breaking)
                }
                _ => Err(xtask::Failure::Usage("api-diff needs OLD and NEW, or --overlays-only".to_owned())),
            }
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
