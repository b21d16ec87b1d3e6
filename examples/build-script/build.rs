//! Generates the Bookshelf client from `openapi.yaml` into `$OUT_DIR/generated.rs` at build time
//! (the other way to use the generator: `openapi-clientgen generate` writes a crate to commit).

use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=openapi.yaml");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("generated.rs");
    let settings = openapi_clientgen::Settings::default();
    let mut warn = |warning: &str| println!("cargo:warning=openapi.yaml: {warning}");
    if let Err(e) = openapi_clientgen::generate_module(Path::new("openapi.yaml"), &[], &settings, &out, &mut warn) {
        // A refused spec is an error of this build, with the file and JSON pointer.
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
