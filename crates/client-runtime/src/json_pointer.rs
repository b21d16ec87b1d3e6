//! A JSON pointer (RFC 6901) looked up in a body without building the document: only the
//! pointer's path is walked, every other value is skipped with `IgnoredAny`.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// The unescaped reference tokens of `pointer` (`/meta/request_id` → `meta`, `request_id`);
/// `None` for text that is not a pointer (it must start with `/`).
pub(crate) fn segments(pointer: &str) -> Option<Vec<String>> {
    let rest = pointer.strip_prefix('/')?;
    Some(rest.split('/').map(|s| s.replace("~1", "/").replace("~0", "~")).collect())
}

/// The string (or number, as text) at `path` in the JSON document `body`; `None` when the body
/// is not JSON, the path leads nowhere, or to another kind of value.
pub(crate) fn string_at(body: &[u8], path: &[String]) -> Option<String> {
    let mut de = serde_json::Deserializer::from_slice(body);
    At { path }.deserialize(&mut de).ok().flatten()
}

struct At<'p> {
    path: &'p [String],
}

impl<'de> DeserializeSeed<'de> for At<'_> {
    type Value = Option<String>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

/// Whether a map key equals the wanted token, without allocating for it.
struct KeyIs<'p>(&'p str);

impl<'de> DeserializeSeed<'de> for KeyIs<'_> {
    type Value = bool;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeyIs<'_> {
    type Value = bool;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_str<E>(self, v: &str) -> Result<bool, E> {
        Ok(v == self.0)
    }
}

impl<'de> Visitor<'de> for At<'_> {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(self.path.is_empty().then(|| v.to_owned()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(self.path.is_empty().then(|| v.to_string()))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(self.path.is_empty().then(|| v.to_string()))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut found = None;
        let wanted = self.path.first();
        loop {
            let matched = match wanted {
                Some(token) => map.next_key_seed(KeyIs(token))?,
                None => map.next_key::<IgnoredAny>()?.map(|_| false),
            };
            match matched {
                None => return Ok(found),
                Some(true) if found.is_none() => found = map.next_value_seed(At { path: &self.path[1..] })?,
                Some(_) => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let index = self.path.first().and_then(|t| t.parse::<usize>().ok());
        let mut found = None;
        let mut i = 0usize;
        loop {
            if Some(i) == index && found.is_none() {
                match seq.next_element_seed(At { path: &self.path[1..] })? {
                    Some(v) => found = v,
                    None => return Ok(found),
                }
            } else if seq.next_element::<IgnoredAny>()?.is_none() {
                return Ok(found);
            }
            i = i.saturating_add(1);
        }
    }
}
