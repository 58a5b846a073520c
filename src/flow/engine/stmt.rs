//! Statements: assignments and the shapes they keep, branches with the checks they prove, loops,
//! `try`, `match`, closures.

use super::shape::{receiver_field, KeyRef};
use super::*;
use std::rc::Rc;

impl<'a, 'm> Engine<'a, 'm> {
    pub(super) fn block(&mut self, stmts: &'m [Stmt], cx: &mut Ctx<'m>) {
        if self.depth > crate::ir::MAX_DEPTH {
            return;
        }
        self.depth += 1;
        for s in stmts {
            self.work += 1;
            self.stmt(s, cx);
        }
        self.depth -= 1;
    }

    pub(super) fn stmt(&mut self, s: &'m Stmt, cx: &mut Ctx<'m>) {
        match &s.kind {
            StmtKind::Assign {
                targets,
                value,
                augmented,
            } => {
                let (mut t, shape) = match *augmented {
                    false => self.expr_shaped(value, cx),
                    true => (self.expr(value, cx), None),
                };
                // `prompt += question` splices; `messages += [{"role": "user", ...}]` adds
                // elements, each whole.
                if *augmented && !matches!(value.kind, ExprKind::List(_) | ExprKind::Dict(_)) {
                    t = with_flags(t, SPLICED);
                }
                self.remember_field_function(targets, value, cx);
                if !*augmented {
                    self.remember_table(targets, value, cx);
                    self.remember_state(targets, value, cx);
                }
                for target in targets {
                    if *augmented {
                        self.expr(target, cx);
                    }
                    self.assign_shaped(target, &t, shape.as_ref(), *augmented, cx);
                    if let (ExprKind::Name(n), false) = (&target.kind, *augmented) {
                        self.remember_shape(n, value, cx);
                    }
                }
            }
            StmtKind::Expr(e) => {
                let t = self.expr(e, cx);
                // A generator's `yield x` is what its callers iterate over.
                if cx.function.is_some() && self.is_yield(e) {
                    let t = self.trace.extend(&t, s.span, &Note::Return);
                    join(&mut cx.ret, &t);
                }
                self.asserted(e, cx);
                self.and_guard(e, cx);
            }
            StmtKind::Return(e) => {
                self.note_exit(e.as_ref(), cx);
                if let Some(e) = e {
                    let (mut t, mut shape) = self.expr_shaped(e, cx);
                    if let Some(fi) = cx.function {
                        for i in 0..self.return_sinks[fi].len() {
                            let id = self.return_sinks[fi][i] as usize;
                            let part = self.returned_part(id, e, &t, cx);
                            self.sink_reached(id, e.span, &part, cx, "the response");
                        }
                    }
                    // `return api_key, project`: a tuple's parts are merged, so what one part's
                    // name says would reach every part the caller unpacks.
                    if matches!(e.kind, ExprKind::List(_)) {
                        t = self.field_of(t);
                        shape = shape.map(|sh| Rc::new(sh.map(&mut |t| self.field_of(t.clone()))));
                    }
                    let t = self.trace.extend(&t, s.span, &Note::Return);
                    join(&mut cx.ret, &t);
                    let shape = shape.map(|sh| {
                        Rc::new(sh.map(&mut |t| self.trace.extend(t, s.span, &Note::Return)))
                    });
                    cx.ret_shape.add(shape.as_ref());
                }
            }
            StmtKind::Raise(e) => {
                if let Some(e) = e {
                    self.expr(e, cx);
                }
            }
            StmtKind::If { test, body, orelse } => {
                self.expr(test, cx);
                self.branch_sinks(test, [body, orelse], cx);
                let (when_true, when_false) = self.checks(test, cx);
                let field_check = self.field_guard(test);
                let m = cx.env.mark();
                for (name, mask) in when_true {
                    self.passed_check(&mut cx.env, name, mask);
                }
                if let Some((name, attr, true)) = field_check {
                    self.passed_field_check(name, attr, cx);
                }
                // `if message.role == "system":` the message is one of that role.
                if let Some((name, keep_privileged)) = self.role_pick(test) {
                    let t = self.lookup(name, cx).unwrap_or_default();
                    let t = self.keep_role(t, Some(keep_privileged));
                    cx.env.set_var(name, t);
                }
                let gated = !self.spec.sink_gates.is_empty();
                if gated {
                    self.gate_tests.push(test);
                }
                self.block(body, cx);
                if gated {
                    self.gate_tests.pop();
                }
                let then = cx.env.delta(&m);
                cx.env.undo(&m);
                for (name, mask) in when_false {
                    self.passed_check(&mut cx.env, name, mask);
                }
                if let Some((name, attr, false)) = field_check {
                    self.passed_field_check(name, attr, cx);
                }
                self.block(orelse, cx);
                if !self.leaves(body) {
                    if self.leaves(orelse) {
                        // `if x in ALLOWED: ... else: raise`, `assert x in ALLOWED`: only the
                        // branch where the test held goes on.
                        cx.env.undo(&m);
                        cx.env.apply(then);
                    } else {
                        let mut joined = cx.env.delta(&m);
                        merge(&mut joined, &then);
                        cx.env.apply(joined);
                    }
                }
                cx.env.close(m);
            }
            StmtKind::Loop {
                target,
                iter,
                test,
                body,
                orelse,
            } => {
                let t = iter.as_ref().map(|i| self.expr(i, cx)).unwrap_or_default();
                if let Some(test) = test {
                    self.expr(test, cx);
                    self.branch_sinks(test, [body, &[]], cx);
                }
                let m = cx.env.mark();
                // Twice, so what one iteration assigns reaches the next; once when this round has
                // used up its budget.
                for pass in 0..2 {
                    if pass == 1 && self.work > self.work_budget {
                        break;
                    }
                    match (target, iter) {
                        (Some(target), Some(iter)) => self.bind_for_target(target, iter, &t, cx),
                        (Some(target), None) => self.assign(target, &t, false, cx),
                        (None, _) => {}
                    }
                    self.block(body, cx);
                }
                // The loop may not run at all.
                let mut joined = cx.env.delta(&m);
                merge(&mut joined, &Delta::new());
                cx.env.apply(joined);
                cx.env.close(m);
                self.block(orelse, cx);
            }
            StmtKind::With { items, body } => {
                for (ctx_expr, target) in items {
                    let t = self.expr(ctx_expr, cx);
                    if let Some(target) = target {
                        self.assign(target, &t, false, cx);
                        self.opened_as(target, ctx_expr);
                    }
                }
                self.block(body, cx);
            }
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finally,
            } => {
                let m = cx.env.mark();
                self.block(body, cx);
                self.block(orelse, cx);
                let mut after = cx.env.delta(&m);
                for h in handlers {
                    if let Some(k) = &h.kind {
                        self.expr(k, cx);
                    }
                    // A handler starts from the scope before the `try` joined with the one after.
                    cx.env.undo(&m);
                    let mut start = Delta::new();
                    merge(&mut start, &after);
                    cx.env.apply(start);
                    if let Some(name) = &h.name {
                        // `e_api_token` names an exception, not a token.
                        self.masked_names.insert(name, KindSet::MAX);
                        let t = self.caught(h);
                        cx.env.set_var(name, t);
                    }
                    self.block(&h.body, cx);
                    // A handler that returns or raises does not continue after the `try`.
                    if !self.leaves(&h.body) {
                        merge(&mut after, &cx.env.delta(&m));
                    }
                }
                cx.env.undo(&m);
                cx.env.apply(after);
                cx.env.close(m);
                self.block(finally, cx);
            }
            StmtKind::FunctionDef(fi) => {
                // Decorators run where the function is defined: `@tool(description=hint)`.
                let module = self.module;
                for d in &module.functions[*fi].decorators {
                    if matches!(d.kind, ExprKind::Call(_)) {
                        self.expr(d, cx);
                    }
                }
                self.capture(*fi, cx)
            }
            StmtKind::ClassDef(_) | StmtKind::Jump => {}
            StmtKind::Match { subject, cases } => {
                let t = self.expr(subject, cx);
                let name = match &subject.kind {
                    ExprKind::Name(n) => Some(&**n),
                    _ => None,
                };
                let m = cx.env.mark();
                let mut out = Delta::new();
                for (patterns, body) in cases {
                    cx.env.undo(&m);
                    if let Some(n) = name {
                        if !patterns.is_empty() && patterns.iter().all(is_literal_pattern) {
                            cx.env.set_var(n, Taint::new());
                        }
                    }
                    // A capture pattern binds (parts of) the subject: `Ok(response) => ..`,
                    // `case {"cmd": cmd}:`. The other patterns are guards.
                    if let Some(p) = patterns.first().filter(|p| !is_literal_pattern(p)) {
                        if !t.is_empty() {
                            self.assign(p, &t, false, cx);
                        }
                    }
                    self.block(body, cx);
                    merge(&mut out, &cx.env.delta(&m));
                }
                cx.env.undo(&m);
                cx.env.apply(out);
                cx.env.close(m);
            }
            StmtKind::Other { exprs, body } => {
                for e in exprs {
                    self.expr(e, cx);
                }
                self.block(body, cx);
            }
        }
    }

    /// `self.f = fn` / `self.f = given or default_fn`: calls of `self.f(...)` run that function.
    pub(super) fn remember_field_function(
        &mut self,
        targets: &'m [Expr],
        value: &Expr,
        cx: &Ctx<'m>,
    ) {
        let Some(ci) = cx.class else { return };
        let candidates: &[Expr] = match &value.kind {
            ExprKind::Choice(items) => items,
            _ => std::slice::from_ref(value),
        };
        let Some(fi) = candidates
            .iter()
            .find_map(|c| self.function_value(c, Some(ci)))
        else {
            return;
        };
        for t in targets {
            if let ExprKind::Attribute { value: base, attr } = &t.kind {
                if matches!(&base.kind, ExprKind::Name(n) if cx.receiver == Some(&**n)) {
                    self.changed |= self.field_functions.insert((ci, attr), fi).is_none();
                }
            }
        }
    }

    /// `actions = {"run": self.run_snippet}`, `handler = actions.get(kind)`: the names bound to
    /// functions, to be called later (see `Ctx::tables`).
    fn remember_table(&self, targets: &'m [Expr], value: &Expr, cx: &mut Ctx<'m>) {
        for t in targets {
            let ExprKind::Name(n) = &t.kind else {
                continue;
            };
            let fns = self.table_of(value, cx, 0);
            cx.tables.retain(|(name, _)| name != &&**n);
            if !fns.is_empty() {
                cx.tables.push((n, fns));
            }
        }
    }

    /// `const [answer, setAnswer] = useState("")`: `setAnswer` sets `answer` (`[[state_hook]]`).
    fn remember_state(&mut self, targets: &'m [Expr], value: &'m Expr, cx: &Ctx<'m>) {
        let ExprKind::Call(call) = &value.kind else {
            return;
        };
        if self.spec.state_hooks.is_empty() {
            return;
        }
        let hooked = |q: &str| self.spec.state_hooks.iter().any(|g| g.matches(q));
        let hook = match call.qualified.as_deref() {
            Some(q) => hooked(q),
            None => call.callee.dotted().is_some_and(|d| hooked(&d)),
        };
        if !hook {
            return;
        }
        for t in targets {
            let ExprKind::List(items) = &t.kind else {
                continue;
            };
            if let [Expr {
                kind: ExprKind::Name(value),
                ..
            }, Expr {
                kind: ExprKind::Name(setter),
                ..
            }, ..] = &items[..]
            {
                let state = (cx.function, &**value);
                if self.state_setters.insert(setter, state).is_none() {
                    self.changed = true;
                }
            }
        }
    }

    /// The state a setter call sets, when the setter was made in the current function or one
    /// around it.
    pub(super) fn state_of(&self, setter: &str, cx: &Ctx<'m>) -> Option<(Option<usize>, &'m str)> {
        let &(owner, value) = self.state_setters.get(setter)?;
        self.encloses(owner, cx.function).then_some((owner, value))
    }

    /// Whether `inner` is `outer` or nested in it (`None`: the module, around everything).
    pub(super) fn encloses(&self, outer: Option<usize>, inner: Option<usize>) -> bool {
        let fs = &self.module.functions;
        match (outer, inner) {
            (None, _) => true,
            (Some(o), Some(i)) if o == i => true,
            (Some(o), Some(i)) => match (fs.get(o), fs.get(i)) {
                (Some(o), Some(i)) => o.span.start <= i.span.start && i.span.end <= o.span.end,
                _ => false,
            },
            (Some(_), None) => false,
        }
    }

    /// The functions a value may be: a function, a bound method, a dict or list of them, an
    /// entry of one, or a name bound to one. Functions of other files count where the file
    /// imports them by name (`fetch_url`, `tools.fetch_url`).
    pub(super) fn table_of(&self, e: &Expr, cx: &Ctx<'m>, depth: usize) -> Vec<Entry> {
        if depth > 4 {
            return Vec::new();
        }
        let mut out = Vec::new();
        let mut add = |entries: Vec<Entry>| {
            for entry in entries {
                if !out.contains(&entry) {
                    out.push(entry);
                }
            }
        };
        match &e.kind {
            ExprKind::Dict(entries) => {
                for (_, v) in entries {
                    add(self.function_entry(v, cx, true).into_iter().collect());
                }
            }
            ExprKind::List(items) => {
                for v in items {
                    add(self.function_entry(v, cx, true).into_iter().collect());
                }
            }
            ExprKind::Name(n) => match self.named_table(n, cx) {
                Some(entries) => add(entries.to_vec()),
                None => add(self.function_entry(e, cx, false).into_iter().collect()),
            },
            ExprKind::Index { value, .. } => add(self.table_of(value, cx, depth + 1)),
            ExprKind::Call(c) => {
                // `actions.get(kind)`: an entry of the table (a `from-receiver` propagator).
                if let ExprKind::Attribute { value, attr } = &c.callee.kind {
                    if self.method_propagation(attr) == Some(PropagateTo::FromReceiver) {
                        add(self.table_of(value, cx, depth + 1));
                    }
                }
            }
            ExprKind::Choice(items) => {
                for i in items {
                    add(self.table_of(i, cx, depth + 1));
                }
            }
            _ => add(self.function_entry(e, cx, false).into_iter().collect()),
        }
        out
    }

    /// The function a value names: one of the file's, or, as an entry of a dict or list
    /// (`imported`), one the file imports. A name bound to an imported function itself is a
    /// call of that import, as the resolver names it.
    fn function_entry(&self, e: &Expr, cx: &Ctx<'m>, imported: bool) -> Option<Entry> {
        if let Some(fi) = self.function_value(e, cx.class) {
            return Some(Entry::Local(fi));
        }
        if !imported || !matches!(e.kind, ExprKind::Name(_) | ExprKind::Attribute { .. }) {
            return None;
        }
        let q = self.qualify_chain(e)?;
        let callee = self.external_callee(e, &q)?;
        (!callee.by_name).then_some(Entry::Imported(callee.name))
    }

    /// The functions a local or module name is bound to as a table.
    pub(super) fn named_table<'s>(&'s self, name: &str, cx: &'s Ctx<'m>) -> Option<&'s [Entry]> {
        let local = cx.tables.iter().rev().find(|(n, _)| *n == name);
        match local {
            Some((_, fis)) => Some(fis),
            None if cx.env.var(name).is_some() => None,
            None => self.global_tables.get(name).map(Vec::as_slice),
        }
    }

    /// `yield x`, `yield from xs`: the IR reads them as `await`, which passes its operand on.
    fn is_yield(&self, e: &Expr) -> bool {
        matches!(e.kind, ExprKind::Await(_))
            && self
                .text
                .get(e.span.range())
                .is_some_and(|t| t.starts_with("yield"))
    }

    /// Whether a block always leaves: its last statement returns or raises, or makes a call that
    /// never returns (`abort(403)`, `sys.exit(1)`).
    pub(super) fn leaves(&mut self, body: &'m [Stmt]) -> bool {
        if exits(body) || skips(body) {
            return true;
        }
        let Some(StmtKind::Expr(e)) = body.last().map(|s| &s.kind) else {
            return false;
        };
        let e = match &e.kind {
            ExprKind::Await(inner) => inner,
            _ => e,
        };
        match &e.kind {
            ExprKind::Call(call) => call
                .qualified
                .as_deref()
                .is_some_and(|q| self.name_match(q).exits),
            _ => false,
        }
    }

    /// `name` passed a check: an allowlist clears it (`mask` is every kind), a validator marks it
    /// safe for the sink kinds in `mask`.
    pub(super) fn passed_check(&self, env: &mut Env<'m>, name: &'m str, mask: KindSet) {
        let mut t = env
            .var(name)
            .or_else(|| self.globals.var(name))
            .cloned()
            .unwrap_or_default();
        clear_kinds(&mut t, mask);
        env.set_var(name, t);
    }

    /// `if m.role in ("user", "assistant")`, `m.kind == "text"`: a field of a local name tested
    /// against constants (an allowlist without a privileged role), and whether the test holding
    /// means it passed (`not in`, `!=` invert).
    pub(super) fn field_guard(&self, test: &'m Expr) -> Option<(&'m str, &'m str, bool)> {
        let ExprKind::Compare { op, left, right } = &test.kind else {
            return None;
        };
        let positive = match &**op {
            "in" | "==" | "===" => true,
            "not in" | "!=" | "!==" => false,
            _ => return None,
        };
        // Literals, or a name bound once to them (`ROLES = ("user", "assistant")`).
        let literals = |e: &Expr| match &e.kind {
            ExprKind::Str(_) => true,
            ExprKind::List(items) => items.iter().all(|i| i.as_str().is_some()),
            _ => false,
        };
        let constant = |e: &Expr| match &e.kind {
            ExprKind::Name(n) => self.consts.binding(n).is_some_and(literals),
            _ => literals(e),
        };
        let (field, other) = match (&left.kind, &right.kind) {
            (ExprKind::Attribute { .. }, _) if constant(right) => (left, right),
            (_, ExprKind::Attribute { .. }) if op.contains('=') && constant(left) => (right, left),
            _ => return None,
        };
        if self.admits_privileged_role(other) {
            return None;
        }
        let ExprKind::Attribute { value, attr } = &field.kind else {
            return None;
        };
        let ExprKind::Name(name) = &value.kind else {
            return None;
        };
        Some((name, attr, positive))
    }

    /// Where a [`Self::field_guard`] test passed, the field holds one of the constants: it
    /// carries nothing. The object's other fields, and the object whole, keep what they carry.
    pub(super) fn passed_field_check(&mut self, name: &'m str, attr: &'m str, cx: &mut Ctx<'m>) {
        let Some(cur) = self.lookup(name, cx) else {
            return;
        };
        let mut s = match self.shape_of_name(name, cx) {
            Some(s) => (*s).clone(),
            None => Shape::opaque(cur.clone()),
        };
        if s.set(super::shape::Key::Name(attr.into()), Taint::new(), None) {
            cx.env.set_shaped(name, cur, Some(Rc::new(s)));
        }
    }

    /// `self.question = words`: the function's callers in this file give the field what they
    /// pass for the parameter (`AskTool(words)`, `tool.set(words)`; see `StoreFact`).
    pub(super) fn note_stores(&mut self, t: &[Label], ci: usize, field: &'m str, cx: &Ctx) {
        let Some(fi) = cx.function else {
            return;
        };
        for l in t.iter().filter(|l| l.param().is_some()) {
            let fact = StoreFact {
                marker: *l,
                class: ci,
                field,
            };
            let known = self.stores[fi].iter().any(|f| f.same(&fact));
            if !known {
                self.stores[fi].push(fact);
                self.changed = true;
            }
        }
    }

    /// `t` is stored where other functions read it (a field, a closure): the parameters among it
    /// escape the current function.
    fn escapes(&mut self, t: &[Label], cx: &Ctx) {
        let Some(fi) = cx.function else {
            return;
        };
        for p in t.iter().filter_map(|l| l.param()) {
            self.summaries[fi].escaped |= 1u64.checked_shl(p as u32).unwrap_or(0);
        }
    }

    /// `cmd = ["rg", x]`: keep what the first element (a command's program) carries.
    pub(super) fn remember_shape(&mut self, name: &'m str, value: &'m Expr, cx: &mut Ctx<'m>) {
        cx.env.forget_shape(name);
        if let ExprKind::List(items) = &value.kind {
            let head = match items.first() {
                Some(first) => self.expr(first, cx),
                None => Taint::new(),
            };
            cx.env.set_head(name, head);
        }
    }

    /// Bind `t` to an assignment target.
    pub(super) fn assign(
        &mut self,
        target: &'m Expr,
        t: &[Label],
        augmented: bool,
        cx: &mut Ctx<'m>,
    ) {
        self.assign_shaped(target, t, None, augmented, cx)
    }

    /// Bind the target of a `for` (a loop's or a comprehension's) to `t`, what `iter` holds.
    pub(super) fn bind_for_target(
        &mut self,
        target: &'m Expr,
        iter: &'m Expr,
        t: &[Label],
        cx: &mut Ctx<'m>,
    ) {
        match self.items_keys(iter, cx) {
            Some(keys) => self.assign_items(target, t, &keys, cx),
            None => self.assign(target, t, false, cx),
        }
    }

    /// `for k, v in d.items()` (the dialect's `pairs_methods`): what the keys carry, which is what
    /// `d` itself does (a mapping read whole, as a name or a field); `None` for any other loop.
    /// The pairs' values carry what the call returned (`os.environ.items()`, a source of values,
    /// gives keys that are only names). `for i, x in enumerate(xs)` (`counting_functions`): the
    /// position carries nothing.
    fn items_keys(&mut self, iter: &'m Expr, cx: &mut Ctx<'m>) -> Option<Taint> {
        let ExprKind::Call(call) = &iter.kind else {
            return None;
        };
        if let ExprKind::Name(f) = &call.callee.kind {
            let counting = self.module.dialect.counting_functions.contains(&&**f);
            return (counting && call.positional(0).is_some()).then(Taint::new);
        }
        let ExprKind::Attribute { value, attr } = &call.callee.kind else {
            return None;
        };
        if !self.module.dialect.pairs_methods.contains(&&**attr) || !call.args.is_empty() {
            return None;
        }
        matches!(value.kind, ExprKind::Name(_) | ExprKind::Attribute { .. })
            .then(|| self.expr(value, cx))
    }

    /// A `for` target over `d.items()`: a pair's key gets `keys`, its value `t`; any other target
    /// all of `t`.
    fn assign_items(&mut self, target: &'m Expr, t: &[Label], keys: &[Label], cx: &mut Ctx<'m>) {
        match &target.kind {
            ExprKind::List(items) if items.len() == 2 => {
                let keys = self.field_of(keys.to_vec());
                self.assign(&items[0], &keys, false, cx);
                let values = self.field_of(t.to_vec());
                self.assign(&items[1], &values, false, cx);
            }
            _ => self.assign(target, t, false, cx),
        }
    }

    /// Bind `t` to an assignment target, each part of it to what `shape` says that part carries
    /// when known (`a, b = t`, `const {id} = r`, `x = (a, b)`).
    pub(super) fn assign_shaped(
        &mut self,
        target: &'m Expr,
        t: &[Label],
        shape: Option<&Rc<Shape>>,
        augmented: bool,
        cx: &mut Ctx<'m>,
    ) {
        match &target.kind {
            ExprKind::Name(n) => {
                if !augmented {
                    cx.env.forget_shape(n);
                }
                self.name_sinks(n, target.span, t, cx);
                let note = Note::Assign(n.clone());
                let mut new = self.trace.extend(t, target.span, &note);
                if augmented {
                    if let Some(old) = self.lookup(n, cx) {
                        join(&mut new, &old);
                    }
                }
                let shape = shape
                    .filter(|_| !augmented)
                    .map(|s| Rc::new(s.map(&mut |t| self.trace.extend(t, target.span, &note))));
                cx.env.set_shaped(n, new, shape);
            }
            ExprKind::Attribute { value, attr } => {
                match self.ix.property_sinks.get(&**attr) {
                    Some(ids) => {
                        for &id in ids {
                            self.sink_reached(id as usize, target.span, t, cx, attr);
                        }
                    }
                    None => {
                        self.name_sinks(attr, target.span, t, cx);
                    }
                }
                if !self.part_assigned(target, t, shape, augmented, cx) {
                    self.weak_update(target, value, attr, t, shape, cx);
                }
            }
            ExprKind::Index { value, index } => {
                if let Some(key) = index.as_str() {
                    self.name_sinks(key, target.span, t, cx);
                }
                if !self.part_assigned(target, t, shape, augmented, cx) {
                    self.weak_update(target, value, "", t, None, cx)
                }
            }
            // Destructuring: each target gets its part of the value where the value's shape is
            // known, else all of it; but not what one part's name said (`region, secret_key =
            // tuple(...)`).
            ExprKind::List(items) => {
                let t = if items.len() > 1 {
                    self.field_of(t.to_vec())
                } else {
                    t.to_vec()
                };
                // `a, *rest = t`: positions after a spread are not known.
                let spread = items
                    .iter()
                    .position(|i| matches!(i.kind, ExprKind::Spread(_)));
                for (pos, i) in items.iter().enumerate() {
                    let key = u8::try_from(pos)
                        .ok()
                        .filter(|_| spread.is_none_or(|s| pos < s));
                    self.assign_part(i, &t, shape, key.map(KeyRef::Pos), augmented, cx);
                }
            }
            ExprKind::Dict(entries) => {
                let t = self.field_of(t.to_vec());
                for (k, v) in entries {
                    let key = k.as_ref().and_then(|k| k.as_str()).map(KeyRef::Name);
                    self.assign_part(v, &t, shape, key, augmented, cx);
                }
            }
            ExprKind::Spread(inner) => self.assign(inner, t, augmented, cx),
            _ => {}
        }
    }

    /// `a.b.c = t` / `a[i] = t`: the containing object now holds `t` too. `shape` is what the
    /// parts of `t` carry when the target is a whole field (`self.x = (a, b)`).
    pub(super) fn weak_update(
        &mut self,
        target: &'m Expr,
        base: &'m Expr,
        attr: &'m str,
        t: &[Label],
        shape: Option<&Rc<Shape>>,
        cx: &mut Ctx<'m>,
    ) {
        if t.is_empty() {
            return;
        }
        let t = self
            .trace
            .extend(t, target.span, &Note::Assign(short(self.text, target.span)));
        // `self.x = v` / `this.x = v`: a field every method sees.
        if let (ExprKind::Name(n), Some(ci)) = (&base.kind, cx.class) {
            if cx.receiver == Some(&**n) && !attr.is_empty() {
                self.escapes(&t, cx);
                self.note_stores(&t, ci, attr, cx);
                self.field_written(ci, attr, shape);
                self.changed |= join(self.fields.entry((ci, attr)).or_default(), &real(&t));
                return;
            }
        }
        let mut root = base;
        while let ExprKind::Attribute { value, .. } | ExprKind::Index { value, .. } = &root.kind {
            root = value;
        }
        match &root.kind {
            ExprKind::Name(n) if cx.receiver == Some(&**n) => {
                // `self.x["k"] = t`: the parts of `self.x` are no longer known.
                self.escapes(&t, cx);
                if let (Some(ci), Some(field)) = (cx.class, receiver_field(base, cx)) {
                    self.field_written(ci, field, None);
                }
                if let (Some(ci), ExprKind::Attribute { attr, .. }) = (cx.class, &base.kind) {
                    self.changed |= join(self.fields.entry((ci, attr)).or_default(), &real(&t));
                }
            }
            ExprKind::Name(n) => {
                let mut cur = self.lookup(n, cx).unwrap_or_default();
                join(&mut cur, &t);
                cx.env.set_var(n, cur);
            }
            _ => {}
        }
    }

    pub(super) fn capture(&mut self, fi: usize, cx: &Ctx<'m>) {
        if cx.function.is_none() && cx.class.is_none() {
            // Module-level functions read the module's final bindings (`globals`).
            return;
        }
        // Only the names the function uses: a copy of the whole scope per closure is quadratic
        // in a function defining many. Parameter markers belong to the enclosing function's
        // summary, not to the closure's.
        let mut captured: HashMap<&'m str, Taint> = HashMap::new();
        let mut escaped = Taint::new();
        for &n in &self.scope_names[fi] {
            if let Some(t) = cx.env.var(n) {
                escaped.extend(t.iter().filter(|l| l.param().is_some()));
                let mut t = real(t);
                self.callers_data(n, &mut t, cx);
                captured.insert(n, t);
            }
        }
        self.escapes(&escaped, cx);
        if let Some(outer) = cx.function {
            for p in escaped.iter().filter_map(|l| l.param()) {
                self.summaries[outer].captured |= 1u64.checked_shl(p as u32).unwrap_or(0);
            }
            self.caller_kinds[fi] |= self.caller_kinds[outer];
        }
        match &mut self.closures[fi] {
            Some(env) => {
                for (n, t) in captured {
                    self.changed |= join(env.entry(n).or_default(), &t);
                }
            }
            None => {
                self.changed |= captured.values().any(|v| !v.is_empty());
                self.closures[fi] = Some(captured);
            }
        }
    }

    /// A closure capturing parameter `name` of the function it is defined in also sees what
    /// that function's callers in this file pass to it (`function sh(cmd) { return new
    /// Promise(() => exec(cmd)) }`, `sh(reply)`).
    fn callers_data(&self, name: &str, t: &mut Taint, cx: &Ctx<'m>) {
        let Some(outer) = cx.function else {
            return;
        };
        let params = &self.module.functions[outer].params;
        if let Some(i) = params.iter().position(|p| &*p.name == name) {
            if let Some(seed) = self.captured_seeds[outer].get(i) {
                join(t, seed);
            }
        }
    }

    pub(super) fn lookup(&self, name: &str, cx: &Ctx<'m>) -> Option<Taint> {
        cx.env.var(name).or_else(|| self.globals.var(name)).cloned()
    }

    /// The names an `if` test proves checked: (when it holds, when it fails). `a or b` failing
    /// means both failed; `a and b` holding means both held.
    #[allow(clippy::type_complexity)]
    pub(super) fn checks(
        &mut self,
        test: &'m Expr,
        cx: &Ctx<'m>,
    ) -> (Vec<(&'m str, KindSet)>, Vec<(&'m str, KindSet)>) {
        let (mut when_true, mut when_false) = (Vec::new(), Vec::new());
        if let ExprKind::Choice(items) = &test.kind {
            let between = match (items.first(), items.get(1)) {
                (Some(a), Some(b)) => self
                    .text
                    .get(a.span.end as usize..b.span.start as usize)
                    .unwrap_or(""),
                _ => "",
            };
            let is_or = between.contains("or") || between.contains("||");
            let is_and = between.contains("and") || between.contains("&&");
            for item in items {
                if let Some((name, positive, mask)) = self.guard(item, cx) {
                    match (positive, is_or, is_and) {
                        (false, true, false) => when_false.push((name, mask)),
                        (true, false, true) => when_true.push((name, mask)),
                        _ => {}
                    }
                }
            }
        } else if let Some((name, positive, mask)) = self.guard(test, cx) {
            if positive {
                when_true.push((name, mask));
            } else {
                when_false.push((name, mask));
            }
        }
        (when_true, when_false)
    }

    /// `if x in ALLOWED`, `x == "a"`, `ALLOWED.includes(x)`: the name checked, and whether the
    /// test holding means it passed (`not in`, `!=` and `!` invert).
    pub(super) fn guard(
        &mut self,
        test: &'m Expr,
        cx: &Ctx<'m>,
    ) -> Option<(&'m str, bool, KindSet)> {
        let all = KindSet::MAX;
        match &test.kind {
            ExprKind::Compare { op, left, right } => {
                let name = |e: &'m Expr| match &e.kind {
                    ExprKind::Name(n) => Some(&**n),
                    _ => None,
                };
                // An allowlist that admits `system` leaves the client choosing it.
                if self.admits_privileged_role(right) || self.admits_privileged_role(left) {
                    return None;
                }
                // `if r.status_code != 200:`: the answer failed where the test holds.
                if let Some(checked) = self.status_checked(test) {
                    return Some(checked);
                }
                // `urlparse(url).netloc in ALLOWED`, `ROOT in p.parents`: a part of the value.
                if matches!(&**op, "in" | "not in" | "==" | "===" | "!=" | "!==") {
                    let positive = matches!(&**op, "in" | "==" | "===");
                    if let Some((n, mask)) = self.part_checked(left).or(self.part_checked(right)) {
                        return Some((n, positive, mask));
                    }
                }
                match &**op {
                    "in" => Some((name(left)?, true, all)),
                    "not in" => Some((name(left)?, false, all)),
                    // `len(x) > 2000`, `x.length <= MAX`: a length measure against a bound.
                    "<" | "<=" | ">" | ">=" => {
                        let below = op.starts_with('<');
                        if let Some((n, mask)) = self.measured(left) {
                            Some((n, below, mask))
                        } else {
                            let (n, mask) = self.measured(right)?;
                            Some((n, !below, mask))
                        }
                    }
                    "==" | "===" | "!=" | "!==" => {
                        let positive = op.starts_with('=');
                        if right.as_str().is_some() {
                            Some((name(left)?, positive, all))
                        } else if left.as_str().is_some() {
                            Some((name(right)?, positive, all))
                        } else {
                            None
                        }
                    }
                    _ => None,
                }
            }
            ExprKind::Call(call) => {
                let name = |e: &'m Expr| match &e.kind {
                    ExprKind::Name(n) => Some(&**n),
                    _ => None,
                };
                // A validating call of the tables: `re.fullmatch(p, x)` checks its last argument.
                // `ROLES.includes(role)` with `system` among the roles.
                if let ExprKind::Attribute { value, .. } = &call.callee.kind {
                    if self.admits_privileged_role(value) {
                        return None;
                    }
                }
                // A predicate of the scan: `is_allowed(cmd)` is true only when `cmd` passed.
                if let Some((n, mask)) = self.checked_by_call(call, cx, true).into_iter().next() {
                    return Some((n, true, mask));
                }
                if let Some(q) = call.qualified.as_deref() {
                    let m = self.name_match(q);
                    if m.guard != 0 {
                        let last = call.args.iter().rev().find(|a| a.name.is_none())?;
                        return Some((name(&last.value)?, true, m.guard));
                    }
                    if m.guard_first != 0 {
                        let first = call.args.iter().find(|a| a.name.is_none())?;
                        return Some((name(&first.value)?, true, m.guard_first));
                    }
                }
                let ExprKind::Attribute { value, attr } = &call.callee.kind else {
                    return None;
                };
                // `path.relative(root, p).startsWith("..")`: true when `p` escapes the root.
                if let Some((n, mask)) = self.escape_checked(value, attr, call, cx) {
                    return Some((n, false, mask));
                }
                // `x.isdigit()`, `p.is_relative_to(root)`: a check of the receiver.
                let mask = self
                    .ix
                    .guard_methods
                    .get(&**attr)
                    .map_or(0, |ids| self.sanitizer_sinks(ids));
                (mask != 0).then_some((name(value)?, true, mask))
            }
            // `if r.ok:`: the answer failed where the test fails.
            ExprKind::Attribute { .. } => self.status_checked(test),
            ExprKind::Other(items)
                if items.len() == 1 && self.unary_test(test) == Test::Negation =>
            {
                let (n, p, m) = self.guard(&items[0], cx)?;
                Some((n, !p, m))
            }
            _ => None,
        }
    }
}

