//! Decisions: `branches` sinks, where data decides an `if`/`while` test whose test or guarded
//! code names the work the tables list (`if answer == "approved": grant_access(user)`), and
//! `raises` validators used as statements (`jsonschema.validate(args, schema)`).

use super::*;

/// A value an `if` test decides on.
struct Decision<'m> {
    operand: &'m Expr,
    /// Compared with a string or boolean literal, tested for membership of a literal, or checked
    /// by a predicate method: a decision whatever the value is named. Otherwise (truthiness, a
    /// numeric threshold) only when the value's own names say what it decides.
    strong: bool,
    /// The literals it is compared with.
    literals: Vec<&'m str>,
}

impl<'a, 'm> Engine<'a, 'm> {
    /// An `if`/`while` test and the code it guards: report data deciding it when a `branches`
    /// sink's words name the test or the guarded work.
    pub(super) fn branch_sinks(
        &mut self,
        test: &'m Expr,
        guarded: [&'m [Stmt]; 2],
        cx: &mut Ctx<'m>,
    ) {
        if self.ix.branch_sinks.is_empty() {
            return;
        }
        let mut work: Vec<&str> = Vec::new();
        for body in guarded {
            crate::ir::walk_stmts(body, &mut |s| guarded_work(s, &mut work));
        }
        self.decided(test, &work, cx);
    }

    /// `answer === "yes" && grantAccess(user)` as a statement: the operands before the last
    /// are the test, the last is the guarded work.
    pub(super) fn and_guard(&mut self, e: &'m Expr, cx: &mut Ctx<'m>) {
        let ExprKind::Choice(items) = &e.kind else {
            return;
        };
        let (Some((last, tests)), false) = (items.split_last(), self.ix.branch_sinks.is_empty())
        else {
            return;
        };
        let between = match (items.first(), items.get(1)) {
            (Some(a), Some(b)) => self
                .text
                .get(a.span.end as usize..b.span.start as usize)
                .unwrap_or(""),
            _ => return,
        };
        if !between.contains("&&") && !between.contains("and") {
            return;
        }
        let mut work = Vec::new();
        expr_work(last, &mut work);
        for t in tests {
            self.decided(t, &work, cx);
        }
    }

    /// Report data deciding `test` when a `branches` sink's words name the test or `work`.
    fn decided(&mut self, test: &'m Expr, work: &[&str], cx: &mut Ctx<'m>) {
        for id in self.ix.branch_sinks.clone() {
            let sink = &self.spec.sinks[id as usize];
            let SinkMatch::Branches { words, predicates } = &sink.matcher else {
                continue;
            };
            if self.wanted_sinks & (1 << sink.kind) == 0 || !self.imports_ok(&sink.imports) {
                continue;
            }
            let mut decisions = Vec::new();
            self.decisions(test, predicates, &mut decisions);
            if decisions.is_empty() {
                continue;
            }
            let named = |names: &[&str]| {
                names.iter().any(|n| {
                    let w = name_words(n);
                    words
                        .iter()
                        .any(|p| !p.is_empty() && w.windows(p.len()).any(|win| win == &p[..]))
                })
            };
            let does_work = named(work);
            for d in decisions {
                let mut names = Vec::new();
                chain_names(d.operand, &mut names);
                let reads = named(&names);
                let decides = if d.strong {
                    reads || does_work || named(&d.literals)
                } else {
                    reads
                };
                if !decides {
                    continue;
                }
                let t = self.expr(d.operand, cx);
                self.sink_reached(id as usize, test.span, &t, cx, "the test");
            }
        }
    }

    /// The values `test` decides on.
    fn decisions(&self, test: &'m Expr, predicates: &[String], out: &mut Vec<Decision<'m>>) {
        let weak = |operand| Decision {
            operand,
            strong: false,
            literals: Vec::new(),
        };
        match &test.kind {
            // `a and b`, `a or b`
            ExprKind::Choice(items) => {
                for i in items {
                    self.decisions(i, predicates, out);
                }
            }
            ExprKind::Other(items)
                if items.len() == 1 && self.unary_test(test) == Test::Negation =>
            {
                self.decisions(&items[0], predicates, out)
            }
            ExprKind::Await(inner) => self.decisions(inner, predicates, out),
            ExprKind::Compare { op, left, right } => match &**op {
                "==" | "!=" | "===" | "!==" | "is" | "is not" => {
                    for (lit, other) in [(right, left), (left, right)] {
                        match &lit.kind {
                            ExprKind::Str(s) => out.push(Decision {
                                operand: other,
                                strong: true,
                                literals: vec![s],
                            }),
                            ExprKind::Bool(_) => out.push(Decision {
                                operand: other,
                                strong: true,
                                literals: Vec::new(),
                            }),
                            ExprKind::Number(_) => out.push(weak(other)),
                            _ => continue,
                        }
                        break;
                    }
                }
                "in" | "not in" => {
                    if let ExprKind::Str(s) = &left.kind {
                        // `"yes" in answer.lower()`
                        out.push(Decision {
                            operand: right,
                            strong: true,
                            literals: vec![s],
                        });
                    } else if let Some(items) = literal_strs(right) {
                        // `answer in ("yes", "approved")`
                        out.push(Decision {
                            operand: left,
                            strong: true,
                            literals: items,
                        });
                    }
                }
                "<" | ">" | "<=" | ">=" => {
                    if matches!(right.kind, ExprKind::Number(_)) {
                        out.push(weak(left));
                    } else if matches!(left.kind, ExprKind::Number(_)) {
                        out.push(weak(right));
                    }
                }
                _ => {}
            },
            ExprKind::Call(call) => {
                let ExprKind::Attribute { value, attr } = &call.callee.kind else {
                    return;
                };
                let first = call.positional(0);
                if predicates.iter().any(|p| **p == **attr) {
                    if let Some(ExprKind::Str(s)) = first.map(|f| &f.kind) {
                        // `answer.startswith("yes")`
                        out.push(Decision {
                            operand: value,
                            strong: true,
                            literals: vec![s],
                        });
                    } else if let (Some(items), Some(arg)) = (literal_strs(value), first) {
                        // `["yes", "approve"].includes(answer)`
                        out.push(Decision {
                            operand: arg,
                            strong: true,
                            literals: items,
                        });
                    }
                } else if matches!(first.map(|f| &f.kind), Some(ExprKind::Str(_))) {
                    // `decision.get("approved")`
                    out.push(weak(test));
                }
            }
            ExprKind::Name(_) | ExprKind::Attribute { .. } | ExprKind::Index { .. } => {
                out.push(weak(test))
            }
            _ => {}
        }
    }

    /// `jsonschema.validate(args, schema)` as a statement: a validator that raises when the
    /// check fails leaves the checked name valid after it.
    pub(super) fn asserted(&mut self, e: &'m Expr, cx: &mut Ctx<'m>) {
        let call = match &e.kind {
            ExprKind::Call(c) => c,
            ExprKind::Await(inner) => match &inner.kind {
                ExprKind::Call(c) => c,
                _ => return,
            },
            _ => return,
        };
        // A validator of the scan that raises unless its argument passes.
        for (n, mask) in self.checked_by_call(call, cx, false) {
            self.passed_check(&mut cx.env, n, mask);
        }
        let Some(q) = call.qualified.as_deref() else {
            return;
        };
        let m = self.name_match(q);
        // `assert(ALLOWED.includes(cmd))`: what the test proves when it holds.
        if m.assertion {
            if let Some(test) = call.positional(0) {
                for (n, mask) in self.checks(test, cx).0 {
                    self.passed_check(&mut cx.env, n, mask);
                }
            }
        }
        if m.asserts == 0 {
            return;
        }
        let mut positional = call.args.iter().filter(|a| a.name.is_none());
        let checked = if m.guard_first & m.asserts != 0 {
            positional.next()
        } else {
            positional.next_back()
        };
        if let Some(ExprKind::Name(n)) = checked.map(|a| &a.value.kind) {
            self.passed_check(&mut cx.env, n, m.asserts);
        }
    }
}

/// The strings of a list, tuple or set literal of strings only.
fn literal_strs(e: &Expr) -> Option<Vec<&str>> {
    let ExprKind::List(items) = &e.kind else {
        return None;
    };
    let strs: Vec<&str> = items.iter().filter_map(|i| i.as_str()).collect();
    (!strs.is_empty() && strs.len() == items.len()).then_some(strs)
}

/// The names a value is read through: `result.approved`, `data["is_admin"]`,
/// `decision.get("approved")`, `answer.strip().lower()`.
fn chain_names<'m>(e: &'m Expr, out: &mut Vec<&'m str>) {
    match &e.kind {
        ExprKind::Name(n) => out.push(n),
        ExprKind::Attribute { value, attr } => {
            out.push(attr);
            chain_names(value, out);
        }
        ExprKind::Index { value, index } => {
            if let Some(k) = index.as_str() {
                out.push(k);
            }
            chain_names(value, out);
        }
        ExprKind::Call(call) => {
            if let Some(k) = call.positional(0).and_then(|a| a.as_str()) {
                out.push(k);
            }
            chain_names(&call.callee, out);
        }
        ExprKind::Await(inner) => chain_names(inner, out),
        _ => {}
    }
}

/// What a guarded statement does, by name: the functions and methods it calls and the names,
/// attributes and keys it assigns.
fn guarded_work<'m>(s: &'m Stmt, out: &mut Vec<&'m str>) {
    if let StmtKind::Assign { targets, .. } = &s.kind {
        for t in targets {
            match &t.kind {
                ExprKind::Name(n) => out.push(n),
                ExprKind::Attribute { attr, .. } => out.push(attr),
                ExprKind::Index { index, .. } => {
                    if let Some(k) = index.as_str() {
                        out.push(k);
                    }
                }
                _ => {}
            }
        }
    }
    s.for_each_expr(&mut |e| expr_work(e, out));
}

/// The functions and methods an expression calls.
fn expr_work<'m>(e: &'m Expr, out: &mut Vec<&'m str>) {
    e.walk(&mut |x| {
        if let ExprKind::Call(call) = &x.kind {
            match &call.callee.kind {
                ExprKind::Name(n) => out.push(n),
                ExprKind::Attribute { attr, .. } => out.push(attr),
                _ => {}
            }
        }
    })
}
