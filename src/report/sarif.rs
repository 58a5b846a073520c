//! SARIF 2.1.0 for GitHub code scanning, built with serde-sarif's typed builders. Every item of
//! the checklist in CONVENTIONS.md (d) is covered; `tests/report.rs` asserts them.

use super::ReportOptions;
use crate::finding::{Finding, Location as FindingLocation, ScanResult, SkipReason};
use crate::spec::registry::Registry;
use crate::spec::rule::RuleMeta;
use serde_json::{json, Value};
use serde_sarif::sarif::{
    ArtifactLocation, CodeFlow, Invocation, Location, Message, MultiformatMessageString,
    Notification, PhysicalLocation, PropertyBag, Region, ReportingConfiguration,
    ReportingDescriptor, ReportingDescriptorReference, ReportingDescriptorRelationship,
    Result as SarifResult, ResultLevel, Run, RunAutomationDetails, Sarif, ThreadFlow,
    ThreadFlowLocation, Tool, ToolComponent, ToolComponentReference,
};
use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path, PathBuf};

const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/aiguard-dev/aiguard";
const SRCROOT: &str = "%SRCROOT%";
/// GitHub rejects runs with more results than this.
const MAX_RESULTS: usize = 25_000;
/// Flow steps kept per code flow; GitHub shows few and very long flows bloat the upload.
const MAX_FLOW_STEPS: usize = 50;
/// GitHub reads at most this many tags per rule.
const MAX_TAGS: usize = 20;

pub(super) fn render(result: &ScanResult, registry: &Registry, opts: &ReportOptions) -> String {
    let sarif = build(result, registry, opts);
    // Plain data with string keys: serialisation cannot fail.
    let mut text = serde_json::to_string_pretty(&sarif).unwrap_or_default();
    text.push('\n');
    text
}

fn build(result: &ScanResult, registry: &Registry, opts: &ReportOptions) -> Sarif {
    let uris = UriMaker::new(opts);

    // rules[]: every enabled rule in the given order, then any other rule that has a result.
    let mut rule_ids: Vec<&str> = Vec::with_capacity(opts.enabled_rules.len());
    for id in opts
        .enabled_rules
        .iter()
        .copied()
        .chain(result.findings.iter().map(|f| f.rule_id))
    {
        if !rule_ids.contains(&id) {
            rule_ids.push(id);
        }
    }
    let rule_index: HashMap<&str, usize> = rule_ids
        .iter()
        .enumerate()
        .map(|(i, &id)| (id, i))
        .collect();
    let metas: Vec<Option<&RuleMeta>> = rule_ids.iter().map(|id| registry.get(id)).collect();
    let taxonomies = Taxonomies::new(&metas);
    let rules: Vec<ReportingDescriptor> = rule_ids
        .iter()
        .zip(&metas)
        .map(|(id, meta)| match meta {
            Some(meta) => descriptor(meta, &taxonomies),
            None => ReportingDescriptor::builder().id(*id).build(),
        })
        .collect();

    // Past GitHub's limit keep the most severe results, still in the scan's (path, line) order.
    let mut kept: Vec<usize> = (0..result.findings.len()).collect();
    let dropped = kept.len().saturating_sub(MAX_RESULTS);
    if dropped > 0 {
        kept.sort_by_key(|&i| (std::cmp::Reverse(result.findings[i].severity), i));
        kept.truncate(MAX_RESULTS);
        kept.sort_unstable();
    }
    let results: Vec<SarifResult> = kept
        .iter()
        .filter_map(|&i| result.findings.get(i))
        .map(|f| sarif_result(f, rule_index.get(f.rule_id).copied(), &uris))
        .collect();

    let mut notifications: Vec<Notification> = result
        .skipped
        .iter()
        .map(|s| {
            let level = match s.reason {
                SkipReason::Binary
                | SkipReason::TooLarge
                | SkipReason::Minified
                | SkipReason::Excluded
                | SkipReason::AiguardOutput
                | SkipReason::NotAFile => "note",
                SkipReason::Unreadable
                | SkipReason::SyntaxError
                | SkipReason::NotParsed
                | SkipReason::BrokenNotebook => "warning",
            };
            let verb = if s.reason.is_partial() {
                "partly analysed"
            } else {
                "skipped"
            };
            let text = match &s.detail {
                Some(d) => format!("{}: {verb}: {} ({d})", s.path, s.reason.as_str()),
                None => format!("{}: {verb}: {}", s.path, s.reason.as_str()),
            };
            Notification::builder()
                .level(json!(level))
                .message(Message::builder().text(text).build())
                .locations(vec![Location::builder()
                    .physical_location(
                        PhysicalLocation::builder()
                            .artifact_location(uris.artifact(&s.path))
                            .build(),
                    )
                    .build()])
                .build()
        })
        .collect();
    if dropped > 0 {
        notifications.push(
            Notification::builder()
                .level(json!("warning"))
                .message(
                    Message::builder()
                        .text(format!(
                            "{} results exceed the limit of {MAX_RESULTS} per run: the {dropped} \
                             least severe were left out",
                            result.findings.len()
                        ))
                        .build(),
                )
                .build(),
        );
    }
    let invocation = if notifications.is_empty() {
        Invocation::builder().execution_successful(true).build()
    } else {
        Invocation::builder()
            .execution_successful(true)
            .tool_execution_notifications(notifications)
            .build()
    };

    let driver = ToolComponent::builder()
        .name("aiguard")
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .information_uri(INFORMATION_URI)
        .rules(rules)
        .supported_taxonomies(taxonomies.references())
        .build();
    let mut base_ids = BTreeMap::new();
    base_ids.insert(
        SRCROOT.to_string(),
        ArtifactLocation::builder().uri(uris.root_uri()).build(),
    );
    let run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .results(results)
        .invocations(vec![invocation])
        .column_kind(json!("unicodeCodePoints"))
        .automation_details(RunAutomationDetails::builder().id("aiguard/").build())
        .original_uri_base_ids(base_ids)
        .taxonomies(taxonomies.components())
        .build();
    Sarif::builder()
        .schema(SCHEMA_URI)
        .version(json!("2.1.0"))
        .runs(vec![run])
        .build()
}

