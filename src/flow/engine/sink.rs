//! Sinks: which arguments of a call reach one, findings for real sources, summary facts for
//! parameters.

use super::*;

impl<'a, 'm> Engine<'a, 'm> {
    pub(super) fn call_sinks(
        &mut self,
        call: &'m Call,
        q: &'m str,
        span: Span,
        recv_t: &[Label],
        arg_ts: &[Taint],
        cx: &mut Ctx<'m>,
    ) {
        let matched = self.name_match(q);
        for &id in &matched.sinks {
            let sink = &self.spec.sinks[id as usize];
            if self.wanted_sinks & (1 << sink.kind) == 0 {
                continue;
            }
            let SinkMatch::Calls {
                args,
                element,
                when,
                unless,
                ..
            } = &sink.matcher
            else {
                continue;
            };
            if !self.imports_ok(&sink.imports) {
                continue;
            }
            let holds = |c: &crate::rules::pattern::Condition| c.holds(call, self.consts);
            if !when.iter().all(holds) || unless.iter().any(holds) {
                continue;
            }
            let mut t = Taint::new();
            if args.is_empty() {
                join(&mut t, recv_t);
                for a in arg_ts {
                    join(&mut t, a);
                }
            }
            for a in args {
                let arg_index = match a {
                    SinkArg::Receiver => {
                        join(&mut t, recv_t);
                        continue;
                    }
                    SinkArg::Position(p) => positional_index(call, *p),
                    SinkArg::Keyword(k) => {
                        call.args.iter().position(|x| x.name.as_deref() == Some(k))
                    }
                };
                let Some(i) = arg_index else { continue };
                let value = &call.args[i].value;
                match (element, &value.kind) {
                    // `subprocess.run([prog, arg])`: only the program counts.
                    (Some(el), ExprKind::List(items)) => {
                        if let Some(item) = items.get(*el) {
                            let it = self.expr(item, cx);
                            join(&mut t, &it);
                        }
                    }
                    (Some(0), ExprKind::Name(n)) if cx.env.heads.contains_key(&**n) => {
                        join(&mut t, &cx.env.heads[&**n]);
                    }
                    _ => {
                        join(&mut t, &arg_ts[i]);
                    }
                }
            }
            self.sink_reached(id as usize, span, &t, cx, &format!("{q}()"));
        }
    }

    /// Data `t` reaches sink `id` at `span`: report real sources, and record parameters in the
    /// enclosing function's summary.
    pub(super) fn sink_reached(
        &mut self,
        id: usize,
        span: Span,
        t: &[Label],
        cx: &Ctx<'m>,
        name: &str,
    ) {
        if t.is_empty() {
            return;
        }
        let sink = &self.spec.sinks[id];
        if self.wanted_sinks & (1 << sink.kind) == 0 {
            return;
        }
        let label = sink.label.clone().unwrap_or_else(|| format!("`{name}`"));
        for l in t {
            if l.cleared & (1 << sink.kind) != 0 {
                continue;
            }
            match l.param() {
                Some(param) => {
                    if let Some(fi) = cx.function {
                        self.add_sink_fact(
                            fi,
                            SinkFact {
                                param,
                                sink_kind: sink.kind,
                                cleared: l.cleared,
                                trace: l.trace,
                                sink_span: span,
                                sink_label: label.clone(),
                            },
                        );
                    }
                }
                None => self.report(l, sink.kind, span, &label, l.trace),
            }
        }
    }

    pub(super) fn report(&mut self, l: &Label, sink_kind: u8, span: Span, label: &str, trace: u32) {
        for &r in &self.rules {
            let rule = &self.spec.rules[r];
            if rule.sources & (1 << l.kind) != 0 && rule.sinks & (1 << sink_kind) != 0 {
                self.hits.push(FlowHit {
                    rule: r,
                    sink_span: span,
                    sink_label: label.to_string(),
                    trace,
                });
            }
        }
    }

    pub(super) fn add_sink_fact(&mut self, fi: usize, fact: SinkFact) {
        let facts = &mut self.summaries[fi].sinks;
        let known = facts.iter().any(|f| {
            f.param == fact.param
                && f.sink_kind == fact.sink_kind
                && f.sink_span == fact.sink_span
                && f.cleared == fact.cleared
        });
        if !known {
            facts.push(fact);
            self.changed = true;
        }
    }
}
