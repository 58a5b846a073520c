//! `aiguard inventory`: what a repository does with AI, from the same tables the rules use.
//!
//! - Model calls: calls that the flow tables name as model output (`model-output` sources) or as
//!   model objects (the `llm` handle kind: `ChatOpenAI(...)`), with the model id when it is a
//!   literal, and whether the call has an output-token cap and a timeout (as AIG501 and AIG502
//!   judge them).
//! - Tools: functions handed to a model as tools (sources marked `tool = true`).
//! - Model and dataset downloads: the hub calls AIG603 knows, with the model id and revision.
//! - Secrets: what AIG101–AIG103 find, redacted.
//!
//! One parse per file, in parallel, like a scan. Output as a table, JSON, or a CycloneDX 1.6
//! ML-BOM.

use crate::discover::{self, WalkOptions};
use crate::ir::settings;
use crate::ir::{Call, ExprKind, Module, Span};
use crate::scan;
use crate::source::Family;
use crate::source::Source;
use crate::spec::flow::SourceMatch;
use crate::spec::inventory::InventorySpec;
use crate::spec::registry::Registry;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeSet;
use {crate::ir::constants::Constants, crate::ir::sites::Sites};

#[derive(Debug, Default, Serialize)]
pub struct Inventory {
    pub model_calls: Vec<ModelCall>,
    pub tools: Vec<Tool>,
    /// Servers that expose tools to models (MCP servers).
    pub servers: Vec<Server>,
    pub downloads: Vec<Download>,
    pub secrets: Vec<Secret>,
    /// The text of every secret found: the rendered inventory is masked with them.
    #[serde(skip)]
    pub secret_values: BTreeSet<String>,
}

#[derive(Debug, Serialize)]
pub struct ModelCall {
    pub path: String,
    pub line: u32,
    /// What the tables call it: `OpenAI chat completion`, `LangChain chat model`.
    pub api: String,
    /// The call as aiguard resolved it (`openai.OpenAI().chat.completions.create`).
    pub call: String,
    pub model: Option<String>,
    /// `set`, `missing` (AIG501 reports it), or `n/a` (no cap rule covers this call).
    pub token_cap: &'static str,
    /// `missing` where AIG502 reports this call, else `n/a`.
    pub timeout: &'static str,
}

#[derive(Debug, Serialize)]
pub struct Tool {
    pub path: String,
    pub line: u32,
    /// `LangChain tool argument`, `MCP tool argument`, ...
    pub kind: String,
    pub name: String,
}

