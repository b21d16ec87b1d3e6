//! Spec descriptions → rustdoc. Vendor prose is Markdown written for a web page; rustdoc reads it
//! differently in three ways that matter: an untagged code fence is compiled as a doctest, `[x]`
//! is an intra-doc link, and a bare URL or `<tag>` draws a lint. This module neutralises those.

use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc = "…"]` attributes for each line of the text (nothing for empty text).
pub fn doc_attrs(text: &str) -> TokenStream {
    let text = sanitize(text);
    let lines = text.lines().map(|line| format!(" {line}"));
    quote! { #( #[doc = #lines] )* }
}

/// `#[doc]` attributes for text the generator wrote itself (already valid rustdoc, links kept).
pub fn own_doc_attrs(text: &str) -> TokenStream {
    let lines = text.lines().map(|line| format!(" {line}"));
    quote! { #( #[doc = #lines] )* }
}

/// Joins optional paragraphs with blank lines.
pub fn paragraphs<'a>(parts: impl IntoIterator<Item = Option<&'a str>>) -> String {
    parts.into_iter().flatten().map(str::trim).filter(|p| !p.is_empty()).collect::<Vec<_>>().join("\n\n")
}

pub fn sanitize(text: &str) -> String {
    let mut out = Vec::new();
    let mut fence: Option<String> = None;
    for raw in text.trim().replace("\r\n", "\n").lines() {
        let trimmed = raw.trim_start();
        let marker = ["```", "~~~"].into_iter().find(|m| trimmed.starts_with(m));
        match (&fence, marker) {
            (None, Some(m)) => {
                let info = trimmed.trim_start_matches(m.chars().next().unwrap_or('`')).trim();
                // Only Rust-tagged or untagged blocks become doctests: show them as text instead.
                let info = if info.is_empty() || info == "rust" || info == "rs" { "text" } else { info };
                out.push(format!("{m}{info}"));
                fence = Some(m.to_owned());
            }
            (Some(open), Some(m)) if m == open => {
                out.push(m.to_owned());
                fence = None;
            }
            (Some(_), _) => out.push(raw.to_owned()),
            // Four leading spaces would make an indented (and compiled) code block.
            (None, None) => out.push(escape_line(if raw.starts_with("    ") { trimmed } else { raw })),
        }
    }
    if let Some(open) = fence {
        out.push(open);
    }
    out.join("\n")
}

/// Escapes link brackets and `<`, and wraps bare URLs, outside inline code spans.
fn escape_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    for (i, piece) in line.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        if i % 2 == 1 {
            out.push_str(piece);
            continue;
        }
        out.push_str(&escape_prose(piece));
    }
    out
}

fn escape_prose(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(url_len) = url_at(rest) {
            out.push('<');
            out.push_str(&rest[..url_len]);
            out.push('>');
            rest = &rest[url_len..];
            continue;
        }
        let mut chars = rest.chars();
        let Some(c) = chars.next() else { break };
        match c {
            '[' => out.push_str("\\["),
            ']' => out.push_str("\\]"),
            '<' => out.push_str("&lt;"),
            _ => out.push(c),
        }
        rest = chars.as_str();
    }
    out
}

/// The length of the URL starting `text`, without trailing punctuation.
fn url_at(text: &str) -> Option<usize> {
    if !(text.starts_with("https://") || text.starts_with("http://")) {
        return None;
    }
    let end =
        text.find(|c: char| c.is_whitespace() || !c.is_ascii() || matches!(c, '<' | '>' | '"')).unwrap_or(text.len());
    let url = text[..end].trim_end_matches(['.', ',', ')', ';', ':', '!', '?']);
    Some(url.len())
}

#[cfg(test)]
mod tests {
    use super::sanitize;

    #[test]
    fn untagged_fences_become_text() {
        assert_eq!(sanitize("a\n```\nx: 1\n```"), "a\n```text\nx: 1\n```");
        assert_eq!(sanitize("```json\n{}\n```"), "```json\n{}\n```");
    }

    #[test]
    fn brackets_urls_and_tags_are_escaped_outside_code() {
        assert_eq!(sanitize("see items[] and `items[]`"), "see items\\[\\] and `items[]`");
        assert_eq!(sanitize("go to https://a.example/x."), "go to <https://a.example/x>.");
        assert_eq!(sanitize("Bearer <key>"), "Bearer &lt;key>");
    }

    #[test]
    fn japanese_text_is_kept() {
        assert_eq!(sanitize("名前で部分一致検索"), "名前で部分一致検索");
    }
}
