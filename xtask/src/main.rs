//! `cargo xtask`: the project's generator and maintenance commands.
//!
//! spec (YAML/JSON) → [`spec`] (parse, resolve) → [`model`] (validate, name, type) →
//! [`emit`] (tokens, prettyplease) → files ([`codegen`], [`generate`]).

mod codegen;
mod emit;
mod generate;
mod model;
mod providers;
mod spec;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

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
    /// Generate a standalone client crate for any OpenAPI 3.0 spec.
    Generate {
        /// The spec (YAML or JSON).
        spec: PathBuf,
        /// The directory to write the crate to.
        #[arg(long)]
        out: PathBuf,
        /// The crate's package name (default: from the spec's title).
        #[arg(long)]
        name: Option<String>,
    },
}

/// Why a command failed; printed as one line a person can act on.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    #[error("{0}")]
    Spec(#[from] spec::SpecError),
    #[error("{0}")]
    Emit(#[from] emit::EmitError),
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("generated files are stale; run `cargo xtask codegen`:\n  {}", .0.join("\n  "))]
    Stale(Vec<String>),
    #[error("{0}")]
    Usage(String),
}

impl Failure {
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Failure::Io { path: path.to_owned(), source }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Codegen { check } => codegen::run(check),
        Command::Generate { spec, out, name } => generate::run(&spec, &out, name.as_deref()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
