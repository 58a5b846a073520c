//! Data known by its name and by its place in a prompt: identifiers named like a secret or a
//! personal detail (`[[names]]`), lookups by such a name (`os.getenv("OPENAI_API_KEY")`), and
//! chat messages whose role makes their text privileged (`[[roles]]`).

use super::*;
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
        if bits == 0 {
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
                let l = self.start(n.kind, span, note);
                join(t, &[l]);
            }
        }
    }

    /// What reading a field of a value with taint `t` gives: not the kinds the value's own name
    /// gave it (`valid_token.user_id` is not a token), and for a parameter, a mark that the
    /// caller's names do not apply either.
    pub(super) fn field_of(&self, mut t: Taint) -> Taint {
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

    /// A name read as a value: not a module, a function or a class of the file.
    pub(super) fn is_value_name(&self, n: &str) -> bool {
        !self.imports.contains_key(n)
            && !self.functions_by_name.contains_key(n)
            && !self.classes_by_name.contains_key(n)
    }

    /// `os.getenv("OPENAI_API_KEY")`, `config.get("password")`: the string names the result.
    pub(super) fn lookup_labels(
        &mut self,
        call: &'m Call,
        method: Option<&str>,
        span: Span,
    ) -> Taint {
        let mut t = Taint::new();
        if !self.names_on {
            return t;
        }
        let name = method.or(match &call.callee.kind {
            ExprKind::Name(n) => Some(&**n),
            _ => None,
        });
        if !name.is_some_and(|n| self.spec.name_lookups.iter().any(|l| l == n)) {
            return t;
        }
        // A key, not a URL or a sentence: `client.get("https://x/oauth/token")` reads no token.
        let key = call.args.iter().find_map(|a| a.value.as_str()).filter(|k| {
            k.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        });
        if let Some(key) = key {
            self.name_labels(key, span, &mut t);
        }
        t
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

    /// `("system", x)`, `["system", x]`: LangChain's message tuples.
    pub(super) fn privileged_tuple(&self, items: &[Expr]) -> bool {
        items.len() == 2
            && items[0]
                .as_str()
                .is_some_and(|r| self.is_privileged_role(r))
    }

    fn is_privileged_role(&self, role: &str) -> bool {
        self.spec
            .privileged_roles
            .iter()
            .any(|p| p.eq_ignore_ascii_case(role))
    }
}
