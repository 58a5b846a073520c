//! Data known by its name and by its place in a prompt: identifiers named like a secret or a
//! personal detail (`[[names]]`), lookups by such a name (`os.getenv("OPENAI_API_KEY")`), chat
//! messages whose role makes their text privileged (`[[roles]]`), and places that are prompts by
//! their name or shape (`[[sink.names]]`, `[[sink.keys]]` with `with_keys`).

use super::*;
use crate::flow::trace::KEY;
use crate::spec::glob::Glob;
use std::cell::RefCell;

/// Identifiers matched per worker thread before the cache starts over.
const NAME_KIND_CACHE_MAX: usize = 50_000;

thread_local! {
    /// Identifier -> bits of the `[[names]]` tables it matches, per spec.
    static NAME_KINDS: RefCell<(usize, HashMap<Box<str>, u32>)> = RefCell::new((0, HashMap::new()));
}

impl<'a, 'm> Engine<'a, 'm> {
    /// Bits of the `[[names]]` tables `name` matches (identifiers repeat: cached per thread).
    pub(super) fn name_tables(&self, name: &str) -> u32 {
        if !self.names_on || name.len() < 2 || name.len() > 64 {
            return 0;
        }
        let key = self.spec as *const FlowSpec as usize;
        NAME_KINDS.with(|c| {
            let mut c = c.borrow_mut();
            if c.0 != key || c.1.len() >= NAME_KIND_CACHE_MAX {
                *c = (key, HashMap::new());
            }
            if let Some(bits) = c.1.get(name) {
                return *bits;
            }
            let words = name_words(name);
            let bits = self
                .spec
                .names
                .iter()
                .enumerate()
                .filter(|(_, n)| n.matches(&words))
                .fold(0u32, |b, (i, _)| b | 1 << i);
            c.1.insert(name.into(), bits);
            bits
        })
    }

    /// The kinds `name` is named as.
    pub(super) fn name_kinds(&self, name: &str) -> KindSet {
        let bits = self.name_tables(name);
        self.spec
            .names
            .iter()
            .enumerate()
            .filter(|(i, _)| bits & (1 << i) != 0)
            .fold(0, |k, (_, n)| k | 1 << n.kind)
    }

    /// Add the labels of the kinds `name` is named as, when an enabled rule reports them.
    pub(super) fn name_labels(&mut self, name: &str, span: Span, t: &mut Taint) {
        let bits = self.name_tables(name);
        let masked = self.masked_names.get(name).copied().unwrap_or(0);
        if bits == 0 || masked == KindSet::MAX {
            return;
        }
        for (i, n) in self.spec.names.iter().enumerate() {
            // A record's name (`customer`) says what the value holds only where it is written
            // out whole: its fields are read one by one otherwise (`customer.id`).
            if n.record && !self.serializing {
                continue;
            }
            if bits & (1 << i) != 0 && self.wanted_kinds & (1 << n.kind) != 0 {
                let note = Note::Source(format!("{} `{}`", n.label, name));
                let mut l = self.start(n.kind, span, note);
                l.cleared |= masked;
                join(t, &[l]);
            }
        }
    }

    /// What reading a field of a value with taint `t` gives: not the kinds the value's own name
    /// gave it (`valid_token.user_id` is not a token), and for a parameter, a mark that the
    /// caller's names do not apply either.
    pub(super) fn field_of(&self, mut t: Taint) -> Taint {
        t.retain(|l| l.flags & KEY == 0);
        if !self.names_on {
            return t;
        }
        t.retain(|l| !self.is_name_kind(l));
        for l in &mut t {
            if l.param().is_some() {
                l.flags |= UNNAMED;
            }
        }
        t
    }

    pub(super) fn is_name_kind(&self, l: &Label) -> bool {
        l.kind < 32 && self.spec.name_kinds & (1 << l.kind) != 0
    }

    /// What a caller's names (or its route's key) say of an argument, which does not hold once
    /// the parameter was made into something else (`UNNAMED`).
    pub(super) fn holds_by_name(&self, l: &Label) -> bool {
        self.is_name_kind(l) || l.flags & KEY != 0
    }

