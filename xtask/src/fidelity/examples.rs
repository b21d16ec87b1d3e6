//! The documented 2xx JSON response examples of a spec, each paired with the Rust type the
//! generator's model says `send()` decodes that status into.

use openapi_clientgen::emit::rust_type;
use openapi_clientgen::model::{Api, Operation, ResponseBody, ResponseCase, StatusMatch};
use serde_json::Value;

/// One example of one success response.
pub struct Example {
    /// `operationId status source`, for the report.
    pub label: String,
    pub value: Value,
    /// The response's schema node as written (its `$ref`s point into the document).
    pub schema: Value,
    /// The type as the emitter prints it (`types::Room`, `Vec<types::Room>`).
    pub rust_type: String,
}

/// Every example of every JSON success case of the operations the model generated.
pub fn collect(tree: &Value, api: &Api) -> Vec<Example> {
    let swagger2 = tree.get("swagger").is_some();
    let mut found = Vec::new();
    for op in &api.operations {
        let Some(node) = deref(tree, &tree["paths"][&op.path]).get(op.method.as_str().to_lowercase()) else {
            continue;
        };
        for case in &op.success {
            let ResponseBody::Json(_) = case.body else { continue };
            let Some(response) = response(tree, node, case.status) else { continue };
            let rust_type = success_type(op, case);
            let examples = if swagger2 { swagger2_examples(tree, response) } else { media_examples(tree, response) };
            let Some((schema, examples)) = examples else { continue };
            for (source, value) in examples {
                found.push(Example {
                    label: format!("{} {} {source}", op.id, status_key(case.status)),
                    value,
                    schema: schema.clone(),
                    rust_type: rust_type.clone(),
                });
            }
        }
    }
    found
}

/// What `send()` decodes the status into: the payload of its variant when there is a success
/// enum (emit/responses.rs decodes `raw.json::<payload>()` then wraps it), else the success type.
fn success_type(op: &Operation, case: &ResponseCase) -> String {
    let ty = match (&op.success_enum, &case.payload) {
        (Some(_), Some(payload)) => payload,
        _ => &op.success_type,
    };
    rust_type(ty).to_string()
}

fn status_key(status: StatusMatch) -> String {
    match status {
        StatusMatch::Code(code) => code.to_string(),
        StatusMatch::Range(digit) => format!("{digit}XX"),
        StatusMatch::Default => "default".to_owned(),
    }
}

fn response<'a>(tree: &'a Value, op: &'a Value, status: StatusMatch) -> Option<&'a Value> {
    let responses = op.get("responses")?.as_object()?;
    let key = status_key(status);
    let found = responses.iter().find(|(k, _)| k.eq_ignore_ascii_case(&key)).map(|(_, v)| v)?;
    Some(deref(tree, found))
}

/// OpenAPI 3: the first JSON media type (as the model picks it), its `example`, its
/// `examples.*.value` and the schema's own `example`(s).
fn media_examples(tree: &Value, response: &Value) -> Option<(Value, Vec<(String, Value)>)> {
    let content = response.get("content")?.as_object()?;
    let media = content.iter().find(|(ct, _)| is_json(ct)).map(|(_, m)| deref(tree, m))?;
    let schema = media.get("schema")?.clone();
    let mut examples = Vec::new();
    if let Some(value) = media.get("example") {
        examples.push(("example".to_owned(), value.clone()));
    }
    if let Some(named) = media.get("examples").and_then(Value::as_object) {
        for (name, example) in named {
            // `externalValue` is a URL: the generator never reaches the network, nor does this.
            if let Some(value) = deref(tree, example).get("value") {
                examples.push((format!("examples/{name}"), value.clone()));
            }
        }
    }
    examples.extend(schema_examples(tree, &schema));
    Some((schema, examples))
}

/// Swagger 2.0: `examples` keyed by media type on the response, and the schema's `example`.
fn swagger2_examples(tree: &Value, response: &Value) -> Option<(Value, Vec<(String, Value)>)> {
    let schema = response.get("schema")?.clone();
    let mut examples = Vec::new();
    if let Some(by_type) = response.get("examples").and_then(Value::as_object) {
        if let Some((ct, value)) = by_type.iter().find(|(ct, _)| is_json(ct)) {
            examples.push((format!("examples/{ct}"), value.clone()));
        }
    }
    examples.extend(schema_examples(tree, &schema));
    Some((schema, examples))
}

fn schema_examples(tree: &Value, schema: &Value) -> Vec<(String, Value)> {
    let schema = deref(tree, schema);
    let mut examples = Vec::new();
    if let Some(value) = schema.get("example") {
        examples.push(("schema example".to_owned(), value.clone()));
    }
    // 3.1 (JSON Schema 2020-12): `examples` is an array on the schema.
    if let Some(list) = schema.get("examples").and_then(Value::as_array) {
        for (i, value) in list.iter().enumerate() {
            examples.push((format!("schema examples/{i}"), value.clone()));
        }
    }
    examples
}

fn is_json(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    essence == "application/json" || essence.ends_with("+json")
}

/// Follows local `$ref`s (`#/components/responses/…`, `#/components/examples/…`) to their node;
/// a ref that points nowhere gives `null`, so the caller finds nothing there.
pub fn deref<'a>(tree: &'a Value, mut node: &'a Value) -> &'a Value {
    for _ in 0..32 {
        let Some(reference) = node.get("$ref").and_then(Value::as_str) else { return node };
        let Some(pointer) = reference.strip_prefix('#') else { return &Value::Null };
        node = tree.pointer(&percent_decode(pointer)).unwrap_or(&Value::Null);
    }
    &Value::Null
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
