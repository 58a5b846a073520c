//! Key sets: a dict (or a call of keyword arguments only, `dict(a=1)`) bound to a name that is
//! read only by membership tests (`if k in ALLOWED`). Its entries name keys; their values are
//! never read, so `{"trust_remote_code": True}` there sets nothing.

use super::{Expr, ExprKind, Module, Span, StmtKind};
use std::collections::HashMap;

#[derive(Default)]
struct NameUses {
    /// Times the name appears anywhere, targets included.
    all: usize,
    /// Times it is the right side of `in` / `not in`.
    membership: usize,
    /// Spans of the key containers bound to it; `None` once it is bound to anything else.
    containers: Option<Vec<Span>>,
}

/// The spans of the key sets of a module.
pub fn key_set_spans(module: &Module) -> Vec<Span> {
    let mut uses: HashMap<&str, NameUses> = HashMap::new();
    module.walk_exprs(&mut |e| match &e.kind {
        ExprKind::Name(n) => uses.entry(n).or_default().all += 1,
        ExprKind::Compare { op, right, .. } if matches!(&**op, "in" | "not in") => {
            if let ExprKind::Name(n) = &right.kind {
                uses.entry(n).or_default().membership += 1;
            }
        }
        _ => {}
    });
    for body in module.bodies() {
        super::walk_stmts(body, &mut |s| {
            let StmtKind::Assign { targets, value, .. } = &s.kind else {
                return;
            };
            for t in targets {
                if let ExprKind::Name(n) = &t.kind {
                    let u = uses.entry(n).or_default();
                    let bound = u.containers.get_or_insert_with(Vec::new);
                    if is_key_container(value) {
                        bound.push(value.span);
                    } else {
                        // Bound to something else too: its reads may see settings.
                        u.all = usize::MAX;
                    }
                }
            }
        });
    }
    uses.into_values()
        .filter_map(|u| {
            let bound = u.containers?;
            let only_tested = u.membership > 0 && u.all == bound.len() + u.membership;
            only_tested.then_some(bound)
        })
        .flatten()
        .collect()
}

/// A dict literal, or a call that passes only keyword arguments (`dict(a=1, b=2)`).
fn is_key_container(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Dict(_) => true,
        ExprKind::Call(c) => !c.args.is_empty() && c.args.iter().all(|a| a.name.is_some()),
        _ => false,
    }
}
