//! Rust names for wire names: heck for the casing, plus the cases heck leaves to us — keywords,
//! leading digits, names with no ASCII letters (Japanese property names, say).

use std::collections::BTreeSet;

use heck::{ToPascalCase, ToSnakeCase};

/// Keywords that can be raw identifiers (`r#type`).
const RAW_KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn", "else", "enum",
    "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod", "move",
    "mut", "override", "priv", "pub", "ref", "return", "static", "struct", "trait", "true", "try", "type", "typeof",
    "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers.
const PLAIN_KEYWORDS: &[&str] = &["crate", "self", "super", "Self", "_"];

/// Names `types.rs` itself uses unqualified (the prelude's and its imports); a schema of the same
/// name gets a suffix. Other generated files reach schemas through `types::`, so `Error` or
/// `Client` are fine schema names.
/// Names a schema's type must not take: what generated code names unqualified (the prelude's
/// types, traits and variants, and its imports). Microsoft Graph has a schema `From`, which
/// would hide the trait a string enum's `impl From<String>` names.
const RESERVED_TYPE_NAMES: &[&str] = &[
    "Option",
    "Result",
    "String",
    "Vec",
    "Box",
    "Self",
    "BTreeMap",
    "Serialize",
    "Deserialize",
    "From",
    "Into",
    "Default",
    "Clone",
    "Copy",
    "Send",
    "Sync",
    "Sized",
    "ToString",
    "ToOwned",
    "AsRef",
    "AsMut",
    "Iterator",
    "IntoIterator",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "Some",
    "None",
    "Ok",
    "Err",
];

/// Turns every non-ASCII letter or digit into a word of its own (`名前` → `U540D U524D`), so the
/// name stays ASCII, unique and stable.
fn asciify(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if c.is_alphanumeric() {
            out.push_str(&format!(" U{:X} ", c as u32));
        } else {
            out.push(' ');
        }
    }
    out
}

/// A `snake_case` field, parameter or method name.
pub fn field_ident(raw: &str) -> String {
    let mut name = asciify(raw).to_snake_case();
    if name.is_empty() {
        name = "value".into();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("n{name}");
    }
    if PLAIN_KEYWORDS.contains(&name.as_str()) {
        name.push('_');
    } else if RAW_KEYWORDS.contains(&name.as_str()) {
        name = format!("r#{name}");
    }
    name
}

/// A `PascalCase` piece of a longer type name (`ListMedia` + `Error`): like [`type_ident`] but
/// free to be `Error`, since it is never a name on its own.
pub fn name_part(raw: &str) -> String {
    let mut name = asciify(raw).to_pascal_case();
    if name.is_empty() {
        name = "Type".into();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("T{name}");
    }
    name
}

/// A `PascalCase` type name.
pub fn type_ident(raw: &str) -> String {
    let mut name = name_part(raw);
    if RESERVED_TYPE_NAMES.contains(&name.as_str()) {
        name.push_str("Type");
    }
    name
}

/// A `PascalCase` enum variant.
pub fn variant_ident(raw: &str) -> String {
    let mut name = asciify(raw).to_pascal_case();
    if name.is_empty() {
        name = "Empty".into();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("V{name}");
    }
    if name == "Self" {
        name = "SelfValue".into();
    }
    name
}

/// Makes `name` unique among `taken` by appending 2, 3, … and records it.
pub fn unique(name: String, taken: &mut std::collections::BTreeSet<String>) -> String {
    if taken.insert(name.clone()) {
        return name;
    }
    let base = name.trim_start_matches("r#").to_owned();
    let separator = if base.ends_with(|c: char| c.is_ascii_digit()) { "_" } else { "" };
    let mut n = 2u32;
    loop {
        let candidate = format!("{base}{separator}{n}");
        if taken.insert(candidate.clone()) {
            return candidate;
        }
        n += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_are_escaped() {
        assert_eq!(field_ident("type"), "r#type");
        assert_eq!(field_ident("self"), "self_");
        assert_eq!(type_ident("Option"), "OptionType");
    }

    #[test]
    fn wire_names_become_rust_names() {
        assert_eq!(field_ident("mimeType"), "mime_type");
        assert_eq!(field_ident("X-RateLimit-Limit"), "x_rate_limit_limit");
        assert_eq!(field_ident("2fa"), "n2fa");
        assert_eq!(type_ident("media item"), "MediaItem");
        assert_eq!(variant_ident("in-progress"), "InProgress");
        assert_eq!(variant_ident("100"), "V100");
    }

    #[test]
    fn non_ascii_names_stay_distinct() {
        assert_eq!(field_ident("名前"), "u540d_u524d");
        assert_ne!(variant_ident("画像"), variant_ident("動画"));
    }

    #[test]
    fn unique_appends_numbers() {
        let mut taken = Default::default();
        assert_eq!(unique("a".into(), &mut taken), "a");
        assert_eq!(unique("a".into(), &mut taken), "a2");
        assert_eq!(unique("a".into(), &mut taken), "a3");
    }
}

/// The names operations have taken so far (ids, `Client` methods, type stems), and in what
/// order, so a skipped operation gives its names back without copying the sets (a copy per
/// operation is quadratic on Microsoft Graph's 11,422).
pub(super) struct Names {
    pub(super) fns: BTreeSet<String>,
    pub(super) stems: BTreeSet<String>,
    pub(super) ids: BTreeSet<String>,
    pub(super) taken: Vec<(Kind, String)>,
}

#[derive(Clone, Copy)]
pub(super) enum Kind {
    Fn,
    Stem,
    Id,
}

impl Names {
    pub(super) fn take_id(&mut self, id: &str) -> bool {
        let fresh = self.ids.insert(id.to_owned());
        if fresh {
            self.taken.push((Kind::Id, id.to_owned()));
        }
        fresh
    }

    pub(super) fn take(&mut self, kind: Kind, base: String) -> String {
        let set = match kind {
            Kind::Fn => &mut self.fns,
            Kind::Stem => &mut self.stems,
            Kind::Id => &mut self.ids,
        };
        let name = unique(base, set);
        self.taken.push((kind, name.clone()));
        name
    }

    /// Gives back every name taken after the first `keep`.
    pub(super) fn release(&mut self, keep: usize) {
        for (kind, name) in self.taken.drain(keep..) {
            match kind {
                Kind::Fn => self.fns.remove(&name),
                Kind::Stem => self.stems.remove(&name),
                Kind::Id => self.ids.remove(&name),
            };
        }
    }
}
