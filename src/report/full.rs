//! The human format: one miette diagnostic per finding, with a code frame built from the
//! finding's snippet (real line numbers), the primary span and the flow steps as labels.

use super::{sanitize, ReportOptions};
use crate::finding::{Finding, Location, ScanResult, Severity};
use crate::spec::registry::Registry;
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};
use std::fmt::{self, Write};

/// Narrower than this and miette's wrapping turns the frame into noise.
const MIN_WIDTH: usize = 40;

pub(super) fn render(result: &ScanResult, registry: &Registry, opts: &ReportOptions) -> String {
    // An explicit theme: miette's own detection looks at stderr, and findings go to stdout.
    let theme = if opts.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_width(opts.width.max(MIN_WIDTH));
    let mut out = String::new();
    for f in &result.findings {
        if !out.is_empty() {
            out.push('\n');
        }
        let diagnostic = FindingDiagnostic::new(f, registry);
        if handler.render_report(&mut out, &diagnostic).is_err() {
            // miette only fails on a span it cannot read; fall back to a plain line.
            let l = &f.location;
            let path = sanitize(&l.path, false);
            let _ = writeln!(out, "{path}:{}:{}: {}\n", l.line, l.col, diagnostic.message);
        }
    }
    out
}

/// The snippet as miette source: reports the real line numbers (the snippet starts at
/// `first_line`) and the file name.
#[derive(Debug)]
struct Frame {
    name: String,
    text: String,
    first_line: u32,
}

impl SourceCode for Frame {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner =
            self.text
                .as_str()
                .read_span(span, context_lines_before, context_lines_after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.first_line.saturating_sub(1) as usize,
            inner.column(),
            inner.line_count(),
        )))
    }
}

#[derive(Debug)]
struct FindingDiagnostic {
    message: String,
    /// `AIG605 [high] dangerous-opt-in-enabled`: what a reader triages by.
    code: String,
    severity: miette::Severity,
    help: String,
    /// `None` when the finding has no snippet (nothing to frame).
    frame: Option<Frame>,
    labels: Vec<LabeledSpan>,
}

impl fmt::Display for FindingDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FindingDiagnostic {}

impl Diagnostic for FindingDiagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.code))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.help))
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.frame.as_ref().map(|f| f as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.frame.is_none() || self.labels.is_empty() {
            return None;
        }
        Some(Box::new(self.labels.iter().cloned()))
    }
}

impl FindingDiagnostic {
    fn new(f: &Finding, registry: &Registry) -> FindingDiagnostic {
        let l = &f.location;
        let mut message = sanitize(&f.message, false).into_owned();
        let snippet = sanitize(&f.snippet, true).into_owned();
        let view = SnippetView {
            text: &snippet,
            first_line: f.snippet_line,
            primary: l,
        };
        let (frame, labels, outside) = match view.span(l) {
            None => {
                // No frame can show where it is, so the message says it.
                let path = sanitize(&l.path, false);
                let _ = match (l.cell, l.cell_line) {
                    (Some(cell), Some(line)) => {
                        write!(message, " (at {path} [cell {cell}], line {line})")
                    }
                    _ => write!(message, " (at {path}:{}:{})", l.line, l.col),
                };
                (None, Vec::new(), !f.flow.is_empty())
            }
            Some(primary) => {
                let mut labels = vec![LabeledSpan::new_primary_with_span(
                    Some(f.rule_name.to_string()),
                    span(primary),
                )];
                let mut outside = false;
                for step in &f.flow {
                    match view.span(&step.location) {
                        // The sink usually is the finding itself: one label is enough there.
                        Some(s) if s == primary => {}
                        Some(s) => labels.push(LabeledSpan::new_with_span(
                            Some(sanitize(&step.label, false).into_owned()),
                            span(s),
                        )),
                        None => outside = true,
                    }
                }
                let name = match l.cell {
                    Some(cell) => format!("{} [cell {cell}]", sanitize(&l.path, false)),
                    None => sanitize(&l.path, false).into_owned(),
                };
                let frame = Frame {
                    name,
                    text: snippet,
                    first_line: f.snippet_line.max(1),
                };
                (Some(frame), labels, outside)
            }
        };
        let mut help = String::new();
        if outside {
            let steps: Vec<String> = f
                .flow
                .iter()
                .map(|s| {
                    format!(
                        "{} at {}",
                        sanitize(&s.label, false),
                        position(&s.location, l)
                    )
                })
                .collect();
            let _ = writeln!(help, "flow: {}", steps.join(" -> "));
        }
        if let Some(rule) = registry.get(f.rule_id) {
            let _ = write!(help, "{} ", rule.summary);
        }
        let _ = write!(help, "See `aiguard explain {}`.", f.rule_id);
        FindingDiagnostic {
            message,
            code: format!("{} [{}] {}", f.rule_id, f.severity, f.rule_name),
            severity: match f.severity {
                Severity::Critical | Severity::High => miette::Severity::Error,
                Severity::Medium => miette::Severity::Warning,
                Severity::Low | Severity::Info => miette::Severity::Advice,
            },
            help,
            frame,
            labels,
        }
    }
}

