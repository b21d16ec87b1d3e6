//! Counts and positions between the wire and the engine: the engine counts in `u64`; APIs
//! write counts as signed integers, as JSON numbers or as decimal text. Each conversion takes
//! only what can be a count — never a negative, fractional or overflowing value — so a number
//! from a server can neither panic nor wrap.

/// A count or position the API reports as a signed integer, as the engine counts it; `None` for a
/// negative value, which no page can have.
pub fn count_from_wire(value: i64) -> Option<u64> {
    u64::try_from(value).ok()
}

/// A count or position the API takes or reports as decimal text (Jira's `startAt: "0"`,
/// `maxResults: "50"`), as the engine counts it; `None` for anything but a whole number from 0
/// (a sign, a fraction, an exponent or a number past `u64::MAX` is not a count).
pub fn count_from_text(value: &str) -> Option<u64> {
    let digits = value.trim();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// A count the API reports as a JSON `number` (Cloudflare's `result_info.total_count`), as the
/// engine counts it: `None` unless it is whole, not negative and below 2^64 (NaN, infinities
/// and fractions included).
pub fn count_from_number(value: f64) -> Option<u64> {
    // 2^64 as f64 is exact; every whole f64 below it converts without loss of meaning.
    let whole = value.fract() == 0.0 && (0.0..18_446_744_073_709_551_616.0).contains(&value);
    whole.then_some(value as u64)
}

/// A count or position the engine asks for, as the API's signed integer parameter.
pub fn count_to_wire(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A count written as text is read as the number it says, or not at all: `"0"` is a
    /// count (Jira's default `startAt`), a sign or a fraction is not.
    #[test]
    fn counts_from_text() {
        assert_eq!(count_from_text("0"), Some(0));
        assert_eq!(count_from_text("50"), Some(50));
        assert_eq!(count_from_text(" 7 "), Some(7));
        assert_eq!(count_from_text("007"), Some(7));
        assert_eq!(count_from_text("18446744073709551615"), Some(u64::MAX));
        for bad in ["", " ", "-1", "+1", "1.0", "1e3", "0x10", "12a", "18446744073709551616", "٣"] {
            assert_eq!(count_from_text(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn counts_from_json_numbers() {
        assert_eq!(count_from_number(0.0), Some(0));
        assert_eq!(count_from_number(-0.0), Some(0));
        assert_eq!(count_from_number(20.0), Some(20));
        assert_eq!(count_from_number(1e19), Some(10_000_000_000_000_000_000));
        for bad in [-1.0, 0.5, 2.5, f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 18_446_744_073_709_551_616.0, f64::MAX]
        {
            assert_eq!(count_from_number(bad), None, "{bad}");
        }
    }
}