/// A server made by a call whose object the tool tables register tools on
/// (`FastMCP("weather")`, `new McpServer({ name })`).
#[derive(Debug, Serialize)]
pub struct Server {
    pub path: String,
    pub line: u32,
    pub call: String,
    pub name: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Download {
    pub path: String,
    pub line: u32,
    pub call: String,
    pub model: Option<String>,
    pub revision: Option<String>,
    /// Whether the revision is a full commit hash (AIG603 reports it otherwise).
    pub pinned: bool,
}

#[derive(Debug, Serialize)]
pub struct Secret {
    pub path: String,
    pub line: u32,
    pub rule: &'static str,
    /// The finding's message: it names the provider and shows the key redacted.
    pub message: String,
}

/// Inventory of the files the walk finds.
pub fn collect(walk: &WalkOptions, registry: &Registry) -> Inventory {
    let (candidates, _) = discover::walk(walk);
    let enabled: BTreeSet<&'static str> = registry
        .rules
        .iter()
        .map(|r| r.id)
        .filter(|id| registry.inventory.rules().any(|r| r == *id))
        .collect();
    let parts: Vec<Inventory> = candidates
        .par_iter()
        .filter_map(|c| discover::load(c, walk.max_filesize).source)
        .map(|source| of_source(&source, registry, &enabled))
        .collect();
    let mut all = Inventory::default();
    for p in parts {
        all.model_calls.extend(p.model_calls);
        all.tools.extend(p.tools);
        all.servers.extend(p.servers);
        all.downloads.extend(p.downloads);
        all.secrets.extend(p.secrets);
        all.secret_values.extend(p.secret_values);
    }
    all
}

/// Inventory of one source.
pub fn of_source(
    source: &Source,
    registry: &Registry,
    enabled: &BTreeSet<&'static str>,
) -> Inventory {
    let spec_inv = &registry.inventory;
    let analysis = scan::analyze_file(source, registry, enabled, &[]);
    let module = &analysis.module;
    let line = |span: Span| scan::location_of(source, span).line;
    let path = || source.display_path.clone();
    let reported = |rule: &str, span: Span| {
        analysis.findings.iter().any(|f| {
            f.rule_id == rule
                && f.location.start_byte == span.start as usize
                && f.location.end_byte == span.end as usize
        })
    };
    let mut inv = Inventory {
        secret_values: analysis.redactions.values(source).into_iter().collect(),
        ..Inventory::default()
    };
    for f in &analysis.findings {
        // Code-execution tools made from a library's tool classes (`ShellTool()`).
        if f.rule_id == spec_inv.tool_rule && f.flow.is_empty() {
            inv.tools.push(Tool {
                path: path(),
                line: f.location.line,
                kind: format!("code-execution tool ({})", f.rule_id),
                name: source
                    .text
                    .get(f.location.start_byte..f.location.end_byte)
                    .and_then(|t| t.lines().next())
                    .unwrap_or("")
                    .chars()
                    .take(80)
                    .collect(),
            });
        }
        if spec_inv.secret_rules.iter().any(|r| r == f.rule_id) {
            inv.secrets.push(Secret {
                path: path(),
                line: f.location.line,
                rule: f.rule_id,
                message: f.message.clone(),
            });
        }
    }
    if !source.language.is_code() {
        return inv;
    }
    let family = source.language.family();
    let spec = &registry.flows.spec;
    let consts = Constants::collect(module).with_lookups(&spec.name_lookups);
    let sites = Sites::collect(module);
    let model_kinds: Vec<u8> = ["model-output", "llm"]
        .iter()
        .filter_map(|k| spec.kinds.iter().position(|n| n == k).map(|i| i as u8))
        .collect();
    let covers = |rule: &str, name: &str| {
        registry.patterns.iter().any(|p| {
            p.rule_id == rule
                && registry
                    .get(rule)
                    .is_some_and(|meta| p.applies_to(family, meta))
                && p.matches_call(name)
        })
    };
    for (call, span) in &sites.calls {
        let Some(q) = call.qualified.as_deref() else {
            continue;
        };
        let source_table = spec.sources.iter().find(|s| {
            model_kinds.contains(&s.kind)
                && crate::spec::family::applies(&s.languages, family)
                && matches!(&s.matcher, SourceMatch::Calls(globs) if globs.iter().any(|g| g.matches(q)))
                // A call made a model call by its arguments (an HTTP POST to a model API).
                && s.when.iter().all(|c| c.holds(call, &consts))
                && !s.unless.iter().any(|c| c.holds(call, &consts))
        });
        if let Some(s) = source_table {
            let state = |rule: &str| match (covers(rule, q), reported(rule, *span)) {
                (_, true) => "missing",
                (true, false) => "set",
                (false, false) => "n/a",
            };
            inv.model_calls.push(ModelCall {
                path: path(),
                line: line(*span),
                api: s.label.clone().unwrap_or_else(|| q.to_string()),
                call: q.to_string(),
                model: model_id(call, &spec_inv.model_keys, &consts),
                token_cap: state(&spec_inv.token_cap_rule),
                timeout: if reported(&spec_inv.timeout_rule, *span) {
                    "missing"
                } else {
                    "n/a"
                },
            });
        }
        if covers(&spec_inv.download_rule, q) {
            let model = download_id(call, q, spec_inv, &consts);
            let revision = literal(settings::lookup(call, "revision", &consts).value(), &consts);
            let pinned = revision
                .as_deref()
                .is_some_and(|r| r.len() == 40 && r.chars().all(|c| c.is_ascii_hexdigit()));
            inv.downloads.push(Download {
                path: path(),
                line: line(*span),
                call: q.to_string(),
                model,
                revision,
                pinned,
            });
        }
    }
    tools(module, registry, family, &mut inv, &|s| line(s), &path);
    inv
}

/// Functions handed to a model as tools: decorated by a tool decorator, passed to a tool
/// factory, or methods of a tool class.
fn tools(
    module: &Module,
    registry: &Registry,
    family: Family,
    inv: &mut Inventory,
    line: &dyn Fn(Span) -> u32,
    path: &dyn Fn() -> String,
) {
    let spec = &registry.flows.spec;
    let tool_sources: Vec<_> = spec
        .sources
        .iter()
        .filter(|s| s.tool && crate::spec::family::applies(&s.languages, family))
        // A table for files importing a module (`*.tool` where `pydantic_ai` is imported).
        .filter(|s| {
            s.imports.is_empty()
                || module.imports.iter().any(|i| {
                    s.imports
                        .iter()
                        .any(|m| i.qualified.starts_with(m.as_str()))
                })
        })
        .collect();
    if tool_sources.is_empty() {
        return;
    }
    for f in &module.functions {
        for d in &f.decorators {
            let name = match &d.kind {
                ExprKind::Call(c) => c.qualified.as_deref().map(str::to_string),
                _ => d.dotted(),
            };
            let Some(name) = name else { continue };
            let qualified = module
                .imports
                .iter()
                .find(|i| name == *i.local || name.starts_with(&format!("{}.", i.local)))
                .map(|i| format!("{}{}", i.qualified, &name[i.local.len()..]))
                .unwrap_or(name);
            if let Some(s) = tool_sources.iter().find(|s| {
                matches!(&s.matcher, SourceMatch::Decorators(g) if g.iter().any(|g| g.matches(&qualified)))
                    && !s.unless_decorators.iter().any(|g| g.matches(&qualified))
            }) {
                inv.tools.push(Tool {
                    path: path(),
                    line: line(f.span),
                    kind: s.label.clone().unwrap_or_default(),
                    name: f.name.to_string(),
                });
            }
        }
    }
    // Tools known by their parameter types (rmcp's `Parameters<T>`) or their class's base (a
    // rig `impl Tool for X`'s `call`).
    let qualify = |name: &str| {
        module
            .imports
            .iter()
            .find(|i| name == &*i.local || name.starts_with(&format!("{}.", i.local)))
            .map(|i| format!("{}{}", i.qualified, &name[i.local.len()..]))
            .unwrap_or_else(|| name.to_string())
    };
    for f in &module.functions {
        let by_type = tool_sources.iter().find(|s| {
            let SourceMatch::Annotations(g) = &s.matcher else {
                return false;
            };
            f.params.iter().any(|p| {
                p.annotation
                    .as_deref()
                    .is_some_and(|a| g.iter().any(|g| g.matches(a) || g.matches(&qualify(a))))
            })
        });
        let by_base = f.class.and_then(|ci| module.classes.get(ci)).and_then(|c| {
            tool_sources.iter().find(|s| {
                let SourceMatch::Bases { bases, methods } = &s.matcher else {
                    return false;
                };
                methods.iter().any(|m| m.matches(&f.name))
                    && c.bases.iter().filter_map(|b| b.dotted()).any(|b| {
                        bases
                            .iter()
                            .any(|g| g.matches(&b) || g.matches(&qualify(&b)))
                    })
            })
        });
        if let Some(s) = by_type.or(by_base) {
            let name = match (
                by_base.is_some(),
                f.class.and_then(|ci| module.classes.get(ci)),
            ) {
                (true, Some(c)) => c.name.to_string(),
                _ => f.name.to_string(),
            };
            inv.tools.push(Tool {
                path: path(),
                line: line(f.span),
                kind: s.label.clone().unwrap_or_default(),
                name,
            });
        }
    }
    // The objects tools are registered on: `mcp.server.*FastMCP().tool` registers on what
    // `mcp.server.*FastMCP` makes.
    let servers: Vec<crate::spec::glob::Glob> = tool_sources
        .iter()
        .flat_map(|s| match &s.matcher {
            SourceMatch::Decorators(g) => g.iter().collect::<Vec<_>>(),
            SourceMatch::Callbacks { calls, .. } => calls.iter().collect(),
            _ => Vec::new(),
        })
        .filter_map(|g| g.pattern().split_once("().").map(|(ctor, _)| ctor))
        .map(crate::spec::glob::Glob::new)
        .collect();
    module.walk_exprs(&mut |e| {
        let ExprKind::Call(c) = &e.kind else { return };
        let Some(q) = c.qualified.as_deref() else {
            return;
        };
        if servers.iter().any(|g| g.matches(q)) {
            let name = c
                .keyword("name")
                .or_else(|| c.positional(0))
                .and_then(|v| v.as_str().map(str::to_string));
            inv.servers.push(Server {
                path: path(),
                line: line(e.span),
                call: q.to_string(),
                name,
            });
        }
        // The table whose matching pattern is the most specific (`ai.tool` over `*.tool`).
        let best = tool_sources
            .iter()
            .filter_map(|s| match &s.matcher {
                SourceMatch::Callbacks { calls, .. } => calls
                    .iter()
                    .filter(|g| g.matches(q))
                    .map(|g| g.pattern().len())
                    .max()
                    .map(|len| (len, *s)),
                _ => None,
            })
            .max_by_key(|(len, _)| *len);
        if let Some((_, s)) = best {
            let name = ["name", "tool_name"]
                .iter()
                .find_map(|k| c.keyword(k))
                .or_else(|| c.positional(0))
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_else(|| q.to_string());
            inv.tools.push(Tool {
                path: path(),
                line: line(e.span),
                kind: s.label.clone().unwrap_or_default(),
                name,
            });
        }
    });
}

fn literal(e: Option<&crate::ir::Expr>, consts: &Constants) -> Option<String> {
    let e = e?;
    match &e.kind {
        ExprKind::Str(s) => Some(s.to_string()),
        ExprKind::Name(n) => consts
            .binding(n)
            .and_then(|v| v.as_str().map(str::to_string)),
        _ => None,
    }
}

/// The model a call names: a `model`-like setting (on the call, its options or its client).
fn model_id(call: &Call, keys: &[String], consts: &Constants) -> Option<String> {
    let mut unknown = false;
    keys.iter()
        .find_map(|k| {
            let found = settings::lookup(call, k, consts);
            unknown |= matches!(found, settings::Found::Unknown);
            literal(found.value(), consts)
        })
        .or_else(|| {
            // Rust: the request given to the call (`create(request)`, `.model("gpt-4o")` on its
            // builder).
            if !consts.builder_setters {
                return None;
            }
            let request = call.positional(0)?;
            keys.iter()
                .find_map(|k| literal(settings::lookup_in(request, k, consts).value(), consts))
        })
        .or_else(|| {
            // `GenerativeModel("gemini-1.5-pro")`, `openai("gpt-4o")` as the model option; not
            // when the model may be set where aiguard cannot read (`agent.prompt("hi")` on an
            // agent it cannot follow).
            if unknown {
                return None;
            }
            literal(call.positional(0), consts).filter(|s| !s.contains(' '))
        })
}

/// The hub id a download names: a keyword, else the first (for a task-first call such as
/// `pipeline`, the second) positional argument.
fn download_id(call: &Call, q: &str, spec: &InventorySpec, consts: &Constants) -> Option<String> {
    spec.download_keys
        .iter()
        .find_map(|k| literal(call.keyword(k), consts))
        .or_else(|| {
            let second = spec
                .download_model_second
                .iter()
                .any(|g| crate::spec::glob::Glob::new(g).matches(q));
            literal(call.positional(usize::from(second)), consts)
        })
}

impl Inventory {
    pub fn to_table(&self) -> String {
        let mut out = String::new();
        out.push_str(&format!("Model calls ({})\n", self.model_calls.len()));
        for c in &self.model_calls {
            out.push_str(&format!(
                "  {}:{}  {}  model={}  token cap={}  timeout={}\n",
                c.path,
                c.line,
                c.api,
                c.model.as_deref().unwrap_or("?"),
                c.token_cap,
                c.timeout
            ));
        }
        out.push_str(&format!("Tools exposed to models ({})\n", self.tools.len()));
        for t in &self.tools {
            out.push_str(&format!(
                "  {}:{}  {}  {}\n",
                t.path, t.line, t.kind, t.name
            ));
        }
        out.push_str(&format!("Tool servers ({})\n", self.servers.len()));
        for s in &self.servers {
            out.push_str(&format!(
                "  {}:{}  {}  {}\n",
                s.path,
                s.line,
                s.call,
                s.name.as_deref().unwrap_or("?")
            ));
        }
        out.push_str(&format!(
            "Model and dataset downloads ({})\n",
            self.downloads.len()
        ));
        for d in &self.downloads {
            out.push_str(&format!(
                "  {}:{}  {}  {}  revision={}{}\n",
                d.path,
                d.line,
                d.call,
                d.model.as_deref().unwrap_or("?"),
                d.revision.as_deref().unwrap_or("none"),
                if d.pinned { "" } else { " (not pinned)" }
            ));
        }
        out.push_str(&format!("Secrets ({})\n", self.secrets.len()));
        for s in &self.secrets {
            out.push_str(&format!(
                "  {}:{}  {}  {}\n",
                s.path, s.line, s.rule, s.message
            ));
        }
        out
    }

