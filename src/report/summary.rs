//! The one-line summary printed on stderr after the human formats.

use super::severity_counts;
use crate::finding::{ScanResult, SkipReason};
use std::collections::BTreeMap;

/// One line for humans: "Found 3 findings (1 critical, 2 high) in 120 files (100 python,
/// 20 typescript); 4 suppressed; 2 skipped (1 binary, 1 too large)", or "No findings in 120
/// files ..." when clean.
pub fn summary_line(result: &ScanResult) -> String {
    let files = plural(result.files_scanned, "file", "files");
    let mut line = if result.findings.is_empty() {
        format!("No findings in {files}")
    } else {
        let by_severity: Vec<String> = severity_counts(result)
            .into_iter()
            .map(|(s, n)| format!("{n} {s}"))
            .collect();
        format!(
            "Found {} ({}) in {files}",
            plural(result.findings.len(), "finding", "findings"),
            by_severity.join(", ")
        )
    };
    let mut languages: Vec<(&String, &usize)> = result
        .files_by_language
        .iter()
        .filter(|(_, &n)| n > 0)
        .collect();
    languages.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    if !languages.is_empty() {
        let parts: Vec<String> = languages
            .iter()
            .map(|(name, n)| format!("{n} {name}"))
            .collect();
        line.push_str(&format!(" ({})", parts.join(", ")));
    }
    if !result.suppressed.is_empty() {
        line.push_str(&format!("; {} suppressed", result.suppressed.len()));
    }
    if result.baselined > 0 {
        line.push_str(&format!("; {} baselined", result.baselined));
    }
    if result.unchanged > 0 {
        line.push_str(&format!("; {} on unchanged lines", result.unchanged));
    }
    let left_out: usize = result.left_out.values().sum();
    if left_out > 0 {
        let roles: Vec<String> = result
            .left_out
            .iter()
            .map(|(role, n)| format!("{n} {}", role.as_str()))
            .collect();
        line.push_str(&format!(
            "; {left_out} in tests, examples, benchmarks, docs and scripts not shown ({}; \
             --include-tests shows them)",
            roles.join(", ")
        ));
    }
    if result.below_confidence > 0 {
        line.push_str(&format!(
            "; {} of lower confidence not shown (--min-confidence low shows them)",
            result.below_confidence
        ));
    }
    let (partial, skipped): (Vec<_>, Vec<_>) =
        result.skipped.iter().partition(|s| s.reason.is_partial());
    for (list, what) in [(skipped, "skipped"), (partial, "partly analysed")] {
        if list.is_empty() {
            continue;
        }
        let mut by_reason: BTreeMap<SkipReason, usize> = BTreeMap::new();
        for s in &list {
            *by_reason.entry(s.reason).or_default() += 1;
        }
        let parts: Vec<String> = by_reason
            .into_iter()
            .map(|(r, n)| format!("{n} {}", short_reason(r)))
            .collect();
        line.push_str(&format!("; {} {what} ({})", list.len(), parts.join(", ")));
    }
    line
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `SkipReason::as_str` explains; a summary needs a word or two.
fn short_reason(r: SkipReason) -> &'static str {
    match r {
        SkipReason::Binary => "binary",
        SkipReason::TooLarge => "too large",
        SkipReason::Minified => "minified",
        SkipReason::Unreadable => "unreadable",
        SkipReason::NotAFile => "not a file",
        SkipReason::SyntaxError => "syntax error",
        SkipReason::NotParsed => "not parsed",
        SkipReason::AiguardOutput => "aiguard output",
        SkipReason::BrokenNotebook => "broken notebook",
        SkipReason::Excluded => "excluded",
    }
}
