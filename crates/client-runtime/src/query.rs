//! Query parameters whose value is an object, a map or a union (`form`, `spaceDelimited`,
//! `pipeDelimited`: one level deep; `deepObject`: any depth, in brackets), written from the
//! value's JSON form; and the same styles for the fields of forms (their `encoding` entries).

use std::borrow::Cow;

use serde::Serialize;
use serde_json::Value;

use crate::error::InvalidRequest;
use crate::request::Request;

/// How a structured query parameter is written (OpenAPI's `style` and `explode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueryStyle {
    /// `form`, exploded: `tags=a&tags=b`; an object's members as their own pairs, `a=1&b=2`.
    FormExploded,
    /// `form`, not exploded: `tags=a,b`; an object as `obj=a,1,b,2`.
    Form,
    /// `spaceDelimited`: `tags=a%20b`.
    SpaceDelimited,
    /// `pipeDelimited`: `tags=a|b`.
    PipeDelimited,
    /// `deepObject`: `obj[a]=1&obj[b]=2`, nested as [`bracket_pairs`] writes it
    /// (`obj[a][b]=1`, `list[]=x`, `items[0][id]=1`).
    DeepObject,
}

impl QueryStyle {
    fn delimiter(self) -> &'static str {
        match self {
            QueryStyle::SpaceDelimited => " ",
            QueryStyle::PipeDelimited => "|",
            _ => ",",
        }
    }
}

impl Request {
    /// Adds a query parameter whose value is written through its JSON form: a scalar as itself,
    /// an array or an object (one level deep) as `style` says. `null` members are left out.
    pub fn query_value<T: Serialize>(
        &mut self,
        name: &'static str,
        style: QueryStyle,
        value: &T,
    ) -> Result<(), InvalidRequest> {
        let operation = self.operation();
        let invalid = |problem: String| InvalidRequest { operation, parameter: name.into(), problem };
        let value = serde_json::to_value(value).map_err(|e| invalid(format!("cannot be written as text: {e}")))?;
        let pairs = styled(name, style, &value).map_err(invalid)?;
        self.query.extend(pairs.into_iter().map(|(key, text)| (key.map_or(Cow::Borrowed(name), Cow::Owned), text)));
        Ok(())
    }
}

/// Appends `value` to a form's `pairs` (URL-encoded pairs, or multipart text parts) as a query
/// parameter of `style` would be written: what an `encoding` entry's `style` and `explode`
/// declare for a form field (`a=1,2`, an object's members as pairs of their own, `a[b][c]=v`).
pub fn form_pairs<T: Serialize>(
    operation: &'static str,
    name: &str,
    style: QueryStyle,
    value: &T,
    pairs: &mut Vec<(String, String)>,
) -> Result<(), InvalidRequest> {
    let invalid = |problem: String| InvalidRequest { operation, parameter: name.to_owned(), problem };
    let value = serde_json::to_value(value).map_err(|e| invalid(format!("cannot be written as a form value: {e}")))?;
    let written = styled(name, style, &value).map_err(invalid)?;
    pairs.extend(written.into_iter().map(|(key, text)| (key.unwrap_or_else(|| name.to_owned()), text)));
    Ok(())
}

/// The pairs `value` is written as under `name` in `style`; a key of `None` is `name` itself.
/// Outside `deepObject`, a value nested deeper than an object of scalars is refused.
fn styled(name: &str, style: QueryStyle, value: &Value) -> Result<Vec<(Option<String>, String)>, String> {
    if style == QueryStyle::DeepObject && matches!(value, Value::Array(_) | Value::Object(_)) {
        let mut pairs = Vec::new();
        brackets(name.to_owned(), value, &mut pairs);
        return Ok(pairs.into_iter().map(|(k, v)| (Some(k), v)).collect());
    }
    let mut out = Vec::new();
    match value {
        Value::Null => {}
        Value::Array(items) => {
            let texts =
                items.iter().map(|item| scalar(item).ok_or_else(|| nested(name))).collect::<Result<Vec<_>, _>>();
            let texts: Vec<String> = texts?.into_iter().flatten().collect();
            match style {
                QueryStyle::FormExploded => out.extend(texts.into_iter().map(|text| (None, text))),
                _ => out.push((None, texts.join(style.delimiter()))),
            }
        }
        Value::Object(members) => {
            let mut pairs = Vec::with_capacity(members.len());
            for (key, member) in members {
                if let Some(text) = scalar(member).ok_or_else(|| nested(&format!("{name}.{key}")))? {
                    pairs.push((key.clone(), text));
                }
            }
            match style {
                QueryStyle::FormExploded => out.extend(pairs.into_iter().map(|(k, v)| (Some(k), v))),
                QueryStyle::DeepObject => out.extend(pairs.into_iter().map(|(k, v)| (Some(format!("{name}[{k}]")), v))),
                _ => {
                    let flat: Vec<String> = pairs.into_iter().flat_map(|(k, v)| [k, v]).collect();
                    out.push((None, flat.join(style.delimiter())));
                }
            }
        }
        scalar_value => {
            if let Some(text) = scalar(scalar_value).ok_or_else(|| nested(name))? {
                out.push((None, text));
            }
        }
    }
    Ok(out)
}

