//! Text for error messages: body excerpts with secrets blanked out, durations in words.

use std::time::Duration;

/// At most this many bytes of a body are quoted in an error.
pub(crate) const EXCERPT_BYTES: usize = 200;

/// The first [`EXCERPT_BYTES`] of a body, for error messages.
#[cfg(test)]
pub(crate) fn excerpt(body: &[u8]) -> String {
    excerpt_redacted(body, None)
}

/// Like [`excerpt`], with every occurrence of `secret` (a server echoing the key) blanked out.
#[cfg(test)]
pub(crate) fn excerpt_redacted(body: &[u8], secret: Option<&str>) -> String {
    excerpt_without(body, secret.as_slice())
}

/// Like [`excerpt`], with every occurrence of each of `secrets` blanked out.
pub(crate) fn excerpt_without(body: &[u8], secrets: &[&str]) -> String {
    let secrets: Vec<&str> = secrets.iter().copied().filter(|s| !s.is_empty()).collect();
    // Redact before cutting, so a key straddling the cut cannot leave its prefix behind.
    let window = EXCERPT_BYTES + secrets.iter().map(|s| s.len()).max().unwrap_or(0);
    let mut text = String::from_utf8_lossy(&body[..body.len().min(window)]).into_owned();
    for secret in secrets {
        text = text.replace(secret, "<redacted>");
    }
    let mut end = text.len().min(EXCERPT_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let cut = end < text.len() || body.len() > window;
    text.truncate(end);
    if cut {
        text.push('…');
    }
    text
}

/// `1.5 s`, `3 min 20 s`, `2 h 5 min`: durations as a person reads them.
pub(crate) fn human_duration(d: Duration) -> String {
    let secs = d.as_secs();
    if secs < 60 {
        let ms = d.as_millis();
        if ms < 1000 {
            format!("{ms} ms")
        } else {
            format!("{:.1} s", d.as_secs_f64())
        }
    } else if secs < 3600 {
        format!("{} min {} s", secs / 60, secs % 60)
    } else if secs < 3 * 86_400 {
        format!("{} h {} min", secs / 3600, (secs % 3600) / 60)
    } else {
        format!("{} days", secs / 86_400)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_is_short_and_never_shows_the_key() {
        let key = "k3y-abcdef";
        let mut body = b"{\"error\":\"invalid key k3y-abcdef\"}".to_vec();
        assert_eq!(excerpt_redacted(&body, Some(key)), "{\"error\":\"invalid key <redacted>\"}");
        // A key straddling the cut is redacted, not cut in half.
        body = vec![b'x'; EXCERPT_BYTES - 3];
        body.extend_from_slice(key.as_bytes());
        let text = excerpt_redacted(&body, Some(key));
        assert!(!text.contains("k3y"), "{text}");
        assert!(text.ends_with('…'));
        let long = vec![b'a'; 10_000];
        assert_eq!(excerpt(&long).chars().count(), EXCERPT_BYTES + 1);
        // Multi-byte text cut mid-character stays valid.
        let text = excerpt("é".repeat(300).as_bytes());
        assert!(text.len() <= EXCERPT_BYTES + '…'.len_utf8());
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(human_duration(Duration::from_millis(250)), "250 ms");
        assert_eq!(human_duration(Duration::from_millis(1500)), "1.5 s");
        assert_eq!(human_duration(Duration::from_secs(200)), "3 min 20 s");
        assert_eq!(human_duration(Duration::from_secs(7500)), "2 h 5 min");
    }
}
