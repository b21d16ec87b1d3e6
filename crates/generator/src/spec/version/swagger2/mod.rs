//! Swagger 2.0 → OpenAPI 3.0: `definitions` → `components/schemas`, body and formData
//! parameters → `requestBody` (by `consumes`), response schemas → `content` (by `produces`),
//! `securityDefinitions` → `securitySchemes`, `host`/`basePath`/`schemes` → `servers`,
//! `collectionFormat` → `style`/`explode`, `x-nullable` → `nullable`.

mod values;

use serde_json::{json, Map, Value};

use self::values::{media_types, or_json, schema_2to3, security_scheme, servers};
use super::{object, rewrite_refs, Origin, Pointer, Refusal, Source};

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch"];
/// Parameter keywords that describe its value: they move into the 3.0 parameter's `schema`.
const VALUE_KEYWORDS: &[&str] = &[
    "type",
    "format",
    "items",
    "enum",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "multipleOf",
];

type Objects = Map<String, Value>;

struct Converter {
    origin: Origin,
    consumes: Vec<String>,
    produces: Vec<String>,
    /// The document's `parameters`, as written, for resolving `$ref`s to body and form ones.
    globals: Map<String, Value>,
}

pub(super) fn convert(tree: Value) -> Result<(Value, Origin), Refusal> {
    let root = Pointer::root();
    let Value::Object(mut doc) = tree else { return Err(Refusal::at(&root, "the document must be an object")) };
    let media = |doc: &Map<String, Value>, key: &str| media_types(doc.get(key), &root.push(key));
    let (consumes, produces) = (media(&doc, "consumes")?, media(&doc, "produces")?);
    let globals = match doc.remove("parameters") {
        Some(Value::Object(map)) => map,
        Some(_) => return Err(Refusal::at(&root.push("parameters"), "`parameters` must be an object")),
        None => Map::new(),
    };
    let mut cx = Converter { origin: Origin::new(Source::Swagger2), consumes, produces, globals };
    let mut out = Map::new();
    out.insert("openapi".into(), json!("3.0.3"));
    out.insert("x-swagger-source".into(), json!("2.0"));
    for key in ["info", "tags", "externalDocs", "security"] {
        if let Some(value) = doc.remove(key) {
            out.insert(key.into(), value);
        }
    }
    if let Some(servers) = servers(&doc) {
        out.insert("servers".into(), servers);
        cx.origin.moved(&root.push("servers"), &root.push("host"));
    }
    let mut components = Map::new();
    if let Some(definitions) = doc.remove("definitions") {
        let at = root.push("definitions");
        let mut schemas = definitions;
        for (name, schema) in object(&mut schemas, &at, "definitions")?.iter_mut() {
            schema_2to3(schema, &at.push(name))?;
        }
        components.insert("schemas".into(), schemas);
        cx.origin.moved(&root.push("components").push("schemas"), &at);
    }
    let (parameters, bodies) = cx.global_parameters()?;
    if !parameters.is_empty() {
        components.insert("parameters".into(), Value::Object(parameters));
    }
    if !bodies.is_empty() {
        components.insert("requestBodies".into(), Value::Object(bodies));
    }
    if let Some(mut responses) = doc.remove("responses") {
        let at = root.push("responses");
        let now = root.push("components").push("responses");
        cx.origin.moved(&now, &at);
        let produces = cx.produces.clone();
        for (name, response) in object(&mut responses, &at, "responses")?.iter_mut() {
            cx.response(response, &at.push(name), &now.push(name), &produces)?;
        }
        components.insert("responses".into(), responses);
    }
    if let Some(mut schemes) = doc.remove("securityDefinitions") {
        let at = root.push("securityDefinitions");
        for (name, scheme) in object(&mut schemes, &at, "securityDefinitions")?.iter_mut() {
            security_scheme(scheme, &at.push(name))?;
        }
        components.insert("securitySchemes".into(), schemes);
        cx.origin.moved(&root.push("components").push("securitySchemes"), &at);
    }
    let mut paths = doc.remove("paths").unwrap_or_else(|| json!({}));
    for (path, item) in object(&mut paths, &root.push("paths"), "paths")?.iter_mut() {
        cx.path_item(item, &root.push("paths").push(path))?;
    }
    out.insert("paths".into(), paths);
    if !components.is_empty() {
        out.insert("components".into(), Value::Object(components));
    }
    for (key, value) in doc {
        if key.starts_with("x-") {
            out.insert(key, value);
        }
    }
    let mut tree = Value::Object(out);
    let body_names: Vec<String> =
        cx.globals.iter().filter(|(_, p)| p.get("in") == Some(&json!("body"))).map(|(k, _)| k.clone()).collect();
    rewrite_refs(&mut tree, &|target| {
        if let Some(name) = target.strip_prefix("#/definitions/") {
            return Some(format!("#/components/schemas/{name}"));
        }
        if let Some(name) = target.strip_prefix("#/responses/") {
            return Some(format!("#/components/responses/{name}"));
        }
        let name = target.strip_prefix("#/parameters/")?;
        let section = if body_names.iter().any(|b| b == name) { "requestBodies" } else { "parameters" };
        Some(format!("#/components/{section}/{name}"))
    });
    Ok((tree, cx.origin))
}