    /// A name read as a value: not a module, a function or a class of the file.
    pub(super) fn is_value_name(&self, n: &str) -> bool {
        !self.imports.contains_key(n)
            && !self.functions_by_name.contains_key(n)
            && !self.classes_by_name.contains_key(n)
    }

    /// `os.getenv("OPENAI_API_KEY")`, `config.get("password")`: the string names the result
    /// (`None`: not a lookup by a key).
    pub(super) fn lookup_labels(
        &mut self,
        call: &'m Call,
        method: Option<&str>,
        span: Span,
    ) -> Option<Taint> {
        let mut t = Taint::new();
        if !self.names_on {
            return None;
        }
        let name = method.or(match &call.callee.kind {
            ExprKind::Name(n) => Some(&**n),
            _ => None,
        });
        if !name.is_some_and(|n| self.spec.name_lookups.iter().any(|l| l == n)) {
            return None;
        }
        // A key, not a URL or a sentence: `client.get("https://x/oauth/token")` reads no token.
        let key = call.args.iter().find_map(|a| a.value.as_str()).filter(|k| {
            k.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        });
        let key = key?;
        self.name_labels(key, span, &mut t);
        Some(t)
    }

    /// A message dict (`{"role": "system", "content": x}`): whether its text is privileged. A
    /// role taken from data (`{"role": body.role, ...}`) lets that data pick `system`.
    pub(super) fn privileged_message(
        &mut self,
        entries: &'m [(Option<Expr>, Expr)],
        cx: &mut Ctx<'m>,
    ) -> bool {
        if self.spec.role_keys.is_empty() {
            return false;
        }
        for (k, v) in entries {
            let Some(key) = k.as_ref().and_then(|k| k.as_str()) else {
                continue;
            };
            if !self.spec.role_keys.iter().any(|r| r == key) {
                continue;
            }
            // `"assistant" if reasoning else "system"`: a branch may make it privileged.
            if let ExprKind::Choice(items) = &v.kind {
                let literal = |i: &Expr| i.as_str().is_some_and(|r| self.is_privileged_role(r));
                if items.iter().any(literal) {
                    return true;
                }
            }
            return match v.as_str() {
                Some(role) => self.is_privileged_role(role),
                None => {
                    let t = self.expr(v, cx);
                    t.iter()
                        .any(|l| l.param().is_some() || self.spec.data_kinds & (1 << l.kind) != 0)
                }
            };
        }
        false
    }

    /// A message dict whose role is written and not privileged (`{"role": "user", ...}`): its
    /// text is that role's, whatever system message it was part of before.
    pub(super) fn unprivileged_message(&self, entries: &[(Option<Expr>, Expr)]) -> bool {
        entries.iter().any(|(k, v)| {
            k.as_ref()
                .and_then(|k| k.as_str())
                .is_some_and(|k| self.spec.role_keys.iter().any(|r| r == k))
                && v.as_str()
                    .is_some_and(|role| !self.is_privileged_role(role))
        })
    }

    /// `("system", x)`, `["system", x]`: LangChain's message tuples.
    pub(super) fn privileged_tuple(&self, items: &[Expr]) -> bool {
        items.len() == 2
            && items[0]
                .as_str()
                .is_some_and(|r| self.is_privileged_role(r))
    }

    /// A role literal, or a list of them (also through a name bound once), naming a privileged
    /// role: an allowlist with it lets the value be `system`.
    pub(super) fn admits_privileged_role(&self, e: &Expr) -> bool {
        let e = match &e.kind {
            ExprKind::Name(n) => self.consts.binding(n).unwrap_or(e),
            _ => e,
        };
        match &e.kind {
            ExprKind::Str(s) => self.is_privileged_role(s),
            ExprKind::List(items) => items
                .iter()
                .any(|i| i.as_str().is_some_and(|r| self.is_privileged_role(r))),
            _ => false,
        }
    }

    fn is_privileged_role(&self, role: &str) -> bool {
        self.spec
            .privileged_roles
            .iter()
            .any(|p| p.eq_ignore_ascii_case(role))
    }
}

