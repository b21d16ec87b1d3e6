//! Unsupported or broken input gets an error naming the spec file and the JSON pointer of the
//! offending node, and the generator exits with status 1: never a panic (101), never a partial
//! crate.

mod support;

use support::{generate, generate_with, text};

const HEAD: &str = "openapi: 3.0.3\ninfo: {title: Broken, version: '1'}\n";

/// (case, spec body after the header, expected pointer, expected words of the message)
const CASES: &[(&str, &str, &str, &str)] = &[
    ("openapi32", "openapi: 3.2.0\ninfo: {title: T, version: '1'}\npaths: {}\n", "#/openapi", "OpenAPI 3.2.0 is not supported"),
    ("swagger12", "swagger: '1.2'\ninfo: {title: T, version: '1'}\npaths: {}\n", "#/swagger", "Swagger \"1.2\" is not supported"),
    (
        "v31_false_schema",
        "openapi: 3.1.0\ninfo: {title: T, version: '1'}\ncomponents:\n  schemas:\n    A: {type: object, properties: {b: {allOf: [false]}}}\n",
        "#/components/schemas/A/properties/b/allOf/0",
        "the schema `false` (no value is valid) is not supported",
    ),
    (
        "v31_dynamic_ref",
        "openapi: 3.1.0\ninfo: {title: T, version: '1'}\ncomponents:\n  schemas:\n    A: {$dynamicRef: '#meta'}\n",
        "#/components/schemas/A/$dynamicRef",
        "`$dynamicRef` is not supported",
    ),
    (
        "v31_types_beside_one_of_and_any_of",
        "openapi: 3.1.0\ninfo: {title: T, version: '1'}\ncomponents:\n  schemas:\n    A: {type: [string, integer], oneOf: [{minLength: 1}], anyOf: [{maxLength: 9}]}\n",
        "#/components/schemas/A/type",
        "a list of types beside both `oneOf` and `anyOf` is not supported",
    ),
    (
        "v31_missing_path_item",
        "openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths:\n  /a: {$ref: '#/components/pathItems/Nope'}\ncomponents:\n  pathItems: {}\n",
        "#/paths/~1a",
        "components/pathItems/Nope, which does not exist",
    ),
    // The model's error at the `allOf` the 3.1 `$ref` + description became names the `$ref`'s node.
    (
        "v31_ref_with_siblings_to_nothing",
        "openapi: 3.1.0\ninfo: {title: T, version: '1'}\ncomponents:\n  schemas:\n    A: {type: object, properties: {b: {$ref: '#/components/schemas/Nope', description: gone}}}\n",
        "#/components/schemas/A/properties/b",
        "points to no schema",
    ),
    (
        "swagger2_tsv",
        "swagger: '2.0'\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    get:\n      parameters:\n        - {name: t, in: query, type: array, items: {type: string}, collectionFormat: tsv}\n      responses: {'200': {description: ok}}\n",
        "#/paths/~1a/get/parameters/0/collectionFormat",
        "collectionFormat \"tsv\" in query has no OpenAPI 3 equivalent",
    ),
    (
        "swagger2_body_and_form",
        "swagger: '2.0'\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    post:\n      parameters:\n        - {name: b, in: body, schema: {type: object}}\n        - {name: f, in: formData, type: string}\n      responses: {'200': {description: ok}}\n",
        "#/paths/~1a/post/parameters",
        "both body and formData parameters",
    ),
    (
        "swagger2_unknown_security_type",
        "swagger: '2.0'\ninfo: {title: T, version: '1'}\npaths: {}\nsecurityDefinitions:\n  S: {type: digest}\n",
        "#/securityDefinitions/S/type",
        "security type \"digest\" is not one of Swagger 2.0's",
    ),
    // The model's errors name the Swagger document's nodes, not the converted ones.
    (
        "swagger2_xml_only_body",
        "swagger: '2.0'\ninfo: {title: T, version: '1'}\nconsumes: [application/xml]\npaths:\n  /a:\n    post:\n      parameters:\n        - {name: b, in: body, schema: {type: object}}\n      responses: {'200': {description: ok}}\n",
        "#/paths/~1a/post/parameters/0",
        "request body content types [\"application/xml\"] are not supported",
    ),
    (
        "swagger2_not_in_definitions",
        "swagger: '2.0'\ninfo: {title: T, version: '1'}\npaths: {}\ndefinitions:\n  A: {not: {type: string}}\n",
        "#/definitions/A",
        "`not` schemas are not supported",
    ),
    ("not_yaml", "paths: {a: [}\n", "", "invalid YAML"),
    ("wrong_shape", "paths: 5\n", "#/paths", "does not match the OpenAPI 3.0 schema"),
    (
        "external_ref",
        "paths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: 'other.yaml#/Thing'}\n",
        "#/paths/~1a/get/responses/200/content/application~1json/schema",
        "$ref \"other.yaml#/Thing\": cannot read",
    ),
    (
        "missing_ref",
        "paths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Nope'}\n",
        "#/paths/~1a/get/responses/200/content/application~1json/schema",
        "points to no schema",
    ),
    (
        "ref_cycle",
        "paths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/A'}\ncomponents:\n  schemas:\n    A: {$ref: '#/components/schemas/B'}\n    B: {$ref: '#/components/schemas/A'}\n",
        "#/components/schemas/A",
        "cycle of references",
    ),
    (
        "all_of_itself",
        "paths: {}\ncomponents:\n  schemas:\n    A:\n      allOf:\n        - $ref: '#/components/schemas/A'\n        - {type: object, properties: {x: {type: string}}}\n",
        "#/components/schemas/A/allOf",
        "does it include itself",
    ),
    (
        "not_schema",
        "paths: {}\ncomponents:\n  schemas:\n    A: {not: {type: string}}\n",
        "#/components/schemas/A",
        "`not` schemas are not supported",
    ),
    (
        "path_item_ref",
        "paths:\n  /a: {$ref: '#/components/pathItems/A'}\n",
        "#/paths/~1a",
        "$ref \"#/components/pathItems/A\" points to nothing in the document",
    ),
    (
        "nested_object_query_param",
        "paths:\n  /a:\n    get:\n      parameters:\n        - {name: filter, in: query, style: form, schema: {type: object, properties: {x: {type: object, properties: {y: {type: string}}}}}}\n      responses: {'200': {description: ok}}\n",
        "#/paths/~1a/get/parameters/0/schema/properties/x",
        "an object of scalars, one level deep",
    ),
    (
        "nested_object_cookie_param",
        "paths:\n  /a:\n    get:\n      parameters:\n        - {name: prefs, in: cookie, schema: {type: object, properties: {x: {type: object, properties: {y: {type: string}}}}}}\n      responses: {'200': {description: ok}}\n",
        "#/paths/~1a/get/parameters/0/schema/properties/x",
        "an object of scalars, one level deep",
    ),
    (
        "nested_object_header_param",
        "paths:\n  /a:\n    get:\n      parameters:\n        - {name: X-Filter, in: header, schema: {type: object, properties: {x: {type: object, properties: {y: {type: string}}}}}}\n      responses: {'200': {description: ok}}\n",
        "#/paths/~1a/get/parameters/0/schema/properties/x",
        "an object of scalars, one level deep",
    ),
    (
        "dangling_ref_into_paths",
        "paths:\n  /a:\n    get:\n      parameters:\n        - $ref: '#/paths/~1b/get/parameters/0'\n      responses: {'200': {description: ok}}\n",
        "#/paths/~1a/get/parameters/0",
        "$ref \"#/paths/~1b/get/parameters/0\" points to nothing in the document",
    ),
    (
        "ref_cycle_through_paths",
        "paths:\n  /a: {$ref: '#/paths/~1b'}\n  /b: {$ref: '#/paths/~1a'}\n",
        "#/paths/~1a",
        "a cycle of references",
    ),
    (
        "bad_ref_escape",
        "paths:\n  /a:\n    get:\n      parameters:\n        - $ref: '#/paths/~1b%zz'\n      responses: {'200': {description: ok}}\n",
        "#/paths/~1a/get/parameters/0",
        "is not a valid JSON pointer",
    ),
    (
        "duplicate_operation_id",
        "paths:\n  /a:\n    get: {operationId: same, responses: {'200': {description: ok}}}\n    post: {operationId: same, responses: {'200': {description: ok}}}\n",
        "#/paths/~1a/post/operationId",
        "operationId \"same\" is used twice",
    ),
    (
        "xml_body",
        "paths:\n  /a:\n    post:\n      requestBody:\n        content:\n          application/xml:\n            schema: {type: object}\n      responses: {'200': {description: ok}}\n",
        "#/paths/~1a/post/requestBody/content",
        "request body content types [\"application/xml\"] are not supported",
    ),
    (
        "digest_auth",
        "security: [{B: []}]\npaths: {}\ncomponents:\n  securitySchemes:\n    B: {type: http, scheme: digest}\n",
        "#/components/securitySchemes/B/scheme",
        "HTTP auth scheme \"digest\" is not supported",
    ),
    (
        "combined_schemes",
        "security: [{K: [], B: []}]\npaths: {}\ncomponents:\n  securitySchemes:\n    K: {type: apiKey, in: query, name: key}\n    B: {type: http, scheme: bearer}\n",
        "#/security/0",
        "a requirement that combines schemes sending different credentials is not supported",
    ),
    // A time form the runtime cannot parse is refused, not read as a plain string.
    (
        "unknown_time_format",
        "paths: {}\ncomponents:\n  schemas:\n    A: {type: object, properties: {b: {type: string, x-time-format: 'd/m/Y'}}}\n",
        "#/components/schemas/A/properties/b/x-time-format",
        "`x-time-format: \"d/m/Y\"` is not a form the runtime parses; known: `sql-datetime`",
    ),
];