fn span((start, end): (usize, usize)) -> SourceSpan {
    SourceSpan::from(start..end.max(start))
}

/// `L:C`, with the path when it differs from the finding's, and cell coordinates in notebooks.
fn position(at: &Location, finding: &Location) -> String {
    let place = match (at.cell, at.cell_line) {
        (Some(cell), Some(line)) => format!("cell {cell}, line {line}"),
        _ => format!("{}:{}", at.line, at.col),
    };
    if at.path == finding.path {
        place
    } else {
        format!("{}:{place}", sanitize(&at.path, false))
    }
}

/// Maps locations onto the snippet's bytes.
struct SnippetView<'a> {
    text: &'a str,
    first_line: u32,
    primary: &'a Location,
}

impl SnippetView<'_> {
    /// Byte range of `loc` in the snippet, or `None` when it starts outside it. The end is
    /// clamped: snippets are capped in lines and long lines are cut.
    fn span(&self, loc: &Location) -> Option<(usize, usize)> {
        if loc.path != self.primary.path {
            return None;
        }
        let rows = self.text.split_inclusive('\n').count();
        match (self.primary.cell, loc.cell, loc.cell_line) {
            // In notebooks `line`/`col` point into the JSON: map by cell line and cell column
            // (whole lines when the column is unknown).
            (Some(cell), Some(loc_cell), Some(cell_line)) => {
                if cell != loc_cell {
                    return None;
                }
                let row = cell_line.checked_sub(self.first_line)? as usize;
                if row >= rows {
                    return None;
                }
                let end_row = row + loc.end_line.saturating_sub(loc.line) as usize;
                if let Some((col, end_col)) = loc.cell_col {
                    let start = self.offset(row, col)?;
                    let end = if end_row >= rows {
                        self.line_bounds(rows - 1)?.1
                    } else {
                        self.offset(end_row, end_col)?
                    };
                    return Some((start, end.max(start)));
                }
                let last = end_row.min(rows - 1);
                let (start, line_end) = self.line_bounds(row)?;
                let indent = self.text[start..line_end]
                    .find(|c: char| !c.is_whitespace())
                    .unwrap_or(0);
                let (_, end) = self.line_bounds(last)?;
                Some((start + indent, end))
            }
            (None, None, _) => {
                let row = loc.line.checked_sub(self.first_line)? as usize;
                if row >= rows {
                    return None;
                }
                let start = self.offset(row, loc.col)?;
                let end_row = loc.end_line.checked_sub(self.first_line)? as usize;
                let end = if end_row >= rows {
                    self.line_bounds(rows - 1)?.1
                } else {
                    self.offset(end_row, loc.end_col)?
                };
                Some((start, end.max(start)))
            }
            _ => None,
        }
    }

    /// Start and end (before the newline) of a row of the snippet.
    fn line_bounds(&self, row: usize) -> Option<(usize, usize)> {
        let mut start = 0;
        for (i, line) in self.text.split_inclusive('\n').enumerate() {
            if i == row {
                let content = line.trim_end_matches(['\n', '\r']);
                return Some((start, start + content.len()));
            }
            start += line.len();
        }
        None
    }

    /// Byte offset of a 1-based code-point column, clamped to the line (redaction can shorten it).
    fn offset(&self, row: usize, col: u32) -> Option<usize> {
        let (start, end) = self.line_bounds(row)?;
        let skip = col.saturating_sub(1) as usize;
        let within = self.text[start..end]
            .char_indices()
            .nth(skip)
            .map_or(end - start, |(i, _)| i);
        Some(start + within)
    }
}