impl<'a, 'm> Engine<'a, 'm> {
    /// `name = t` (a variable, attribute or key): the `[[sink.names]]` sinks the name's words
    /// match. Returns whether a fallback sink saw the data.
    pub(super) fn name_sinks(&mut self, name: &str, span: Span, t: &[Label], cx: &Ctx<'m>) -> bool {
        if self.ix.name_sinks.is_empty() || t.is_empty() {
            return false;
        }
        let words = name_words(name);
        let mut fallback = false;
        for i in 0..self.ix.name_sinks.len() {
            let id = self.ix.name_sinks[i] as usize;
            let sink = &self.spec.sinks[id];
            if !sink.matcher.names(&words) || !self.imports_ok(&sink.imports) {
                continue;
            }
            fallback |= sink.fallback;
            self.sink_reached(id, span, t, cx, name);
        }
        fallback
    }

    /// The sinks of the dict entry `key: vt` at `span` in the dict at `dict_span`:
    /// `[[sink.keys]]` of that key (a message's `content` where the dict has a `role`, privileged
    /// when the message is; reported at the dict) and `[[sink.names]]` naming it (reported at the
    /// entry). Returns what the entry carries on, with a step at the entry when a fallback name
    /// sink saw it; `placed` is set when a fallback key sink saw it, for a step at the dict. A
    /// sink further on whose finding replaces a fallback's then has it on its path.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn entry_sinks(
        &mut self,
        key: &str,
        entries: &'m [(Option<Expr>, Expr)],
        span: Span,
        dict_span: Span,
        vt: Taint,
        privileged: bool,
        placed: &mut Option<Note>,
        cx: &mut Ctx<'m>,
    ) -> Taint {
        let ids = self.ix.key_sinks.get(key).cloned().unwrap_or_default();
        // A sink of the tables at this entry (`system_instruction` of a Gemini config) says more
        // than its name does.
        let mut tabled = false;
        for id in ids {
            let sink = &self.spec.sinks[id as usize];
            let SinkMatch::Keys {
                with_keys,
                only_keys,
                not_under,
                not_in_calls,
                ..
            } = &sink.matcher
            else {
                continue;
            };
            if self.written_in(not_under, not_in_calls) {
                continue;
            }
            let has_key = |w: &String| {
                entries
                    .iter()
                    .any(|(k, _)| k.as_ref().and_then(|k| k.as_str()) == Some(w.as_str()))
            };
            let other_key = |(k, _): &(Option<Expr>, Expr)| {
                k.as_ref()
                    .and_then(|k| k.as_str())
                    .is_some_and(|k| !only_keys.iter().any(|o| o == k))
            };
            if !with_keys.is_empty() && !with_keys.iter().any(has_key)
                || !only_keys.is_empty() && entries.iter().any(other_key)
                || !self.imports_ok(&sink.imports)
            {
                continue;
            }
            let at = match sink.fallback {
                true => {
                    let label = sink.label.clone().unwrap_or_else(|| format!("`{key}`"));
                    *placed = Some(Note::Placed(label.into()));
                    dict_span
                }
                false => {
                    tabled = true;
                    span
                }
            };
            let st = match privileged {
                true => with_flags(vt.clone(), PRIVILEGED),
                false => vt.clone(),
            };
            self.sink_reached(id as usize, at, &st, cx, key);
        }
        match !tabled && self.name_sinks(key, span, &vt, cx) && !vt.is_empty() {
            true => self.trace.extend(&vt, span, &Note::Assign(key.into())),
            false => vt,
        }
    }
}

impl<'a, 'm> Engine<'a, 'm> {
    /// Whether a call being read, whose callee makes a fallback sink of `kind` by shape, is an
    /// argument of a call its `not_in_calls` name (`jsonify(msg2dict(msg))`).
    pub(super) fn result_not_a_prompt(&self, kind: u8) -> bool {
        self.ix.not_in_calls_sinks.iter().any(|&id| {
            let sink = &self.spec.sinks[id as usize];
            match &sink.matcher {
                SinkMatch::Keys { not_in_calls, .. } if sink.kind == kind => {
                    self.written_in(&[], not_in_calls)
                }
                _ => false,
            }
        })
    }