impl Converter {
    /// `parameters` of the document: body ones become `requestBodies`, form ones stay for
    /// inlining where they are used (3.0 has no form-field component), the rest `parameters`.
    fn global_parameters(&mut self) -> Result<(Objects, Objects), Refusal> {
        let (mut parameters, mut bodies) = (Map::new(), Map::new());
        let at = Pointer::root().push("parameters");
        for (name, raw) in self.globals.clone() {
            let orig = at.push(&name);
            match raw.get("in").and_then(Value::as_str) {
                Some("body") => {
                    let now = Pointer::component("requestBodies", &name);
                    let consumes = self.consumes.clone();
                    bodies.insert(name, self.body(raw, &orig, &now, &consumes)?);
                }
                Some("formData") => {}
                _ => {
                    let now = Pointer::component("parameters", &name);
                    parameters.insert(name, self.parameter(raw, &orig, &now)?);
                }
            }
        }
        Ok((parameters, bodies))
    }

    fn path_item(&mut self, item: &mut Value, at: &Pointer) -> Result<(), Refusal> {
        let item = object(item, at, "a path item")?;
        let shared = match item.remove("parameters") {
            Some(Value::Array(list)) => list,
            Some(_) => return Err(Refusal::at(&at.push("parameters"), "`parameters` must be a list")),
            None => Vec::new(),
        };
        let shared: Vec<(Value, Pointer)> =
            shared.into_iter().enumerate().map(|(i, p)| (p, at.push("parameters").push(&i.to_string()))).collect();
        // Body and form parameters shared by the path's operations go into each operation's body.
        let (plain, bodily): (Vec<_>, Vec<_>) = shared.into_iter().partition(|(p, _)| !self.is_bodily(p));
        if !plain.is_empty() {
            let (list, _) = self.parameters(plain, at, &[])?;
            item.insert("parameters".into(), Value::Array(list));
        }
        for method in METHODS {
            if let Some(operation) = item.get_mut(*method) {
                self.operation(operation, &at.push(method), &bodily)?;
            }
        }
        Ok(())
    }

    fn is_bodily(&self, parameter: &Value) -> bool {
        let resolved = self.resolve(parameter).unwrap_or(parameter);
        matches!(resolved.get("in").and_then(Value::as_str), Some("body" | "formData"))
    }

    /// A `$ref: '#/parameters/X'` as written in the document.
    fn resolve<'a>(&'a self, parameter: &'a Value) -> Option<&'a Value> {
        let name = parameter.get("$ref")?.as_str()?.strip_prefix("#/parameters/")?;
        self.globals.get(&super::unescape(name))
    }

    fn operation(&mut self, operation: &mut Value, at: &Pointer, shared: &[(Value, Pointer)]) -> Result<(), Refusal> {
        let op = object(operation, at, "an operation")?;
        let consumes = match op.remove("consumes") {
            Some(list) => media_types(Some(&list), &at.push("consumes"))?,
            None => self.consumes.clone(),
        };
        let produces = match op.remove("produces") {
            Some(list) => media_types(Some(&list), &at.push("produces"))?,
            None => self.produces.clone(),
        };
        op.remove("schemes");
        let own = match op.remove("parameters") {
            Some(Value::Array(list)) => list,
            Some(_) => return Err(Refusal::at(&at.push("parameters"), "`parameters` must be a list")),
            None => Vec::new(),
        };
        let mut all: Vec<(Value, Pointer)> =
            own.into_iter().enumerate().map(|(i, p)| (p, at.push("parameters").push(&i.to_string()))).collect();
        all.extend(shared.iter().cloned());
        let (list, body) = self.parameters(all, at, &consumes)?;
        if !list.is_empty() {
            op.insert("parameters".into(), Value::Array(list));
        }
        if let Some(body) = body {
            op.insert("requestBody".into(), body);
        }
        let responses = op.entry("responses").or_insert_with(|| json!({}));
        let responses_at = at.push("responses");
        for (status, response) in object(responses, &responses_at, "responses")?.iter_mut() {
            let at = responses_at.push(status);
            self.response(response, &at, &at, &produces)?;
        }
        Ok(())
    }