/// CWE and the OWASP Top 10 for LLM Applications as SARIF taxonomies: each rule points at its
/// entries through `relationships`.
struct Taxonomies {
    /// CWE numbers (`502`), as in the SARIF specification's CWE example.
    cwe: Vec<String>,
    /// Versioned OWASP ids (`LLM03:2025`).
    owasp: Vec<String>,
}

/// Name and index in `run.taxonomies`.
const CWE: (&str, usize) = ("CWE", 0);
const OWASP_LLM: (&str, usize) = ("OWASP Top 10 for LLM Applications", 1);

impl Taxonomies {
    fn new(metas: &[Option<&RuleMeta>]) -> Taxonomies {
        let mut cwe: Vec<String> = metas
            .iter()
            .flatten()
            .flat_map(|m| m.cwe.iter().map(|c| cwe_number(c)))
            .collect();
        cwe.sort_by_key(|c| (c.parse::<u32>().unwrap_or(u32::MAX), c.clone()));
        cwe.dedup();
        let mut owasp: Vec<String> = metas
            .iter()
            .flatten()
            .flat_map(|m| m.owasp.iter().map(|o| o.to_string()))
            .collect();
        owasp.sort();
        owasp.dedup();
        Taxonomies { cwe, owasp }
    }

    fn references(&self) -> Vec<ToolComponentReference> {
        [CWE, OWASP_LLM]
            .into_iter()
            .map(|(name, index)| {
                ToolComponentReference::builder()
                    .name(name)
                    .index(index as i64)
                    .build()
            })
            .collect()
    }

    fn components(&self) -> Vec<ToolComponent> {
        let taxa = |ids: &[String]| -> Vec<ReportingDescriptor> {
            ids.iter()
                .map(|id| ReportingDescriptor::builder().id(id.as_str()).build())
                .collect()
        };
        vec![
            ToolComponent::builder()
                .name(CWE.0)
                .organization("MITRE")
                .information_uri("https://cwe.mitre.org/")
                .taxa(taxa(&self.cwe))
                .build(),
            ToolComponent::builder()
                .name(OWASP_LLM.0)
                .organization("OWASP")
                .version("2025")
                .information_uri("https://genai.owasp.org/llm-top-10/")
                .taxa(taxa(&self.owasp))
                .build(),
        ]
    }