    /// Whether the dict being read is written under an entry keyed by one of `keys` (since the
    /// innermost call holding it), or in an argument of a call matching one of `calls`.
    fn written_in(&self, keys: &[String], calls: &[Glob]) -> bool {
        let (call, since) = match self.open_calls.last() {
            Some(&(call, since)) => (Some(call), since),
            None => (None, 0),
        };
        let under = self.open_keys[since..]
            .iter()
            .any(|k| keys.iter().any(|w| w == k));
        under
            || call.is_some_and(|call| {
                let matches = |n: &str| calls.iter().any(|g| g.matches(n));
                match call.qualified.as_deref() {
                    Some(q) => matches(q),
                    None => !calls.is_empty() && call.callee.dotted().is_some_and(|n| matches(&n)),
                }
            })
    }
}

/// Messages picked out by their role keep it: the text of the other messages is not in them.
impl<'a, 'm> Engine<'a, 'm> {
    /// `[m for m in msgs if m["role"] == "system"]`: `Some(true)` when the comprehension keeps
    /// only privileged messages, `Some(false)` when it keeps only others.
    pub(super) fn role_filter_of_comprehension(&self, items: &[Expr]) -> Option<bool> {
        let var = items.iter().find_map(|i| match &i.kind {
            ExprKind::Compare { op, left, .. } if &**op == "for" => match &left.kind {
                ExprKind::Name(n) => Some(&**n),
                _ => None,
            },
            _ => None,
        })?;
        items.iter().find_map(|i| self.role_test(i, var))
    }

    /// `m => m.role === "system"`, `lambda m: m["role"] != "system"`.
    pub(super) fn role_filter_of_callback(&self, fi: usize) -> Option<bool> {
        let f = self.module.functions.get(fi)?;
        let [param] = &f.params[..] else {
            return None;
        };
        match &f.body[..] {
            [Stmt {
                kind: StmtKind::Return(Some(e)),
                ..
            }] => self.role_test(e, &param.name),
            _ => None,
        }
    }

    /// `message.role == "system"` as an `if` test: the message's name, and whether it is
    /// privileged where the test holds.
    pub(super) fn role_pick(&self, test: &'m Expr) -> Option<(&'m str, bool)> {
        let ExprKind::Compare { left, right, .. } = &test.kind else {
            return None;
        };
        let var = [left, right]
            .into_iter()
            .find_map(|side| match &side.kind {
                ExprKind::Attribute { value, .. } | ExprKind::Index { value, .. } => {
                    match &value.kind {
                        ExprKind::Name(n) => Some(&**n),
                        _ => None,
                    }
                }
                _ => None,
            })?;
        Some((var, self.role_test(test, var)?))
    }

    /// Whether `test` compares the role of `var` with a literal: `Some(true)` when it holds only
    /// for privileged roles, `Some(false)` when only for others.
    fn role_test(&self, test: &Expr, var: &str) -> Option<bool> {
        let ExprKind::Compare { op, left, right } = &test.kind else {
            return None;
        };
        let equal = match &**op {
            "==" | "===" => true,
            "!=" | "!==" => false,
            _ => return None,
        };
        let (read, role) = match (left.as_str(), right.as_str()) {
            (None, Some(r)) => (&**left, r),
            (Some(r), None) => (&**right, r),
            _ => return None,
        };
        let key = match &read.kind {
            ExprKind::Attribute { value, attr } => Some((value, &**attr)),
            ExprKind::Index { value, index } => index.as_str().map(|k| (value, k)),
            _ => None,
        };
        let (value, key) = key?;
        let on_var = matches!(&value.kind, ExprKind::Name(n) if &**n == var);
        if !on_var || !self.spec.role_keys.iter().any(|k| k == key) {
            return None;
        }
        match (self.is_privileged_role(role), equal) {
            (true, eq) => Some(eq),
            (false, true) => Some(false),
            // `role != "user"`: system and assistant messages alike.
            (false, false) => None,
        }
    }

    /// `t` with only the messages a role filter keeps: privileged text, or the rest.
    pub(super) fn keep_role(&self, mut t: Taint, keep_privileged: Option<bool>) -> Taint {
        if let Some(p) = keep_privileged {
            // A parameter's role is its caller's to say.
            t.retain(|l| l.param().is_some() || (l.flags & PRIVILEGED != 0) == p);
        }
        t
    }
}
