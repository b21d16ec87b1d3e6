//! JSON pointers (RFC 6901) into a spec, carried alongside every node the model builder visits
//! so an error can say exactly where it is.

use std::fmt;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pointer(String);

impl Pointer {
    pub fn root() -> Self {
        Self(String::new())
    }

    /// `#/components/<section>/<name>`.
    pub fn component(section: &str, name: &str) -> Self {
        Self::root().push("components").push(section).push(name)
    }

    /// A pointer as a `$ref` fragment or [`Display`](fmt::Display) writes it (`#/paths/~1a`),
    /// percent-encoding undone; its tokens stay RFC 6901-escaped. `None` without the `#`.
    pub fn parse(text: &str) -> Option<Self> {
        let rest = percent_decode(text.strip_prefix('#')?)?;
        (rest.is_empty() || rest.starts_with('/')).then_some(Self(rest))
    }

    /// The reference tokens, unescaped (`~1` → `/`, then `~0` → `~`).
    pub fn tokens(&self) -> impl Iterator<Item = String> + '_ {
        self.0.split('/').skip(1).map(|t| t.replace("~1", "/").replace("~0", "~"))
    }

    /// One level deeper; `~` and `/` in the token are escaped as RFC 6901 says.
    #[must_use]
    pub fn push(&self, token: &str) -> Self {
        let escaped = token.replace('~', "~0").replace('/', "~1");
        Self(format!("{}/{}", self.0, escaped))
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// `%7B` → `{`; `None` when an escape is malformed or the bytes are not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::Pointer;

    #[test]
    fn escapes_slashes_and_tildes() {
        let p = Pointer::root().push("paths").push("/media/{id}").push("a~b");
        assert_eq!(p.to_string(), "#/paths/~1media~1{id}/a~0b");
    }

    #[test]
    fn parses_ref_fragments() {
        let p = Pointer::parse("#/paths/~1media~1%7Bid%7D/a~01").expect("a pointer");
        assert_eq!(p.tokens().collect::<Vec<_>>(), ["paths", "/media/{id}", "a~1"]);
        assert_eq!(p.to_string(), "#/paths/~1media~1{id}/a~01");
        assert_eq!(Pointer::parse("#").expect("the root").tokens().count(), 0);
        assert!(Pointer::parse("other.yaml#/a").is_none());
        assert!(Pointer::parse("#/a%zz").is_none());
    }
}
