//! Path and header parameters whose value is a list, an object or a union, and path parameters
//! of the `label` and `matrix` styles, written from the value's JSON form as OpenAPI's style
//! table (after RFC 6570) says: `simple` `a,1,b,2` (exploded `a=1,b=2`), `label` `.a,1,b,2`
//! (exploded `.a=1.b=2`), `matrix` `;p=a,1,b,2` (exploded `;a=1;b=2`). In a path, each name and
//! value is percent-encoded as a segment requires and the delimiters are left as they are.

use serde::Serialize;
use serde_json::Value;

use crate::error::InvalidRequest;
use crate::query::scalar;
use crate::request::encode_segment;

/// A path parameter's style and whether it is exploded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathStyle {
    Simple,
    SimpleExploded,
    Label,
    LabelExploded,
    Matrix,
    MatrixExploded,
}

/// The text of path parameter `name` (already percent-encoded) in `style`. A value that would
/// leave the segment empty, `.` or `..` is refused: the request would reach another resource.
pub fn path_text<T: Serialize>(
    operation: &'static str,
    name: &str,
    style: PathStyle,
    value: &T,
) -> Result<String, InvalidRequest> {
    let invalid = |problem: String| InvalidRequest { operation, parameter: name.to_owned(), problem };
    let value = serde_json::to_value(value).map_err(|e| invalid(format!("cannot be written as text: {e}")))?;
    let members = members(name, &value).map_err(&invalid)?;
    let (prefix, separator, exploded) = match style {
        PathStyle::Simple => (String::new(), ",", false),
        PathStyle::SimpleExploded => (String::new(), ",", true),
        PathStyle::Label => (".".to_owned(), ",", false),
        PathStyle::LabelExploded => (".".to_owned(), ".", true),
        PathStyle::Matrix => (format!(";{}=", encode_segment(name)), ",", false),
        PathStyle::MatrixExploded => (";".to_owned(), ";", true),
    };
    let pieces: Vec<String> = match (&members, exploded) {
        // Values exploded in matrix style repeat the name: `;p=x;p=y` (a lone one: `;p=x`).
        (Members::Values(items), true) if style == PathStyle::MatrixExploded => {
            items.iter().map(|v| format!("{}={}", encode_segment(name), encode_segment(v))).collect()
        }
        (Members::Values(items), _) => items.iter().map(|v| encode_segment(v)).collect(),
        (Members::Pairs(pairs), true) => {
            pairs.iter().map(|(k, v)| format!("{}={}", encode_segment(k), encode_segment(v))).collect()
        }
        (Members::Pairs(pairs), false) => {
            pairs.iter().flat_map(|(k, v)| [encode_segment(k), encode_segment(v)]).collect()
        }
    };
    let text = format!("{prefix}{}", pieces.join(separator));
    if matches!(text.as_str(), "" | "." | "..") {
        return Err(invalid(format!("is written {text:?}, which cannot stand as a path segment")));
    }
    Ok(text)
}

/// The text of header parameter `name` (`simple` style): a list or an object's members and
/// values joined with commas, exploded as `a=1,b=2`.
pub fn header_text<T: Serialize>(
    operation: &'static str,
    name: &str,
    exploded: bool,
    value: &T,
) -> Result<String, InvalidRequest> {
    let invalid = |problem: String| InvalidRequest { operation, parameter: name.to_owned(), problem };
    let value = serde_json::to_value(value).map_err(|e| invalid(format!("cannot be written as text: {e}")))?;
    Ok(match members(name, &value).map_err(invalid)? {
        Members::Values(items) => items.join(","),
        Members::Pairs(pairs) if exploded => {
            pairs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(",")
        }
        Members::Pairs(pairs) => pairs.into_iter().flat_map(|(k, v)| [k, v]).collect::<Vec<_>>().join(","),
    })
}

