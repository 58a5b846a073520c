//! The JSON format: a stable, versioned schema documented in docs/output-formats.md. It has its
//! own serde structs so internal renames in `Finding` never change the output.

use crate::finding::{Finding, Location, ScanResult, Severity, SkipReason};
use serde::Serialize;
use std::collections::BTreeMap;

/// Bump when a field is removed or changes meaning; adding fields keeps the version.
const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    tool: Tool,
    findings: Vec<JsonFinding<'a>>,
    summary: Summary<'a>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule_id: &'a str,
    rule_name: &'a str,
    severity: Severity,
    confidence: crate::finding::Confidence,
    message: &'a str,
    location: JsonLocation<'a>,
    flow: Vec<JsonStep<'a>>,
    fingerprint: &'a str,
    fixable: bool,
    /// `production`, `test`, `example`, `benchmark`, `docs` or `script`.
    role: crate::finding::FileRole,
}

#[derive(Serialize)]
struct JsonLocation<'a> {
    path: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    cell: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cell_line: Option<u32>,
}

#[derive(Serialize)]
struct JsonStep<'a> {
    location: JsonLocation<'a>,
    label: &'a str,
}

#[derive(Serialize)]
struct Summary<'a> {
    files_scanned: usize,
    bytes_scanned: u64,
    files_by_language: &'a BTreeMap<String, usize>,
    findings_by_severity: BySeverity,
    suppressed: usize,
    baselined: usize,
    /// Findings not reported because their code is not production code, per role.
    left_out: &'a BTreeMap<crate::finding::FileRole, usize>,
    /// Findings not reported because their confidence is below `--min-confidence`.
    below_confidence: usize,
    skipped: Vec<JsonSkipped<'a>>,
}

/// Every severity, always present, most severe first.
#[derive(Serialize, Default)]
struct BySeverity {
    critical: usize,
    high: usize,
    medium: usize,
    low: usize,
    info: usize,
}

#[derive(Serialize)]
struct JsonSkipped<'a> {
    path: &'a str,
    reason: SkipReason,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<&'a str>,
}

fn location(l: &Location) -> JsonLocation<'_> {
    JsonLocation {
        path: &l.path,
        line: l.line,
        column: l.col,
        end_line: l.end_line,
        end_column: l.end_col,
        cell: l.cell,
        cell_line: l.cell_line,
    }
}

fn finding(f: &Finding) -> JsonFinding<'_> {
    JsonFinding {
        rule_id: f.rule_id,
        rule_name: f.rule_name,
        severity: f.severity,
        confidence: f.confidence,
        message: &f.message,
        location: location(&f.location),
        flow: f
            .flow
            .iter()
            .map(|s| JsonStep {
                location: location(&s.location),
                label: &s.label,
            })
            .collect(),
        fingerprint: &f.fingerprint,
        fixable: f.fixable,
        role: f.role,
    }
}

pub(super) fn render(result: &ScanResult) -> String {
    let mut by_severity = BySeverity::default();
    for f in &result.findings {
        *match f.severity {
            Severity::Critical => &mut by_severity.critical,
            Severity::High => &mut by_severity.high,
            Severity::Medium => &mut by_severity.medium,
            Severity::Low => &mut by_severity.low,
            Severity::Info => &mut by_severity.info,
        } += 1;
    }
    let report = Report {
        version: SCHEMA_VERSION,
        tool: Tool {
            name: "aiguard",
            version: env!("CARGO_PKG_VERSION"),
        },
        findings: result.findings.iter().map(finding).collect(),
        summary: Summary {
            files_scanned: result.files_scanned,
            bytes_scanned: result.bytes_scanned,
            files_by_language: &result.files_by_language,
            findings_by_severity: by_severity,
            suppressed: result.suppressed.len(),
            baselined: result.baselined,
            left_out: &result.left_out,
            below_confidence: result.below_confidence,
            skipped: result
                .skipped
                .iter()
                .map(|s| JsonSkipped {
                    path: &s.path,
                    reason: s.reason,
                    detail: s.detail.as_deref(),
                })
                .collect(),
        },
    };
    // Plain data with string keys: serialisation cannot fail.
    let mut text = serde_json::to_string_pretty(&report).unwrap_or_default();
    text.push('\n');
    text
}
