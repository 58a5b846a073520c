//! Validators by effect: a function that raises unless its argument passes a check leaves that
//! argument checked after a call that returns (`check_cmd(cmd)`), and one whose true result
//! says the check passed guards an `if` (`if not is_allowed(cmd): abort()`). Each function's
//! summary records, per parameter, the sink kinds its normal returns (and its truthy returns)
//! prove checked; callers in the file read it, and the link hands it to other files' callers.

use super::*;

impl<'a, 'm> Engine<'a, 'm> {
    /// For each parameter, the sink kinds its value is checked for where the function now is:
    /// none when the function assigns the parameter (the name no longer holds the caller's
    /// value), every kind when an allowlist cleared it.
    fn params_checked(&self, cx: &Ctx<'m>) -> Vec<KindSet> {
        let Some(fi) = cx.function else {
            return Vec::new();
        };
        let f = &self.module.functions[fi];
        let assigned = self.assigned_params[fi];
        f.params
            .iter()
            .take(MAX_PARAMS)
            .enumerate()
            .map(|(i, p)| {
                if assigned & (1 << i) != 0 || Some(&*p.name) == cx.receiver {
                    return 0;
                }
                let Some(t) = cx.env.var(&p.name) else {
                    return 0;
                };
                t.iter()
                    .filter(|l| l.param() == Some(i))
                    .fold(KindSet::MAX, |acc, l| acc & l.cleared)
            })
            .collect()
    }

    /// A `return` (or the end of the body): what it proves of the parameters joins what the
    /// other returns prove. A value that cannot be true says nothing of when the result is.
    pub(super) fn note_exit(&mut self, value: Option<&'m Expr>, cx: &mut Ctx<'m>) {
        if cx.function.is_none() {
            return;
        }
        let now = self.params_checked(cx);
        meet(&mut cx.exit_checked, &now);
        let Some(value) = value.filter(|v| !is_false_literal(v)) else {
            return;
        };
        let mut when_true = now;
        if let Some(fi) = cx.function {
            let params = &self.module.functions[fi].params;
            for (name, mask) in self.checks(value, cx).0 {
                if let Some(i) = params
                    .iter()
                    .take(MAX_PARAMS)
                    .position(|p| *p.name == *name)
                {
                    if self.assigned_params[fi] & (1 << i) == 0 {
                        when_true[i] |= mask;
                    }
                }
            }
        }
        meet(&mut cx.true_checked, &when_true);
    }

    /// After a function's body: keep what its returns proved, for its callers.
    pub(super) fn finish_checks(&mut self, fi: usize, body: &'m [Stmt], cx: &mut Ctx<'m>) {
        if !self.leaves(body) {
            self.note_exit(None, cx);
        }
        let checked = cx.exit_checked.take().unwrap_or_default();
        let if_true = cx.true_checked.take().unwrap_or_default();
        let s = &mut self.summaries[fi];
        if s.checked != checked || s.checked_if_true != if_true {
            s.checked = checked;
            s.checked_if_true = if_true;
            self.changed = true;
        }
    }

    /// The names a call checks whenever it returns: the arguments a validator of the file (or
    /// of another file, by its summary) raises for unless they pass.
    pub(super) fn checked_by_call(
        &self,
        call: &'m Call,
        cx: &Ctx<'m>,
        when_true: bool,
    ) -> Vec<(&'m str, KindSet)> {
        let mut out = Vec::new();
        let q = call.qualified.as_deref();
        if let Some((fi, offset)) = self.local_callee(call, q, cx) {
            let s = &self.summaries[fi];
            let checked = if when_true {
                &s.checked_if_true
            } else {
                &s.checked
            };
            let params = &self.module.functions[fi].params;
            for (i, &kinds) in checked.iter().enumerate() {
                if kinds == 0 {
                    continue;
                }
                let name = params.get(i).map(|p| &*p.name);
                if let Some(n) = argument_name(call, i.checked_sub(offset), name) {
                    out.push((n, kinds));
                }
            }
            return out;
        }
        let Some(found) = q.and_then(|q| self.external_checks.get(q)) else {
            return out;
        };
        for c in found.iter().filter(|c| c.when_true == when_true) {
            if let Some(n) = argument_name(call, Some(c.param), None) {
                out.push((n, c.kinds));
            }
        }
        out
    }
}

/// The name passed as a parameter (by position, or by keyword when its name is known).
fn argument_name<'m>(
    call: &'m Call,
    position: Option<usize>,
    name: Option<&str>,
) -> Option<&'m str> {
    let by_keyword = name.and_then(|n| call.args.iter().find(|a| a.name.as_deref() == Some(n)));
    let by_position = position.and_then(|p| {
        call.args
            .iter()
            .filter(|a| a.name.is_none() && a.splat == crate::ir::Splat::None)
            .nth(p)
    });
    match &by_keyword.or(by_position)?.value.kind {
        ExprKind::Name(n) => Some(n),
        _ => None,
    }
}

/// `False`, `None`, `null`, `undefined`: a return that is never true.
fn is_false_literal(e: &Expr) -> bool {
    matches!(e.kind, ExprKind::Bool(false) | ExprKind::Null)
}

/// What every path so far proves and this one does too.
fn meet(acc: &mut Option<Vec<KindSet>>, now: &[KindSet]) {
    match acc {
        None => *acc = Some(now.to_vec()),
        Some(a) => {
            for (x, y) in a.iter_mut().zip(now) {
                *x &= y;
            }
        }
    }
}

