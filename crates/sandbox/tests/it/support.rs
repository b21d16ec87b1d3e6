//! Test helpers: an HTTP client, a reply type, and the OpenAPI → JSON Schema converter used to
//! check the sandbox against the specs (kept here, not in src: the sandbox itself never reads
//! the specs).

use std::path::PathBuf;

use reqwest::header::HeaderMap;
use sandbox::{Provider, RunningSandbox, Sandbox, SandboxConfig};
use serde_json::{json, Map, Value};

pub async fn start(config: SandboxConfig) -> RunningSandbox {
    Sandbox::start(config).await.expect("sandbox starts")
}

/// A client that follows no redirects, so a test sees the 307 itself.
pub fn http() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).no_proxy().build().expect("client")
}

/// The auth header a provider wants.
pub fn auth_header(provider: Provider, key: &str) -> (&'static str, String) {
    match provider {
        Provider::MicroCms => ("x-microcms-api-key", key.to_owned()),
        _ => ("authorization", format!("Bearer {key}")),
    }
}

#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub text: String,
    /// `Null` when the body is not JSON.
    pub body: Value,
    /// The path the request went to (relative to the origin, no query).
    pub path: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn header_u64(&self, name: &str) -> Option<u64> {
        self.header(name).and_then(|v| v.parse().ok())
    }
}

/// `GET` a path under the origin (e.g. `/v1/media?page=2`) with the right key.
pub async fn get(sb: &RunningSandbox, path_query: &str) -> Reply {
    send(sb, reqwest::Method::GET, path_query, Some(sb.api_key())).await
}

pub async fn send(sb: &RunningSandbox, method: reqwest::Method, path_query: &str, key: Option<&str>) -> Reply {
    let mut req = http().request(method, format!("{}{path_query}", sb.origin()));
    if let Some(key) = key {
        let (name, value) = auth_header(sb.provider(), key);
        req = req.header(name, value);
    }
    reply(req.send().await.expect("request"), path_query).await
}

pub async fn reply(resp: reqwest::Response, path_query: &str) -> Reply {
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let text = resp.text().await.expect("body");
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    let path = path_query.split('?').next().unwrap_or("").to_owned();
    Reply { status, headers, text, body, path }
}

/// A key=value query built with proper percent-encoding.
pub fn query(pairs: &[(&str, &str)]) -> String {
    let encoded: Vec<String> = pairs.iter().map(|(k, v)| format!("{}={}", enc(k), enc(v))).collect();
    encoded.join("&")
}

pub fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// `Y-m-d H:i:s`, e.g. `2024-05-01 12:34:56`.
pub fn is_ymd_hms(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 19
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b' ',
            13 | 16 => *c == b':',
            _ => c.is_ascii_digit(),
        })
}

/// One provider's spec, turned into JSON Schemas on demand.
pub struct Spec {
    provider: Provider,
    doc: Value,
}

impl Spec {
    pub fn load(provider: Provider) -> Spec {
        let path =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../specs").join(provider.name()).join("openapi.yaml");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let doc: Value = serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        Spec { provider, doc }
    }

