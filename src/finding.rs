//! What a rule reports, and the result of a whole scan.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Info,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        Severity::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(s.trim()))
    }

    /// SARIF `level`: critical/high are errors, medium warnings, low/info notes.
    pub fn sarif_level(self) -> &'static str {
        match self {
            Severity::Critical | Severity::High => "error",
            Severity::Medium => "warning",
            Severity::Low | Severity::Info => "note",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

/// What a file (or a span of it) is for. Findings outside production code are not reported by
/// default (`--include-tests` shows them); which files have which role is data
/// (`rules/file-roles.toml`, classified by `src/roles.rs`).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum FileRole {
    #[default]
    Production,
    Test,
    Example,
    Benchmark,
    Docs,
    Script,
}

impl FileRole {
    pub const ALL: [FileRole; 6] = [
        FileRole::Production,
        FileRole::Test,
        FileRole::Example,
        FileRole::Benchmark,
        FileRole::Docs,
        FileRole::Script,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FileRole::Production => "production",
            FileRole::Test => "test",
            FileRole::Example => "example",
            FileRole::Benchmark => "benchmark",
            FileRole::Docs => "docs",
            FileRole::Script => "script",
        }
    }

    pub fn parse(s: &str) -> Option<FileRole> {
        FileRole::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// A place in a file. Lines are 1-based; columns are 1-based Unicode code points; `end_col` is
/// exclusive.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Location {
    pub path: String,
    pub line: u32,
    pub col: u32,
    pub end_line: u32,
    pub end_col: u32,
    /// Byte range in the analysed text (used for code frames), not serialised.
    #[serde(skip)]
    pub start_byte: usize,
    #[serde(skip)]
    pub end_byte: usize,
    /// For notebooks: the cell (1-based) and the line within it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell_line: Option<u32>,
    /// For notebooks: 1-based code-point columns within the cell's lines (for code frames).
    #[serde(skip)]
    pub cell_col: Option<(u32, u32)>,
}

/// One step of a data flow, from source to sink.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FlowStep {
    pub location: Location,
    pub label: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    pub rule_id: &'static str,
    pub rule_name: &'static str,
    pub severity: Severity,
    pub confidence: Confidence,
    pub message: String,
    pub location: Location,
    /// What the code the finding is in is for: its file's role, or `test` inside a test-only
    /// span of a production file (a Rust `#[cfg(test)]` module).
    pub role: FileRole,
    /// Source -> ... -> sink, when the rule followed a flow.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub flow: Vec<FlowStep>,
    /// Line-independent identity: rule + path + normalised code of the finding and its function
    /// + occurrence index. Stable across unrelated edits.
    pub fingerprint: String,
    /// Whether `--fix` can rewrite it mechanically.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub fixable: bool,
    /// The finding's lines with one line of context either side (at most 12 lines), for code
    /// frames. Secrets in it are already redacted. Starts at line `snippet_line`.
    #[serde(skip)]
    pub snippet: String,
    #[serde(skip)]
    pub snippet_line: u32,
    /// Set when an inline suppression matched (kept only for `--show-suppressed` style outputs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<Suppressed>,
    /// The change `--fix` makes, in the analysed text (never for notebooks).
    #[serde(skip)]
    pub edit: Option<Edit>,
}

/// Replace `start..end` (bytes) of a file with `text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Suppressed {
    pub kind: &'static str,
    pub justification: String,
}

/// Why a file was not analysed (or only partly).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SkipReason {
    Binary,
    TooLarge,
    Minified,
    Unreadable,
    NotAFile,
    /// Parsed with errors: everything around them was analysed.
    SyntaxError,
    /// The parser gave up on the file: only the text rules (secrets) read it.
    NotParsed,
    /// A report, baseline or inventory that aiguard itself wrote: never a finding.
    AiguardOutput,
    /// A notebook whose JSON could not be read: scanned as text only.
    BrokenNotebook,
    Excluded,
}

