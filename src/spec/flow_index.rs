//! The flow tables of one language family, indexed for lookups by name: built once per family
//! when the registry loads, shared by every file.

use super::family::{applies, Family};
use super::flow::{FlowSpec, SourceMatch};
use super::glob::{last_segment, NameIndex};
use super::sinks::SinkMatch;
use std::collections::HashMap;

#[derive(Debug, Default)]
pub struct FamilyIndex {
    /// Sources matched on a call's qualified name.
    pub call_sources: NameIndex,
    /// Method name -> `receivers`+`methods` sources.
    pub method_sources: HashMap<String, Vec<u32>>,
    /// Last segment of the chain -> attribute sources (`argv` -> `sys.argv`).
    pub attribute_sources: HashMap<String, Vec<u32>>,
    /// Decorator, callback and base-class sources (parameters of functions).
    pub param_sources: Vec<u32>,
    pub call_sinks: NameIndex,
    pub property_sinks: HashMap<String, Vec<u32>>,
    pub key_sinks: HashMap<String, Vec<u32>>,
    /// `[[sink.names]]` sinks, matched on every name assigned to.
    pub name_sinks: Vec<u32>,
    /// Fallback `[[sink.keys]]` sinks with `not_in_calls`: a callee's message dict whose result
    /// is written in one of those calls is no prompt either.
    pub not_in_calls_sinks: Vec<u32>,
    /// Method name -> `receivers`+`methods` sinks.
    pub method_sinks: HashMap<String, Vec<u32>>,
    /// Sinks on what decorated functions return.
    pub return_sinks: Vec<u32>,
    /// Sinks on values splatted into any call.
    pub splat_sinks: Vec<u32>,
    /// Sinks on `if`/`while` tests.
    pub branch_sinks: Vec<u32>,
    /// Sanitizers by the base classes of a constructed class of the file.
    pub class_sanitizers: Vec<u32>,
    /// Sources on exceptions bound by handlers.
    pub caught_sources: Vec<u32>,
    /// Sources on the functions of a dict or list indexed by data of some kinds.
    pub indexed_sources: Vec<u32>,
    /// Sources on string literals holding a key the secret detectors report.
    pub literal_sources: Vec<u32>,
    pub sanitizer_calls: NameIndex,
    pub sanitizer_methods: HashMap<String, Vec<u32>>,
    /// Removal methods (`replace`) and wrapper types (`SecretStr`) by name, and the sanitizers
    /// whose wrappers they reveal.
    pub removals: HashMap<String, Vec<u32>>,
    pub wrappers: HashMap<String, Vec<u32>>,
    pub reveals: HashMap<String, Vec<u32>>,
    pub sanitizer_attributes: HashMap<String, Vec<u32>>,
    pub guard_methods: HashMap<String, Vec<u32>>,
    /// Attributes naming a part of a value (`netloc`, `parents`) -> sanitizers.
    pub parts: HashMap<String, Vec<u32>>,
    /// HTTP status attributes (`status_code`) and success flags (`ok`) -> sanitizers.
    pub statuses: HashMap<String, Vec<u32>>,
    pub success_flags: HashMap<String, Vec<u32>>,
    /// `type` values of content parts with no text (`image_url`) -> sanitizers.
    pub part_types: HashMap<String, Vec<u32>>,
    /// Separators (`/`) -> sanitizers whose `split_last` names them; their `split_methods`
    /// (`split`) and `last_methods` (`pop`) likewise.
    pub split_last: HashMap<String, Vec<u32>>,
    pub split_methods: HashMap<String, Vec<u32>>,
    pub last_methods: HashMap<String, Vec<u32>>,
    /// Prefix tests (`startsWith`) -> sanitizers whose `escapes` calls they test.
    pub escape_tests: HashMap<String, Vec<u32>>,
    /// Length measures (`len`, `.length`) -> sanitizers: comparing one with a bound checks.
    pub measures: HashMap<String, Vec<u32>>,
    /// Keywords bounding a declared class field (`max_length`) -> sanitizers.
    pub bounded_fields: HashMap<String, Vec<u32>>,
    /// Closed field types (`Literal`, `int`, `Enum`) -> sanitizers.
    pub closed_types: HashMap<String, Vec<u32>>,
    pub guard_calls: NameIndex,
    pub propagator_calls: NameIndex,
    pub propagator_methods: HashMap<String, Vec<u32>>,
    /// Calls whose result is a privileged message (ids into `FlowSpec::role_calls`).
    pub role_calls: NameIndex,
}

pub(crate) fn push(map: &mut HashMap<String, Vec<u32>>, key: &str, id: usize) {
    map.entry(key.to_string()).or_default().push(id as u32);
}

