//! The last guard before anything is written: every report, diff and inventory passes through
//! [`mask_output`]. Snippets are already redacted where they are cut, but text reaches the output
//! by other ways too (a diff's context lines, a key used as a model id in the inventory, a key in a
//! file name), so the written text itself is masked: every secret value the scan found, in its
//! raw and its JSON-escaped spelling, and every key shape a prefixed detector sees in the text.

use crate::spec::secrets::Detectors;
use aho_corasick::{AhoCorasickBuilder, MatchKind};
use std::collections::BTreeSet;
use std::ops::Range;

/// Values shorter than this are fragments (a key cut at a line end), too short to mask globally
/// without masking ordinary words.
const MIN_VALUE: usize = 8;

/// `text` with every known secret value and every prefixed key shape replaced by asterisks.
pub fn mask_output(text: &str, known: &BTreeSet<String>, detectors: &Detectors) -> String {
    let mut ranges = detectors.key_shapes(text);
    let patterns: Vec<String> = known
        .iter()
        .filter(|v| v.len() >= MIN_VALUE)
        .flat_map(|v| {
            // A key that code splits at its punctuation (`sk-proj-…` read as a subtraction) is
            // printed in pieces: its long alphanumeric runs are masked on their own too.
            let runs = v
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|r| r.len() >= 16 && r.len() < v.len())
                .map(str::to_string);
            [v.clone(), json_escaped(v)].into_iter().chain(runs)
        })
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if !patterns.is_empty() {
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&patterns)
            .expect("literal patterns build");
        ranges.extend(ac.find_iter(text).map(|m| m.range()));
    }
    if ranges.is_empty() {
        return text.to_string();
    }
    ranges.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for r in merge(ranges) {
        if r.start < at || !text.is_char_boundary(r.start) || !text.is_char_boundary(r.end) {
            continue;
        }
        out.push_str(&text[at..r.start]);
        out.push_str(&"*".repeat(text[r.clone()].chars().count().min(8)));
        at = r.end;
    }
    out.push_str(&text[at..]);
    out
}

/// Overlapping or touching ranges joined, in order.
fn merge(sorted: Vec<Range<usize>>) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::with_capacity(sorted.len());
    for r in sorted {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

/// The value as it stands inside a JSON string (SARIF and JSON reports).
fn json_escaped(value: &str) -> String {
    let quoted = serde_json::to_string(value).unwrap_or_default();
    quoted
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(&quoted)
        .to_string()
}

#[cfg(test)]
mod tests;