impl SkipReason {
    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::Binary => "binary",
            SkipReason::TooLarge => "too large",
            SkipReason::Minified => "minified",
            SkipReason::Unreadable => "unreadable",
            SkipReason::NotAFile => "not a regular file",
            SkipReason::SyntaxError => "syntax error (the rest of the file was analysed)",
            SkipReason::NotParsed => "could not be parsed (only secrets were looked for)",
            SkipReason::AiguardOutput => "aiguard's own output",
            SkipReason::BrokenNotebook => "broken notebook (scanned as text)",
            SkipReason::Excluded => "excluded",
        }
    }

    /// Partial analyses still count as scanned files.
    pub fn is_partial(self) -> bool {
        matches!(
            self,
            SkipReason::SyntaxError | SkipReason::NotParsed | SkipReason::BrokenNotebook
        )
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Skipped {
    pub path: String,
    pub reason: SkipReason,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// Everything a scan produced, in deterministic order.
#[derive(Debug, Default, Serialize)]
pub struct ScanResult {
    /// Findings to report (after select/ignore, suppressions), sorted by path, line, column, rule.
    pub findings: Vec<Finding>,
    /// Findings silenced by an inline suppression.
    pub suppressed: Vec<Finding>,
    /// Findings dropped because the baseline (`--baseline`) records them.
    pub baselined: usize,
    /// Findings dropped by `--since` (not on a line added or changed).
    pub unchanged: usize,
    /// Findings not reported because their code is not production code (tests, examples,
    /// benchmarks, docs, scripts), per role; `--include-tests` reports them.
    pub left_out: BTreeMap<FileRole, usize>,
    /// Findings not reported because their confidence is below `--min-confidence`.
    pub below_confidence: usize,
    /// Files scanned, per language name.
    pub files_by_language: BTreeMap<String, usize>,
    /// Files skipped or only partly analysed, sorted by path.
    pub skipped: Vec<Skipped>,
    /// Bytes of source read.
    pub bytes_scanned: u64,
    /// Problems in suppression comments found under `--strict` are ordinary findings; this counts
    /// the files scanned in total.
    pub files_scanned: usize,
    /// The text of every secret found: every output is masked with them, never printed.
    #[serde(skip)]
    pub secrets: std::collections::BTreeSet<String>,
    /// What went wrong beside the findings (the result cache could not be used), for stderr.
    #[serde(skip)]
    pub warnings: Vec<String>,
}

impl ScanResult {
    pub fn sort(&mut self) {
        let key = |f: &Finding| {
            (
                f.location.path.clone(),
                f.location.line,
                f.location.col,
                f.rule_id,
                f.location.end_line,
                f.location.end_col,
                f.message.clone(),
            )
        };
        self.findings.sort_by_key(key);
        self.suppressed.sort_by_key(key);
        self.skipped
            .sort_by(|a, b| (&a.path, a.reason).cmp(&(&b.path, b.reason)));
    }
}

/// What a rule reports for one file, before it becomes a [`crate::finding::Finding`] with a
/// location, fingerprint and snippet.
#[derive(Debug, Clone)]
pub struct Hit {
    pub rule_id: &'static str,
    pub span: crate::ir::Span,
    pub message: String,
    /// The span refers to `Source::raw` (a notebook's JSON, e.g. a key printed in a
    /// saved output) rather than to `Source::text`.
    pub in_raw: bool,
    /// For flow rules: the path from source to sink, each step a span and what happened there.
    pub flow: Vec<(crate::ir::Span, String)>,
    /// Overrides the rule's confidence (a flow into a sink declared less certain).
    pub confidence: Option<crate::finding::Confidence>,
    /// The mechanical change that fixes it, when the rule has one (`--fix`).
    pub fix: Option<crate::finding::Edit>,
}

impl Hit {
    /// A finding at `span` of the text, at the rule's confidence, with no path and no fix.
    pub fn new(rule_id: &'static str, span: crate::ir::Span, message: String) -> Hit {
        Hit {
            rule_id,
            span,
            message,
            in_raw: false,
            flow: Vec::new(),
            confidence: None,
            fix: None,
        }
    }
}

/// Secrets found in a file, to mask in every snippet of it (whatever rule the finding is of, and
/// whether or not the secret's own rule is enabled). Spans are cut at line ends.
#[derive(Debug, Default, Clone)]
pub struct Redactions {
    /// Spans in `Source::text`: the secrets found.
    pub text: Vec<crate::ir::Span>,
    /// Spans in `Source::text` masked in this file's snippets: the secrets found and the text
    /// shaped like a key that its checks dismissed (a placeholder, a low-entropy path). Only the
    /// secrets found are masked wherever else the output repeats them: a dismissed shape can be
    /// a file path that another finding names.
    pub snippets: Vec<crate::ir::Span>,
    /// Spans in `Source::raw` (a notebook's JSON).
    pub raw: Vec<crate::ir::Span>,
    /// The keys the provider and credential detectors (AIG101, AIG102) report in
    /// `Source::text`, whole, with the detector's name of each (`database URL password`): a
    /// string holding one is a hardcoded secret wherever it flows.
    pub keys: Vec<(crate::ir::Span, String)>,
    /// Where the findings on keys in a provider's own format point (in `Source::text`, or
    /// `Source::raw` for a notebook's outputs): reported whatever the file's role.
    pub everywhere: Vec<crate::ir::Span>,
}

impl Redactions {
    /// The text each span covers.
    pub fn values(&self, source: &crate::source::Source) -> Vec<String> {
        let text = self.text.iter().filter_map(|s| source.text.get(s.range()));
        let raw = source.raw.as_deref().unwrap_or_default();
        let raw = self.raw.iter().filter_map(|s| raw.get(s.range()));
        text.chain(raw).map(str::to_string).collect()
    }
}

/// FNV-1a over the parts, with a separator: stable across platforms and releases.
pub fn fnv64(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain(std::iter::once(0xff)) {
            h ^= b as u64;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// Maps display paths (relative to the working directory) to repository-relative ones.
#[derive(Debug, Clone)]
pub struct RepoPaths {
    pub cwd: std::path::PathBuf,
    pub root: std::path::PathBuf,
}

impl RepoPaths {
    /// `display` (relative to `cwd`, or absolute) relative to `root`, `/`-separated, with `.`
    /// and `..` resolved lexically. A path outside `root` stays absolute.
    pub fn to_root(&self, display: &str) -> String {
        let joined = self.cwd.join(display);
        let mut parts: Vec<String> = Vec::new();
        let mut prefix = String::new();
        for c in joined.components() {
            match c {
                std::path::Component::Prefix(p) => {
                    prefix = p.as_os_str().to_string_lossy().into_owned()
                }
                std::path::Component::RootDir | std::path::Component::CurDir => {}
                std::path::Component::ParentDir => {
                    parts.pop();
                }
                std::path::Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
            }
        }
        let abs = std::path::PathBuf::from(format!("{prefix}/{}", parts.join("/")));
        match abs.strip_prefix(&self.root) {
            Ok(rel) => rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/"),
            Err(_) => abs.to_string_lossy().replace('\\', "/"),
        }
    }
}
