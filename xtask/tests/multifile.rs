//! Specs split over local files (relative `$ref`s), as DigitalOcean publishes its own: followed
//! from each file's folder, shared models made one component each (recursion included), never
//! a URL.

mod support;

use support::{fixture, generate_with, text};

#[test]
fn a_spec_split_over_files_generates_as_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("shelter");
    let result = generate_with(&fixture("multifile/openapi.yaml"), &out, "shelter", &["--strict"]);
    assert!(result.status.success(), "{}", text(&result.stderr));
    assert!(text(&result.stdout).contains("generated 2 of 2 operations"), "{}", text(&result.stdout));
    let surface = std::fs::read_to_string(out.join("api-surface.txt")).expect("surface");
    for line in [
        "op get_pet param pet_id: String path \"pet_id\" required",
        // The model file is one type, named after its file, whoever refers to it.
        "type Pet field mother: Option<Box<Pet>>",
        "type Pet field owner: Option<Owner>",
        "op list_pets error default Default(Error)",
    ] {
        assert!(surface.contains(line), "{line:?} missing from:\n{surface}");
    }
}

#[test]
fn a_url_or_a_missing_file_is_a_located_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (target, expected) in [
        ("https://example.com/pet.yaml", "the generator never reaches the network"),
        ("models/nope.yaml", "cannot read"),
        ("models/pet.yaml#/properties/nothing", "points to nothing"),
    ] {
        let spec = dir.path().join("openapi.yaml");
        std::fs::create_dir_all(dir.path().join("models")).expect("dir");
        std::fs::copy(fixture("multifile/models/pet.yaml"), dir.path().join("models/pet.yaml")).expect("pet");
        std::fs::copy(fixture("multifile/models/owner.yaml"), dir.path().join("models/owner.yaml")).expect("owner");
        let body = format!(
            "openapi: 3.0.3\ninfo: {{title: T, version: '1'}}\npaths:\n  /a:\n    get:\n      operationId: a\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '{target}'}}\n  /b:\n    get:\n      operationId: b\n      responses: {{'204': {{description: none}}}}\n"
        );
        std::fs::write(&spec, body).expect("spec");
        let strict = generate_with(&spec, &dir.path().join("strict"), "t", &["--strict"]);
        let message = text(&strict.stderr);
        assert_eq!(strict.status.code(), Some(1), "{target}: {message}");
        assert!(
            message.contains("/paths/~1a/get/responses/200/content/application~1json/schema"),
            "{target}: {message}"
        );
        assert!(message.contains(expected), "{target}: {expected:?} in {message}");
        // Tolerant: the operation holding it is given up, the other generated.
        let tolerant = generate_with(&spec, &dir.path().join("tolerant"), "t", &[]);
        assert!(tolerant.status.success(), "{target}: {}", text(&tolerant.stderr));
        assert!(
            text(&tolerant.stdout).contains("generated 1 of 2 operations; 1 skipped"),
            "{target}: {}",
            text(&tolerant.stdout)
        );
    }
}
