//! `cargo xtask`: this workspace's own tasks, on the `openapi-clientgen` library. The crates it
//! generates are listed in `specs/providers.toml`; everything else is the generator's.

// The doc comments below are the `--help` text clap prints, where `<provider>` reads as a placeholder.
#![allow(rustdoc::invalid_html_tags)]

mod fidelity;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use openapi_clientgen::project::{find_workspace, Project};
use openapi_clientgen::{Error, Settings};
use openapi_clientgen_cli::{DiffArgs, GenerateArgs, ReleaseFlags};

/// The list of generated crates, relative to the workspace root.
const PROJECT_FILE: &str = "specs/providers.toml";

/// Providers whose docs carry their spec (one OpenAPI block per page); the others' specs are
/// authored by hand from the docs.
const VENDORED: &[&str] = &["utage"];

#[derive(Parser)]
#[command(name = "cargo xtask", about = "This workspace's tasks: regenerate, review and release the provider clients")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate every crate listed in specs/providers.toml (src/generated/, api-surface.txt)
    /// from its spec and the overlays beside it.
    Codegen {
        /// Write nothing; fail and name the stale files if the committed output differs.
        #[arg(long)]
        check: bool,
    },
    /// A standalone client crate for any spec (as `openapi-clientgen generate`).
    Generate(GenerateArgs),
    /// Keep saved vendor doc pages under specs/<provider>/pages/ and merge their OpenAPI blocks
    /// into specs/<provider>/openapi.yaml.
    Vendor {
        /// The provider (only `utage` publishes its spec inside its doc pages).
        provider: String,
        /// Saved doc pages (Markdown, each with one ```yaml OpenAPI block).
        pages: Vec<PathBuf>,
        /// A saved page to remove (its name under pages/), with the operations it defines (repeatable).
        #[arg(long, value_name = "PAGE")]
        remove: Vec<String>,
    },
    /// Compare two versions of a spec in terms of the generated Rust API (overlays applied);
    /// `--overlays-only` also takes a provider's name.
    ApiDiff(DiffArgs),
    /// Release a provider crate: version and CHANGELOG.md entry from the API diff against the
    /// last release (crates/<provider>/released/openapi.json); refuses when the output is stale.
    Release {
        /// The provider (`microcms`, `posteverywhere`, `utage`).
        provider: String,
        #[command(flatten)]
        options: ReleaseFlags,
    },
    /// Type fidelity of a crate generated from SPEC (see scripts/type-fidelity.sh): `prepare`
    /// writes a test of the spec's valid 2xx JSON examples into it, `check` validates what the
    /// test wrote back and prints `examples valid decoded round-tripped`.
    Fidelity {
        #[arg(value_parser = ["prepare", "check"])]
        step: String,
        spec: PathBuf,
        /// The generated crate's folder.
        dir: PathBuf,
    },
}

fn project() -> Result<Project, Error> {
    let root = find_workspace()?;
    Project::load(&root, &root.join(PROJECT_FILE))
}

fn run(command: Command) -> Result<(), Error> {
    match command {
        Command::Codegen { check } => project()?.codegen(check),
        Command::Generate(args) => openapi_clientgen_cli::run_generate(args, Settings::default()),
        Command::Vendor { provider, pages, remove } => {
            if !VENDORED.contains(&provider.as_str()) {
                return Err(Error::Usage(format!(
                    "cannot vendor {provider:?}: only {VENDORED:?} publish their spec in their docs; edit specs/{provider}/openapi.yaml by hand"
                )));
            }
            let dir = find_workspace()?.join("specs").join(&provider);
            openapi_clientgen::vendor::run(&dir, &pages, &remove, "cargo xtask codegen")
        }
        Command::ApiDiff(args) => openapi_clientgen_cli::run_diff(args, |name| {
            // A provider's name, else a spec file (which may be outside any workspace).
            let provider = project().ok().and_then(|p| p.target(name).ok().map(|t| p.spec_path(t)));
            Ok(provider.unwrap_or_else(|| PathBuf::from(name)))
        }),
        Command::Release { provider, options } => {
            let project = project()?;
            let target = project.target(&provider)?;
            openapi_clientgen::release::run(&project, target, &options.options())
        }
        Command::Fidelity { step, spec, dir } => match step.as_str() {
            "prepare" => fidelity::prepare(&spec, &dir),
            _ => fidelity::check(&spec, &dir),
        },
    }
}

fn main() -> ExitCode {
    match run(Cli::parse().command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