    fn relationships(&self, meta: &RuleMeta) -> Vec<ReportingDescriptorRelationship> {
        let cwe = meta.cwe.iter().map(|c| (CWE, &self.cwe, cwe_number(c)));
        let owasp = meta
            .owasp
            .iter()
            .map(|o| (OWASP_LLM, &self.owasp, o.to_string()));
        cwe.chain(owasp)
            .filter_map(|((name, component), list, id)| {
                let index = list.iter().position(|x| *x == id)?;
                let target = ReportingDescriptorReference::builder()
                    .id(id)
                    .index(index as i64)
                    .tool_component(
                        ToolComponentReference::builder()
                            .name(name)
                            .index(component as i64)
                            .build(),
                    )
                    .build();
                Some(
                    ReportingDescriptorRelationship::builder()
                        .target(target)
                        .kinds(vec!["superset".to_string()])
                        .build(),
                )
            })
            .collect()
    }
}

/// `CWE-502` -> `502`.
fn cwe_number(cwe: &str) -> String {
    let t = cwe.trim();
    t.strip_prefix("CWE-")
        .or_else(|| t.strip_prefix("cwe-"))
        .unwrap_or(t)
        .to_string()
}

/// The body of the docs' "What it does" section, else the summary.
fn full_description(meta: &RuleMeta) -> String {
    const HEADING: &str = "## What it does";
    let Some(start) = meta.docs.find(HEADING) else {
        return meta.summary.to_string();
    };
    let body = &meta.docs[start + HEADING.len()..];
    let body = body.find("\n## ").map_or(body, |end| &body[..end]).trim();
    if body.is_empty() {
        meta.summary.to_string()
    } else {
        body.to_string()
    }
}

fn descriptor(meta: &RuleMeta, taxonomies: &Taxonomies) -> ReportingDescriptor {
    let mut extra = BTreeMap::new();
    extra.insert(
        "security-severity".to_string(),
        Value::String(meta.security_severity().to_string()),
    );
    extra.insert(
        "precision".to_string(),
        Value::String(meta.precision().to_string()),
    );
    let tags: Vec<String> = meta
        .tags
        .iter()
        .take(MAX_TAGS)
        .map(|t| t.to_string())
        .collect();
    ReportingDescriptor::builder()
        .id(meta.id)
        .name(meta.name)
        .short_description(
            MultiformatMessageString::builder()
                .text(meta.summary)
                .build(),
        )
        .full_description(
            MultiformatMessageString::builder()
                .text(full_description(meta))
                .build(),
        )
        .help(
            MultiformatMessageString::builder()
                .text(meta.docs)
                .markdown(meta.docs)
                .build(),
        )
        .help_uri(meta.help_uri())
        .default_configuration(
            ReportingConfiguration::builder()
                .level(json!(meta.severity.sarif_level()))
                .build(),
        )
        .properties(
            PropertyBag::builder()
                .tags(tags)
                .additional_properties(extra)
                .build(),
        )
        .relationships(taxonomies.relationships(meta))
        .build()
}

