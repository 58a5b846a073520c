//! A file's result as the result cache keeps it ([`crate::cache`]): every field of a
//! [`Scanned`], rule ids and fact names as strings (mapped back through the registry), and the
//! file's secrets as spans, never their text (read again from the file on a hit).

use super::{FileResult, Scanned};
use crate::finding::{Confidence, Edit, FileRole, Finding, FlowStep, Location, Redactions};
use crate::finding::{Severity, SkipReason, Skipped, Suppressed};
use crate::flow::link::{ClassBases, ExternalCall, FnSummary, Returned};
use crate::ir::Span;
use crate::source::{Language, Source};
use crate::spec::registry::Registry;
use serde::{Deserialize, Serialize};

/// Byte ranges, `(start, end)`.
type Spans = Vec<(u32, u32)>;

#[derive(Serialize, Deserialize)]
pub(super) struct Record {
    read: Option<(Language, u64)>,
    findings: Vec<StoredFinding>,
    suppressed: Vec<StoredFinding>,
    note: Option<StoredSkip>,
    external: Vec<ExternalCall>,
    link_target: bool,
    returns: Vec<Returned>,
    imported_calls: Vec<String>,
    method_calls: Vec<String>,
    called_with_data: Vec<String>,
    summaries: Vec<FnSummary>,
    classes: Vec<ClassBases>,
    facts: Vec<String>,
    /// Where the file's secrets are: in its text, in a notebook's raw JSON.
    secrets: (Spans, Spans),
    left_out: Vec<(FileRole, usize)>,
    /// See [`FileResult::project`]: the record holds only while the project is the same.
    pub(super) project: Option<[u8; 32]>,
}

#[derive(Serialize, Deserialize)]
struct StoredFinding {
    rule_id: String,
    severity: Severity,
    confidence: Confidence,
    message: String,
    location: StoredLocation,
    role: FileRole,
    flow: Vec<(StoredLocation, String)>,
    fingerprint: String,
    fixable: bool,
    snippet: String,
    snippet_line: u32,
    /// (kind, justification).
    suppressed: Option<(String, String)>,
    edit: Option<(usize, usize, String)>,
}

#[derive(Serialize, Deserialize)]
struct StoredLocation {
    path: String,
    at: (u32, u32, u32, u32),
    bytes: (usize, usize),
    cell: Option<u32>,
    cell_line: Option<u32>,
    cell_col: Option<(u32, u32)>,
}

#[derive(Serialize, Deserialize)]
struct StoredSkip {
    path: String,
    reason: SkipReason,
    detail: Option<String>,
}

/// The suppression kinds a finding may carry (`Suppressed::kind` is static).
const SUPPRESSION_KINDS: &[&str] = &["inSource"];

impl Record {
    pub(super) fn of(scanned: &Scanned) -> Record {
        let (read, fr) = scanned;
        let spans = |v: &[Span]| v.iter().map(|s| (s.start, s.end)).collect();
        Record {
            read: *read,
            findings: fr.findings.iter().map(StoredFinding::of).collect(),
            suppressed: fr.suppressed.iter().map(StoredFinding::of).collect(),
            note: fr.note.as_ref().map(|s| StoredSkip {
                path: s.path.clone(),
                reason: s.reason,
                detail: s.detail.clone(),
            }),
            external: fr.external.clone(),
            link_target: fr.link_target,
            returns: fr.returns.clone(),
            imported_calls: fr.imported_calls.clone(),
            method_calls: fr.method_calls.clone(),
            called_with_data: fr.called_with_data.clone(),
            summaries: fr.summaries.clone(),
            classes: fr.classes.clone(),
            facts: fr.facts.iter().map(|f| f.to_string()).collect(),
            secrets: (spans(&fr.redacted.text), spans(&fr.redacted.raw)),
            left_out: fr.left_out.iter().map(|(r, n)| (*r, *n)).collect(),
            project: fr.project,
        }
    }

