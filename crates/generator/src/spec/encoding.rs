//! A form's `encoding` entries with their `explode` written out. OpenAPI defaults it by style
//! (`form`, the default style: `true`; the others: `false`), but the typed parse reads an absent
//! `explode` as `false`, which would join the arrays of every entry that names only a
//! `contentType` or `style: form`. Written out before that parse, `false` means what the spec says.

use serde_json::Value;

/// Fills in `explode` on every request body's encoding entries (inline in operations, and in
/// `components/requestBodies`).
pub(super) fn explicit_explode(tree: &mut Value) {
    if let Some(paths) = tree.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut().filter_map(Value::as_object_mut) {
            for op in item.values_mut().filter_map(Value::as_object_mut) {
                if let Some(body) = op.get_mut("requestBody") {
                    request_body(body);
                }
            }
        }
    }
    let bodies = tree.pointer_mut("/components/requestBodies").and_then(Value::as_object_mut);
    for body in bodies.into_iter().flat_map(|b| b.values_mut()) {
        request_body(body);
    }
}

fn request_body(body: &mut Value) {
    let contents = body.get_mut("content").and_then(Value::as_object_mut);
    for media in contents.into_iter().flat_map(|c| c.values_mut()) {
        let entries = media.get_mut("encoding").and_then(Value::as_object_mut);
        for entry in entries.into_iter().flat_map(|e| e.values_mut()).filter_map(Value::as_object_mut) {
            if !entry.contains_key("explode") {
                let form = matches!(entry.get("style").and_then(Value::as_str), None | Some("form"));
                entry.insert("explode".into(), Value::Bool(form));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn explode_defaults_by_style() {
        let mut tree = json!({"paths": {"/a": {"post": {"requestBody": {"content": {"application/x-www-form-urlencoded": {
            "encoding": {
                "plain": {"contentType": "text/plain"},
                "form": {"style": "form"},
                "deep": {"style": "deepObject"},
                "joined": {"style": "form", "explode": false}
            }
        }}}}}}});
        super::explicit_explode(&mut tree);
        let encoding =
            &tree["paths"]["/a"]["post"]["requestBody"]["content"]["application/x-www-form-urlencoded"]["encoding"];
        let explode = |name: &str| encoding[name]["explode"].as_bool();
        assert_eq!(
            [explode("plain"), explode("form"), explode("deep"), explode("joined")],
            [Some(true), Some(true), Some(false), Some(false)]
        );
    }
}
