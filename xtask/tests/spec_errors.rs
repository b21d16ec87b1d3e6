//! Unsupported or broken input gets an error naming the spec file and the JSON pointer of the
//! offending node, and the generator exits with status 1: never a panic (101), never a partial
//! crate.

mod support;

use support::{generate, text};

const HEAD: &str = "openapi: 3.0.3\ninfo: {title: Broken, version: '1'}\n";

/// (case, spec body after the header, expected pointer, expected words of the message)
const CASES: &[(&str, &str, &str, &str)] = &[
    ("swagger2", "", "#/swagger", "Swagger 2.0 is not supported"),
    ("openapi31", "", "#/openapi", "OpenAPI 3.1.0 is not supported"),
    ("not_yaml", "paths: {a: [}\n", "", "invalid YAML"),
    ("wrong_shape", "paths: 5\n", "#/paths", "does not match the OpenAPI 3.0 schema"),
    (
        "external_ref",
        "paths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: 'other.yaml#/Thing'}\n",
        "#/paths/~1a/get/responses/200/content/application~1json/schema",
        "external $ref \"other.yaml#/Thing\" is not supported",
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
        "paths:\n  /a:\n    get:\n      parameters:\n        - {name: filter, in: query, style: deepObject, schema: {type: object, properties: {x: {type: object, properties: {y: {type: string}}}}}}\n      responses: {'200': {description: ok}}\n",
        "#/paths/~1a/get/parameters/0/schema/properties/x",
        "an object of scalars, one level deep",
    ),
    (
        "object_header_param",
        "paths:\n  /a:\n    get:\n      parameters:\n        - {name: X-Filter, in: header, schema: {type: object, properties: {x: {type: string}}}}\n      responses: {'200': {description: ok}}\n",
        "#/paths/~1a/get/parameters/0/schema",
        "object-valued parameters are supported only in the query",
    ),
    (
        "deep_object_array",
        "paths:\n  /a:\n    get:\n      parameters:\n        - {name: f, in: query, style: deepObject, schema: {type: array, items: {type: string}}}\n      responses: {'200': {description: ok}}\n",
        "#/paths/~1a/get/parameters/0/style",
        "style deepObject needs an object-valued parameter",
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
        "undeclared_path_param",
        "paths:\n  /a/{id}:\n    get:\n      responses: {'200': {description: ok}}\n",
        "#/paths/~1a~1{id}/get",
        "no path parameter \"id\" is declared",
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
        "nested_url_encoded_form",
        "paths:\n  /a:\n    post:\n      requestBody:\n        content:\n          application/x-www-form-urlencoded:\n            schema: {type: object, properties: {inner: {type: object, properties: {x: {type: string}}}}}\n      responses: {'200': {description: ok}}\n",
        "#/paths/~1a/post/requestBody/content/application~1x-www-form-urlencoded/schema/properties/inner",
        "URL-encoded forms support scalars and arrays of them only",
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
        "a requirement that combines several schemes is not supported",
    ),
    (
        "unknown_scheme",
        "security: [{Nope: []}]\npaths: {}\n",
        "#/components/securitySchemes/Nope",
        "which securitySchemes does not define",
    ),
];

#[test]
fn broken_specs_get_located_errors_and_no_output() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (case, body, pointer, message) in CASES {
        let spec = match *case {
            "swagger2" => "swagger: '2.0'\ninfo: {title: Old, version: '1'}\npaths: {}\n".to_owned(),
            "openapi31" => "openapi: 3.1.0\ninfo: {title: New, version: '1'}\npaths: {}\n".to_owned(),
            _ => format!("{HEAD}{body}"),
        };
        let path = dir.path().join(format!("{case}.yaml"));
        std::fs::write(&path, spec).expect("write spec");
        let out = dir.path().join(format!("{case}-out"));
        let result = generate(&path, &out, "broken");
        let stderr = text(&result.stderr);
        assert_eq!(result.status.code(), Some(1), "{case}: expected a clean failure, got:\n{stderr}");
        let expected_place = format!("{}: at {}:", path.display(), if pointer.is_empty() { "#" } else { pointer });
        assert!(stderr.contains(&expected_place), "{case}: expected {expected_place:?} in:\n{stderr}");
        assert!(stderr.contains(message), "{case}: expected {message:?} in:\n{stderr}");
        assert!(!out.exists(), "{case}: a failed run must write nothing");
    }
}
