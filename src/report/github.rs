//! GitHub Actions workflow commands: one annotation per finding.
//! `::error file=P,line=L,endLine=L2,col=C,endColumn=C2,title=aiguard (AIG601)::P:L:C: AIG601 msg`

use crate::finding::{Finding, ScanResult, Severity};
use std::fmt::Write;

pub(super) fn render(result: &ScanResult) -> String {
    let mut out = String::new();
    for f in &result.findings {
        annotation(&mut out, f);
    }
    out
}

fn annotation(out: &mut String, f: &Finding) {
    let l = &f.location;
    let level = match f.severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "notice",
    };
    let _ = write!(
        out,
        "::{level} file={},line={},endLine={}",
        escape_property(&l.path),
        l.line,
        l.end_line
    );
    // GitHub rejects or misplaces column ranges that span lines (ruff #22074).
    if l.line == l.end_line {
        let _ = write!(out, ",col={},endColumn={}", l.col, l.end_col);
    }
    let mut data = format!(
        "{}:{}:{}: {} {}",
        l.path, l.line, l.col, f.rule_id, f.message
    );
    if let (Some(cell), Some(cell_line)) = (l.cell, l.cell_line) {
        let _ = write!(data, " (cell {cell}, line {cell_line})");
    }
    let _ = writeln!(
        out,
        ",title={}::{}",
        escape_property(&format!("aiguard ({})", f.rule_id)),
        escape_data(&data)
    );
}

/// The message part of a workflow command. Other control characters (an ESC would restyle the
/// log or the terminal that reads it) become U+FFFD.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
        .replace(|c: char| c.is_control(), "\u{FFFD}")
}

/// A `key=value` property: also `:` and `,`, which would end the value.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests;
