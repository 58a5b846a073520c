//! AIG907: whether a tool's description gives the model orders beyond the tool's job. The
//! phrases are the pack's (`[tool_injection]`); here they are combined per sentence, so a
//! sensitive word alone ("Reads a file such as .env") is never enough.

use crate::spec::agent_text::ToolInjection;
use regex::Regex;
use std::ops::Range;

/// Why the description is an order to the model, quoting the sentence; `None` when it is not.
/// `spell` gives the text as the model reads it and where hidden text was spelled out: hidden
/// text is addressed to the model, as a block is.
pub fn order_in(
    spec: &ToolInjection,
    description: &str,
    spell: impl Fn(&str) -> (String, Vec<Range<usize>>),
) -> Option<String> {
    let (text, mut blocks) = spell(&normalise(description));
    blocks.extend(block_ranges(spec.blocks.as_ref(), &text));
    for (start, sentence) in sentences(&text) {
        let quoted_out = without_quotes(sentence);
        let has = |r: &Option<Regex>, s: &str| r.as_ref().is_some_and(|r| r.is_match(s));
        let found = |r: &Option<Regex>| r.as_ref().and_then(|r| r.find(sentence));
        let why = if has(&spec.overrides, &quoted_out) {
            Some("tells the model to drop its instructions".to_string())
        } else if has(&spec.secrecy, &quoted_out) {
            Some("tells the model to keep what it does from the user".to_string())
        } else {
            let end = start + sentence.len();
            let in_block = blocks.iter().any(|b| b.start < end && start < b.end);
            let addressed = in_block || has(&spec.addressed, sentence);
            let target =
                found(&spec.sensitive).filter(|_| addressed && has(&spec.access, sentence));
            let destination =
                found(&spec.destinations).filter(|_| addressed && has(&spec.exfil, sentence));
            match (target, destination) {
                (Some(t), _) => Some(format!(
                    "tells the model to read or pass on `{}`",
                    t.as_str().trim()
                )),
                (None, Some(d)) => {
                    Some(format!("tells the model to send data to `{}`", d.as_str()))
                }
                (None, None) => None,
            }
        };
        if let Some(why) = why {
            return Some(format!("{why}: \"{}\"", excerpt(sentence)));
        }
    }
    None
}

/// One space for every run of whitespace, typographic apostrophes as `'`; paragraph breaks end
/// sentences.
fn normalise(text: &str) -> String {
    let text = text.replace(['\u{2018}', '\u{2019}'], "'");
    let mut out = String::with_capacity(text.len());
    for paragraph in text.split("\n\n") {
        let words: Vec<&str> = paragraph.split_whitespace().collect();
        if words.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push_str(" \n ");
        }
        out.push_str(&words.join(" "));
    }
    out
}

/// Sentences with their offsets: split after `.`, `!`, `?` before a space, and at paragraph
/// breaks (`\n`, left by [`normalise`]).
fn sentences(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        let end = match b {
            b'\n' => Some(i),
            b'.' | b'!' | b'?' if bytes.get(i + 1) == Some(&b' ') => Some(i + 1),
            _ => None,
        };
        if let Some(end) = end {
            let s = text[start..end].trim();
            if !s.is_empty() {
                out.push((start, s));
            }
            start = end;
        }
    }
    let s = text[start..].trim();
    if !s.is_empty() {
        out.push((start, s));
    }
    out
}

/// Where `<IMPORTANT>`-like blocks are: from the opening tag to the next closing tag (`</`,
/// or `]` for `[IMPORTANT: ...]`), else to the end.
fn block_ranges(blocks: Option<&Regex>, text: &str) -> Vec<Range<usize>> {
    let Some(blocks) = blocks else {
        return Vec::new();
    };
    blocks
        .find_iter(text)
        .map(|m| {
            let closer = if m.as_str().starts_with('[') {
                "]"
            } else {
                "</"
            };
            let end = text[m.end()..]
                .find(closer)
                .map_or(text.len(), |i| m.end() + i);
            m.start()..end
        })
        .collect()
}

/// The sentence with quoted phrases blanked: a phrase quoted is named, not said.
fn without_quotes(sentence: &str) -> String {
    let mut out = String::with_capacity(sentence.len());
    let mut quote: Option<char> = None;
    let mut prev = ' ';
    for c in sentence.chars() {
        match quote {
            Some(q) if c == q || (q == '\u{201C}' && c == '\u{201D}') => quote = None,
            Some(_) => {}
            // An apostrophe inside a word (`don't`) opens nothing.
            None if matches!(c, '"' | '\u{201C}' | '`')
                || (c == '\'' && !prev.is_alphanumeric()) =>
            {
                quote = Some(c)
            }
            None => out.push(c),
        }
        prev = c;
    }
    out
}

fn excerpt(sentence: &str) -> String {
    const MAX: usize = 160;
    if sentence.chars().count() <= MAX {
        return sentence.to_string();
    }
    let cut: String = sentence.chars().take(MAX).collect();
    format!("{cut}...")
}

#[cfg(test)]
mod tests;
