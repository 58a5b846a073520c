//! Sink gates (`[[sink_gate]]`): code that runs only where a debug or verbose setting is on
//! (`if settings.verbosity_level >= 2:`, `if (process.env.NODE_ENV === 'development')`) writes
//! its logs at debug level, whatever the method it calls.

use super::*;

impl<'a, 'm> Engine<'a, 'm> {
    /// The kind a sink of `kind` has in the code being walked: a gate's `becomes` when the test
    /// of an `if` around it names one of the gate's words. The tests are read only here, when a
    /// sink of a gated kind is reached, not at every `if`.
    pub(super) fn gated_kind(&self, kind: u8) -> u8 {
        if self.gate_tests.is_empty() {
            return kind;
        }
        let mut words = None;
        for g in self.spec.sink_gates.iter().filter(|g| g.kind == kind) {
            let words = words.get_or_insert_with(|| {
                let mut out = Vec::new();
                for t in &self.gate_tests {
                    gate_words(t, self.text, &mut out);
                }
                out
            });
            if words.iter().any(|w| g.words.contains(w)) {
                return g.becomes;
            }
        }
        kind
    }
}

/// The words of the names and strings a test holds true (a negated test, `if not verbose:`, or
/// a choice, `verbose or force`, holds none): a flag (`self.debug`), a check
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
