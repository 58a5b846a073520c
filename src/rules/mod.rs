//! The engine side of rules: the registry of rule metadata loaded from the packs in `rules/`, and
//! the rule kinds that run over a file.

pub mod dependency;
pub mod facts;
pub mod fixes;
pub mod loops;
pub mod pack;
pub mod pattern;
pub mod secrets;
pub mod settings;

use crate::finding::{Confidence, Severity};
use serde::Serialize;
use std::sync::OnceLock;

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
    /// Not reported in test code: test files and directories, and the test spans of a module.
    pub skip_in_tests: bool,
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
    pub fn runs_on(&self, languages: &[String], family: &str) -> bool {
        if languages.is_empty() {
            self.languages.contains(&family)
        } else {
            languages.iter().any(|l| l == family)
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

/// All rules, in id order, plus the compiled rule logic of every pack.
#[derive(Debug)]
pub struct Registry {
    pub rules: Vec<RuleMeta>,
    pub patterns: Vec<pattern::PatternRule>,
    /// What `aiguard inventory` reads (`[inventory]`).
    pub inventory: crate::inventory::InventorySpec,
    /// Mechanical fixes for findings on calls (`[[fix]]`, `--fix`).
    pub fixes: Vec<fixes::Fix>,
    /// `while True` loops around model calls (AIG503).
    pub loops: Vec<loops::LoopRule>,
    /// Unpinned-dependency rules over manifests (`[[dependency]]`).
    pub dependencies: Vec<dependency::DependencyRule>,
    /// Secret detectors (AIG101-AIG103), compiled once with the registry.
    pub secrets: secrets::Detectors,
    /// Sources, sinks and flow rules for the taint engine.
    pub flows: crate::flow::Flows,
    /// Project facts (`[[fact]]`) and what establishes them.
    pub facts: facts::Facts,
}

impl Registry {
    /// The built-in packs, compiled into the binary, loaded once.
    pub fn builtin() -> &'static Registry {
        static REGISTRY: OnceLock<Registry> = OnceLock::new();
        REGISTRY.get_or_init(|| {
            pack::load_builtin().unwrap_or_else(|e| panic!("built-in rule pack is invalid: {e}"))
        })
    }

    pub fn get(&self, id: &str) -> Option<&RuleMeta> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// A rule by code (any case) or name.
    pub fn lookup(&self, key: &str) -> Option<&RuleMeta> {
        let key = key.trim();
        self.rules
            .iter()
            .find(|r| r.id.eq_ignore_ascii_case(key) || r.name.eq_ignore_ascii_case(key))
    }

    /// Whether a finding of rule `id` is kept in a project with these facts.
    pub fn facts_allow(&self, id: &str, facts: &facts::FactSet) -> bool {
        self.get(id)
            .is_none_or(|r| facts::allowed(&r.requires_facts, &r.unless_facts, facts))
    }

    /// Index of a rule in `rules` (SARIF `ruleIndex`).
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.rules.iter().position(|r| r.id == id)
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

/// Secrets found in a file, to mask in every snippet of it (whatever rule the finding is of, and
/// whether or not the secret's own rule is enabled). Spans are cut at line ends.
#[derive(Debug, Default, Clone)]
pub struct Redactions {
    /// Spans in `Source::text`.
    pub text: Vec<crate::ir::Span>,
    /// Spans in `Source::raw` (a notebook's JSON).
    pub raw: Vec<crate::ir::Span>,
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
