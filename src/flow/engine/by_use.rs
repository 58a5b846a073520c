//! Data that is what a rule is about by how it is used (`sent_whole_to` flows): a user's text
//! sent whole as a prompt is the user's message, whatever it is called, so logging it logs the
//! conversation. Both ends are sinks the engine already meets: a value reaching a `sent_whole_to`
//! sink whole (not spliced into other text, not a part or a product of it) is noted by the step
//! that last named it, and a hit is made at each of the rule's sinks the same value reaches. A
//! function's parameter counts through its summary: `def reply(query)` that logs `query` and
//! sends it as a user message.

use super::*;
use crate::finding::Confidence;
use crate::flow::trace::SPLICED;

/// What a value is not itself once it carries: spliced into other text, read out of a field
/// (`context["kind"]`), or made into something else by a call (`make_request(query)`). (Text
/// placed in a system message is the application's instructions, not the user's message.)
const NOT_ITSELF: Flags = SPLICED | UNNAMED | DERIVED;

/// A value of a `sent_whole_to` rule's sources that reached one of its sinks: the value (its
/// last step), the label, and the sink.
pub(super) struct UseHit {
    rule: usize,
    value: u32,
    label: Label,
    span: Span,
    sink_label: String,
    confidence: Option<Confidence>,
}

impl Engine<'_, '_> {
    /// The enabled rules with a `sent_whole_to`.
    pub(super) fn by_use_rules(spec: &FlowSpec, rules: &[usize]) -> Vec<usize> {
        rules
            .iter()
            .copied()
            .filter(|&r| spec.rules[r].sent_whole_to != 0)
            .collect()
    }

    /// Whether real data `l` reaching a sink of `sink_kind` is sent whole for a `sent_whole_to`
    /// rule.
    pub(super) fn sent_whole_by_use(&self, l: &Label, sink_kind: u8) -> bool {
        self.by_use.iter().any(|&r| {
            let rule = &self.spec.rules[r];
            rule.sources & (1 << l.kind) != 0 && rule.sent_whole_to & (1 << sink_kind) != 0
        })
    }

    /// Real data `l` reached a sink of `sink_kind`: note it for the `sent_whole_to` rules.
    pub(super) fn note_use(
        &mut self,
        l: &Label,
        sink_kind: u8,
        span: Span,
        sink_label: &str,
        confidence: Option<Confidence>,
    ) {
        for i in 0..self.by_use.len() {
            let r = self.by_use[i];
            let rule = &self.spec.rules[r];
            if rule.sources & (1 << l.kind) == 0 {
                continue;
            }
            let whole = rule.sent_whole_to & (1 << sink_kind) != 0
                && l.flags & (NOT_ITSELF | PRIVILEGED) == 0;
            let logged = rule.sinks & (1 << sink_kind) != 0
                && l.flags & rule.flags == rule.flags
                && l.flags & (rule.unless_flags | DERIVED) == 0;
            if !whole && !logged {
                continue;
            }
            // The same value: the same variable (`q` in both `log(q)` and `llm(messages=[{...:
            // q}])`), not two parts of one request (`user` logged, `question` sent).
            let value = self.trace.named_step(l.trace);
            if whole {
                self.sent_whole.insert(value);
            }
            if logged {
                self.use_hits.push(UseHit {
                    rule: r,
                    value,
                    label: *l,
                    span,
                    sink_label: sink_label.to_string(),
                    confidence,
                });
            }
        }
    }

    /// Once the file is done: the hits of the `sent_whole_to` rules, for real data and for
    /// parameters.
    pub(super) fn report_by_use(&mut self) {
        if self.by_use.is_empty() {
            return;
        }
        for h in std::mem::take(&mut self.use_hits) {
            if self.sent_whole.contains(&h.value) {
                self.push_use_hit(h.rule, h.span, &h.sink_label, h.confidence, h.label);
            }
        }
        for fi in 0..self.summaries.len() {
            self.params_used_whole(fi);
        }
    }

    /// Parameters of function `fi` that it sends whole to a `sent_whole_to` sink and that reach
    /// one of the rule's sinks too (in the function or a function it calls).
    fn params_used_whole(&mut self, fi: usize) {
        let facts = &self.summaries[fi].sinks;
        // (rule, parameter, index of the sink fact to report).
        let mut found: Vec<(usize, usize, usize)> = Vec::new();
        for &r in &self.by_use {
            let rule = &self.spec.rules[r];
            for whole in facts.iter().filter(|f| {
                rule.sent_whole_to & (1 << f.sink_kind) != 0
                    && f.flags & (NOT_ITSELF | PRIVILEGED) == 0
            }) {
                let p = whole.param;
                // A tool's arguments are the model's choice, not the user's words.
                let seeded = self.seeds[fi]
                    .get(p)
                    .map_or(0, |t| t.iter().fold(0, |acc: Flags, l| acc | l.flags));
                if seeded & rule.unless_flags != 0 {
                    continue;
                }
                for (k, f) in facts.iter().enumerate() {
                    if f.param == p
                        && rule.sinks & (1 << f.sink_kind) != 0
                        && f.flags & rule.flags == rule.flags
                        && f.flags & (rule.unless_flags | UNNAMED | DERIVED) == 0
                    {
                        found.push((r, p, k));
                    }
                }
            }
        }
        let f = &self.module.functions[fi];
        for (r, p, k) in found {
            let Some(param) = f.params.get(p) else {
                continue;
            };
            let fact = &self.summaries[fi].sinks[k];
            let (span, flags, trace, confidence) =
                (fact.sink_span, fact.flags, fact.trace, fact.sink_confidence);
            let sink_label = fact.sink_label.to_string();
            let label = format!("parameter `{}` of `{}`", param.name, f.name);
            let start = self.trace.push(param.span, Note::Source(label), NO_STEP);
            let trace = self.trace.push(span, Note::Splice { callee: trace }, start);
            // The hit is made here, not by `report`: the label only carries the path (its kind
            // is not read).
            let l = Label {
                kind: 0,
                cleared: 0,
                flags,
                trace,
            };
            self.push_use_hit(r, span, &sink_label, confidence, l);
        }
    }

    fn push_use_hit(
        &mut self,
        r: usize,
        span: Span,
        sink_label: &str,
        confidence: Option<Confidence>,
        l: Label,
    ) {
        let linked = l.flags & LINKED != 0;
        if !self.reported.insert((r, span, linked)) {
            return;
        }
        let rule = &self.spec.rules[r];
        self.hits.push(FlowHit {
            rule: r,
            linked,
            sink_span: span,
            sink_label: sink_label.to_string(),
            confidence: Some(sink::confidence_of(rule.confidence, confidence, l.flags)),
            trace: l.trace,
        });
    }
}
