//! Flow rules: does data of a source kind reach a sink kind without a sanitizer on the way?
//!
//! - `spec`: the flow tables of the packs (`[[flow]]`, `[[source]]`, `[[sink]]`, ...), compiled.
//! - `index`: those tables per language family, indexed by name.
//! - `trace`: labels and the arena of steps that records each path.
//! - `engine`: the interpreter over one file's IR, with function summaries to a fixed point.

mod engine;
mod index;
pub mod spec;
mod trace;

use crate::ir::{Module, Span};
use crate::rules::pattern::Constants;
use crate::rules::{Hit, Registry};
use crate::source::Source;
use engine::Engine;
use index::FamilyIndex;
use spec::FlowSpec;
use std::collections::BTreeSet;
use trace::Note;

/// The compiled flow tables and their per-family indexes.
#[derive(Debug, Default)]
pub struct Flows {
    pub spec: FlowSpec,
    python: FamilyIndex,
    typescript: FamilyIndex,
    javascript: FamilyIndex,
}

impl Flows {
    pub fn new(spec: FlowSpec) -> Flows {
        Flows {
            python: FamilyIndex::build(&spec, "python"),
            typescript: FamilyIndex::build(&spec, "typescript"),
            javascript: FamilyIndex::build(&spec, "javascript"),
            spec,
        }
    }

    fn index(&self, family: &str) -> Option<&FamilyIndex> {
        match family {
            "python" => Some(&self.python),
            "typescript" => Some(&self.typescript),
            "javascript" => Some(&self.javascript),
            _ => None,
        }
    }
}

/// Flow steps kept per finding: the first ones (where the data came from) and the last ones (how it
/// reached the sink).
const MAX_STEPS: usize = 12;

/// Run the enabled flow rules over one file.
pub fn run(
    source: &Source,
    module: &Module,
    registry: &Registry,
    consts: &Constants,
    enabled: &BTreeSet<&'static str>,
    out: &mut Vec<Hit>,
) {
    let family = source.language.family();
    let flows = &registry.flows;
    let Some(ix) = flows.index(family) else {
        return;
    };
    let rules: Vec<usize> = flows
        .spec
        .rules
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            enabled.contains(r.rule_id)
                && registry
                    .get(r.rule_id)
                    .is_some_and(|m| m.languages.contains(&family))
        })
        .map(|(i, _)| i)
        .collect();
    if rules.is_empty() {
        return;
    }
    let mut engine = Engine::new(module, &source.text, &flows.spec, ix, consts, rules);
    let seeded = engine.seed_param_sources();
    if !seeded && !engine.has_sources() {
        return;
    }
    engine.run();

    let mut seen: BTreeSet<(usize, u32, u32)> = BTreeSet::new();
    for hit in &engine.hits {
        if !seen.insert((hit.rule, hit.sink_span.start, hit.sink_span.end)) {
            continue;
        }
        let rule = &flows.spec.rules[hit.rule];
        let path = engine.trace.path(hit.trace);
        let origin = match path.first().map(|s| &s.note) {
            Some(Note::Source(label)) => {
                let line = source.line_col(path[0].span.start as usize).0;
                format!("{label} (line {line})")
            }
            _ => "untrusted data".to_string(),
        };
        let mut steps: Vec<(Span, String)> = Vec::new();
        for s in &path {
            let label = match &s.note {
                Note::Source(l) => format!("source: {l}"),
                Note::Param(p) => format!("parameter `{p}`"),
                Note::Assign(n) => format!("assigned to `{n}`"),
                Note::Arg(f) => format!("passed to `{f}`"),
                Note::Return => "returned".to_string(),
                Note::Splice { .. } => continue,
            };
            if steps.last().is_some_and(|(sp, _)| *sp == s.span) {
                continue;
            }
            steps.push((s.span, label));
        }
        steps.push((hit.sink_span, format!("sink: {}", hit.sink_label)));
        if steps.len() > MAX_STEPS {
            let tail = steps.split_off(steps.len() - (MAX_STEPS - 4));
            steps.truncate(4);
            steps.extend(tail);
        }
        out.push(Hit {
            rule_id: rule.rule_id,
            span: hit.sink_span,
            message: rule
                .message
                .replace("{source}", &origin)
                .replace("{sink}", &hit.sink_label),
            in_raw: false,
            flow: steps,
        });
    }
}
#[cfg(test)]
mod tests;