/// `--strict`: the first construct the generator cannot hold refuses the spec, located.
#[test]
fn broken_specs_get_located_errors_and_no_output() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (case, body, pointer, message) in CASES {
        // A case that brings its own version line is used as it is.
        let spec = if body.starts_with("openapi:") || body.starts_with("swagger:") {
            (*body).to_owned()
        } else {
            format!("{HEAD}{body}")
        };
        let path = dir.path().join(format!("{case}.yaml"));
        std::fs::write(&path, spec).expect("write spec");
        let out = dir.path().join(format!("{case}-out"));
        let result = generate_with(&path, &out, "broken", &["--strict"]);
        let stderr = text(&result.stderr);
        assert_eq!(result.status.code(), Some(1), "{case}: expected a clean failure, got:\n{stderr}");
        let expected_place = format!("{}: at {}:", path.display(), if pointer.is_empty() { "#" } else { pointer });
        assert!(stderr.contains(&expected_place), "{case}: expected {expected_place:?} in:\n{stderr}");
        assert!(stderr.contains(message), "{case}: expected {message:?} in:\n{stderr}");
        assert!(!out.exists(), "{case}: a failed run must write nothing");
    }
}

/// Tolerant (the default): the same constructs cost the smallest unit holding them, each named
/// with its pointer and reason in a warning (or in the summary's skipped count), and the crate is
/// written; what no unit holds (the document's version) is still a located error.
#[test]
fn tolerant_generation_gives_up_the_smallest_unit_with_a_located_warning() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut written = 0;
    for (case, body, pointer, message) in CASES {
        let spec = if body.starts_with("openapi:") || body.starts_with("swagger:") {
            (*body).to_owned()
        } else {
            format!("{HEAD}{body}")
        };
        let path = dir.path().join(format!("{case}.yaml"));
        std::fs::write(&path, spec).expect("write spec");
        let out = dir.path().join(format!("{case}-out"));
        let result = generate(&path, &out, "tolerant");
        let stderr = text(&result.stderr);
        assert!(result.status.code().is_some(), "{case}: no crash");
        let located = format!("{}: at {}", path.display(), if pointer.is_empty() { "#" } else { pointer });
        assert!(stderr.contains(&located) && stderr.contains(message), "{case}: {located:?} {message:?} in:\n{stderr}");
        if result.status.success() {
            written += 1;
            assert!(stderr.contains(&format!("warning: {}", path.display())), "{case}: a warning:\n{stderr}");
            assert!(out.join("src/generated/mod.rs").is_file(), "{case}: the crate is written");
        } else {
            assert!(!out.exists(), "{case}: a failed run must write nothing");
        }
    }
    assert!(written * 2 > CASES.len(), "most constructs cost less than the whole spec ({written} of {})", CASES.len());
}