/// A cookie parameter exploded (`form`, a cookie's one style, explodes by default): an object's
/// members each a cookie of their own (`role=admin; firstName=Alex`), a list's items each a
/// cookie of the parameter's name, a scalar one cookie.
pub fn cookie_pairs<T: Serialize>(
    operation: &'static str,
    name: &str,
    value: &T,
) -> Result<Vec<(String, String)>, InvalidRequest> {
    let invalid = |problem: String| InvalidRequest { operation, parameter: name.to_owned(), problem };
    let value = serde_json::to_value(value).map_err(|e| invalid(format!("cannot be written as text: {e}")))?;
    Ok(match members(name, &value).map_err(invalid)? {
        Members::Values(items) => items.into_iter().map(|item| (name.to_owned(), item)).collect(),
        Members::Pairs(pairs) => pairs,
    })
}

/// A value's texts: a scalar or a list's items, or an object's members (`null` ones left out).
enum Members {
    Values(Vec<String>),
    Pairs(Vec<(String, String)>),
}

fn members(name: &str, value: &Value) -> Result<Members, String> {
    let nested =
        |at: &str| format!("holds a nested array or object at `{at}`, which a path, header or cookie cannot carry");
    match value {
        Value::Null => Err("is null, which cannot stand as text".to_owned()),
        Value::Array(items) => {
            let texts =
                items.iter().map(|item| scalar(item).ok_or_else(|| nested(name))).collect::<Result<Vec<_>, _>>();
            Ok(Members::Values(texts?.into_iter().flatten().collect()))
        }
        Value::Object(map) => {
            let mut pairs = Vec::with_capacity(map.len());
            for (key, member) in map {
                if let Some(text) = scalar(member).ok_or_else(|| nested(&format!("{name}.{key}")))? {
                    pairs.push((key.clone(), text));
                }
            }
            Ok(Members::Pairs(pairs))
        }
        other => Ok(Members::Values(scalar(other).flatten().into_iter().collect())),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{header_text, path_text, PathStyle};

    fn path(style: PathStyle, value: serde_json::Value) -> String {
        path_text("op", "p", style, &value).expect("writable")
    }

    /// OpenAPI's style table (after RFC 6570) for a string, a list and an object.
    #[test]
    fn path_values_follow_the_style_table() {
        let (one, list, object) = (json!("blue"), json!(["blue", "black"]), json!({"R": 100, "G": 200}));
        let cases = [
            (PathStyle::Simple, "blue", "blue,black", "R,100,G,200"),
            (PathStyle::SimpleExploded, "blue", "blue,black", "R=100,G=200"),
            (PathStyle::Label, ".blue", ".blue,black", ".R,100,G,200"),
            (PathStyle::LabelExploded, ".blue", ".blue.black", ".R=100.G=200"),
            (PathStyle::Matrix, ";p=blue", ";p=blue,black", ";p=R,100,G,200"),
            (PathStyle::MatrixExploded, ";p=blue", ";p=blue;p=black", ";R=100;G=200"),
        ];
        for (style, a, b, c) in cases {
            assert_eq!([path(style, one.clone()), path(style, list.clone()), path(style, object.clone())], [a, b, c]);
        }
    }

    #[test]
    fn path_components_are_encoded_and_dot_segments_refused() {
        assert_eq!(path(PathStyle::Simple, json!({"a b": "c/d,e"})), "a%20b,c%2Fd%2Ce");
        assert_eq!(path(PathStyle::LabelExploded, json!({"k": "."})), ".k=.");
        for value in [json!(""), json!("."), json!([]), json!(".."), json!({})] {
            assert!(path_text("op", "p", PathStyle::Simple, &value).is_err(), "{value}");
        }
        assert!(path_text("op", "p", PathStyle::Label, &json!([])).is_err(), "a lone `.`");
        let nested = path_text("op", "p", PathStyle::Simple, &json!({"a": {"b": 1}})).expect_err("nested");
        assert!(nested.problem.contains("`p.a`"), "{}", nested.problem);
    }

    #[test]
    fn header_values_are_simple() {
        let object = json!({"role": "admin", "level": 2, "gone": null});
        assert_eq!(header_text("op", "X-Filter", false, &object).expect("text"), "role,admin,level,2");
        assert_eq!(header_text("op", "X-Filter", true, &object).expect("text"), "role=admin,level=2");
        assert_eq!(header_text("op", "X-Ids", true, &json!([1, 2])).expect("text"), "1,2");
        assert_eq!(header_text("op", "X-Rev", false, &json!(7)).expect("text"), "7");
    }
}
