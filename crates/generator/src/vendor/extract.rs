//! The OpenAPI block of a saved doc page. UTAGE publishes its OpenAPI document inside each doc
//! page, as one fenced YAML block (```` ````yaml GET /media ````).

/// A fenced code block: its info string, its lines and where it starts (1-based).
struct Block {
    info: String,
    line: usize,
    content: String,
}

/// The one OpenAPI YAML block of a page, with a trailing newline. Fences follow CommonMark: three
/// or more backticks or tildes indented by at most three spaces, closed by a longer-or-equal run
/// of the same character; so the ```` ``` ```` examples inside the spec's descriptions, which are
/// indented, neither open nor close anything.
pub fn extract(page: &str) -> Result<String, String> {
    let blocks = fenced_blocks(page)?;
    let yaml: Vec<&Block> = blocks
        .iter()
        .filter(|b| {
            matches!(b.info.split_whitespace().next().map(str::to_ascii_lowercase).as_deref(), Some("yaml" | "yml"))
        })
        .collect();
    // `swagger:` too: which versions are usable is the loader's decision, not the extractor's.
    let is_spec = |l: &str| l.starts_with("openapi:") || l.starts_with("swagger:");
    let openapi: Vec<&&Block> = yaml.iter().filter(|b| b.content.lines().any(is_spec)).collect();
    match openapi.as_slice() {
        [only] => Ok(only.content.clone()),
        [] if yaml.is_empty() => {
            Err("no ```yaml block found; save the doc page that shows the OpenAPI document".to_owned())
        }
        [] => Err(format!(
            "found {} ```yaml block(s) but none with a top-level `openapi:` (or `swagger:`) key; is this a UTAGE API reference page?",
            yaml.len()
        )),
        several => {
            let lines: Vec<String> = several.iter().map(|b| b.line.to_string()).collect();
            Err(format!(
                "found {} OpenAPI ```yaml blocks (at lines {}); expected exactly one — save a single endpoint's page",
                several.len(),
                lines.join(", ")
            ))
        }
    }
}

fn fenced_blocks(page: &str) -> Result<Vec<Block>, String> {
    let mut blocks = Vec::new();
    let mut open: Option<(char, usize, Block)> = None;
    for (index, raw) in page.split('\n').enumerate() {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        match &mut open {
            Some((fence, len, block)) => {
                if closes(line, *fence, *len) {
                    if let Some((_, _, block)) = open.take() {
                        blocks.push(block);
                    }
                } else {
                    block.content.push_str(line);
                    block.content.push('\n');
                }
            }
            None => {
                if let Some((fence, len, info)) = opens(line) {
                    open = Some((fence, len, Block { info, line: index + 1, content: String::new() }));
                }
            }
        }
    }
    match open {
        Some((_, _, block)) => {
            Err(format!("the code block opened at line {} is never closed (was the page saved whole?)", block.line))
        }
        None => Ok(blocks),
    }
}

/// `(fence character, run length, info string)` if `line` opens a fenced block.
fn opens(line: &str) -> Option<(char, usize, String)> {
    let rest = strip_indent(line)?;
    let fence = rest.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let len = rest.chars().take_while(|c| *c == fence).count();
    let info = rest[len * fence.len_utf8()..].trim();
    // A backtick fence's info string may not contain backticks (that is inline code).
    (len >= 3 && !(fence == '`' && info.contains('`'))).then(|| (fence, len, info.to_owned()))
}

fn closes(line: &str, fence: char, open_len: usize) -> bool {
    let Some(rest) = strip_indent(line) else { return false };
    let len = rest.chars().take_while(|c| *c == fence).count();
    len >= open_len && rest[len * fence.len_utf8()..].trim().is_empty()
}

/// The line without up to three leading spaces; `None` if it is indented further (code).
fn strip_indent(line: &str) -> Option<&str> {
    let spaces = line.len() - line.trim_start_matches(' ').len();
    (spaces <= 3).then(|| &line[spaces..])
}
