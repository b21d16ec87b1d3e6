//! UTAGE sends `created_at` as `Y-m-d H:i:s` (`2024-05-01 12:34:56`), not RFC 3339, and says
//! nothing of the time zone; the spec types it as a plain string. These helpers parse it.

use time::macros::format_description;
use time::PrimitiveDateTime;

use crate::types::Media;

/// A timestamp that is not in UTAGE's documented `Y-m-d H:i:s` form.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("UTAGE timestamp {value:?} is not `Y-m-d H:i:s`: {reason}")]
pub struct TimestampError {
    pub value: String,
    pub reason: String,
}

/// Parses `2024-05-01 12:34:56`. The result has no offset: UTAGE does not document one.
pub fn parse_timestamp(value: &str) -> Result<PrimitiveDateTime, TimestampError> {
    PrimitiveDateTime::parse(value, format_description!("[year]-[month]-[day] [hour]:[minute]:[second]"))
        .map_err(|e| TimestampError { value: value.to_owned(), reason: e.to_string() })
}

impl Media {
    /// `created_at` as a date and time (`None` when the server sent none).
    pub fn created_at_datetime(&self) -> Option<Result<PrimitiveDateTime, TimestampError>> {
        self.created_at.as_deref().map(parse_timestamp)
    }
}

#[cfg(test)]
mod tests {
    use super::parse_timestamp;

    #[test]
    fn documented_form_parses() {
        let t = parse_timestamp("2024-05-01 12:34:56").expect("documented form");
        assert_eq!((t.year(), u8::from(t.month()), t.day()), (2024, 5, 1));
        assert_eq!((t.hour(), t.minute(), t.second()), (12, 34, 56));
    }

    #[test]
    fn rfc3339_is_refused_with_the_value() {
        let error = parse_timestamp("2024-05-01T12:34:56Z").expect_err("not the documented form");
        assert!(error.to_string().contains("2024-05-01T12:34:56Z"), "{error}");
    }
}
