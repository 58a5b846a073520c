//! Output formats. Each renders a whole [`ScanResult`] to a string, from the result alone: files
//! are never re-read, so what is printed is what the scan kept (secrets already redacted in
//! snippets), and the rendered text is masked once more before it is returned.

mod concise;
mod full;
mod github;
mod json;
mod sarif;
mod summary;

pub use summary::summary_line;

use crate::finding::{ScanResult, Severity};
use crate::spec::registry::Registry;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Full,
    Concise,
    Json,
    Sarif,
    Github,
}

#[derive(Debug, Clone)]
pub struct ReportOptions {
    pub color: bool,
    /// Terminal width for the full format.
    pub width: usize,
    /// Directory SARIF URIs are relative to (`%SRCROOT%`): the repository root.
    pub repo_root: PathBuf,
    /// The working directory that display paths are relative to.
    pub cwd: PathBuf,
    /// Rule ids enabled for this run, sorted (SARIF lists them all).
    pub enabled_rules: Vec<&'static str>,
}

pub fn render(
    format: Format,
    result: &ScanResult,
    registry: &Registry,
    opts: &ReportOptions,
) -> String {
    let text = match format {
        Format::Full => full::render(result, registry, opts),
        Format::Concise => concise::render(result),
        Format::Json => json::render(result),
        Format::Sarif => sarif::render(result, registry, opts),
        Format::Github => github::render(result),
    };
    crate::rules::secrets::mask_output(&text, &result.secrets, &registry.secrets)
}

/// `--statistics`: one line per rule with its count, most frequent first.
pub fn statistics(result: &ScanResult) -> String {
    let mut counts: std::collections::BTreeMap<(&str, &str), usize> = Default::default();
    for f in &result.findings {
        *counts.entry((f.rule_id, f.rule_name)).or_default() += 1;
    }
    let mut rows: Vec<_> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    rows.iter()
        .map(|((id, name), n)| format!("{n:>5}  {id}  {name}\n"))
        .collect()
}

/// Findings per severity, most severe first (only severities that occur).
fn severity_counts(result: &ScanResult) -> Vec<(Severity, usize)> {
    Severity::ALL
        .iter()
        .rev()
        .map(|&s| {
            (
                s,
                result.findings.iter().filter(|f| f.severity == s).count(),
            )
        })
        .filter(|&(_, n)| n > 0)
        .collect()
}

/// Text from scanned files or messages, made safe for a terminal or a one-line format: control
/// characters (an ESC could restyle or rewrite the user's terminal) become U+FFFD, one code point
/// for one so columns still line up; newlines become spaces unless `keep_newlines`.
pub fn sanitize(text: &str, keep_newlines: bool) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| c.is_control() && c != '\t' && !(keep_newlines && c == '\n');
    if !text.chars().any(bad) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(
        text.chars()
            .map(|c| match c {
                '\n' | '\r' if !keep_newlines => ' ',
                c if bad(c) => '\u{FFFD}',
                c => c,
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests;