/// Appends `value`, from its JSON form, to URL-encoded `pairs` under `name` in brackets, as
/// Stripe, Twilio and Rails-style servers read nested fields: an object's members as
/// `name[key]`, a list of scalars as `name[]`, a list holding objects or lists by index as
/// `name[0][key]`; `null` members are left out. Only a value that has no JSON form fails.
pub fn bracket_pairs<T: Serialize>(
    operation: &'static str,
    name: &str,
    value: &T,
    pairs: &mut Vec<(String, String)>,
) -> Result<(), InvalidRequest> {
    let value = serde_json::to_value(value).map_err(|e| InvalidRequest {
        operation,
        parameter: name.to_owned(),
        problem: format!("cannot be written as a form value: {e}"),
    })?;
    brackets(name.to_owned(), &value, pairs);
    Ok(())
}

fn brackets(prefix: String, value: &Value, pairs: &mut Vec<(String, String)>) {
    match value {
        Value::Null => {}
        Value::Object(members) => {
            for (key, member) in members {
                brackets(format!("{prefix}[{key}]"), member, pairs);
            }
        }
        Value::Array(items) => {
            let flat = items.iter().all(|item| !matches!(item, Value::Array(_) | Value::Object(_)));
            for (index, item) in items.iter().enumerate() {
                let key = if flat { format!("{prefix}[]") } else { format!("{prefix}[{index}]") };
                brackets(key, item, pairs);
            }
        }
        scalar_value => {
            if let Some(Some(text)) = scalar(scalar_value) {
                pairs.push((prefix, text));
            }
        }
    }
}

/// The text of a path, header or cookie parameter whose type is a union of scalars
/// (`oneOf: [integer, string]`), from its JSON form.
pub fn scalar_text<T: Serialize>(
    operation: &'static str,
    parameter: &str,
    value: &T,
) -> Result<String, InvalidRequest> {
    let invalid = |problem: String| InvalidRequest { operation, parameter: parameter.into(), problem };
    let value = serde_json::to_value(value).map_err(|e| invalid(format!("cannot be written as text: {e}")))?;
    match scalar(&value) {
        Some(Some(text)) => Ok(text),
        Some(None) => Err(invalid("is null, which cannot stand as text".into())),
        None => Err(invalid(nested(parameter))),
    }
}

/// A scalar's wire text; `Some(None)` for `null`, `None` for a nested array or object.
pub(crate) fn scalar(value: &Value) -> Option<Option<String>> {
    match value {
        Value::Null => Some(None),
        Value::String(s) => Some(Some(s.clone())),
        Value::Number(n) => Some(Some(n.to_string())),
        Value::Bool(b) => Some(Some(b.to_string())),
        Value::Array(_) | Value::Object(_) => None,
    }
}

fn nested(at: &str) -> String {
    format!("holds a nested array or object at `{at}`, which a query string cannot carry")
}

#[cfg(test)]
mod tests {
    use super::QueryStyle;
    use crate::request::Request;

