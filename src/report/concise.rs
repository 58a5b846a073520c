//! `path:line:col: AIG601 [high] message`, one finding a line (Ruff's concise format, plus the
//! severity). Fixable findings carry `[*]` after the code.

use super::sanitize;
use crate::finding::{Finding, ScanResult};
use std::fmt::Write;

pub(super) fn render(result: &ScanResult) -> String {
    let mut out = String::new();
    for f in &result.findings {
        line(&mut out, f);
    }
    out
}

fn line(out: &mut String, f: &Finding) {
    let l = &f.location;
    let _ = write!(
        out,
        "{}:{}:{}: {}{} [{}] {}",
        sanitize(&l.path, false),
        l.line,
        l.col,
        f.rule_id,
        if f.fixable { " [*]" } else { "" },
        f.severity,
        sanitize(&f.message, false),
    );
    // Notebook positions point into the .ipynb JSON; the cell coordinates are what people read.
    if let (Some(cell), Some(cell_line)) = (l.cell, l.cell_line) {
        let _ = write!(out, " (cell {cell}, line {cell_line})");
    }
    out.push('\n');
}
