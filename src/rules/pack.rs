//! Rule packs: TOML files in `rules/`, compiled into the binary. A pack declares rule metadata
//! (`[[rule]]`) and pattern rules (`[[pattern]]`); see `docs/rule-packs.md` for the format.

use super::dependency::{DependencyRule, RawDependency};
use super::facts::{Facts, RawFact};
use super::loops::{LoopRule, RawLoop};
use super::pattern::{PatternRule, RawPattern};
use super::secrets::{checks::Filters, Detectors, RawNames, RawSecret};
use super::{Registry, RuleMeta};
use crate::finding::{Confidence, Severity};
use crate::flow::spec::{
    FlowSpec, RawFlow, RawFlowTables, RawNameLookup, RawNames as RawFlowNames, RawPropagator,
    RawRoles, RawSanitizer, RawSink, RawSinkKind, RawSource,
};
use crate::flow::Flows;
use serde::Deserialize;

/// The built-in packs: (file name, contents). `tests/packs.rs` checks every file in `rules/` is here.
pub const BUILTIN_PACKS: &[(&str, &str)] = &[
    ("meta.toml", include_str!("../../rules/meta.toml")),
    (
        "supply-chain.toml",
        include_str!("../../rules/supply-chain.toml"),
    ),
    ("secrets.toml", include_str!("../../rules/secrets.toml")),
    (
        "model-output.toml",
        include_str!("../../rules/model-output.toml"),
    ),
    ("llm-sdks.toml", include_str!("../../rules/llm-sdks.toml")),
    (
        "user-input.toml",
        include_str!("../../rules/user-input.toml"),
    ),
    (
        "frameworks.toml",
        include_str!("../../rules/frameworks.toml"),
    ),
    (
        "prompt-injection.toml",
        include_str!("../../rules/prompt-injection.toml"),
    ),
    (
        "error-details.toml",
        include_str!("../../rules/error-details.toml"),
    ),
    (
        "sensitive-data.toml",
        include_str!("../../rules/sensitive-data.toml"),
    ),
    ("limits.toml", include_str!("../../rules/limits.toml")),
    (
        "deployment.toml",
        include_str!("../../rules/deployment.toml"),
    ),
    ("agents.toml", include_str!("../../rules/agents.toml")),
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPack {
    #[serde(default)]
    rule: Vec<RawRule>,
    #[serde(default)]
    pattern: Vec<RawPattern>,
    /// What `aiguard inventory` reads (src/inventory.rs); in one pack only.
    #[serde(default)]
    inventory: Option<crate::inventory::InventorySpec>,
    /// Fixes for `--fix` (`[[fix]]`, src/rules/fixes.rs).
    #[serde(default)]
    fix: Vec<super::fixes::RawFix>,
    /// Loop rules (`[[loop]]`, src/rules/loops.rs).
    #[serde(default, rename = "loop")]
    loops: Vec<RawLoop>,
    /// Manifest dependency rules (AIG604).
    #[serde(default)]
    dependency: Vec<RawDependency>,
    /// Project facts (`[[fact]]`): what establishes `llm-app`, `rate-limiter`, ...
    #[serde(default)]
    fact: Vec<RawFact>,
    /// Secret detectors (AIG101/AIG102); see `rules/secrets.toml`.
    #[serde(default)]
    secret: Vec<RawSecret>,
    /// Secret names for AIG103.
    #[serde(default)]
    secret_names: Option<RawNames>,
    /// Placeholder, id and hash filters for secrets.
    #[serde(default)]
    secret_filters: Option<Filters>,
    /// Flow tables for the taint engine (`src/flow/`).
    #[serde(default)]
    flow: Vec<RawFlow>,
    #[serde(default)]
    source: Vec<RawSource>,
    #[serde(default)]
    sink: Vec<RawSink>,
    #[serde(default)]
    sanitizer: Vec<RawSanitizer>,
    #[serde(default)]
    propagator: Vec<RawPropagator>,
    /// How chat messages name their role (`[[roles]]`).
    #[serde(default)]
    roles: Vec<RawRoles>,
    /// Data kinds given by names (`[[names]]`: secrets, personal data).
    #[serde(default)]
    names: Vec<RawFlowNames>,
    #[serde(default, rename = "name-lookups")]
    name_lookups: Vec<RawNameLookup>,
    #[serde(default, rename = "sink-kind")]
    sink_kinds: Vec<RawSinkKind>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: String,
    name: String,
    category: String,
    severity: String,
    confidence: String,
    cwe: Vec<String>,
    owasp: Vec<String>,
    summary: String,
    docs: String,
    languages: Vec<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default = "yes")]
    default_enabled: bool,
    #[serde(default)]
    fixable: bool,
    #[serde(default)]
    requires_facts: Vec<String>,
    #[serde(default)]
    unless_facts: Vec<String>,
    #[serde(default)]
    skip_in_tests: bool,
}

fn yes() -> bool {
    true
}

/// Rule metadata lives for the whole run; leaking the few strings of each pack once is simpler
/// than threading lifetimes through every finding.
fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

pub const LANGUAGE_FAMILIES: &[&str] = &["python", "typescript", "javascript", "rust", "text"];
pub const REQUIRED_DOC_SECTIONS: &[&str] = &[
    "## What it does",
    "## Why is this bad?",
    "## Example",
    "## Use instead",
    "## References",
];