    /// The result again. `source`: the file, read only when it holds secrets. `None` when a rule
    /// or fact is no longer known (never under the same salt).
    pub(super) fn into_scanned(
        self,
        registry: &Registry,
        source: impl FnOnce() -> Option<Source>,
    ) -> Option<Scanned> {
        let findings = |v: Vec<StoredFinding>| -> Option<Vec<Finding>> {
            v.into_iter().map(|f| f.into_finding(registry)).collect()
        };
        let facts = self
            .facts
            .iter()
            .map(|f| registry.facts.name(f))
            .collect::<Option<_>>()?;
        let spans = |v: &[(u32, u32)]| v.iter().map(|&(s, e)| Span { start: s, end: e }).collect();
        let redacted = Redactions {
            text: spans(&self.secrets.0),
            raw: spans(&self.secrets.1),
            ..Redactions::default()
        };
        let secrets = match redacted.text.is_empty() && redacted.raw.is_empty() {
            true => Vec::new(),
            false => redacted.values(&source()?),
        };
        let fr = FileResult {
            findings: findings(self.findings)?,
            suppressed: findings(self.suppressed)?,
            note: self.note.map(|s| Skipped {
                path: s.path,
                reason: s.reason,
                detail: s.detail,
            }),
            external: self.external,
            link_target: self.link_target,
            returns: self.returns,
            imported_calls: self.imported_calls,
            method_calls: self.method_calls,
            called_with_data: self.called_with_data,
            summaries: self.summaries,
            classes: self.classes,
            facts,
            secrets,
            redacted,
            left_out: self.left_out.into_iter().collect(),
            project: self.project,
        };
        Some((self.read, fr))
    }
}

impl StoredFinding {
    fn of(f: &Finding) -> StoredFinding {
        StoredFinding {
            rule_id: f.rule_id.to_string(),
            severity: f.severity,
            confidence: f.confidence,
            message: f.message.clone(),
            location: StoredLocation::of(&f.location),
            role: f.role,
            flow: f
                .flow
                .iter()
                .map(|s| (StoredLocation::of(&s.location), s.label.clone()))
                .collect(),
            fingerprint: f.fingerprint.clone(),
            fixable: f.fixable,
            snippet: f.snippet.clone(),
            snippet_line: f.snippet_line,
            suppressed: f
                .suppressed
                .as_ref()
                .map(|s| (s.kind.to_string(), s.justification.clone())),
            edit: f.edit.as_ref().map(|e| (e.start, e.end, e.text.clone())),
        }
    }

    fn into_finding(self, registry: &Registry) -> Option<Finding> {
        let meta = registry.get(&self.rule_id)?;
        let suppressed = match self.suppressed {
            Some((kind, justification)) => Some(Suppressed {
                kind: SUPPRESSION_KINDS.iter().find(|k| **k == kind)?,
                justification,
            }),
            None => None,
        };
        Some(Finding {
            rule_id: meta.id,
            rule_name: meta.name,
            severity: self.severity,
            confidence: self.confidence,
            message: self.message,
            location: self.location.into_location(),
            role: self.role,
            flow: self
                .flow
                .into_iter()
                .map(|(location, label)| FlowStep {
                    location: location.into_location(),
                    label,
                })
                .collect(),
            fingerprint: self.fingerprint,
            fixable: self.fixable,
            snippet: self.snippet,
            snippet_line: self.snippet_line,
            suppressed,
            edit: self
                .edit
                .map(|(start, end, text)| Edit { start, end, text }),
        })
    }
}

impl StoredLocation {
    fn of(l: &Location) -> StoredLocation {
        StoredLocation {
            path: l.path.clone(),
            at: (l.line, l.col, l.end_line, l.end_col),
            bytes: (l.start_byte, l.end_byte),
            cell: l.cell,
            cell_line: l.cell_line,
            cell_col: l.cell_col,
        }
    }

    fn into_location(self) -> Location {
        let (line, col, end_line, end_col) = self.at;
        Location {
            path: self.path,
            line,
            col,
            end_line,
            end_col,
            start_byte: self.bytes.0,
            end_byte: self.bytes.1,
            cell: self.cell,
            cell_line: self.cell_line,
            cell_col: self.cell_col,
        }
    }
}