    /// An operation's parameters: the 3.0 parameter list, and the request body made of its body
    /// or formData parameters.
    fn parameters(
        &mut self,
        all: Vec<(Value, Pointer)>,
        op: &Pointer,
        consumes: &[String],
    ) -> Result<(Vec<Value>, Option<Value>), Refusal> {
        let mut list = Vec::new();
        let mut body = None;
        let mut form: Vec<(Value, Pointer)> = Vec::new();
        for (raw, orig) in all {
            let (resolved, resolved_at) = match self.resolve(&raw) {
                Some(global) => {
                    let name = raw.get("$ref").and_then(Value::as_str).unwrap_or_default();
                    let name = super::unescape(name.strip_prefix("#/parameters/").unwrap_or_default());
                    (global.clone(), Pointer::root().push("parameters").push(&name))
                }
                None => (raw.clone(), orig.clone()),
            };
            match resolved.get("in").and_then(Value::as_str) {
                Some("body") if raw.get("$ref").is_some() => body = Some(raw),
                Some("body") => {
                    let now = op.push("requestBody");
                    body = Some(self.body(resolved, &orig, &now, consumes)?);
                }
                Some("formData") => form.push((resolved, resolved_at)),
                _ if raw.get("$ref").is_some() => list.push(raw),
                _ => {
                    let now = op.push("parameters").push(&list.len().to_string());
                    list.push(self.parameter(raw, &orig, &now)?);
                }
            }
        }
        if !form.is_empty() {
            if body.is_some() {
                return Err(Refusal::at(
                    &op.push("parameters"),
                    "an operation cannot have both body and formData parameters",
                ));
            }
            body = Some(self.form(form, op, consumes)?);
        }
        Ok((list, body))
    }

    /// A query, header or path parameter: its value keywords move into `schema`.
    fn parameter(&mut self, raw: Value, orig: &Pointer, now: &Pointer) -> Result<Value, Refusal> {
        let Value::Object(mut raw) = raw else { return Err(Refusal::at(orig, "a parameter must be an object")) };
        let location = raw.get("in").and_then(Value::as_str).unwrap_or_default().to_owned();
        if !matches!(location.as_str(), "query" | "header" | "path") {
            return Err(Refusal::at(
                &orig.push("in"),
                format!("parameter location {location:?} is not one of Swagger 2.0's"),
            ));
        }
        let mut schema = Map::new();
        for key in VALUE_KEYWORDS {
            if let Some(value) = raw.remove(*key) {
                schema.insert((*key).into(), value);
            }
        }
        if raw.remove("x-nullable") == Some(json!(true)) {
            schema.insert("nullable".into(), json!(true));
        }
        let format = raw.remove("collectionFormat");
        let mut schema = Value::Object(schema);
        schema_2to3(&mut schema, orig)?;
        if schema.get("type") == Some(&json!("array")) {
            let (style, explode) = list_style(&location, format.as_ref(), orig)?;
            raw.insert("style".into(), json!(style));
            raw.insert("explode".into(), json!(explode));
            self.origin.moved(&now.push("style"), &orig.push("collectionFormat"));
        }
        raw.insert("schema".into(), schema);
        self.origin.moved(now, orig);
        self.origin.moved(&now.push("schema"), orig);
        Ok(Value::Object(raw))
    }

    /// A body parameter as a `requestBody` with its schema under each of `consumes`.
    fn body(&mut self, raw: Value, orig: &Pointer, now: &Pointer, consumes: &[String]) -> Result<Value, Refusal> {
        let mut schema =
            raw.get("schema").cloned().ok_or_else(|| Refusal::at(orig, "a body parameter needs a schema"))?;
        schema_2to3(&mut schema, &orig.push("schema"))?;
        let mut content = Map::new();
        for media in or_json(consumes) {
            self.origin.moved(&now.push("content").push(&media).push("schema"), &orig.push("schema"));
            content.insert(media, json!({ "schema": schema }));
        }
        self.origin.moved(now, orig);
        self.origin.moved(&now.push("content"), orig);
        let mut body = Map::new();
        body.insert("content".into(), Value::Object(content));
        body.insert("required".into(), raw.get("required").cloned().unwrap_or(json!(false)));
        if let Some(description) = raw.get("description") {
            body.insert("description".into(), description.clone());
        }
        if let Some(name) = raw.get("name") {
            body.insert("x-body-name".into(), name.clone());
        }
        Ok(Value::Object(body))
    }

