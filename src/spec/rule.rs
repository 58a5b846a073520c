//! `[[rule]]` tables: each rule's metadata (id, name, severity, confidence, CWE, OWASP, docs,
//! languages), checked and interned once.

use crate::finding::{Confidence, Severity};
use serde::{Deserialize, Serialize};

/// One rule's metadata, as declared in a pack.
#[derive(Debug, Clone, Serialize)]
pub struct RuleMeta {
    /// Stable code, `AIG601`.
    pub id: &'static str,
    /// Kebab-case name, `unsafe-model-deserialization`.
    pub name: &'static str,
    pub category: &'static str,
    pub severity: Severity,
    pub confidence: Confidence,
    /// `CWE-502`, ...
    pub cwe: Vec<&'static str>,
    /// OWASP Top 10 for LLM Applications 2025 ids, `LLM03:2025`.
    pub owasp: Vec<&'static str>,
    /// One-sentence description.
    pub summary: &'static str,
    /// Markdown: What it does / Why is this bad? / Example / Use instead / References.
    pub docs: &'static str,
    /// Language families the rule supports (`python`, `typescript`, `javascript`, `rust`, `text`).
    pub languages: Vec<&'static str>,
    pub tags: Vec<&'static str>,
    /// Off unless selected explicitly.
    pub default_enabled: bool,
    pub fixable: bool,
    /// Facts the project must have for a finding to be kept (`llm-app`); see [`facts`].
    pub requires_facts: Vec<&'static str>,
    /// Facts that drop the rule's findings when the project has any (`rate-limiter`).
    pub unless_facts: Vec<&'static str>,
}

impl RuleMeta {
    /// CVSS-like score for SARIF `security-severity` (GitHub reads it as a string).
    pub fn security_severity(&self) -> &'static str {
        match self.severity {
            Severity::Critical => "9.5",
            Severity::High => "8.0",
            Severity::Medium => "5.5",
            Severity::Low => "3.0",
            Severity::Info => "1.0",
        }
    }

    /// SARIF `precision` from the rule's confidence.
    pub fn precision(&self) -> &'static str {
        match self.confidence {
            Confidence::High => "high",
            Confidence::Medium => "medium",
            Confidence::Low => "low",
        }
    }

    /// Whether a table of this rule limited to `languages` (all of the rule's when empty) runs on
    /// files of `family`.
    pub fn runs_on(&self, languages: &[String], family: super::family::Family) -> bool {
        if languages.is_empty() {
            self.languages.contains(&family.name())
        } else {
            languages.iter().any(|l| l == family.name())
        }
    }

    /// Where the rule's documentation lives online.
    pub fn help_uri(&self) -> String {
        format!(
            "https://github.com/aiguard-dev/aiguard/blob/main/docs/rules/{}.md",
            self.id
        )
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRule {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) category: String,
    pub(crate) severity: String,
    pub(crate) confidence: String,
    pub(crate) cwe: Vec<String>,
    pub(crate) owasp: Vec<String>,
    pub(crate) summary: String,
    pub(crate) docs: String,
    pub(crate) languages: Vec<String>,
    #[serde(default)]
    pub(crate) tags: Vec<String>,
    #[serde(default = "yes")]
    pub(crate) default_enabled: bool,
    #[serde(default)]
    pub(crate) fixable: bool,
    #[serde(default)]
    pub(crate) requires_facts: Vec<String>,
    #[serde(default)]
    pub(crate) unless_facts: Vec<String>,
}

pub(crate) fn yes() -> bool {
    true
}

/// Rule metadata lives for the whole run; leaking the few strings of each pack once is simpler
/// than threading lifetimes through every finding.
pub(crate) fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

pub const REQUIRED_DOC_SECTIONS: &[&str] = &[
    "## What it does",
    "## Why is this bad?",
    "## Example",
    "## Use instead",
    "## References",
];

pub(crate) fn meta_from_raw(r: RawRule) -> Result<RuleMeta, String> {
    let id_ok =
        r.id.len() == 6 && r.id.starts_with("AIG") && r.id[3..].bytes().all(|b| b.is_ascii_digit());
    if !id_ok {
        return Err(format!("rule id {:?} is not of the form AIGnnn", r.id));
    }
    let severity = Severity::parse(&r.severity)
        .ok_or_else(|| format!("{}: unknown severity {:?}", r.id, r.severity))?;
    let confidence = match r.confidence.as_str() {
        "high" => Confidence::High,
        "medium" => Confidence::Medium,
        "low" => Confidence::Low,
        other => return Err(format!("{}: unknown confidence {other:?}", r.id)),
    };
    super::family::check(&r.languages).map_err(|e| format!("{}: {e}", r.id))?;
    for s in REQUIRED_DOC_SECTIONS {
        if !r.docs.contains(s) {
            return Err(format!("{}: docs lack the section {s:?}", r.id));
        }
    }
    let mut tags: Vec<&'static str> = vec!["security"];
    tags.extend(
        r.cwe
            .iter()
            .map(|c| leak(format!("external/cwe/{}", c.to_ascii_lowercase()))),
    );
    tags.extend(
        r.owasp
            .iter()
            .map(|o| leak(format!("external/owasp-llm/{}", o.to_ascii_lowercase()))),
    );
    tags.extend(r.tags.into_iter().map(leak));
    tags.dedup();
    Ok(RuleMeta {
        id: leak(r.id),
        name: leak(r.name),
        category: leak(r.category),
        severity,
        confidence,
        cwe: r.cwe.into_iter().map(leak).collect(),
        owasp: r.owasp.into_iter().map(leak).collect(),
        summary: leak(r.summary),
        docs: leak(r.docs.trim().to_string()),
        languages: r.languages.into_iter().map(leak).collect(),
        tags,
        default_enabled: r.default_enabled,
        fixable: r.fixable,
        requires_facts: r.requires_facts.into_iter().map(leak).collect(),
        unless_facts: r.unless_facts.into_iter().map(leak).collect(),
    })
}

pub fn confidence_of(name: Option<&str>) -> Result<Option<crate::finding::Confidence>, String> {
    use crate::finding::Confidence;
    match name {
        None => Ok(None),
        Some("low") => Ok(Some(Confidence::Low)),
        Some("medium") => Ok(Some(Confidence::Medium)),
        Some("high") => Ok(Some(Confidence::High)),
        Some(other) => Err(format!("unknown confidence {other:?}")),
    }
}