    /// A CycloneDX 1.6 ML-BOM: models as `machine-learning-model` components (hub models with
    /// their revision, hosted models by id), model APIs and tools as services.
    /// `purl_type` names the hub downloads come from (`pkg:huggingface`).
    pub fn to_cyclonedx(&self, purl_type: &str) -> serde_json::Value {
        use serde_json::json;
        let mut models: Vec<serde_json::Value> = Vec::new();
        let mut seen = BTreeSet::new();
        for d in &self.downloads {
            let Some(id) = &d.model else { continue };
            if !seen.insert(format!("hub:{id}@{:?}", d.revision)) {
                continue;
            }
            let mut c = json!({
                "type": "machine-learning-model",
                "bom-ref": format!("model:hub:{id}@{}", d.revision.as_deref().unwrap_or("unpinned")),
                "name": id,
                "purl": match &d.revision {
                    Some(r) => format!("{purl_type}/{id}@{r}"),
                    None => format!("{purl_type}/{id}"),
                },
                "properties": [{ "name": "aiguard:location", "value": format!("{}:{}", d.path, d.line) }],
            });
            if let Some(r) = &d.revision {
                c["version"] = json!(r);
            }
            models.push(c);
        }
        for m in &self.model_calls {
            let Some(id) = &m.model else { continue };
            if !seen.insert(format!("hosted:{id}")) {
                continue;
            }
            models.push(json!({
                "type": "machine-learning-model",
                "bom-ref": format!("model:hosted:{id}"),
                "name": id,
                "properties": [{ "name": "aiguard:api", "value": m.api }],
            }));
        }
        let mut services: Vec<serde_json::Value> = Vec::new();
        let mut apis = BTreeSet::new();
        for m in &self.model_calls {
            if apis.insert(m.api.clone()) {
                let sites: Vec<String> = self
                    .model_calls
                    .iter()
                    .filter(|x| x.api == m.api)
                    .map(|x| format!("{}:{}", x.path, x.line))
                    .collect();
                services.push(json!({
                    "bom-ref": format!("api:{}", m.api),
                    "name": m.api,
                    "properties": sites.iter().map(|s| json!({ "name": "aiguard:call-site", "value": s })).collect::<Vec<_>>(),
                }));
            }
        }
        for s in &self.servers {
            services.push(json!({
                "bom-ref": format!("server:{}:{}", s.path, s.line),
                "name": s.name.clone().unwrap_or_else(|| s.call.clone()),
                "description": format!("tool server ({})", s.call),
                "properties": [{ "name": "aiguard:location", "value": format!("{}:{}", s.path, s.line) }],
            }));
        }
        for t in &self.tools {
            services.push(json!({
                "bom-ref": format!("tool:{}:{}:{}", t.path, t.line, t.name),
                "name": t.name,
                "description": t.kind,
                "properties": [{ "name": "aiguard:location", "value": format!("{}:{}", t.path, t.line) }],
            }));
        }
        json!({
            "bomFormat": "CycloneDX",
            "specVersion": "1.6",
            "version": 1,
            "metadata": {
                "tools": { "components": [{ "type": "application", "name": "aiguard", "version": env!("CARGO_PKG_VERSION") }] }
            },
            "components": models,
            "services": services,
        })
    }
}
