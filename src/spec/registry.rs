//! The loader: the packs in `rules/`, compiled into the binary, parsed once (call-sets expanded,
//! every table checked and compiled) into the [`Registry`]; see `docs/rule-packs.md` for the format.

use super::agent_settings::{AgentSettings, RawAgentSettings, RawLauncher, RawMcpServers};
use super::agent_text::{AgentText, RawAgentText, RawHiddenText, RawToolInjection};
use super::dependency::{DependencyRule, RawDependency};
use super::facts::{FactSet, Facts, RawFact};
use super::fixes::{Fix, RawFix};
use super::flow::{
    FlowSpec, RawFlow, RawFlowTables, RawPropagator, RawRoles, RawSanitizer, RawSinkKind, RawSource,
};
use super::flow_index::Flows;
use super::glob::NameIndex;
use super::inventory::InventorySpec;
use super::loops::{LoopRule, RawLoop};
use super::names::{RawNameLookup, RawNames as RawFlowNames};
use super::pattern::{PatternRule, RawPattern};
use super::roles::{FileRoles, MainGuard, RawFileRole};
use super::rule::{meta_from_raw, RawRule, RuleMeta};
use super::secrets::{Detectors, Filters, RawNames, RawSecret};
use super::sinks::{RawSinks, SinkOrder};
use super::workflows::{AgentAction, AgentCli, WorkflowSettings, WorkflowSpec};
use serde::Deserialize;
use std::sync::OnceLock;

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
        "http-models.toml",
        include_str!("../../rules/http-models.toml"),
    ),
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
    ("workflows.toml", include_str!("../../rules/workflows.toml")),
    (
        "agent-text.toml",
        include_str!("../../rules/agent-text.toml"),
    ),
    (
        "agent-settings.toml",
        include_str!("../../rules/agent-settings.toml"),
    ),
    (
        "file-roles.toml",
        include_str!("../../rules/file-roles.toml"),
    ),
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPack {
    #[serde(default)]
    pub(crate) rule: Vec<RawRule>,
    #[serde(default)]
    pub(crate) pattern: Vec<RawPattern>,
    /// What `aiguard inventory` reads (src/inventory.rs); in one pack only.
    #[serde(default)]
    pub(crate) inventory: Option<InventorySpec>,
    /// Fixes for `--fix` (`[[fix]]`, src/rules/fixes.rs).
    #[serde(default)]
    pub(crate) fix: Vec<RawFix>,
    /// Loop rules (`[[loop]]`, src/rules/loops.rs).
    #[serde(default, rename = "loop")]
    pub(crate) loops: Vec<RawLoop>,
    /// Manifest dependency rules (AIG604).
    #[serde(default)]
    pub(crate) dependency: Vec<RawDependency>,
    /// Coding-agent settings files and what switches their approval off (AIG904).
    #[serde(default)]
    pub(crate) agent_settings: Vec<RawAgentSettings>,
    /// Where MCP client configs keep their servers (AIG905).
    #[serde(default)]
    pub(crate) mcp_servers: Option<RawMcpServers>,
    /// Commands that fetch a server's package when it starts (AIG905).
    #[serde(default)]
    pub(crate) mcp_launcher: Vec<RawLauncher>,
    /// Project facts (`[[fact]]`): what establishes `llm-app`, `rate-limiter`, ...
    #[serde(default)]
    pub(crate) fact: Vec<RawFact>,
    /// Secret detectors (AIG101/AIG102); see `rules/secrets.toml`.
    #[serde(default)]
    pub(crate) secret: Vec<RawSecret>,
    /// Secret names for AIG103.
    #[serde(default)]
    pub(crate) secret_names: Option<RawNames>,
    /// Placeholder, id and hash filters for secrets.
    #[serde(default)]
    pub(crate) secret_filters: Option<Filters>,
    /// Flow tables for the taint engine (`src/flow/`).
    #[serde(default)]
    pub(crate) flow: Vec<RawFlow>,
    #[serde(default)]
    pub(crate) source: Vec<RawSource>,
    /// Sinks, one sub-table per shape (`[[sink.calls]]`, ...), kept in pack order.
    #[serde(default)]
    pub(crate) sink: RawSinks,
    #[serde(default)]
    pub(crate) sanitizer: Vec<RawSanitizer>,
    #[serde(default)]
    pub(crate) propagator: Vec<RawPropagator>,
    /// How chat messages name their role (`[[roles]]`).
    #[serde(default)]
    pub(crate) roles: Vec<RawRoles>,
    /// Data kinds given by names (`[[names]]`: secrets, personal data).
    #[serde(default)]
    pub(crate) names: Vec<RawFlowNames>,
    #[serde(default)]
    pub(crate) name_lookups: Vec<RawNameLookup>,
    #[serde(default, rename = "sink_kind")]
    pub(crate) sink_kinds: Vec<RawSinkKind>,
    /// How files show they are tests, examples, ... (`[[file_role]]`, src/roles.rs).
    #[serde(default)]
    pub(crate) file_role: Vec<RawFileRole>,
    /// How a module runs only as a program (`[main_guard]`).
    #[serde(default)]
    pub(crate) main_guard: Option<MainGuard>,
    /// Calls that never return (`[[exits]]`).
    #[serde(default)]
    pub(crate) exits: Vec<super::flow::RawExits>,
    /// Calls that throw unless their first argument is true (`[[assertions]]`).
    #[serde(default)]
    pub(crate) assertions: Vec<super::flow::RawAssertions>,
    /// Calls that name the HTTP method in their first argument (`[[method_dispatch]]`).
    #[serde(default)]
    pub(crate) method_dispatch: Vec<super::flow::RawMethodDispatch>,
    /// Calls that call a function they are given with arguments they are given (`[[forwarder]]`).
    #[serde(default)]
    pub(crate) forwarder: Vec<super::flow::RawForwarder>,
    /// Calls returning a value and its setter (`[[state_hook]]`).
    #[serde(default)]
    pub(crate) state_hook: Vec<super::flow::RawStateHook>,
    /// What the GitHub-workflow rules read (`[workflows]`, in one pack).
    #[serde(default)]
    pub(crate) workflows: Option<WorkflowSettings>,
    #[serde(default)]
    pub(crate) agent_action: Vec<AgentAction>,
    #[serde(default)]
    pub(crate) agent_cli: Vec<AgentCli>,
    /// What guards one request handler (`[[route_guard]]`).
    #[serde(default)]
    pub(crate) route_guard: Vec<super::flow::RawRouteGuard>,
    /// Tests under which a sink is of another kind (`[[sink_gate]]`).
    #[serde(default)]
    pub(crate) sink_gate: Vec<super::flow::RawSinkGate>,
    /// Agent instruction files and tool descriptions (AIG906, AIG907); one, in one pack.
    #[serde(default)]
    pub(crate) agent_text: Option<RawAgentText>,
    #[serde(default)]
    pub(crate) hidden_text: Vec<RawHiddenText>,
    #[serde(default)]
    pub(crate) tool_injection: Option<RawToolInjection>,
}