impl FamilyIndex {
    pub fn build(spec: &FlowSpec, family: Family) -> FamilyIndex {
        let mut ix = FamilyIndex::default();
        for (id, s) in spec.sources.iter().enumerate() {
            if !applies(&s.languages, family) {
                continue;
            }
            match &s.matcher {
                SourceMatch::Calls(globs) => {
                    for (gi, g) in globs.iter().enumerate() {
                        ix.call_sources.add(g.pattern(), id as u32, gi);
                    }
                }
                SourceMatch::Methods { methods, .. } => {
                    for m in methods {
                        push(&mut ix.method_sources, m, id);
                    }
                }
                SourceMatch::Attributes(chains) => {
                    for c in chains {
                        push(&mut ix.attribute_sources, last_segment(c), id);
                    }
                }
                SourceMatch::Decorators(_)
                | SourceMatch::Directives(_)
                | SourceMatch::Callbacks { .. }
                | SourceMatch::Entries(_)
                | SourceMatch::Registries(_)
                | SourceMatch::ParamNames(_)
                | SourceMatch::Bases { .. }
                | SourceMatch::Annotations(_) => ix.param_sources.push(id as u32),
                SourceMatch::Indexed(_) => ix.indexed_sources.push(id as u32),
                SourceMatch::Caught(_) => ix.caught_sources.push(id as u32),
                SourceMatch::HardcodedSecrets => ix.literal_sources.push(id as u32),
            }
        }
        for (id, s) in spec.sinks.iter().enumerate() {
            if !applies(&s.languages, family) {
                continue;
            }
            match &s.matcher {
                SinkMatch::Calls { calls, .. } => {
                    for (gi, g) in calls.iter().enumerate() {
                        ix.call_sinks.add(g.pattern(), id as u32, gi);
                    }
                }
                SinkMatch::Properties(names) => {
                    for n in names {
                        push(&mut ix.property_sinks, n, id);
                    }
                }
                SinkMatch::Keys {
                    keys, not_in_calls, ..
                } => {
                    for n in keys {
                        push(&mut ix.key_sinks, n, id);
                    }
                    if s.fallback && !not_in_calls.is_empty() {
                        ix.not_in_calls_sinks.push(id as u32);
                    }
                }
                SinkMatch::Names { .. } => ix.name_sinks.push(id as u32),
                SinkMatch::Methods { methods, .. } => {
                    for m in methods {
                        push(&mut ix.method_sinks, m, id);
                    }
                }
                SinkMatch::Returns { .. } => ix.return_sinks.push(id as u32),
                SinkMatch::Splats { .. } => ix.splat_sinks.push(id as u32),
                SinkMatch::Branches { .. } => ix.branch_sinks.push(id as u32),
            }
        }
        for (id, s) in spec.sanitizers.iter().enumerate() {
            if applies(&s.languages, family) {
                for (gi, g) in s.calls.iter().enumerate() {
                    ix.sanitizer_calls.add(g.pattern(), id as u32, gi);
                }
                for m in &s.methods {
                    push(&mut ix.sanitizer_methods, m, id);
                }
                for a in &s.attributes {
                    push(&mut ix.sanitizer_attributes, a, id);
                }
                for g in &s.guards {
                    push(&mut ix.guard_methods, g, id);
                }
                for a in &s.parts {
                    push(&mut ix.parts, a, id);
                }
                for a in &s.statuses {
                    push(&mut ix.statuses, a, id);
                }
                for a in &s.success_flags {
                    push(&mut ix.success_flags, a, id);
                }
                for t in &s.part_types {
                    push(&mut ix.part_types, t, id);
                }
                for t in &s.split_last {
                    push(&mut ix.split_last, t, id);
                }
                for m in &s.split_methods {
                    push(&mut ix.split_methods, m, id);
                }
                for m in &s.last_methods {
                    push(&mut ix.last_methods, m, id);
                }
                for t in &s.escape_tests {
                    push(&mut ix.escape_tests, t, id);
                }
                for m in &s.measures {
                    push(&mut ix.measures, m, id);
                }
                for k in &s.bounded_fields {
                    push(&mut ix.bounded_fields, k, id);
                }
                for t in &s.closed_types {
                    push(&mut ix.closed_types, t, id);
                }
                for m in &s.removals {
                    push(&mut ix.removals, m, id);
                }
                for w in &s.wrappers {
                    push(&mut ix.wrappers, w, id);
                }
                for m in &s.reveals {
                    push(&mut ix.reveals, m, id);
                }
                if !s.bases.is_empty() {
                    ix.class_sanitizers.push(id as u32);
                }
                // Pattern indices past `guard_calls` are `guard_first_calls`.
                for (gi, g) in s.guard_calls.iter().chain(&s.guard_first_calls).enumerate() {
                    ix.guard_calls.add(g.pattern(), id as u32, gi);
                }
            }
        }
        for (id, p) in spec.propagators.iter().enumerate() {
            if applies(&p.languages, family) {
                for (gi, g) in p.calls.iter().enumerate() {
                    ix.propagator_calls.add(g.pattern(), id as u32, gi);
                }
                for m in &p.methods {
                    push(&mut ix.propagator_methods, m, id);
                }
            }
        }
        for (id, g) in spec.role_calls.iter().enumerate() {
            ix.role_calls.add(g.pattern(), id as u32, 0);
        }
        for names in [
            &mut ix.call_sources,
            &mut ix.call_sinks,
            &mut ix.sanitizer_calls,
            &mut ix.guard_calls,
            &mut ix.propagator_calls,
            &mut ix.role_calls,
        ] {
            names.finish();
        }
        ix
    }
}

/// The compiled flow tables and their per-family indexes.
#[derive(Debug, Default)]
pub struct Flows {
    pub spec: FlowSpec,
    /// One index per family, in [`Family::ALL`] order.
    by_family: Vec<FamilyIndex>,
}

impl Flows {
    pub fn new(spec: FlowSpec) -> Flows {
        Flows {
            by_family: Family::ALL
                .iter()
                .map(|f| FamilyIndex::build(&spec, *f))
                .collect(),
            spec,
        }
    }

    /// The tables that apply to files of `family`; none for plain text.
    pub fn index(&self, family: Family) -> Option<&FamilyIndex> {
        (family != Family::Text).then(|| &self.by_family[family.index()])
    }
}