/// One operation the model cannot hold is skipped whole, named in the summary, a warning and the
/// API surface (so a review sees it appear); the other operations are generated.
#[test]
fn a_skipped_operation_is_counted_warned_and_listed_in_the_surface() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("mixed.yaml");
    let body = "paths:\n  /ok:\n    get: {operationId: fine, responses: {'200': {description: ok}}}\n  /xml:\n    post:\n      operationId: sendXml\n      requestBody: {content: {application/xml: {schema: {type: object}}}}\n      responses: {'200': {description: ok}}\n";
    std::fs::write(&path, format!("{HEAD}{body}")).expect("write spec");
    let out = dir.path().join("out");
    let result = generate(&path, &out, "mixed");
    let (stdout, stderr) = (text(&result.stdout), text(&result.stderr));
    assert!(result.status.success(), "{stderr}");
    assert!(stdout.contains("generated 1 of 2 operations; 1 skipped"), "{stdout}");
    assert!(stderr.contains("operation sendXml (POST /xml) skipped"), "{stderr}");
    let surface = std::fs::read_to_string(out.join("api-surface.txt")).expect("surface");
    assert!(surface.contains("skipped POST /xml (sendXml) at #/paths/~1xml/post/requestBody/content:"), "{surface}");
    assert!(surface.contains("op fine: GET /ok"), "{surface}");
    let strict = generate_with(&path, &dir.path().join("strict"), "mixed", &["--strict"]);
    assert_eq!(strict.status.code(), Some(1), "--strict refuses: {}", text(&strict.stderr));
}