    /// formData parameters as one object schema: multipart when a part is a file or the
    /// operation consumes multipart, URL-encoded otherwise.
    fn form(&mut self, fields: Vec<(Value, Pointer)>, op: &Pointer, consumes: &[String]) -> Result<Value, Refusal> {
        let has_file = fields.iter().any(|(f, _)| f.get("type") == Some(&json!("file")));
        let media = if has_file || consumes.iter().any(|c| c.starts_with("multipart/form-data")) {
            "multipart/form-data"
        } else {
            "application/x-www-form-urlencoded"
        };
        let now = op.push("requestBody").push("content").push(media).push("schema");
        let (mut properties, mut required, mut encoding) = (Map::new(), Vec::new(), Map::new());
        for (raw, orig) in fields {
            let name = raw.get("name").and_then(Value::as_str).map(str::to_owned);
            let name = name.ok_or_else(|| Refusal::at(&orig, "a formData parameter needs a name"))?;
            let mut schema: Map<String, Value> =
                VALUE_KEYWORDS.iter().filter_map(|k| raw.get(*k).map(|v| ((*k).to_owned(), v.clone()))).collect();
            if let Some(description) = raw.get("description") {
                schema.insert("description".into(), description.clone());
            }
            let mut schema = Value::Object(schema);
            schema_2to3(&mut schema, &orig)?;
            if raw.get("required") == Some(&json!(true)) {
                required.push(json!(name));
            }
            // A list's `collectionFormat` (csv by default: `tags=a,b`) is its `encoding` entry;
            // without one, OpenAPI 3 would repeat the pair (`tags=a&tags=b`), Swagger's `multi`.
            if schema.get("type") == Some(&json!("array")) {
                let (style, explode) = list_style("formData", raw.get("collectionFormat"), &orig)?;
                encoding.insert(name.clone(), json!({ "style": style, "explode": explode }));
            }
            self.origin.moved(&now.push("properties").push(&name), &orig);
            properties.insert(name, schema);
        }
        let mut schema = json!({ "type": "object", "properties": properties });
        if !required.is_empty() {
            schema["required"] = Value::Array(required);
        }
        let mut content = json!({ "schema": schema });
        if !encoding.is_empty() {
            content["encoding"] = Value::Object(encoding);
        }
        Ok(json!({ "content": { media: content } }))
    }

    /// A response's `schema` under each of `produces`, its headers' types under `schema`.
    fn response(
        &mut self,
        response: &mut Value,
        orig: &Pointer,
        now: &Pointer,
        produces: &[String],
    ) -> Result<(), Refusal> {
        let map = object(response, orig, "a response")?;
        if map.contains_key("$ref") {
            return Ok(());
        }
        map.entry("description").or_insert_with(|| json!(""));
        let examples = map.remove("examples");
        if let Some(mut schema) = map.remove("schema") {
            schema_2to3(&mut schema, &orig.push("schema"))?;
            let mut content = Map::new();
            for media in or_json(produces) {
                self.origin.moved(&now.push("content").push(&media).push("schema"), &orig.push("schema"));
                let mut entry = json!({ "schema": schema });
                if let Some(example) = examples.as_ref().and_then(|e| e.get(&media)) {
                    entry["example"] = example.clone();
                }
                content.insert(media, entry);
            }
            map.insert("content".into(), Value::Object(content));
        }
        if let Some(headers) = map.get_mut("headers") {
            let at = orig.push("headers");
            for (name, header) in object(headers, &at, "headers")?.iter_mut() {
                let at = at.push(name);
                let header = object(header, &at, "a header")?;
                let mut schema: Map<String, Value> =
                    VALUE_KEYWORDS.iter().filter_map(|k| header.remove(*k).map(|v| ((*k).to_owned(), v))).collect();
                header.remove("collectionFormat");
                schema.entry("type").or_insert_with(|| json!("string"));
                let mut schema = Value::Object(schema);
                schema_2to3(&mut schema, &at)?;
                header.insert("schema".into(), schema);
                self.origin.moved(&now.push("headers").push(name).push("schema"), &at);
            }
        }
        Ok(())
    }
}

/// A Swagger 2.0 list's `collectionFormat` (csv when absent) as OpenAPI 3's `style` and
/// `explode`, for a parameter `in` query, path, header or formData (where the pair is the
/// body's `encoding` entry). `tsv`, and anything but csv outside query and form bodies, has no
/// equivalent: the operation is refused with the place.
fn list_style(location: &str, format: Option<&Value>, orig: &Pointer) -> Result<(&'static str, bool), Refusal> {
    let format = format.and_then(Value::as_str).unwrap_or("csv");
    let query_like = matches!(location, "query" | "formData");
    Ok(match (query_like, format) {
        (true, "csv") => ("form", false),
        (true, "multi") => ("form", true),
        (true, "ssv") => ("spaceDelimited", false),
        (true, "pipes") => ("pipeDelimited", false),
        (false, "csv") => ("simple", false),
        _ => {
            let at = orig.push("collectionFormat");
            let message = format!("collectionFormat {format:?} in {location} has no OpenAPI 3 equivalent");
            return Err(Refusal::at(&at, message));
        }
    })
}
