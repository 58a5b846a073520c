//! Baselines: `--write-baseline FILE` records the current findings, `--baseline FILE` drops the
//! findings it records, so only new ones are reported.
//!
//! The file holds, per finding, the rule id, the repository-relative path and a hash of the
//! finding's fingerprint (rule + path + normalised code of the flagged text and its enclosing
//! function). Never a line number, a snippet or a message: a finding on a secret must not copy the
//! secret into the baseline, and a line moved by an unrelated edit must stay baselined.
//!
//! Matching counts occurrences: a baseline holding a fingerprint twice absorbs two findings with
//! it, and a third is reported.

use crate::finding::{Finding, RepoPaths};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;

/// The file format's version; a file with another one is refused.
pub const VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineFile {
    pub version: u32,
    /// Always "aiguard" (a check that the file is ours).
    pub tool: String,
    pub findings: Vec<Entry>,
}

/// One baselined finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub rule: String,
    /// Relative to the repository root (the nearest ancestor of the working directory holding
    /// `.git`), `/`-separated.
    pub path: String,
    /// Hex hash of the fingerprint without its occurrence index.
    pub hash: String,
}

/// The fingerprint without its `:occurrence` suffix: occurrences are counted when matching.
fn base(fingerprint: &str) -> &str {
    fingerprint
        .rsplit_once(':')
        .map_or(fingerprint, |(base, _)| base)
}

fn hash(f: &Finding) -> String {
    format!(
        "{:016x}",
        crate::finding::fnv64(&["aiguard-baseline/v1", f.rule_id, base(&f.fingerprint)])
    )
}

fn entry(f: &Finding, paths: &RepoPaths) -> Entry {
    Entry {
        rule: f.rule_id.to_string(),
        path: paths.to_root(&f.location.path),
        hash: hash(f),
    }
}

/// The baseline document for `findings`, sorted so that regenerating it gives small diffs.
pub fn render(findings: &[Finding], paths: &RepoPaths) -> String {
    let mut entries: Vec<Entry> = findings.iter().map(|f| entry(f, paths)).collect();
    entries.sort_by(|a, b| (&a.path, &a.rule, &a.hash).cmp(&(&b.path, &b.rule, &b.hash)));
    let doc = BaselineFile {
        version: VERSION,
        tool: "aiguard".into(),
        findings: entries,
    };
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

/// Write the baseline for `findings` to `path`.
pub fn write(path: &Path, findings: &[Finding], paths: &RepoPaths) -> Result<(), String> {
    std::fs::write(path, render(findings, paths))
        .map_err(|e| format!("cannot write baseline {}: {e}", path.display()))
}

/// A loaded baseline: how many findings each (rule, path, hash) may absorb.
#[derive(Debug, Default)]
pub struct Baseline {
    counts: HashMap<Entry, usize>,
}

impl Baseline {
    pub fn parse(text: &str, origin: &Path) -> Result<Baseline, String> {
        let bad = |e: String| format!("{}: not an aiguard baseline: {e}", origin.display());
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| bad(e.to_string()))?;
        match value.get("version").and_then(|v| v.as_u64()) {
            Some(v) if v == u64::from(VERSION) => {}
            Some(v) => {
                return Err(format!(
                    "{}: baseline version {v} is not supported (this aiguard reads version \
                     {VERSION}; write a new one with --write-baseline)",
                    origin.display()
                ))
            }
            None => return Err(bad("no `version` field".into())),
        }
        let doc: BaselineFile = serde_json::from_value(value).map_err(|e| bad(e.to_string()))?;
        if doc.tool != "aiguard" {
            return Err(bad(format!("`tool` is {:?}, not \"aiguard\"", doc.tool)));
        }
        let mut counts = HashMap::new();
        for e in doc.findings {
            *counts.entry(e).or_insert(0) += 1;
        }
        Ok(Baseline { counts })
    }

    pub fn load(path: &Path) -> Result<Baseline, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read baseline {}: {e}", path.display()))?;
        Baseline::parse(&text, path)
    }

    /// Split `findings` into (new, baselined). Findings come in their scan order, so with more
    /// occurrences than the baseline holds, the later ones are reported.
    pub fn filter(
        &self,
        findings: Vec<Finding>,
        paths: &RepoPaths,
    ) -> (Vec<Finding>, Vec<Finding>) {
        let mut left = self.counts.clone();
        let mut findings = findings;
        // Occurrence order within a file is the fingerprint's index; use it, not the line order.
        findings.sort_by_key(|f| occurrence(&f.fingerprint));
        let (mut new, mut old) = (Vec::new(), Vec::new());
        for f in findings {
            match left.get_mut(&entry(&f, paths)) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    old.push(f);
                }
                _ => new.push(f),
            }
        }
        (new, old)
    }
}

fn occurrence(fingerprint: &str) -> u32 {
    fingerprint
        .rsplit_once(':')
        .and_then(|(_, n)| n.parse().ok())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests;
