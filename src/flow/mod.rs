//! Flow rules: does data of a source kind reach a sink kind without a sanitizer on the way?
//!
//! The tables it reads (`[[flow]]`, `[[source]]`, `[[sink.<shape>]]`, ...) are compiled by
//! `crate::spec::flow` and indexed per language family by `crate::spec::flow_index`.
//!
//! - `trace`: labels (a kind, the sinks it was cleared for, and flags saying how it was placed:
//!   spliced into text, put in a privileged message, handed over as a framework's parameter) and
//!   the arena of steps that records each path.
//! - `engine/`: the interpreter over one file's IR, with function summaries to a fixed point
//!   (`seeds`: where data starts; `stmt`, `expr`, `call`: how it moves; `names`: data known by
//!   its name or by its message's role; `sink`: where it ends; `branch`: tests deciding on data,
//!   and validators that raise).
//! - `link`: flows between the files of a scan (calls of imported functions).

mod engine;
pub mod link;
mod trace;

use crate::finding::Hit;
use crate::ir::constants::Constants;
use crate::ir::{Module, Span};
use crate::source::Source;
use crate::spec::registry::Registry;
use engine::Engine;
use link::{ExternalCall, FnSummary, Returned, Seed};
use std::collections::BTreeSet;
use trace::Note;

/// Flow steps kept per finding: the first ones (where the data came from) and the last ones (how it
/// reached the sink).
const MAX_STEPS: usize = 12;

/// What a file's flow analysis tells the rest of the scan.
#[derive(Debug, Default)]
pub struct FlowOutcome {
    /// Calls with tainted arguments to functions the file imports.
    pub external: Vec<ExternalCall>,
    /// Whether the file has a call that may be a sink (worth analysing again with seeds).
    pub has_sinks: bool,
    /// Functions whose return value carries data or a handle, for callers in other files.
    pub returns: Vec<Returned>,
    /// Every named function, with the sinks its parameters reach when the file was analysed.
    pub summaries: Vec<FnSummary>,
    /// Calls (as the file names them) an argument of which carried data or a parameter, sorted,
    /// when the file has a sink: another file's validator called here can change the result only
    /// if it is one of them.
    pub called_with_data: Vec<String>,
}

