//! A package name from a spec's title: short, kebab-case, without the words every spec title
//! carries ("GitHub's official OpenAPI spec + Octokit extension" → `github-client`).

use crate::Error;

/// Words that say the document is a spec, not which API it is.
const NOISE: &[&str] = &[
    "api",
    "apis",
    "openapi",
    "swagger",
    "spec",
    "specs",
    "specification",
    "definition",
    "definitions",
    "document",
    "description",
    "official",
    "public",
    "rest",
    "restful",
    "http",
    "the",
    "for",
    "of",
    "and",
    "reference",
    "v1",
    "v2",
    "v3",
    "service",
    "services",
    "json",
    "yaml",
];

/// At most this many words of the title are kept.
const MAX_WORDS: usize = 3;

/// `<short title>-client`; `api-client` when the title is all noise.
pub fn crate_name(title: &str) -> String {
    // The part before a subtitle separator names the API; what follows qualifies it.
    let head = title.split([':', '(', '[', '+', '|', '—', '–']).next().unwrap_or(title);
    let head = head.split(" - ").next().unwrap_or(head);
    let words: Vec<String> = head
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .map(|w| w.trim_end_matches("'s").trim_end_matches("’s").replace('\'', "").to_lowercase())
        .filter(|w| !w.is_empty() && w.is_ascii() && !NOISE.contains(&w.as_str()))
        .take(MAX_WORDS)
        .collect();
    if words.is_empty() {
        return "api-client".to_owned();
    }
    let mut name = words.join("-");
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert_str(0, "api-");
    }
    format!("{name}-client")
}

/// Refuses what Cargo would refuse as a package name.
pub fn check(name: &str) -> Result<(), Error> {
    let valid = name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if valid {
        Ok(())
    } else {
        Err(Error::Usage(format!("{name:?} is not a valid package name (letters, digits, `-`, `_`); pass --name")))
    }
}

#[cfg(test)]
mod tests {
    use super::crate_name;

    #[test]
    fn titles_vendors_publish() {
        let cases = [
            ("GitHub's official OpenAPI spec + Octokit extension", "github-client"),
            ("GitHub v3 REST API", "github-client"),
            ("Stripe API", "stripe-client"),
            ("OpenAI API", "openai-client"),
            ("Twilio - Api", "twilio-client"),
            ("Microsoft Graph", "microsoft-graph-client"),
            ("Kubernetes", "kubernetes-client"),
            ("The Jira Cloud platform REST API", "jira-cloud-platform-client"),
            ("Box Platform API", "box-platform-client"),
            ("Discord HTTP API (Preview)", "discord-client"),
            ("UTAGE API", "utage-client"),
            ("microCMS Management API (media)", "microcms-management-client"),
            ("OpenAPI spec", "api-client"),
            ("1Password Connect", "api-1password-connect-client"),
            ("日本語のAPI", "api-client"),
        ];
        for (title, name) in cases {
            assert_eq!(crate_name(title), name, "{title}");
        }
    }
}
