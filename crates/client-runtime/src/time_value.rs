//! Dates and times that a server may send in a form other than the one the spec declares.
//!
//! A field typed `format: date-time` is a [`DateTime`], not an `OffsetDateTime`: one server that
//! writes `2024-05-01 12:34:56` where RFC 3339 was promised must not turn every response holding
//! that field into a decode error. The value parses when it can and keeps the text it came as
//! otherwise; either way it is written back exactly as it was received.

use std::fmt;
use std::hash::{Hash, Hasher};

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::format_description::well_known::Rfc3339;
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime};

/// A date-time (`format: date-time`): RFC 3339, with an offset.
pub type DateTime = Lenient<OffsetDateTime>;
/// A calendar date (`format: date`): `YYYY-MM-DD`.
pub type Date = Lenient<time::Date>;
/// A date-time without an offset (`x-time-format: sql-datetime`): `YYYY-MM-DD HH:MM:SS`, in a
/// zone the API leaves unsaid, so no offset is invented for it.
pub type LocalDateTime = Lenient<PrimitiveDateTime>;

const SQL_DATETIME: &[BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
const ISO_DATE: &[BorrowedFormatItem<'static>] = format_description!("[year]-[month]-[day]");

/// A time value with a text form on the wire. Sealed: the generator maps formats to the
/// implementations here, and the set is what [`Lenient`] promises to parse.
pub trait TimeFormat: Copy + PartialEq + Hash + fmt::Debug + sealed::Sealed {
    /// What the wire form is called, for messages.
    const NAME: &'static str;
    fn parse_text(text: &str) -> Option<Self>;
    /// `None` when the value has no text in this form (a year past 9999 in RFC 3339).
    fn format_text(&self) -> Option<String>;
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for time::OffsetDateTime {}
    impl Sealed for time::Date {}
    impl Sealed for time::PrimitiveDateTime {}
}

impl TimeFormat for OffsetDateTime {
    const NAME: &'static str = "RFC 3339";
    fn parse_text(text: &str) -> Option<Self> {
        OffsetDateTime::parse(text, &Rfc3339).ok()
    }
    fn format_text(&self) -> Option<String> {
        self.format(&Rfc3339).ok()
    }
}

impl TimeFormat for time::Date {
    const NAME: &'static str = "YYYY-MM-DD";
    fn parse_text(text: &str) -> Option<Self> {
        time::Date::parse(text, ISO_DATE).ok()
    }
    fn format_text(&self) -> Option<String> {
        self.format(ISO_DATE).ok()
    }
}

impl TimeFormat for PrimitiveDateTime {
    const NAME: &'static str = "YYYY-MM-DD HH:MM:SS";
    fn parse_text(text: &str) -> Option<Self> {
        PrimitiveDateTime::parse(text, SQL_DATETIME).ok()
    }
    fn format_text(&self) -> Option<String> {
        self.format(SQL_DATETIME).ok()
    }
}

/// A time value as the server sent it: parsed when the text is in the declared form, the text
/// alone otherwise.
///
/// - [`get`](Self::get) is the parsed value (`None` when the server sent something else);
/// - [`raw`](Self::raw) is the text as received (`None` for a value built in code);
/// - serializing writes the received text unchanged, or the declared form for a built value;
/// - two values are equal when both parsed to the same instant, or neither parsed and the texts
///   are the same.
#[derive(Clone)]
pub struct Lenient<T> {
    value: Option<T>,
    // Kept even when parsed, so a value read and written back is byte-for-byte what came in
    // (`.000Z` stays `.000Z`).
    raw: Option<String>,
}

impl<T: TimeFormat> Lenient<T> {
    /// Reads a value from its text; text not in the declared form is kept as it is.
    pub fn parse(text: impl Into<String>) -> Self {
        let text = text.into();
        Lenient { value: T::parse_text(&text), raw: Some(text) }
    }

    /// The parsed value, or `None` when the server sent text in another form.
    pub fn get(&self) -> Option<T> {
        self.value
    }

    /// The text as received; `None` for a value built from a parsed one.
    pub fn raw(&self) -> Option<&str> {
        self.raw.as_deref()
    }

    /// Whether the text was in the declared form.
    pub fn is_parsed(&self) -> bool {
        self.value.is_some()
    }

    /// The text this value is written as on the wire.
    fn text(&self) -> Option<String> {
        match (&self.raw, &self.value) {
            (Some(raw), _) => Some(raw.clone()),
            (None, Some(value)) => value.format_text(),
            (None, None) => None,
        }
    }
}

impl<T: TimeFormat> From<T> for Lenient<T> {
    fn from(value: T) -> Self {
        Lenient { value: Some(value), raw: None }
    }
}

impl<T: TimeFormat> From<String> for Lenient<T> {
    fn from(text: String) -> Self {
        Lenient::parse(text)
    }
}

impl<T: TimeFormat> From<&str> for Lenient<T> {
    fn from(text: &str) -> Self {
        Lenient::parse(text)
    }
}

impl<T: TimeFormat> PartialEq for Lenient<T> {
    fn eq(&self, other: &Self) -> bool {
        match (&self.value, &other.value) {
            (Some(a), Some(b)) => a == b,
            (None, None) => self.raw == other.raw,
            _ => false,
        }
    }
}

impl<T: TimeFormat + Eq> Eq for Lenient<T> {}

impl<T: TimeFormat> Hash for Lenient<T> {
    // Agrees with `eq`: parsed values hash by value (two spellings of one instant are equal),
    // unparsed ones by their text.
    fn hash<H: Hasher>(&self, state: &mut H) {
        match &self.value {
            Some(value) => (0u8, value).hash(state),
            None => (1u8, &self.raw).hash(state),
        }
    }
}

impl<T: TimeFormat> fmt::Debug for Lenient<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.value, &self.raw) {
            (Some(value), _) => write!(f, "{value:?}"),
            (None, raw) => write!(f, "Unparsed({:?})", raw.as_deref().unwrap_or_default()),
        }
    }
}

impl<T: TimeFormat> fmt::Display for Lenient<T> {
    /// The wire text; a built value with no text in the declared form shows as `Debug` would.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.text() {
            Some(text) => f.write_str(&text),
            None => write!(f, "{self:?}"),
        }
    }
}

impl<T: TimeFormat> Serialize for Lenient<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.text() {
            Some(text) => serializer.serialize_str(&text),
            None => Err(serde::ser::Error::custom(format_args!("{self:?} cannot be written as {}", T::NAME))),
        }
    }
}

impl<'de, T: TimeFormat> Deserialize<'de> for Lenient<T> {
    /// Any string is accepted; only a non-string (a number, an object) is a decode error, as it
    /// would be for a `String` field.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Lenient::parse)
    }
}

#[cfg(test)]
#[path = "time_value_tests.rs"]
mod tests;
