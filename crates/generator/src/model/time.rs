//! Which strings are times. `format: date-time` and `format: date` are the standard ones; an API
//! that writes times in a form of its own (UTAGE's `2024-05-01 12:34:56`) says so once, in the
//! spec or an overlay, with `x-time-format`, and the client parses it with no handwritten code.

use openapiv3::{Schema, StringFormat, VariantOrUnknownOrEmpty};

use super::TypeRef;
use crate::spec::{Pointer, Spec, SpecError};

/// Which time a string holds, and so which form the runtime parses it in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TimeKind {
    /// `format: date-time`: RFC 3339, with an offset.
    DateTime,
    /// `format: date`: `YYYY-MM-DD`.
    Date,
    /// `x-time-format: sql-datetime`: `YYYY-MM-DD HH:MM:SS`, no offset.
    LocalDateTime,
}

impl TimeKind {
    /// The runtime type's name (`client_runtime::<name>`).
    pub fn type_name(self) -> &'static str {
        match self {
            TimeKind::DateTime => "DateTime",
            TimeKind::Date => "Date",
            TimeKind::LocalDateTime => "LocalDateTime",
        }
    }
}

/// The extension naming a non-standard time form.
pub const TIME_FORMAT: &str = "x-time-format";

/// The forms `x-time-format` may name: a short name, or the `time` crate format description the
/// runtime parses it with (either spelling means the same).
const NAMED: &[(&str, &str, TimeKind)] =
    &[("sql-datetime", "[year]-[month]-[day] [hour]:[minute]:[second]", TimeKind::LocalDateTime)];

/// The type of a `type: string` schema that is not `format: binary`: a time type when its format
/// or `x-time-format` says so, `String` otherwise. An `x-time-format` the runtime cannot parse is
/// an error (the message lists the forms it can), not a silent `String`.
pub fn string_type(spec: &Spec, format: Option<&str>, schema: &Schema, at: &Pointer) -> Result<TypeRef, SpecError> {
    if let Some(declared) = schema.schema_data.extensions.get(TIME_FORMAT) {
        let text = declared.as_str().unwrap_or_default();
        let named = NAMED.iter().find(|(name, description, _)| text == *name || text == *description);
        return match named {
            Some((_, _, kind)) => Ok(TypeRef::Time(*kind)),
            None => {
                let known: Vec<String> = NAMED.iter().map(|(n, d, _)| format!("`{n}` (`{d}`)")).collect();
                let message = format!(
                    "`{TIME_FORMAT}: {declared}` is not a form the runtime parses; known: {}",
                    known.join(", ")
                );
                Err(spec.error(&at.push(TIME_FORMAT), message))
            }
        };
    }
    Ok(match format {
        Some("date-time") => TypeRef::Time(TimeKind::DateTime),
        Some("date") => TypeRef::Time(TimeKind::Date),
        _ => TypeRef::String,
    })
}

/// The `format` of a 3.0 string schema as text.
pub fn format_text(format: &VariantOrUnknownOrEmpty<StringFormat>) -> Option<&str> {
    match format {
        VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => Some("date-time"),
        VariantOrUnknownOrEmpty::Item(StringFormat::Date) => Some("date"),
        VariantOrUnknownOrEmpty::Unknown(other) => Some(other),
        _ => None,
    }
}
