//! `cargo xtask`: the project's generator and maintenance commands. The stages live in the
//! library (`src/lib.rs`); this is only the command line.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use xtask::{codegen, diff, generate, vendor};

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
    },
    /// Extract the OpenAPI block of a saved vendor doc page into specs/<provider>/.
    Vendor {
        /// The provider (only `utage` publishes its spec inside its doc pages).
        provider: String,
        /// The saved doc page (Markdown with one ```yaml OpenAPI block).
        page: PathBuf,
    },
    /// Compare two versions of a spec in terms of the generated Rust API.
    ApiDiff {
        /// The old spec: a file, or `<git-rev>:<path>` (e.g. `HEAD:specs/utage/openapi.yaml`).
        old: String,
        /// The new spec, in the same forms.
        new: String,
        #[arg(long, value_enum, default_value_t = diff::Format::Markdown)]
        format: diff::Format,
        /// Exit non-zero when any change is breaking.
        #[arg(long)]
        fail_on_breaking: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Codegen { check } => codegen::run(check),
        Command::Generate { spec, out, name } => generate::run(&spec, &out, name.as_deref()),
        Command::Vendor { provider, page } => vendor::run(&provider, &page),
        Command::ApiDiff { old, new, format, fail_on_breaking } => diff::run(&old, &new, format, fail_on_breaking),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