/// Parse packs into a registry. Errors name the pack and the rule.
pub fn load(packs: &[(&str, &str)]) -> Result<Registry, String> {
    let mut rules: Vec<RuleMeta> = Vec::new();
    let mut patterns: Vec<PatternRule> = Vec::new();
    let mut raw_patterns = Vec::new();
    let mut raw_loops = Vec::new();
    let mut raw_fixes = Vec::new();
    let mut inventory = None;
    let mut raw_dependencies = Vec::new();
    let (mut raw_secrets, mut secret_names, mut secret_filters) =
        (Vec::new(), Vec::new(), Vec::new());
    let mut flow_tables = RawFlowTables::default();
    let mut raw_facts = Vec::new();
    let mut tables = Vec::new();
    for (file, text) in packs {
        let table: toml::Table = toml::from_str(text).map_err(|e| format!("{file}: {e}"))?;
        tables.push((*file, table));
    }
    crate::callsets::expand(&mut tables)?;
    for (file, table) in &mut tables {
        let pack =
            RawPack::deserialize(std::mem::take(table)).map_err(|e| format!("{file}: {e}"))?;
        for r in pack.rule {
            rules.push(meta_from_raw(r).map_err(|e| format!("{file}: {e}"))?);
        }
        raw_patterns.extend(pack.pattern.into_iter().map(|p| (*file, p)));
        raw_loops.extend(pack.loops.into_iter().map(|l| (*file, l)));
        raw_fixes.extend(pack.fix.into_iter().map(|f| (*file, f)));
        if let Some(i) = pack.inventory {
            if inventory.replace(i).is_some() {
                return Err(format!("{file}: a second [inventory] table"));
            }
        }
        raw_dependencies.extend(pack.dependency.into_iter().map(|d| (*file, d)));
        raw_facts.extend(pack.fact.into_iter().map(|f| (*file, f)));
        raw_secrets.extend(pack.secret.into_iter().map(|s| (*file, s)));
        secret_names.extend(pack.secret_names);
        secret_filters.extend(pack.secret_filters);
        flow_tables.flows.extend(pack.flow);
        flow_tables.sources.extend(pack.source);
        flow_tables.sinks.extend(pack.sink);
        flow_tables.sanitizers.extend(pack.sanitizer);
        flow_tables.propagators.extend(pack.propagator);
        flow_tables.roles.extend(pack.roles);
        flow_tables.names.extend(pack.names);
        flow_tables.name_lookups.extend(pack.name_lookups);
        flow_tables.sink_kinds.extend(pack.sink_kinds);
    }
    rules.sort_by(|a, b| a.id.cmp(b.id));
    for pair in rules.windows(2) {
        if pair[0].id == pair[1].id {
            return Err(format!("rule {} is declared twice", pair[0].id));
        }
    }
    for (i, a) in rules.iter().enumerate() {
        if rules[i + 1..].iter().any(|b| b.name == a.name) {
            return Err(format!("rule name {} is used twice", a.name));
        }
    }
    let facts = Facts::compile(raw_facts)?;
    for r in &rules {
        for f in r.requires_facts.iter().chain(&r.unless_facts) {
            if !facts.declares(f) {
                return Err(format!("{}: no [[fact]] declares {f:?}", r.id));
            }
        }
    }
    for (file, raw) in raw_patterns {
        let meta = rules
            .iter()
            .find(|r| r.id == raw.rule)
            .ok_or_else(|| format!("{file}: pattern names unknown rule {}", raw.rule))?;
        patterns.push(PatternRule::compile(raw, meta).map_err(|e| format!("{file}: {e}"))?);
    }
    let inventory = inventory.unwrap_or_default();
    for r in inventory.rules().filter(|r| !r.is_empty()) {
        if !rules.iter().any(|m| m.id == r) {
            return Err(format!("[inventory] names unknown rule {r}"));
        }
    }
    let mut fixes = Vec::new();
    for (file, raw) in raw_fixes {
        let known = |id: &str| rules.iter().any(|r| r.id == id);
        fixes.push(super::fixes::Fix::compile(raw, &known).map_err(|e| format!("{file}: {e}"))?);
    }
    let mut loops = Vec::new();
    for (file, raw) in raw_loops {
        let meta = rules
            .iter()
            .find(|r| r.id == raw.rule())
            .ok_or_else(|| format!("{file}: loop names unknown rule {}", raw.rule()))?;
        loops.push(LoopRule::compile(raw, meta).map_err(|e| format!("{file}: {e}"))?);
    }
    let mut dependencies = Vec::new();
    for (file, raw) in raw_dependencies {
        let meta = rules
            .iter()
            .find(|r| r.id == raw.rule)
            .ok_or_else(|| format!("{file}: dependency table names unknown rule {}", raw.rule))?;
        dependencies.push(DependencyRule::compile(raw, meta).map_err(|e| format!("{file}: {e}"))?);
    }
    let secrets = Detectors::compile(raw_secrets, secret_names, secret_filters, &rules)?;
    let flows = Flows::new(FlowSpec::compile(flow_tables, &rules)?);
    Ok(Registry {
        rules,
        patterns,
        inventory,
        fixes,
        loops,
        dependencies,
        secrets,
        flows,
        facts,
    })
}

pub fn load_builtin() -> Result<Registry, String> {
    load(BUILTIN_PACKS)
}

fn meta_from_raw(r: RawRule) -> Result<RuleMeta, String> {
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
    for l in &r.languages {
        if !LANGUAGE_FAMILIES.contains(&l.as_str()) {
            return Err(format!("{}: unknown language {l:?}", r.id));
        }
    }
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
        skip_in_tests: r.skip_in_tests,
    })
}
