//! Output formats. Each renders a whole [`ScanResult`] to a string.

use crate::finding::ScanResult;
use crate::rules::Registry;
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
    _format: Format,
    _result: &ScanResult,
    _registry: &Registry,
    _opts: &ReportOptions,
) -> String {
    String::new()
}

/// One line for humans on stderr: "Found 3 findings (1 critical, 2 high) in 120 files; 2 skipped".
pub fn summary_line(result: &ScanResult) -> String {
    format!(
        "Found {} findings in {} files",
        result.findings.len(),
        result.files_scanned
    )
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