fn sarif_result(f: &Finding, rule_index: Option<usize>, uris: &UriMaker) -> SarifResult {
    let level = match f.severity.sarif_level() {
        "error" => ResultLevel::Error,
        "warning" => ResultLevel::Warning,
        _ => ResultLevel::Note,
    };
    let mut fingerprints = BTreeMap::new();
    fingerprints.insert("aiguard/v1".to_string(), f.fingerprint.clone());
    let mut properties = BTreeMap::new();
    if let (Some(cell), Some(cell_line)) = (f.location.cell, f.location.cell_line) {
        properties.insert("notebookCell".to_string(), json!(cell));
        properties.insert("notebookCellLine".to_string(), json!(cell_line));
    }
    properties.insert("confidence".to_string(), json!(f.confidence.as_str()));
    properties.insert("fileRole".to_string(), json!(f.role.as_str()));
    let mut primary = location(&f.location, None, uris);
    if let Some(artifact) = primary
        .physical_location
        .as_mut()
        .and_then(|p| p.artifact_location.as_mut())
    {
        let role = BTreeMap::from([("fileRole".to_string(), json!(f.role.as_str()))]);
        artifact.properties = Some(PropertyBag::builder().additional_properties(role).build());
    }

    let mut result = SarifResult::builder()
        .rule_id(f.rule_id)
        .level(level)
        .message(Message::builder().text(f.message.as_str()).build())
        .locations(vec![primary])
        .fingerprints(fingerprints)
        .properties(
            PropertyBag::builder()
                .additional_properties(properties)
                .build(),
        )
        .build();
    // Set after building: the typed builder cannot take an optional value conditionally.
    result.rule_index = rule_index.map(|i| i as i64);
    if let Some(source) = f.flow.first() {
        let steps = capped_steps(f.flow.len());
        let locations: Vec<ThreadFlowLocation> = steps
            .filter_map(|i| f.flow.get(i))
            .map(|s| {
                ThreadFlowLocation::builder()
                    .location(location(&s.location, Some(&s.label), uris))
                    .build()
            })
            .collect();
        result.code_flows = Some(vec![CodeFlow::builder()
            .thread_flows(vec![ThreadFlow::builder().locations(locations).build()])
            .build()]);
        let mut related = location(&source.location, Some(&source.label), uris);
        related.id = Some(1);
        result.related_locations = Some(vec![related]);
    }
    result
}

/// Indices of the flow steps to keep: all of them, or the first ones and the sink.
fn capped_steps(n: usize) -> impl Iterator<Item = usize> {
    let head = n.min(MAX_FLOW_STEPS - 1);
    let tail = if n > MAX_FLOW_STEPS - 1 {
        Some(n - 1)
    } else {
        None
    };
    (0..head).chain(tail)
}

fn location(l: &FindingLocation, label: Option<&str>, uris: &UriMaker) -> Location {
    let start_line = l.line.max(1);
    let start_col = l.col.max(1);
    let end_line = l.end_line.max(start_line);
    let end_col = if end_line == start_line {
        l.end_col.max(start_col)
    } else {
        l.end_col.max(1)
    };
    let region = Region::builder()
        .start_line(start_line as i64)
        .start_column(start_col as i64)
        .end_line(end_line as i64)
        .end_column(end_col as i64)
        .build();
    let physical = PhysicalLocation::builder()
        .artifact_location(uris.artifact(&l.path))
        .region(region)
        .build();
    let mut loc = Location::builder().physical_location(physical).build();
    loc.message = label.map(|t| Message::builder().text(t).build());
    loc
}

/// Turns display paths (relative to the working directory) into URIs relative to the
/// repository root.
struct UriMaker {
    cwd: PathBuf,
    root: PathBuf,
}

impl UriMaker {
    fn new(opts: &ReportOptions) -> UriMaker {
        let cwd = normalise(&opts.cwd);
        let root = normalise(&cwd.join(&opts.repo_root));
        UriMaker { cwd, root }
    }

    /// `file:///abs/root/`, as `originalUriBaseIds` needs (a trailing slash is required).
    fn root_uri(&self) -> String {
        let mut uri = file_uri(&self.root);
        if !uri.ends_with('/') {
            uri.push('/');
        }
        uri
    }

    /// Relative to `%SRCROOT%` when inside the repository, else an absolute `file:` URI.
    fn artifact(&self, display_path: &str) -> ArtifactLocation {
        let abs = normalise(&self.cwd.join(display_path.replace('\\', "/")));
        match abs.strip_prefix(&self.root) {
            Ok(rel) => ArtifactLocation::builder()
                .uri(encode(&slash_path(rel)))
                .uri_base_id(SRCROOT)
                .build(),
            Err(_) => ArtifactLocation::builder().uri(file_uri(&abs)).build(),
        }
    }
}

/// Lexically resolves `.` and `..` (no filesystem access: paths may not exist any more).
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

fn slash_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

fn file_uri(abs: &Path) -> String {
    let path = slash_path(abs);
    // Windows `C:/x` needs the extra slash of `file:///C:/x`.
    let path = if path.starts_with('/') {
        path
    } else {
        format!("/{path}")
    };
    format!("file://{}", encode(&path))
}

/// Percent-encodes everything but RFC 3986 unreserved characters and `/` (an unencoded `:`
/// would make a relative URI look like it has a scheme).
fn encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests;
