//! Agent text rules: hidden characters in what agents read as instructions (AIG906) and tool
//! descriptions that give the model orders (AIG907). Which files are instructions, where a
//! tool's description is, what is hidden and what is an order are the pack's
//! (`rules/agent-text.toml`, compiled by [`crate::spec::agent_text`]).

mod descriptions;
mod hidden;
mod injection;

pub use hidden::escape_hidden;

use crate::finding::Hit;
use crate::ir::{Module, Span};
use crate::source::Source;
use crate::spec::registry::Registry;
use hidden::Run;
use std::collections::{BTreeMap, BTreeSet};

/// Where hidden text was found, for its message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Place {
    ToolDescription,
    Instructions,
    SourceCode,
}

impl Place {
    fn noun(self) -> &'static str {
        match self {
            Place::ToolDescription => "a tool description",
            Place::Instructions => "an agent instruction or prompt file",
            Place::SourceCode => "source code",
        }
    }
}

pub fn run(
    source: &Source,
    module: &Module,
    registry: &Registry,
    enabled: &BTreeSet<&'static str>,
    out: &mut Vec<Hit>,
) {
    let spec = &registry.agent_text;
    let hidden_on = !spec.hidden.is_empty() && enabled.contains(spec.rule_id);
    let injection = spec
        .injection
        .as_ref()
        .filter(|i| enabled.contains(i.rule_id));
    if !hidden_on && injection.is_none() {
        return;
    }
    let path = source.display_path.as_str();
    let code = source.language.is_code();
    let tool_descriptions = if code {
        let family = source.language.family();
        descriptions::in_module(module, &registry.flows.spec.sources, spec, family)
    } else if spec.schema_files.is_match(path) {
        descriptions::in_json(&source.text, spec)
    } else {
        Vec::new()
    };
    if hidden_on {
        // One finding per line: line start -> (place, runs).
        let mut lines: BTreeMap<usize, (Place, Vec<Run>)> = BTreeMap::new();
        let mut note = |place: Place, runs: Vec<Run>| {
            for run in runs {
                let line = source.text[..run.start].rfind('\n').map_or(0, |i| i + 1);
                let entry = lines.entry(line).or_insert((place, Vec::new()));
                entry.0 = entry.0.min(place);
                if !entry.1.iter().any(|r| r.start == run.start) {
                    entry.1.push(run);
                }
            }
        };
        let whole = 0..source.text.len();
        if !code && spec.instruction_files.is_match(path) {
            let runs = hidden::reported_runs(spec, &source.text, whole.clone(), false);
            note(Place::Instructions, runs);
        }
        for d in &tool_descriptions {
            let raw = hidden::reported_runs(spec, &source.text, d.span.range(), false);
            if !raw.is_empty() {
                note(Place::ToolDescription, raw);
                continue;
            }
            // Written as escapes: visible in the code, hidden from the user who sees the tool.
            let decoded = hidden::reported_runs(spec, &d.text, 0..d.text.len(), false);
            if !decoded.is_empty() {
                let chars = decoded.into_iter().flat_map(|r| r.chars).collect();
                let start = d.span.start as usize;
                let run = Run {
                    start,
                    end: start + 1,
                    chars,
                };
                note(Place::ToolDescription, vec![run]);
            }
        }
        if code {
            note(
                Place::SourceCode,
                hidden::reported_runs(spec, &source.text, whole, true),
            );
        }
        for (place, mut runs) in lines.into_values() {
            runs.sort_by_key(|r| r.start);
            let first = &runs[0];
            out.push(Hit::new(
                spec.rule_id,
                Span::new(first.start, first.end),
                format!(
                    "Hidden Unicode in {}: {}. A model reads it; an editor, a diff or a review \
                     does not show it",
                    place.noun(),
                    hidden::describe(spec, &runs)
                ),
            ));
        }
    }
    if let Some(injection) = injection {
        for d in &tool_descriptions {
            let spell = |text: &str| hidden::spelled_out(spec, text);
            if let Some(why) = injection::order_in(injection, &d.text, spell) {
                let why = escape_hidden(spec, &why);
                out.push(Hit::new(
                    injection.rule_id,
                    d.span,
                    format!("The tool description {why}"),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests;