impl<'a, 'm> Engine<'a, 'm> {
    /// `len(x)` or `x.length` for a length measure of the tables: the name measured and the sink
    /// kinds a bound on it checks for.
    fn measured(&self, e: &'m Expr) -> Option<(&'m str, KindSet)> {
        let (measure, value) = match &e.kind {
            ExprKind::Call(call) => (call.callee.dotted()?, call.positional(0)?),
            ExprKind::Attribute { value, attr } => (attr.to_string(), &**value),
            _ => return None,
        };
        let ExprKind::Name(n) = &value.kind else {
            return None;
        };
        let ids = self.ix.measures.get(&measure)?;
        let mask = self.sanitizer_sinks(ids);
        Some((n, mask))
    }

    /// What the exception a handler binds carries: the `caught` sources its type matches.
    fn caught(&mut self, h: &'m crate::ir::Handler) -> Taint {
        let mut t = Taint::new();
        // The types as written: `Exception`, each of `(ValueError, Exception)`, `""` for none.
        let text = |e: &Expr| self.text.get(e.span.range()).unwrap_or("");
        let types: Vec<&str> = match h.kind.as_ref() {
            None => vec![""],
            Some(Expr {
                kind: ExprKind::List(items),
                ..
            }) => items.iter().map(text).collect(),
            Some(k) => vec![text(k)],
        };
        for &sid in &self.ix.caught_sources {
            let source = &self.spec.sources[sid as usize];
            let SourceMatch::Caught(globs) = &source.matcher else {
                continue;
            };
            if self.wanted_kinds & (1 << source.kind) == 0 || !self.source_applies(source) {
                continue;
            }
            if types.iter().any(|ty| globs.iter().any(|g| g.matches(ty))) {
                let label = source
                    .label
                    .clone()
                    .unwrap_or_else(|| "an exception".into());
                let l = self.start(source.kind, h.span, Note::Source(label));
                join(&mut t, &[l]);
            }
        }
        t
    }
}

/// `if role not in ROLES: continue`: a branch that only skips the rest of the loop's body (or
/// leaves the loop), after calls at most (`logger.warning(...)`). It assigns nothing, so what
/// it drops is only the unchecked state, and `role` is checked for what follows. A branch that
/// assigns before it jumps is not skipped: its state may go on to the next turn or past the loop.
fn skips(body: &[Stmt]) -> bool {
    matches!(body.last().map(|s| &s.kind), Some(StmtKind::Jump))
        && body
            .iter()
            .all(|s| matches!(s.kind, StmtKind::Expr(_) | StmtKind::Jump))
}