/// Run the enabled flow rules over one file, with `seeds` from callers in other files and the
/// keys the secret detectors found in it (`secret_keys`: span and the detector's name of it).
#[allow(clippy::too_many_arguments)]
pub fn run(
    source: &Source,
    module: &Module,
    registry: &Registry,
    consts: &Constants,
    enabled: &BTreeSet<&'static str>,
    seeds: &[Seed],
    secret_keys: &[(Span, String)],
    out: &mut Vec<Hit>,
) -> FlowOutcome {
    let family = source.language.family();
    let flows = &registry.flows;
    let Some(ix) = flows.index(family) else {
        return FlowOutcome::default();
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
                    .is_some_and(|m| m.languages.contains(&family.name()))
        })
        .map(|(i, _)| i)
        .collect();
    if rules.is_empty() {
        return FlowOutcome::default();
    }
    let mut engine = Engine::new(
        module,
        &source.text,
        &flows.spec,
        ix,
        consts,
        rules,
        secret_keys,
    );
    let seeded = engine.seed_param_sources() | engine.seed_external(seeds);
    let (has_sources, has_sinks) = engine.prescan();
    // Local input (a command line's options) once the file's other sources are known.
    let seeded = engine.seed_local_param_sources() | seeded;
    // A file with sinks and no source is still summarised: what its parameters reach decides
    // which methods may stand in for a call that names only the method (`link::Methods`).
    // ... and so is one whose functions may check their parameters (a validator's summary).
    if !seeded && !has_sources && !has_sinks && !engine.might_check() {
        return FlowOutcome {
            has_sinks,
            summaries: (0..module.functions.len())
                .filter_map(|fi| FnSummary::declared(module, fi))
                .collect(),
            ..FlowOutcome::default()
        };
    }
    engine.run();

    let rule_id = |h: &engine::FlowHit| flows.spec.rules[h.rule].rule_id;
    let mut seen: BTreeSet<(&str, u32, u32)> = BTreeSet::new();
    let spans: BTreeSet<(&str, u32, u32)> = engine
        .hits
        .iter()
        .filter(|h| !engine.fallback_spans.contains_key(&h.sink_span))
        .map(|h| (rule_id(h), h.sink_span.start, h.sink_span.end))
        .collect();
    // Where the data of each hit that is not a fallback's came from, and the sinks of its rule.
    let origins: Vec<(Span, u32)> = match engine.fallback_spans.is_empty() {
        true => Vec::new(),
        false => engine
            .hits
            .iter()
            .filter(|h| !engine.fallback_spans.contains_key(&h.sink_span))
            .filter_map(|h| {
                let first = engine.trace.path(h.trace).first().map(|st| st.span)?;
                Some((first, flows.spec.rules[h.rule].sinks))
            })
            .collect(),
    };
    // A fallback's hit whose data also reached a model call of the tables from the same source
    // (on another path the engine kept for it) gives way to that call's.
    let told_elsewhere = |hit: &engine::FlowHit| {
        let Some(&kind) = engine.fallback_spans.get(&hit.sink_span) else {
            return false;
        };
        let related = engine.related_sinks(kind);
        let first = engine.trace.path(hit.trace).first().map(|st| st.span);
        origins
            .iter()
            .any(|(o, sinks)| Some(*o) == first && sinks & related != 0)
    };
    // A flow within the file is reported before one from a caller in another file that reaches
    // the same sink: the local one is whole, and the other may be one of many stand-ins. Then
    // the surest first: a card number beside an email in one prompt is told as the card number.
    let mut hits: Vec<&engine::FlowHit> = engine.hits.iter().collect();
    hits.sort_by_key(|h| (h.linked, std::cmp::Reverse(h.confidence)));
    for hit in hits {
        let id = rule_id(hit);
        let (s, e) = (hit.sink_span.start, hit.sink_span.end);
        // A fallback sink (a prompt known by its name or shape) gives way to any other sink the
        // same data went on to: one finding per flow, told by the sink that knows more.
        if !seen.insert((id, s, e))
            || engine.superseded.contains(&hit.sink_span)
            || told_elsewhere(hit)
        {
            continue;
        }
        // `exec(compile(x))`: one finding, at the inner sink where the data enters.
        // Only the rule's spans starting inside this one are looked at, not every hit's.
        let encloses = spans
            .range((id, s, 0)..=(id, e, u32::MAX))
            .any(|&(_, is, ie)| ie <= e && (is, ie) != (s, e));
        if encloses {
            continue;
        }
        let rule = &flows.spec.rules[hit.rule];
        let path = engine.trace.path(hit.trace);
        // A system message reported where it was made is not reported again at the model call
        // it reaches: the path passes through a sink of the same rule.
        // A fallback also gives way to a fallback its data went through first (`prompt = f"..."`
        // then `{"prompt": prompt}`).
        let is_fallback = engine.fallback_spans.contains_key(&hit.sink_span);
        // So is a tool's result returned again by the tool that calls it (`(args) =>
        // this.execute(args)` registered as a tool, `execute` one too): its `return` statement
        // holds the first return's sink.
        let returned_inside = |st: &trace::Step| {
            matches!(st.note, Note::Return)
                && spans
                    .range((id, st.span.start, 0)..=(id, st.span.end, u32::MAX))
                    .any(|&(_, is, ie)| ie <= st.span.end && (is, ie) != (s, e))
        };
        let reported_before = path.iter().any(|st| {
            (st.span.start, st.span.end) != (s, e)
                && (spans.contains(&(id, st.span.start, st.span.end))
                    || is_fallback && engine.fallback_spans.contains_key(&st.span)
                    || returned_inside(st))
        });
        if reported_before {
            continue;
        }
        let origin = origin(source, &path, false);
        let mut steps: Vec<(Span, String)> = Vec::new();
        for s in &path {
            let label = match &s.note {
                Note::Source(l) | Note::Caller(l) => format!("source: {l}"),
                Note::Param(p) => format!("parameter `{p}`"),
                Note::Assign(n) => format!("assigned to `{n}`"),
                Note::Arg(f) => format!("passed to `{f}`"),
                Note::Return => "returned".to_string(),
                Note::Placed(what) => format!("placed in {what}"),
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
            confidence: hit.confidence,
            fix: None,
        });
    }

    let mut external: Vec<ExternalCall> = Vec::new();
    // Kinds known by a name (and caught exceptions) stay in the file that names them: a value's
    // name says what it is where it is read, not in the functions of other files it is passed to
    // or returned from (`get_secret_str("API_BASE")` is not a secret because its body reads a
    // token elsewhere).
    let local_only = |l: &trace::Label| l.kind < 32 && flows.spec.local_kinds & (1 << l.kind) != 0;
    for (target, arg, label, parts) in &engine.external {
        if local_only(label) {
            continue;
        }
        let path = engine.trace.path(label.trace);
        let call = ExternalCall {
            target: target.name.clone(),
            by_name: target.by_name,
            overrides: target.overrides,
            arg: arg.clone(),
            kind: label.kind as u8,
            cleared: label.cleared,
            flags: label.flags,
            origin: origin(source, &path, true),
            parts: parts.clone(),
        };
        let known = external.iter().any(|e| {
            e.target == call.target
                && e.by_name == call.by_name
                && e.overrides == call.overrides
                && e.arg == call.arg
                && e.kind == call.kind
                && e.cleared == call.cleared
                && e.flags == call.flags
                && e.parts == call.parts
        });
        if !known {
            external.push(call);
        }
    }
    let returns = engine
        .returned()
        .into_iter()
        .filter(|(_, _, label, _)| !local_only(label))
        // Parameters a framework fills (a tool's arguments) reach the framework, not callers in
        // other files: a function returning such a function (a wrapped tool) is not a source.
        .filter(|(_, _, label, _)| label.flags & trace::PARAMETER == 0)
        // Data a caller in another file passed in goes back to that caller only, through its
        // own summary of the call; it does not make the function a source for every importer.
        .filter(|(_, _, label, _)| {
            !matches!(
                engine.trace.path(label.trace).first().map(|s| &s.note),
                Some(Note::Caller(_))
            )
        })
        .map(|(class, function, label, parts)| Returned {
            class: class.map(str::to_string),
            function: function.to_string(),
            kind: label.kind as u8,
            origin: origin(source, &engine.trace.path(label.trace), true),
            parts,
        })
        .collect();
    FlowOutcome {
        external,
        has_sinks,
        returns,
        summaries: engine.fn_summaries(),
        // Only a file with a sink is sent validators' seeds (`scan::link_files`).
        called_with_data: match has_sinks {
            true => {
                let mut called: Vec<String> = engine
                    .called_with_data
                    .iter()
                    .map(|q| q.to_string())
                    .collect();
                called.sort_unstable();
                called
            }
            false => Vec::new(),
        },
    }
}

/// Where a path starts, for messages: the source's label and line (and file, when the message
/// is for another file).
fn origin(source: &Source, path: &[&trace::Step], with_file: bool) -> String {
    match path.first().map(|s| (&s.note, s.span)) {
        Some((Note::Source(label), span)) => {
            let line = source.line_col(span.start as usize).0;
            if with_file {
                format!("{label} ({}:{line})", source.display_path)
            } else {
                format!("{label} (line {line})")
            }
        }
        Some((Note::Caller(label), _)) => label.clone(),
        _ => "untrusted data".to_string(),
    }
}
#[cfg(test)]
mod tests;
