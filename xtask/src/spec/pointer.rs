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

#[cfg(test)]
mod tests {
    use super::Pointer;

    #[test]
    fn escapes_slashes_and_tildes() {
        let p = Pointer::root().push("paths").push("/media/{id}").push("a~b");
        assert_eq!(p.to_string(), "#/paths/~1media~1{id}/a~0b");
    }
}