/// A path template naming a parameter the operation never declares gets it as a required string.
#[test]
fn an_undeclared_path_parameter_is_added_as_a_required_string() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("teams.yaml");
    let body = "paths:\n  /teams/{teamId}/members:\n    get:\n      operationId: listMembers\n      responses: {'200': {description: ok}}\n";
    std::fs::write(&path, format!("{HEAD}{body}")).expect("write spec");
    let out = dir.path().join("out");
    let result = generate_with(&path, &out, "teams", &["--strict"]);
    let stderr = text(&result.stderr);
    assert!(result.status.success(), "{stderr}");
    assert!(stderr.contains("no path parameter \"teamId\" is declared: added as a required string"), "{stderr}");
    let surface = std::fs::read_to_string(out.join("api-surface.txt")).expect("surface");
    assert!(surface.contains("op list_members param team_id: String path \"teamId\" required"), "{surface}");
}

/// A requirement naming two OAuth2 flows (as Google's specs do) needs one bearer token.
#[test]
fn schemes_sending_the_same_credential_combine_into_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let spec = format!(
        "{HEAD}security: [{{Implicit: [read], Code: [read]}}]\npaths: {{}}\ncomponents:\n  securitySchemes:\n    \
         Implicit: {{type: oauth2, flows: {{implicit: {{authorizationUrl: 'https://a.example/auth', scopes: {{read: r}}}}}}}}\n    \
         Code: {{type: oauth2, flows: {{authorizationCode: {{authorizationUrl: 'https://a.example/auth', \
         tokenUrl: 'https://a.example/token', scopes: {{read: r}}}}}}}}\n"
    );
    let path = dir.path().join("google.yaml");
    std::fs::write(&path, spec).expect("write spec");
    let out = dir.path().join("out");
    let result = generate(&path, &out, "combined");
    assert!(result.status.success(), "{}", text(&result.stderr));
    let client = std::fs::read_to_string(out.join("src/generated/client.rs")).expect("client.rs");
    assert!(client.contains("AuthScheme::Bearer"), "{client}");
}

