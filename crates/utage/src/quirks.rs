//! UTAGE facts the spec cannot say in standard OpenAPI. `created_at` is `Y-m-d H:i:s`
//! (`2024-05-01 12:34:56`), not RFC 3339, with no documented time zone: the overlay
//! `specs/utage/overlays/30-timestamps.yaml` declares it `x-time-format: sql-datetime`, so the
//! field is a [`client_runtime::LocalDateTime`] (a `time::PrimitiveDateTime`, no offset invented)
//! and nothing is parsed by hand here.

#[cfg(test)]
mod tests {
    use crate::types::Media;

    fn media(created_at: &str) -> Media {
        serde_json::from_value(serde_json::json!({"id": "m1", "created_at": created_at})).expect("any text decodes")
    }

    #[test]
    fn documented_form_parses() {
        let t = media("2024-05-01 12:34:56").created_at.and_then(|t| t.get()).expect("documented form");
        assert_eq!((t.year(), u8::from(t.month()), t.day()), (2024, 5, 1));
        assert_eq!((t.hour(), t.minute(), t.second()), (12, 34, 56));
    }

    #[test]
    fn another_form_is_kept_as_text() {
        let created = media("2024-05-01T12:34:56Z").created_at.expect("present");
        assert_eq!((created.get(), created.raw()), (None, Some("2024-05-01T12:34:56Z")));
    }
}