/// The parameters a function assigns anywhere in its body (a bit per parameter): what a check of
/// them proves is not the caller's value.
pub(super) fn assigned_params(f: &Function) -> u64 {
    let mut bits = 0u64;
    let mut mark = |e: &Expr| {
        let mut names = Vec::new();
        target_names(e, &mut names);
        for n in names {
            if let Some(i) = f.params.iter().take(MAX_PARAMS).position(|p| *p.name == *n) {
                bits |= 1 << i;
            }
        }
    };
    crate::ir::walk_stmts(&f.body, &mut |s| match &s.kind {
        StmtKind::Assign { targets, .. } => targets.iter().for_each(&mut mark),
        StmtKind::Loop {
            target: Some(t), ..
        } => mark(t),
        StmtKind::With { items, .. } => items
            .iter()
            .filter_map(|(_, t)| t.as_ref())
            .for_each(&mut mark),
        _ => {}
    });
    bits
}

fn target_names<'e>(e: &'e Expr, out: &mut Vec<&'e str>) {
    match &e.kind {
        ExprKind::Name(n) => out.push(n),
        ExprKind::List(items) => items.iter().for_each(|i| target_names(i, out)),
        ExprKind::Dict(pairs) => pairs.iter().for_each(|(_, v)| target_names(v, out)),
        _ => {}
    }
}

impl<'a, 'm> Engine<'a, 'm> {
    /// `urlparse(url).netloc`, `u.hostname`, `p.parents`: the name whose part a test reads, and
    /// the sink kinds testing that part checks it for.
    pub(super) fn part_checked(&self, e: &'m Expr) -> Option<(&'m str, KindSet)> {
        let ExprKind::Attribute { value, attr } = &e.kind else {
            return None;
        };
        let ids = self.ix.parts.get(&**attr)?;
        let mask = self.sanitizer_sinks(ids);
        let whole = match &value.kind {
            ExprKind::Call(call) => call.positional(0)?,
            _ => value,
        };
        match &whole.kind {
            ExprKind::Name(n) => Some((n, mask)),
            _ => None,
        }
    }

    /// `r.status_code != 200`, `r.status >= 400`, `r.ok`: the name whose HTTP answer the test
    /// reads, whether the test holding means the answer failed, and the sink kinds a failed
    /// answer is clean for (the server's error is not what the call was made for).
    pub(super) fn status_checked(&self, test: &'m Expr) -> Option<(&'m str, bool, KindSet)> {
        let answer = |e: &'m Expr| match &e.kind {
            ExprKind::Attribute { value, attr } => match &value.kind {
                ExprKind::Name(n) => Some((&**n, &**attr)),
                _ => None,
            },
            _ => None,
        };
        match &test.kind {
            ExprKind::Attribute { .. } => {
                let (n, attr) = answer(test)?;
                Some((
                    n,
                    false,
                    self.sanitizer_sinks(self.ix.success_flags.get(attr)?),
                ))
            }
            ExprKind::Compare { op, left, right } => {
                let (n, attr) = answer(left)?;
                let mask = self.sanitizer_sinks(self.ix.statuses.get(attr)?);
                let ExprKind::Number(v) = &right.kind else {
                    return None;
                };
                let v: u32 = v.parse().ok()?;
                let success = (200..300).contains(&v);
                let failed_when_true = match &**op {
                    "!=" | "!==" if success => true,
                    "==" | "===" if success => false,
                    ">=" if v >= 300 => true,
                    ">" if v >= 299 => true,
                    "<" if (201..=300).contains(&v) => false,
                    "<=" if (200..300).contains(&v) => false,
                    _ => return None,
                };
                Some((n, failed_when_true, mask))
            }
            _ => None,
        }
    }

    /// `path.relative(root, p).startsWith("..")`: the name tested for escaping its root (the
    /// argument that carries data, or the last), and the sink kinds its not escaping checks.
    pub(super) fn escape_checked(
        &self,
        receiver: &'m Expr,
        test: &str,
        call: &'m Call,
        cx: &Ctx<'m>,
    ) -> Option<(&'m str, KindSet)> {
        let ids = self.ix.escape_tests.get(test)?;
        if call.positional(0).and_then(|a| a.as_str()) != Some("..") {
            return None;
        }
        let ExprKind::Call(inner) = &receiver.kind else {
            return None;
        };
        let q = inner.qualified.as_deref()?;
        let mask = ids
            .iter()
            .map(|&id| &self.spec.sanitizers[id as usize])
            .filter(|s| s.escapes.iter().any(|g| g.matches(q)))
            .fold(0, |m, s| m | s.sinks);
        if mask == 0 {
            return None;
        }
        let names: Vec<&'m str> = inner
            .args
            .iter()
            .filter_map(|a| match &a.value.kind {
                ExprKind::Name(n) => Some(&**n),
                _ => None,
            })
            .collect();
        let carries = |n: &&&'m str| cx.env.var(n).is_some_and(|t| !t.is_empty());
        let name = names.iter().find(carries).or(names.last())?;
        Some((*name, mask))
    }
}

impl Engine<'_, '_> {
    /// Whether some function of the file may check a parameter: an `if` that raises, or a
    /// return of a comparison. A file with no source and no sink is analysed for its summaries
    /// only then.
    pub fn might_check(&self) -> bool {
        self.module.functions.iter().any(|f| {
            let mut found = false;
            crate::ir::walk_stmts(&f.body, &mut |s| match &s.kind {
                StmtKind::If { body, .. } => {
                    found |= matches!(body.last().map(|s| &s.kind), Some(StmtKind::Raise(_)))
                }
                StmtKind::Return(Some(e)) => found |= matches!(e.kind, ExprKind::Compare { .. }),
                _ => {}
            });
            found && !f.params.is_empty()
        })
    }
}
