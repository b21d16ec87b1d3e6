//! `$ref`s to any node of the document (`#/paths/~1a/get/parameters/0`, percent-encoded or
//! `~0`/`~1`-escaped): before the tree becomes typed structures, each one that does not name a
//! whole component is replaced by a copy of its target, so the model meets only component
//! references (whose names it keeps) and inline nodes.

use serde_json::Value;

use super::Pointer;

/// The component sections a `$ref` is kept for: `#/components/<section>/<name>`.
const SECTIONS: &[&str] = &[
    "schemas",
    "responses",
    "parameters",
    "examples",
    "requestBodies",
    "headers",
    "securitySchemes",
    "links",
    "callbacks",
];

/// A reference chain longer than this is taken for a cycle.
const MAX_DEPTH: usize = 64;

/// Where a `$ref` went wrong (a pointer) and what is wrong.
pub(super) type RefError = (String, String);

/// Inlines every local `$ref` that points below or beside the components (see the module docs).
pub(super) fn inline(tree: &mut Value) -> Result<(), RefError> {
    if !has_inlined_ref(tree) {
        return Ok(());
    }
    let doc = tree.clone();
    walk(tree, &doc, &Pointer::root(), &mut Vec::new())
}

/// A `$ref` this pass replaces: local, and not to a whole component of a known section.
fn inlined_target(node: &Value) -> Option<Result<Pointer, String>> {
    let reference = node.as_object()?.get("$ref")?.as_str()?;
    if !reference.starts_with('#') {
        return None; // external: refused later, with the file it names
    }
    let Some(target) = Pointer::parse(reference) else {
        return Some(Err(format!("$ref {reference:?} is not a valid JSON pointer")));
    };
    let tokens: Vec<String> = target.tokens().collect();
    let component = tokens.len() == 3 && tokens[0] == "components" && SECTIONS.contains(&tokens[1].as_str());
    (!component).then_some(Ok(target))
}

fn has_inlined_ref(node: &Value) -> bool {
    match node {
        Value::Object(map) => {
            inlined_target(node).is_some() || map.iter().any(|(k, v)| !is_opaque(k) && has_inlined_ref(v))
        }
        Value::Array(items) => items.iter().any(has_inlined_ref),
        _ => false,
    }
}

fn walk(node: &mut Value, doc: &Value, at: &Pointer, chain: &mut Vec<String>) -> Result<(), RefError> {
    if let Some(target) = inlined_target(node) {
        let target = target.map_err(|message| (at.to_string(), message))?;
        let key = target.to_string();
        if chain.contains(&key) || chain.len() >= MAX_DEPTH {
            return Err((at.to_string(), format!("$ref {key:?} leads back to itself (a cycle of references)")));
        }
        let mut copy = lookup(doc, &target)
            .ok_or_else(|| (at.to_string(), format!("$ref {key:?} points to nothing in the document")))?
            .clone();
        chain.push(key);
        // Problems inside the copy are reported where they are written: at the target.
        walk(&mut copy, doc, &target, chain)?;
        chain.pop();
        *node = copy;
        return Ok(());
    }
    match node {
        Value::Object(map) => {
            let names = is_names(at);
            for (key, value) in map.iter_mut().filter(|(k, _)| names || !is_opaque(k)) {
                walk(value, doc, &at.push(key), chain)?;
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                walk(item, doc, &at.push(&i.to_string()), chain)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// Data, not description: an `example` value and `x-` extensions (whose `$ref`s, if any, are
/// the extension's business) are never followed.
pub(crate) fn is_opaque(key: &str) -> bool {
    key == "example" || key.starts_with("x-")
}

/// Whether the keys of the map at `at` are names (of properties, components), which may be
/// `example` or `x-…` without being the keywords.
fn is_names(at: &Pointer) -> bool {
    at.tokens().last().is_some_and(|last| NAME_MAPS.contains(&last.as_str()))
}

/// Keywords whose value maps names to schemas or components.
pub(crate) const NAME_MAPS: &[&str] = &[
    "properties",
    "patternProperties",
    "definitions",
    "$defs",
    "schemas",
    "parameters",
    "responses",
    "requestBodies",
    "headers",
    "securitySchemes",
    "links",
    "callbacks",
    "pathItems",
];

fn lookup<'a>(doc: &'a Value, target: &Pointer) -> Option<&'a Value> {
    target.tokens().try_fold(doc, |node, token| match node {
        Value::Object(map) => map.get(&token),
        Value::Array(items) => items.get(token.parse::<usize>().ok()?),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::inline;

    #[test]
    fn refs_into_paths_are_inlined_and_component_refs_kept() {
        let mut tree = json!({
            "paths": {
                "/a/{id}": {"get": {"parameters": [{"name": "id", "in": "path", "schema": {"$ref": "#/components/schemas/Id"}}]}},
                "/b": {"get": {"parameters": [{"$ref": "#/paths/~1a~1%7Bid%7D/get/parameters/0"}]}}
            }
        });
        inline(&mut tree).expect("resolvable");
        let param = &tree["paths"]["/b"]["get"]["parameters"][0];
        assert_eq!(param["name"], "id");
        assert_eq!(param["schema"]["$ref"], "#/components/schemas/Id");
    }

    #[test]
    fn cycles_and_dangling_refs_name_the_ref() {
        let mut cycle = json!({"paths": {"/a": {"$ref": "#/paths/~1b"}, "/b": {"$ref": "#/paths/~1a"}}});
        let (at, message) = inline(&mut cycle).expect_err("a cycle");
        assert_eq!(at, "#/paths/~1a");
        assert!(message.contains("cycle"), "{message}");
        let mut dangling = json!({"paths": {"/a": {"$ref": "#/paths/~1nope"}}});
        let (at, message) = inline(&mut dangling).expect_err("dangling");
        assert_eq!(at, "#/paths/~1a");
        assert!(message.contains("points to nothing"), "{message}");
    }
}