/// Parse packs into a registry. Errors name the pack and the rule.
pub fn load(packs: &[(&str, &str)]) -> Result<Registry, String> {
    let mut rules: Vec<RuleMeta> = Vec::new();
    let mut patterns: Vec<PatternRule> = Vec::new();
    let mut raw_patterns = Vec::new();
    let mut raw_loops = Vec::new();
    let mut raw_fixes = Vec::new();
    let mut inventory = None;
    let mut raw_dependencies = Vec::new();
    let (mut raw_agent_settings, mut raw_mcp, mut raw_launchers) =
        (Vec::new(), Vec::new(), Vec::new());
    let (mut raw_secrets, mut secret_names, mut secret_filters) =
        (Vec::new(), Vec::new(), Vec::new());
    let mut flow_tables = RawFlowTables::default();
    let mut raw_facts = Vec::new();
    let (mut raw_roles, mut main_guards) = (Vec::new(), Vec::new());
    let mut tables = Vec::new();
    let mut sink_orders = Vec::new();
    let (mut workflows, mut agent_actions, mut agent_clis) = (None, Vec::new(), Vec::new());
    let (mut agent_text, mut hidden_text, mut tool_injection) = (None, Vec::new(), None);
    for (file, text) in packs {
        let table: toml::Table = toml::from_str(text).map_err(|e| format!("{file}: {e}"))?;
        tables.push((*file, table));
        sink_orders.push(SinkOrder::of(text).map_err(|e| format!("{file}: {e}"))?);
    }
    super::callsets::expand(&mut tables)?;
    for (((file, table), sink_order), (_, text)) in tables.iter_mut().zip(&sink_orders).zip(packs) {
        let pack = RawPack::deserialize(std::mem::take(table))
            .map_err(|e| format!("{file}: {}", positioned(e, text)))?;
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
        raw_agent_settings.extend(pack.agent_settings);
        raw_mcp.extend(pack.mcp_servers);
        raw_launchers.extend(pack.mcp_launcher);
        raw_facts.extend(pack.fact.into_iter().map(|f| (*file, f)));
        raw_roles.extend(pack.file_role);
        main_guards.extend(pack.main_guard);
        raw_secrets.extend(pack.secret.into_iter().map(|s| (*file, s)));
        secret_names.extend(pack.secret_names);
        secret_filters.extend(pack.secret_filters);
        flow_tables.flows.extend(pack.flow);
        flow_tables.sources.extend(pack.source);
        flow_tables.sinks.extend(pack.sink.in_order(sink_order));
        flow_tables.sanitizers.extend(pack.sanitizer);
        flow_tables.propagators.extend(pack.propagator);
        flow_tables.roles.extend(pack.roles);
        flow_tables.names.extend(pack.names);
        flow_tables.name_lookups.extend(pack.name_lookups);
        flow_tables.sink_kinds.extend(pack.sink_kinds);
        flow_tables.exits.extend(pack.exits);
        flow_tables.assertions.extend(pack.assertions);
        flow_tables.method_dispatch.extend(pack.method_dispatch);
        flow_tables.forwarders.extend(pack.forwarder);
        flow_tables.state_hooks.extend(pack.state_hook);
        if let Some(w) = pack.workflows {
            if workflows.replace(w).is_some() {
                return Err(format!("{file}: a second [workflows] table"));
            }
        }
        agent_actions.extend(pack.agent_action);
        agent_clis.extend(pack.agent_cli);
        flow_tables.route_guards.extend(pack.route_guard);
        flow_tables.sink_gates.extend(pack.sink_gate);
        hidden_text.extend(pack.hidden_text);
        if let Some(t) = pack.agent_text {
            if agent_text.replace(t).is_some() {
                return Err(format!("{file}: a second [agent_text] table"));
            }
        }
        if let Some(t) = pack.tool_injection {
            if tool_injection.replace(t).is_some() {
                return Err(format!("{file}: a second [tool_injection] table"));
            }
        }
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
    let mut pattern_calls = NameIndex::default();
    for (pi, p) in patterns.iter().enumerate() {
        for (gi, g) in p.calls.iter().enumerate() {
            pattern_calls.add(g.pattern(), pi as u32, gi);
        }
    }
    pattern_calls.finish();
    let inventory = inventory.unwrap_or_default();
    for r in inventory.rules().filter(|r| !r.is_empty()) {
        if !rules.iter().any(|m| m.id == r) {
            return Err(format!("[inventory] names unknown rule {r}"));
        }
    }
    let mut fixes = Vec::new();
    for (file, raw) in raw_fixes {
        let known = |id: &str| rules.iter().any(|r| r.id == id);
        fixes.push(Fix::compile(raw, &known).map_err(|e| format!("{file}: {e}"))?);
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
    let agent_settings =
        AgentSettings::compile(raw_agent_settings, raw_mcp, raw_launchers, &rules)?;
    let secrets = Detectors::compile(raw_secrets, secret_names, secret_filters, &rules)?;
    let flows = Flows::new(FlowSpec::compile(flow_tables, &rules)?);
    let roles = FileRoles::compile(raw_roles, main_guards)?;
    let workflows = WorkflowSpec::compile(workflows, agent_actions, agent_clis, &rules)?;
    let agent_text = AgentText::compile(agent_text, hidden_text, tool_injection, &rules)?;
    Ok(Registry {
        workflows,
        agent_text,
        roles,
        rules,
        patterns,
        pattern_calls,
        inventory,
        fixes,
        loops,
        dependencies,
        agent_settings,
        secrets,
        flows,
        facts,
    })
}

/// An error in a pack's tables, with the line of the unknown key it names when the key is on one
/// line only (a key on several lines could be any of them): the tables are read after call-sets
/// are expanded, from a value with no positions.
fn positioned(error: toml::de::Error, text: &str) -> String {
    let message = error.to_string();
    let key = message
        .split_once("unknown field `")
        .and_then(|(_, rest)| rest.split_once('`'))
        .map(|(key, _)| key);
    let lines: Vec<usize> = key.map_or_else(Vec::new, |key| {
        let sets = |l: &str| {
            l.trim_start()
                .strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        };
        text.lines()
            .enumerate()
            .filter(|(_, l)| sets(l))
            .map(|(i, _)| i + 1)
            .collect()
    });
    match lines.as_slice() {
        [line] => format!("line {line}: {}", message.trim_end()),
        _ => message.trim_end().to_string(),
    }
}

pub fn load_builtin() -> Result<Registry, String> {
    load(BUILTIN_PACKS)
}

/// All rules, in id order, plus the compiled rule logic of every pack.
#[derive(Debug)]
pub struct Registry {
    pub rules: Vec<RuleMeta>,
    pub patterns: Vec<PatternRule>,
    /// The call patterns of `patterns`, by name: (pattern, glob) pairs a call may match.
    pub pattern_calls: NameIndex,
    /// What `aiguard inventory` reads (`[inventory]`).
    pub inventory: InventorySpec,
    /// Mechanical fixes for findings on calls (`[[fix]]`, `--fix`).
    pub fixes: Vec<Fix>,
    /// `while True` loops around model calls (AIG503).
    pub loops: Vec<LoopRule>,
    /// Unpinned-dependency rules over manifests (`[[dependency]]`).
    pub dependencies: Vec<DependencyRule>,
    /// Agent settings and MCP client configs (AIG904, AIG905).
    pub agent_settings: AgentSettings,
    /// Secret detectors (AIG101-AIG103), compiled once with the registry.
    pub secrets: Detectors,
    /// Sources, sinks and flow rules for the taint engine.
    pub flows: Flows,
    /// Project facts (`[[fact]]`) and what establishes them.
    pub facts: Facts,
    /// What makes a file a test, an example, ... (`[[file_role]]`).
    pub roles: FileRoles,
    /// What the GitHub-workflow rules read (`[workflows]`, `[[agent_action]]`, `[[agent_cli]]`).
    pub workflows: WorkflowSpec,
    /// Agent instructions, hidden characters and tool descriptions (AIG906, AIG907).
    pub agent_text: AgentText,
}

impl Registry {
    /// The built-in packs, compiled into the binary, loaded once.
    pub fn builtin() -> &'static Registry {
        static REGISTRY: OnceLock<Registry> = OnceLock::new();
        REGISTRY.get_or_init(|| {
            load_builtin().unwrap_or_else(|e| panic!("built-in rule pack is invalid: {e}"))
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
    pub fn facts_allow(&self, id: &str, facts: &FactSet) -> bool {
        self.get(id)
            .is_none_or(|r| super::facts::allowed(&r.requires_facts, &r.unless_facts, facts))
    }

    /// Index of a rule in `rules` (SARIF `ruleIndex`).
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.rules.iter().position(|r| r.id == id)
    }
}