/// A requirement naming two API keys in headers (VTEX's app key and app token) sends both.
#[test]
fn api_keys_in_headers_combine_into_several_keys() {
    let dir = tempfile::tempdir().expect("temp dir");
    let spec = format!(
        "{HEAD}security: [{{appKey: [], appToken: []}}]\npaths: {{}}\ncomponents:\n  securitySchemes:\n    \
         appKey: {{type: apiKey, in: header, name: X-VTEX-API-AppKey}}\n    \
         appToken: {{type: apiKey, in: header, name: X-VTEX-API-AppToken}}\n"
    );
    let path = dir.path().join("vtex.yaml");
    std::fs::write(&path, spec).expect("write spec");
    let out = dir.path().join("out");
    let result = generate(&path, &out, "vtex");
    assert!(result.status.success(), "{}", text(&result.stderr));
    let client = std::fs::read_to_string(out.join("src/generated/client.rs")).expect("client.rs");
    let flat: String = client.split_whitespace().collect();
    assert!(flat.contains(r#"AuthScheme::Headers(&["X-VTEX-API-AppKey","X-VTEX-API-AppToken"]"#), "{client}");
    assert!(client.contains(r#"`.header_key("X-VTEX-API-AppToken", …)`"#), "{client}");
}

/// A requirement naming a scheme nobody defined is skipped with a warning at the requirement;
/// the next requirement still applies.
#[test]
fn a_requirement_naming_an_undefined_scheme_is_skipped_with_a_warning() {
    let dir = tempfile::tempdir().expect("temp dir");
    let spec = format!(
        "{HEAD}security: [{{Nope: []}}, {{K: []}}]\npaths: {{}}\ncomponents:\n  securitySchemes:\n    \
         K: {{type: apiKey, in: header, name: X-Key}}\n"
    );
    let path = dir.path().join("nope.yaml");
    std::fs::write(&path, spec).expect("write spec");
    let out = dir.path().join("out");
    let result = generate(&path, &out, "nope");
    let stderr = text(&result.stderr);
    assert!(result.status.success(), "{stderr}");
    assert!(
        stderr.contains("at #/security/0: security requirement names \"Nope\", which securitySchemes does not define"),
        "{stderr}"
    );
    let client = std::fs::read_to_string(out.join("src/generated/client.rs")).expect("client.rs");
    assert!(client.contains(r#"AuthScheme::Header("X-Key")"#), "{client}");
}

/// 3.1's `mutualTLS` is dropped with a warning (the certificate belongs to the HTTP client), and
/// the other schemes still apply.
#[test]
fn mutual_tls_is_left_to_the_http_client() {
    let dir = tempfile::tempdir().expect("temp dir");
    let spec =
        "openapi: 3.1.0\ninfo: {title: T, version: '1'}\nsecurity: [{M: []}, {K: []}]\npaths: {}\ncomponents:\n  \
                securitySchemes:\n    M: {type: mutualTLS}\n    K: {type: apiKey, in: header, name: X-Key}\n";
    let path = dir.path().join("mtls.yaml");
    std::fs::write(&path, spec).expect("write spec");
    let out = dir.path().join("out");
    let result = generate(&path, &out, "mtls");
    let stderr = text(&result.stderr);
    assert!(result.status.success(), "{stderr}");
    assert!(stderr.contains("at #/components/securitySchemes/M: mutualTLS happens below HTTP"), "{stderr}");
    let client = std::fs::read_to_string(out.join("src/generated/client.rs")).expect("client.rs");
    assert!(client.contains(r#"AuthScheme::Header("X-Key")"#), "{client}");
}

/// OpenAPI 3.1 and Swagger 2.0, once refused at their version field, now generate.
#[test]
fn openapi31_and_swagger2_documents_generate() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (case, spec) in [
        ("swagger2", "swagger: '2.0'\ninfo: {title: Old, version: '1'}\npaths: {}\n"),
        ("openapi31", "openapi: 3.1.0\ninfo: {title: New, version: '1'}\n"),
    ] {
        let path = dir.path().join(format!("{case}.yaml"));
        std::fs::write(&path, spec).expect("write spec");
        let out = dir.path().join(format!("{case}-out"));
        let result = generate(&path, &out, case);
        assert!(result.status.success(), "{case}: {}", text(&result.stderr));
        assert!(out.join("src/generated/client.rs").is_file(), "{case}: no crate written");
    }
}
