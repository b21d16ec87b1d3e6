use std::collections::HashSet;

use time::macros::{date, datetime};

use super::*;

fn decode<T: TimeFormat>(text: &str) -> Lenient<T> {
    serde_json::from_value(serde_json::Value::String(text.into())).expect("any string decodes")
}

fn encode<T: TimeFormat>(value: &Lenient<T>) -> String {
    serde_json::to_value(value).expect("writable").as_str().expect("a string").to_owned()
}

#[test]
fn rfc3339_parses_with_offsets_and_fractions() {
    let utc: DateTime = decode("2025-02-28T05:34:48.722Z");
    assert_eq!(utc.get(), Some(datetime!(2025-02-28 05:34:48.722 UTC)));
    let tokyo: DateTime = decode("2025-02-28T14:34:48.722+09:00");
    assert_eq!(tokyo.get().map(|t| t.offset().whole_hours()), Some(9));
    // One instant, two spellings: equal, and hashed alike.
    assert_eq!(utc, tokyo);
    assert_eq!(HashSet::from([utc.clone(), tokyo]).len(), 1);
    let nanos: DateTime = decode("2026-04-10T12:00:00.123456789Z");
    assert_eq!(nanos.get().map(|t| t.nanosecond()), Some(123_456_789));
}

#[test]
fn text_in_another_form_is_kept_not_refused() {
    for garbage in ["2024-05-01 12:34:56", "yesterday", "", "2024-13-01T00:00:00Z"] {
        let value: DateTime = decode(garbage);
        assert_eq!(value.get(), None, "{garbage:?}");
        assert_eq!(value.raw(), Some(garbage));
        assert_eq!(value.to_string(), garbage);
        assert_eq!(encode(&value), garbage);
    }
    let error = serde_json::from_value::<DateTime>(serde_json::json!(1_700_000_000));
    assert!(error.is_err(), "a number is not a timestamp's text");
}

#[test]
fn what_came_in_goes_out_unchanged() {
    // `time` would write `.000Z` as `Z` and `+00:00` as `Z`; the received text wins.
    for text in ["2026-04-10T12:00:00.000Z", "2026-04-10T12:00:00+00:00", "2026-04-10t12:00:00z"] {
        let value: DateTime = decode(text);
        assert!(value.is_parsed(), "{text}");
        assert_eq!(encode(&value), text);
    }
}

#[test]
fn built_values_are_written_in_the_declared_form() {
    let built = DateTime::from(datetime!(2026-04-10 12:00 +09:00));
    assert_eq!(built.raw(), None);
    assert_eq!(encode(&built), "2026-04-10T12:00:00+09:00");
    assert_eq!(built, decode("2026-04-10T03:00:00Z"));
    let too_far = DateTime::from(datetime!(-0001-01-01 0:00 UTC));
    assert!(serde_json::to_value(&too_far).is_err(), "RFC 3339 has four-digit years");
}

#[test]
fn dates_and_local_date_times() {
    let day: Date = decode("2024-05-01");
    assert_eq!(day.get(), Some(date!(2024 - 05 - 01)));
    assert_eq!(encode(&Date::from(date!(2024 - 05 - 01))), "2024-05-01");
    assert!(!decode::<time::Date>("2024-05-01T00:00:00Z").is_parsed());

    let local: LocalDateTime = decode("2024-05-01 12:34:56");
    assert_eq!(local.get(), Some(datetime!(2024-05-01 12:34:56)));
    assert_eq!(encode(&LocalDateTime::from(datetime!(2024-05-01 12:34:56))), "2024-05-01 12:34:56");
    let rfc: LocalDateTime = decode("2024-05-01T12:34:56Z");
    assert_eq!((rfc.get(), rfc.raw()), (None, Some("2024-05-01T12:34:56Z")));
}

#[test]
fn unparsed_values_compare_by_text() {
    let a: DateTime = decode("soon");
    assert_eq!(a, decode("soon"));
    assert_ne!(a, decode("later"));
    assert_ne!(decode::<OffsetDateTime>("2024-05-01T00:00:00Z"), a);
    assert_eq!(format!("{a:?}"), "Unparsed(\"soon\")");
}