    fn written(style: QueryStyle, value: serde_json::Value) -> Vec<(String, String)> {
        let mut request = Request::new("op", reqwest::Method::GET, "/p".into());
        request.query_value("filter", style, &value).expect("writable");
        request.query_pairs().iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn objects_follow_their_style() {
        let object = serde_json::json!({"role": "admin", "age": 3, "gone": null});
        // Members keep their declared order (serde_json's `preserve_order`).
        assert_eq!(written(QueryStyle::FormExploded, object.clone()), pairs(&[("role", "admin"), ("age", "3")]));
        assert_eq!(written(QueryStyle::Form, object.clone()), pairs(&[("filter", "role,admin,age,3")]));
        assert_eq!(
            written(QueryStyle::DeepObject, object.clone()),
            pairs(&[("filter[role]", "admin"), ("filter[age]", "3")])
        );
        assert_eq!(written(QueryStyle::PipeDelimited, object), pairs(&[("filter", "role|admin|age|3")]));
    }

    #[test]
    fn arrays_and_scalars_follow_their_style() {
        let tags = serde_json::json!(["a", "b"]);
        assert_eq!(written(QueryStyle::FormExploded, tags.clone()), pairs(&[("filter", "a"), ("filter", "b")]));
        assert_eq!(written(QueryStyle::SpaceDelimited, tags.clone()), pairs(&[("filter", "a b")]));
        assert_eq!(written(QueryStyle::PipeDelimited, tags), pairs(&[("filter", "a|b")]));
        assert_eq!(written(QueryStyle::DeepObject, serde_json::json!(true)), pairs(&[("filter", "true")]));
    }

    #[test]
    fn nesting_is_refused_with_the_member_outside_deep_object() {
        let mut request = Request::new("op", reqwest::Method::GET, "/p".into());
        let error = request
            .query_value("filter", QueryStyle::FormExploded, &serde_json::json!({"a": {"b": 1}}))
            .expect_err("two levels");
        assert!(error.problem.contains("`filter.a`"), "{}", error.problem);
        assert!(request.query_pairs().is_empty());
    }

    /// Stripe's `expand[]=a`, Box's and Discord's `filter[a][b]=1`, `items[0][price]=p`.
    #[test]
    fn deep_objects_nest_in_brackets_at_any_depth() {
        assert_eq!(
            written(QueryStyle::DeepObject, serde_json::json!(["customer", "invoice.subscription"])),
            pairs(&[("filter[]", "customer"), ("filter[]", "invoice.subscription")])
        );
        assert_eq!(
            written(QueryStyle::DeepObject, serde_json::json!({"a": {"b": 1, "c": [true, false]}, "gone": null})),
            pairs(&[("filter[a][b]", "1"), ("filter[a][c][]", "true"), ("filter[a][c][]", "false")])
        );
        assert_eq!(
            written(QueryStyle::DeepObject, serde_json::json!([{"price": "p1", "quantity": 2}, {"price": "p2"}])),
            pairs(&[("filter[0][price]", "p1"), ("filter[0][quantity]", "2"), ("filter[1][price]", "p2")])
        );
    }

    /// An `encoding` entry's style on a form field: joined, members of their own, brackets.
    #[test]
    fn form_fields_take_their_declared_styles() {
        let mut out = Vec::new();
        super::form_pairs("op", "ids", QueryStyle::Form, &serde_json::json!([1, 2]), &mut out).expect("a list");
        super::form_pairs("op", "p", QueryStyle::FormExploded, &serde_json::json!({"x": 1, "y": 2}), &mut out)
            .expect("an object");
        super::form_pairs("op", "tags", QueryStyle::PipeDelimited, &serde_json::json!(["a", "b"]), &mut out)
            .expect("a list");
        super::form_pairs("op", "m", QueryStyle::DeepObject, &serde_json::json!({"a": {"b": 1}}), &mut out)
            .expect("nested");
        assert_eq!(out, pairs(&[("ids", "1,2"), ("x", "1"), ("y", "2"), ("tags", "a|b"), ("m[a][b]", "1")]));
        let error = super::form_pairs("op", "p", QueryStyle::Form, &serde_json::json!({"a": [1]}), &mut out)
            .expect_err("nested outside deepObject");
        assert_eq!(error.parameter, "p");
    }

    #[test]
    fn form_fields_are_bracketed_the_same_way() {
        let mut out = vec![("name".to_owned(), "x".to_owned())];
        let value = serde_json::json!({"order_id": "6735", "tags": ["a"]});
        super::bracket_pairs("op", "metadata", &value, &mut out).expect("a JSON value");
        assert_eq!(out, pairs(&[("name", "x"), ("metadata[order_id]", "6735"), ("metadata[tags][]", "a")]));
    }
}