    /// The spec's path for a sandbox path: the server URL of UTAGE and PostEverywhere already
    /// holds the base path.
    fn spec_path<'a>(&self, sandbox_path: &'a str) -> &'a str {
        sandbox_path.strip_prefix(self.provider.base_path()).unwrap_or(sandbox_path)
    }

    /// The JSON Schema of a declared response, or `None` when the operation does not declare
    /// that status.
    pub fn response_schema(&self, sandbox_path: &str, method: &str, status: u16) -> Option<Value> {
        let op = self.doc.get("paths")?.get(self.spec_path(sandbox_path))?.get(method.to_ascii_lowercase())?;
        let response = op.get("responses")?.get(status.to_string())?;
        let response = self.deref(response);
        let schema = response.get("content")?.get("application/json")?.get("schema")?;
        Some(to_json_schema(schema, &self.doc, true, 0))
    }

    /// The provider's error body, for statuses an operation does not declare (a sandbox must
    /// still answer them in the provider's envelope).
    pub fn error_schema(&self) -> Value {
        let name = match self.provider {
            Provider::MicroCms => "Error",
            Provider::Utage => "ErrorResponse",
            Provider::PostEverywhere => "ErrorEnvelope",
        };
        let node = json!({ "$ref": format!("#/components/schemas/{name}") });
        to_json_schema(&node, &self.doc, true, 0)
    }

    fn deref<'a>(&'a self, node: &'a Value) -> &'a Value {
        match node.get("$ref").and_then(Value::as_str) {
            Some(r) => self.doc.pointer(r.trim_start_matches('#')).unwrap_or_else(|| panic!("unresolved {r}")),
            None => node,
        }
    }

    /// Checks a reply against the declared schema of its status (or the error schema when
    /// undeclared, which it reports as `false`); panics listing every violation.
    pub fn check(&self, method: &str, reply: &Reply) -> bool {
        let declared = self.response_schema(&reply.path, method, reply.status);
        let is_declared = declared.is_some();
        let schema = declared.unwrap_or_else(|| {
            assert!(reply.status >= 400, "undeclared success status {} on {}", reply.status, reply.path);
            self.error_schema()
        });
        let validator = jsonschema::validator_for(&schema).expect("schema compiles");
        let errors: Vec<String> =
            validator.iter_errors(&reply.body).map(|e| format!("{} at {}", e, e.instance_path())).collect();
        assert!(
            errors.is_empty(),
            "{} {} ({}) does not match the spec:\n{}\nbody: {}",
            method,
            reply.path,
            reply.status,
            errors.join("\n"),
            reply.text.chars().take(2000).collect::<String>()
        );
        is_declared
    }
}

/// OpenAPI 3.0 Schema Object → JSON Schema (2020-12): `$ref`s to components are inlined,
/// `nullable: true` becomes a union with `null`, OpenAPI-only keywords go. With `strict`, an
/// object that lists its properties admits no others (unless it says otherwise), so a field the
/// sandbox sends but the spec lacks is caught.
pub fn to_json_schema(node: &Value, doc: &Value, strict: bool, depth: usize) -> Value {
    assert!(depth < 64, "schema nests too deep (a cycle?)");
    let Some(obj) = node.as_object() else {
        return node.clone();
    };
    if let Some(r) = obj.get("$ref").and_then(Value::as_str) {
        let target = doc.pointer(r.trim_start_matches('#')).unwrap_or_else(|| panic!("unresolved {r}"));
        return to_json_schema(target, doc, strict, depth + 1);
    }
    let mut out = Map::new();
    for (key, value) in obj {
        let converted = match key.as_str() {
            "nullable" | "example" | "discriminator" | "xml" | "externalDocs" | "deprecated" => continue,
            "properties" => Value::Object(
                value
                    .as_object()
                    .map(|props| {
                        props.iter().map(|(k, v)| (k.clone(), to_json_schema(v, doc, strict, depth + 1))).collect()
                    })
                    .unwrap_or_default(),
            ),
            "items" | "not" => to_json_schema(value, doc, strict, depth + 1),
            "additionalProperties" if value.is_object() => to_json_schema(value, doc, strict, depth + 1),
            // Strictness inside allOf would make each part refuse the others' fields.
            "allOf" => map_array(value, |v| to_json_schema(v, doc, false, depth + 1)),
            "oneOf" | "anyOf" => map_array(value, |v| to_json_schema(v, doc, strict, depth + 1)),
            _ => value.clone(),
        };
        out.insert(key.clone(), converted);
    }
    if strict && out.contains_key("properties") && !out.contains_key("additionalProperties") {
        out.insert("additionalProperties".into(), Value::Bool(false));
    }
    if obj.get("nullable").and_then(Value::as_bool) == Some(true) {
        if let Some(t) = out.get("type").cloned() {
            let types = match t {
                Value::Array(mut ts) => {
                    ts.push("null".into());
                    ts
                }
                other => vec![other, "null".into()],
            };
            out.insert("type".into(), Value::Array(types));
            if let Some(Value::Array(values)) = out.get_mut("enum") {
                values.push(Value::Null);
            }
        } else {
            return json!({ "anyOf": [{ "type": "null" }, Value::Object(out)] });
        }
    }
    Value::Object(out)
}

fn map_array(value: &Value, f: impl Fn(&Value) -> Value) -> Value {
    Value::Array(value.as_array().map(|a| a.iter().map(f).collect()).unwrap_or_default())
}

/// The decoded file name at the end of a media URL.
pub fn decode_url_name(url: &str) -> String {
    let last = url.rsplit('/').next().unwrap_or("");
    let bytes = last.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            if let Some(b) = last.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
