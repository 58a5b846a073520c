//! Request handlers a `[[route_guard]]` guards (a limiter's decorator, a quota check in the body,
//! a limiter passed beside the handler to the route's registration): data that enters in one
//! carries the guard's flag, across files too, so a rule can leave that route out (AIG505).

use super::*;
use crate::ir::walk_stmts;

impl<'a, 'm> Engine<'a, 'm> {
    /// Find the guarded functions of the module (`decorator_names` is indexed).
    pub(super) fn index_route_guards(&mut self) {
        let guards = &self.spec.route_guards;
        let named = |words: &aho_corasick::AhoCorasick| words.is_match(self.text);
        if guards.is_empty()
            || self
                .spec
                .route_guard_words
                .as_ref()
                .is_some_and(|w| !named(w))
        {
            return;
        }
        let module = self.module;
        let mut guarded: Vec<(Span, Flags)> = Vec::new();
        for (fi, f) in module.functions.iter().enumerate() {
            for g in guards {
                let names = &self.decorator_names[fi];
                if names
                    .iter()
                    .any(|n| g.decorators.iter().any(|d| d.matches(n)))
                {
                    guarded.push((f.span, g.flag));
                }
            }
        }
        // An upstream limit passed on (`except RateLimitError: raise HTTPException(429)`) limits
        // nothing of the route's own.
        let mut handlers: Vec<Span> = Vec::new();
        if guards.iter().any(|g| !g.statuses.is_empty()) {
            for body in module.bodies() {
                walk_stmts(body, &mut |s| {
                    if let StmtKind::Try { handlers: hs, .. } = &s.kind {
                        handlers.extend(hs.iter().map(|h| h.span));
                    }
                });
            }
        }
        module.walk_exprs(&mut |e| {
            let ExprKind::Call(call) = &e.kind else {
                return;
            };
            let name = self.call_name(call);
            for g in guards {
                let checks = name
                    .as_deref()
                    .is_some_and(|n| g.calls.iter().any(|c| c.matches(n)));
                let passes =
                    !g.middleware.is_empty() && self.passes_middleware(call, &g.middleware);
                let responds = !g.statuses.is_empty()
                    && gives_status(call, &g.statuses)
                    && !handlers.iter().any(|h| h.contains(e.span));
                if checks || passes || responds {
                    // Every function the call is in (a handler, the closures it defines, or the
                    // one whose parameter default it is: `Depends(limiter)`).
                    let around = module.functions.iter().filter(|f| f.span.contains(e.span));
                    guarded.extend(around.map(|f| (f.span, g.flag)));
                }
                if passes {
                    guarded.extend(self.handlers_passed(call).map(|span| (span, g.flag)));
                }
            }
        });
        self.route_guarded = guarded;
    }

    /// The flags of the guards around `span`.
    pub(super) fn route_flags(&self, span: Span) -> Flags {
        self.route_guarded
            .iter()
            .filter(|(s, _)| s.contains(span))
            .fold(0, |acc, (_, f)| acc | f)
    }

    fn call_name(&self, call: &Call) -> Option<String> {
        call.qualified
            .as_deref()
            .map(str::to_string)
            .or_else(|| self.qualify_chain(&call.callee))
    }

    /// Whether an argument of `call` is a limiter (`limiter`, `rateLimit({...})`).
    fn passes_middleware(&self, call: &Call, middleware: &[crate::spec::glob::Glob]) -> bool {
        call.args.iter().any(|a| {
            let name = match &a.value.kind {
                ExprKind::Call(c) => self.call_name(c),
                _ => self.qualify_chain(&a.value),
            };
            name.is_some_and(|n| middleware.iter().any(|m| m.matches(&n)))
        })
    }

    /// The spans of the functions `call` passes: inline (`async (req, res) => ...`) or by the
    /// name of a function of the module.
    fn handlers_passed<'c>(&'c self, call: &'c Call) -> impl Iterator<Item = Span> + 'c {
        let module = self.module;
        call.args.iter().filter_map(move |a| match &a.value.kind {
            ExprKind::Function(fi) => module.functions.get(*fi).map(|f| f.span),
            ExprKind::Name(n) => module
                .functions
                .iter()
                .find(|f| f.class.is_none() && *f.name == **n)
                .map(|f| f.span),
            _ => None,
        })
    }
}

/// Whether a call is given one of these statuses: a number or an attribute named so, as an
/// argument or a value of an options object (`HTTPException(status_code=429)`, `res.status(429)`,
/// `NextResponse.json(body, { status: 429 })`, `abort(HTTPStatus.TOO_MANY_REQUESTS)`).
fn gives_status(call: &Call, statuses: &[String]) -> bool {
    let is_status = |e: &Expr| match &e.kind {
        ExprKind::Number(n) => statuses.iter().any(|s| **s == **n),
        ExprKind::Attribute { attr, .. } => statuses.iter().any(|s| **s == **attr),
        _ => false,
    };
    call.args.iter().any(|a| match &a.value.kind {
        ExprKind::Dict(entries) => entries.iter().any(|(_, v)| is_status(v)),
        _ => is_status(&a.value),
    })
}
