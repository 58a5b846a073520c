//! Sink gates (`[[sink_gate]]`): code that runs only where a debug or verbose setting is on
//! (`if settings.verbosity_level >= 2:`, `if (process.env.NODE_ENV === 'development')`) writes
//! its logs at debug level, whatever the method it calls.

use super::*;
use crate::spec::names::name_words;

impl<'a, 'm> Engine<'a, 'm> {
    /// The gates (bits of indices into `spec.sink_gates`) that hold in the branch where `test`
    /// is true. A negated test (`if not verbose:`) or a choice (`verbose or force`) holds none.
    pub(super) fn gates_of(&self, test: &Expr) -> u32 {
        let gates = &self.spec.sink_gates;
        if gates.is_empty() {
            return 0;
        }
        let mut words = Vec::new();
        gate_words(test, self.text, &mut words);
        let mut mask = 0u32;
        for (i, g) in gates.iter().enumerate().take(32) {
            if words.iter().any(|w| g.words.contains(w)) {
                mask |= 1 << i;
            }
        }
        mask
    }

    /// The kind a sink of `kind` has in the code being walked.
    pub(super) fn gated_kind(&self, kind: u8) -> u8 {
        if self.gated == 0 {
            return kind;
        }
        self.spec
            .sink_gates
            .iter()
            .enumerate()
            .find(|(i, g)| self.gated & (1 << i) != 0 && g.kind == kind)
            .map_or(kind, |(_, g)| g.becomes)
    }
}

/// The words of the names and strings a test holds true: a flag (`self.debug`), a check
/// (`logger.isEnabledFor(logging.DEBUG)`), a level at least some number (`verbosity >= 2`), a
/// setting equal to a string (`env == "development"`), either side of an `and`.
fn gate_words(test: &Expr, text: &str, out: &mut Vec<String>) {
    match &test.kind {
        ExprKind::Name(n) => out.extend(name_words(n)),
        ExprKind::Attribute { value, attr } => {
            out.extend(name_words(attr));
            gate_words(value, text, out);
        }
        ExprKind::Call(call) => {
            gate_words(&call.callee, text, out);
            for a in &call.args {
                gate_words(&a.value, text, out);
            }
        }
        ExprKind::Str(s) => out.extend(name_words(s)),
        ExprKind::Await(inner) => gate_words(inner, text, out),
        ExprKind::Compare { op, left, right } => match &**op {
            ">" | ">=" => gate_words(left, text, out),
            "==" | "===" | "is" => {
                gate_words(left, text, out);
                gate_words(right, text, out);
            }
            _ => {}
        },
        ExprKind::Choice(items) => {
            // `a and b` holds both; `a or b`, `c ? a : b` hold neither for sure.
            let between = match (items.first(), items.get(1)) {
                (Some(a), Some(b)) => text
                    .get(a.span.end as usize..b.span.start as usize)
                    .unwrap_or(""),
                _ => "",
            };
            if between.contains("&&") || between.split_whitespace().any(|w| w == "and") {
                for i in items {
                    gate_words(i, text, out);
                }
            }
        }
        _ => {}
    }
}
