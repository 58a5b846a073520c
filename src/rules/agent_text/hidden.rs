//! AIG906: runs of hidden characters, told apart from ordinary text by the `[[hidden_text]]`
//! classes (an emoji's joiner, a Persian ZWNJ and a flag's tag characters are not hidden text).

use crate::spec::agent_text::{AgentText, HiddenClass, Report};
use std::borrow::Cow;
use std::ops::Range;

/// A reported run: its byte offset in the scanned text and its characters.
#[derive(Debug, Clone)]
pub struct Run {
    pub start: usize,
    pub end: usize,
    pub chars: Vec<char>,
}

/// The reported runs of hidden characters in `text[range]`, read with the text around them
/// (neighbours and line). `anywhere_only`: only the classes reported in any source code.
pub fn reported_runs(
    spec: &AgentText,
    text: &str,
    range: Range<usize>,
    anywhere_only: bool,
) -> Vec<Run> {
    let mut out = Vec::new();
    let Some(slice) = text.get(range.clone()) else {
        return out;
    };
    let mut iter = slice.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        if spec.class_of(c).is_none() {
            continue;
        }
        let start = range.start + i;
        let mut chars = vec![c];
        let mut end = start + c.len_utf8();
        while let Some(&(j, d)) = iter.peek() {
            if spec.class_of(d).is_none() {
                break;
            }
            chars.push(d);
            end = range.start + j + d.len_utf8();
            iter.next();
        }
        let prev = text[..start].chars().next_back();
        let next = text[end..].chars().next();
        let line = line_around(text, start);
        let reported = spec.hidden.iter().any(|class| {
            let count = chars
                .iter()
                .filter(|&&c| class.code_points.contains(c))
                .count();
            count > 0
                && (class.anywhere || !anywhere_only)
                && reports(class, count, prev, next, line)
        });
        if reported {
            out.push(Run { start, end, chars });
        }
    }
    out
}

fn reports(
    class: &HiddenClass,
    count: usize,
    prev: Option<char>,
    next: Option<char>,
    line: &str,
) -> bool {
    match class.report {
        Report::Always => {
            let excused =
                prev.is_some_and(|p| class.allowed_after.contains(p)) && count <= class.allowed_run;
            let in_rtl_line = !class.unless_line_has.is_empty()
                && line.chars().any(|c| class.unless_line_has.contains(c));
            !excused && !in_rtl_line
        }
        Report::BetweenLatin => {
            count >= class.min_run || (prev.is_some_and(latin) && next.is_some_and(latin))
        }
        Report::InRuns => count >= class.min_run,
    }
}

/// A letter or digit of a Latin-script word (where no joiner or zero-width space belongs).
fn latin(c: char) -> bool {
    c.is_ascii_alphanumeric() || (('\u{C0}'..='\u{24F}').contains(&c) && c.is_alphabetic())
}

fn line_around(text: &str, at: usize) -> &str {
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    &text[start..end]
}

/// What the runs of one line are, for a message: each class with its count and first code
/// points, and the ASCII that classes spelling it (tag characters) spell.
pub fn describe(spec: &AgentText, runs: &[Run]) -> String {
    let mut parts = Vec::new();
    for class in &spec.hidden {
        let chars: Vec<char> = runs
            .iter()
            .flat_map(|r| r.chars.iter().copied())
            .filter(|&c| class.code_points.contains(c))
            .collect();
        if chars.is_empty() {
            continue;
        }
        let mut points: Vec<String> = Vec::new();
        for c in &chars {
            let p = code_point(*c);
            if !points.contains(&p) {
                points.push(p);
            }
        }
        let shown = points.len().min(4);
        let more = if points.len() > shown { ", ..." } else { "" };
        let mut part = format!(
            "{} x {} ({}{more})",
            chars.len(),
            class.name,
            points[..shown].join(", ")
        );
        if let Some(offset) = class.ascii_offset {
            let spelled: String = chars
                .iter()
                .filter_map(|&c| char::from_u32((c as u32).checked_sub(offset)?))
                .filter(|c| c.is_ascii_graphic() || *c == ' ')
                .collect();
            if !spelled.is_empty() {
                let cut: String = spelled.chars().take(160).collect();
                let ellipsis = if spelled.len() > cut.len() { "..." } else { "" };
                part.push_str(&format!(" spelling \"{cut}{ellipsis}\""));
            }
        }
        parts.push(part);
    }
    parts.join("; ")
}

/// `text` as a model reads it: characters that spell ASCII (tag characters) spelled out, with
/// where each spelled run is.
pub fn spelled_out(spec: &AgentText, text: &str) -> (String, Vec<Range<usize>>) {
    let spelled = |c: char| {
        let offset = spec.class_of(c)?.ascii_offset?;
        char::from_u32((c as u32).checked_sub(offset)?).filter(|a| a.is_ascii())
    };
    let mut out = String::with_capacity(text.len());
    let mut ranges: Vec<Range<usize>> = Vec::new();
    for c in text.chars() {
        match spelled(c) {
            Some(a) => {
                match ranges.last_mut() {
                    Some(r) if r.end == out.len() => r.end += 1,
                    _ => ranges.push(out.len()..out.len() + 1),
                }
                out.push(a);
            }
            None => out.push(c),
        }
    }
    (out, ranges)
}

fn code_point(c: char) -> String {
    format!("U+{:04X}", c as u32)
}

/// `text` with every hidden character not kept in snippets written as `<U+200B>`, so no output
/// shows text a reader cannot see.
pub fn escape_hidden<'a>(spec: &AgentText, text: &'a str) -> Cow<'a, str> {
    let escaped = |c: char| spec.class_of(c).is_some_and(|h| !h.kept_in_snippets);
    if !text.chars().any(escaped) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if escaped(c) {
            out.push('<');
            out.push_str(&code_point(c));
            out.push('>');
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}
