//! Loop rules: a `while True` loop that calls a model on every turn and has nothing bounding
//! how many turns it takes.
//!
//! A `[[loop]]` table names the calls (qualified-name globs) that make a loop worth a look, and
//! the calls that bound it by themselves: a loop that waits for a person or a queue each turn
//! (`input()`, `websocket.receive_text()`, `queue.get()`) or sleeps between turns runs at the
//! pace of its input, not of the model. What the engine knows is language, not libraries: a
//! loop is bounded when a counter changed in it (`turns += 1`) is compared in it
//! (`if turns >= MAX_TURNS: break`), or when its test is anything but a literal true.

use crate::finding::Hit;
use crate::ir::{walk_stmts, Call, Expr, ExprKind, Module, Stmt, StmtKind};
use crate::spec::glob::Glob;
use crate::spec::loops::LoopRule;
use crate::spec::rule::RuleMeta;

impl LoopRule {
    pub fn applies_to(&self, family: crate::source::Family, meta: &RuleMeta) -> bool {
        meta.runs_on(&self.languages, family)
    }

    pub fn run(&self, module: &Module, out: &mut Vec<Hit>) {
        for body in module.bodies() {
            walk_stmts(body, &mut |s| {
                let StmtKind::Loop {
                    iter: None,
                    test: Some(test),
                    body,
                    ..
                } = &s.kind
                else {
                    return;
                };
                if !always_true(test) {
                    return;
                }
                let Some(call) = self.model_call(body) else {
                    return;
                };
                if self.paced(body) || counted(body) {
                    return;
                }
                out.push(Hit {
                    rule_id: self.rule_id,
                    span: crate::ir::Span::new(s.span.start as usize, test.span.end as usize),
                    message: self.message.replace("{name}", &call),
                    in_raw: false,
                    flow: vec![(
                        call_span(body, &self.calls),
                        "the model is called here".into(),
                    )],
                    confidence: None,
                    fix: None,
                });
            });
        }
    }

    /// The first model call in the loop's body, by qualified name.
    fn model_call(&self, body: &[Stmt]) -> Option<String> {
        let mut found = None;
        each_call(body, &mut |name, _| {
            if found.is_none() && self.calls.iter().any(|g| g.matches(name)) {
                found = Some(name.to_string());
            }
        });
        found
    }

    fn paced(&self, body: &[Stmt]) -> bool {
        let mut paced = false;
        each_call(body, &mut |name, call| {
            // `await asyncio.sleep(0)` yields to other tasks; it does not wait.
            let yields = matches!(call.positional(0).map(|a| &a.kind), Some(ExprKind::Number(n)) if n.trim_start_matches('0').is_empty() || &**n == "0.0");
            paced |= !yields && self.paced_by.iter().any(|g| g.matches(name));
        });
        paced
    }
}

fn call_span(body: &[Stmt], globs: &[Glob]) -> crate::ir::Span {
    let mut span = None;
    each_call(body, &mut |name, c| {
        if span.is_none() && globs.iter().any(|g| g.matches(name)) {
            span = Some(c.callee.span);
        }
    });
    span.unwrap_or_default()
}

/// Every call in the statements (nested blocks included, nested functions not): its qualified
/// name, or its spelling when it has none.
fn each_call<'a>(body: &'a [Stmt], f: &mut dyn FnMut(&str, &'a Call)) {
    walk_stmts(body, &mut |s| {
        s.for_each_expr(&mut |e| {
            e.walk(&mut |e| {
                if let ExprKind::Call(c) = &e.kind {
                    match c.qualified.as_deref() {
                        Some(q) => f(q, c),
                        None => {
                            if let Some(d) = c.callee.dotted() {
                                f(&d, c)
                            }
                        }
                    }
                }
            })
        })
    });
}

/// `True`, `true`, `1`.
fn always_true(test: &Expr) -> bool {
    match &test.kind {
        ExprKind::Bool(b) => *b,
        ExprKind::Number(n) => &**n == "1",
        _ => false,
    }
}

/// A counter: a name changed by `+=`/`-=` (or `x = x + 1`) in the loop and compared in it.
fn counted(body: &[Stmt]) -> bool {
    let mut counters: Vec<&str> = Vec::new();
    walk_stmts(body, &mut |s| {
        if let StmtKind::Assign {
            targets,
            value,
            augmented,
        } = &s.kind
        {
            for t in targets {
                let name = match &t.kind {
                    ExprKind::Name(n) => &**n,
                    ExprKind::Attribute { attr, .. } => &**attr,
                    _ => continue,
                };
                if *augmented || mentions(value, name) {
                    counters.push(name);
                }
            }
        }
    });
    if counters.is_empty() {
        return false;
    }
    let mut compared = false;
    walk_stmts(body, &mut |s| {
        s.for_each_expr(&mut |e| {
            e.walk(&mut |e| {
                if let ExprKind::Compare { op, left, right } = &e.kind {
                    if !matches!(&**op, "for" | ":=" | "if")
                        && counters
                            .iter()
                            .any(|c| mentions(left, c) || mentions(right, c))
                    {
                        compared = true;
                    }
                }
            })
        })
    });
    compared
}

/// Whether `e` reads the name (or field) `name`.
fn mentions(e: &Expr, name: &str) -> bool {
    let mut found = false;
    e.walk(&mut |x| match &x.kind {
        ExprKind::Name(n) if &**n == name => found = true,
        ExprKind::Attribute { attr, .. } if &**attr == name => found = true,
        _ => {}
    });
    found
}
