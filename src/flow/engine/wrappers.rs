//! Secrets that do not show: a value taken out of a text by a constant
//! (`text.replace(api_key, "[REDACTED]")`), names declared with a type that prints a mask
//! (`api_key: SecretStr`) until it is revealed (`.get_secret_value()`), and exception variables,
//! whatever they are named (`except Exception as e_api_token`).

use super::*;

impl<'a, 'm> Engine<'a, 'm> {
    /// Names declared with a wrapper type (a parameter, a class field) or bound to a call of
    /// one (`token = SecretStr(raw)`), and the sink kinds their wrappers clean them for. Names
    /// are per file, so a name also declared or bound otherwise (`api_key: str` elsewhere) is
    /// not masked.
    pub(super) fn index_masked_names(&mut self) {
        if self.ix.wrappers.is_empty() {
            return;
        }
        let module = self.module;
        let declared = module
            .functions
            .iter()
            .flat_map(|f| &f.params)
            .chain(module.classes.iter().flat_map(|c| &c.fields));
        let mut found: Vec<(&'m str, KindSet)> = declared
            .map(|p| {
                (
                    &*p.name,
                    p.annotation.as_deref().map_or(0, |a| self.wrapper_mask(a)),
                )
            })
            .collect();
        for body in module.bodies() {
            crate::ir::walk_stmts(body, &mut |s| {
                let StmtKind::Assign { targets, value, .. } = &s.kind else {
                    return;
                };
                let mask = match &value.kind {
                    ExprKind::Call(call) => {
                        call.callee.dotted().map_or(0, |c| self.wrapper_mask(&c))
                    }
                    _ => 0,
                };
                for t in targets {
                    match &t.kind {
                        ExprKind::Name(n) | ExprKind::Attribute { attr: n, .. } => {
                            found.push((n, mask))
                        }
                        _ => {}
                    }
                }
            });
        }
        let mut plain: HashSet<&'m str> = HashSet::new();
        for (name, mask) in found {
            match mask {
                0 => plain.insert(name),
                m => {
                    *self.masked_names.entry(name).or_default() |= m;
                    true
                }
            };
        }
        self.masked_names.retain(|n, _| !plain.contains(n));
    }

    /// The sinks the wrapper types named in `text` (`Optional[SecretStr]`, `pydantic.SecretStr`)
    /// clean their values for.
    fn wrapper_mask(&self, text: &str) -> KindSet {
        text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .filter_map(|w| self.ix.wrappers.get(w))
            .flatten()
            .fold(0, |m, &id| m | self.spec.sanitizers[id as usize].sinks)
    }

    /// `settings.api_key.get_secret_value()`: the wrapped value again, with the kinds its name
    /// gives it.
    pub(super) fn revealed(
        &mut self,
        receiver: Option<&'m Expr>,
        method: Option<&str>,
        span: Span,
    ) -> Taint {
        let mut t = Taint::new();
        if !method.is_some_and(|m| self.ix.reveals.contains_key(m)) {
            return t;
        }
        let name = match receiver.map(|r| &r.kind) {
            Some(ExprKind::Name(n) | ExprKind::Attribute { attr: n, .. }) => &**n,
            _ => return t,
        };
        let mask = self.masked_names.remove(name);
        self.name_labels(name, span, &mut t);
        if let Some(mask) = mask {
            self.masked_names.insert(name, mask);
        }
        t
    }

    /// `text.replace(api_key, "[REDACTED]")`: the receiver with a value of data taken out and a
    /// constant put in its place is clean.
    pub(super) fn removed(
        &self,
        call: &Call,
        method: Option<&str>,
        recv_t: &[Label],
        arg_ts: &[Taint],
    ) -> Option<Taint> {
        let ids = self.ix.removals.get(method?)?;
        let [(what, what_t), (by, _), ..] = &call.args.iter().zip(arg_ts).collect::<Vec<_>>()[..]
        else {
            return None;
        };
        let secret = |l: &Label| self.is_name_kind(l) || l.param().is_some();
        let positional = what.name.is_none() && by.name.is_none();
        if !positional || by.value.as_str().is_none() || !what_t.iter().any(secret) {
            return None;
        }
        let mask = self.sanitizer_sinks(ids);
        let mut t = recv_t.to_vec();
        clear_kinds(&mut t, mask);
        Some(t)
    }
}
