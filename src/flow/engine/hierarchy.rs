//! Class hierarchies within a file: a method a class inherits, the overrides a call on a base
//! may run (`self.run(x)` in `Runner` runs `ShellRunner.run` for a `ShellRunner`), and calls on
//! a value that is one of several classes (a factory of providers).

use super::*;

/// Most overrides one call dispatches to: a base with more says too little of what runs.
const MAX_OVERRIDES: usize = 16;

impl<'a, 'm> Engine<'a, 'm> {
    /// For each class of the file, the classes of the file naming it as a base.
    pub(super) fn index_subclasses(&mut self) {
        let module = self.module;
        let mut subclasses = vec![Vec::new(); module.classes.len()];
        for (ci, c) in module.classes.iter().enumerate() {
            for b in &c.bases {
                let base = crate::flow::link::base_name(b);
                if let Some(&bi) = base.and_then(|n| self.classes_by_name.get(n)) {
                    if bi != ci && !subclasses[bi].contains(&ci) {
                        subclasses[bi].push(ci);
                    }
                }
            }
        }
        self.subclasses = subclasses;
        self.index_lineage();
    }

    /// For each class, the classes whose methods write fields an object of it holds: its bases
    /// (`send` in `Coder` stores `self.reply`, `EditBlockCoder.apply` reads it) and the classes
    /// derived from it (a base's template method reads what a subclass's `__init__` set). Its
    /// siblings are not: they are other objects.
    fn index_lineage(&mut self) {
        let n = self.module.classes.len();
        let mut lineage = vec![Vec::new(); n];
        for (ci, family) in lineage.iter_mut().enumerate() {
            let mut class = ci;
            while let Some(base) = self.module.classes[class].bases.iter().find_map(|b| {
                let base = crate::flow::link::base_name(b)?;
                self.classes_by_name.get(base).copied()
            }) {
                if base == ci || family.contains(&base) || family.len() >= MAX_OVERRIDES {
                    break;
                }
                family.push(base);
                class = base;
            }
            let mut queue = std::collections::VecDeque::from([ci]);
            while let Some(c) = queue.pop_front() {
                for &sub in &self.subclasses[c] {
                    if sub != ci && !family.contains(&sub) && family.len() < 2 * MAX_OVERRIDES {
                        family.push(sub);
                        queue.push_back(sub);
                    }
                }
            }
        }
        self.lineage = lineage;
    }

    /// What field `attr` of an object of class `ci` may hold: what the class's own methods and
    /// those of its lineage store in it.
    pub(super) fn field_taint(&self, ci: usize, attr: &'m str) -> Taint {
        let mut t = self.fields.get(&(ci, attr)).cloned().unwrap_or_default();
        for &c in self.lineage.get(ci).map_or(&[][..], Vec::as_slice) {
            if let Some(more) = self.fields.get(&(c, attr)) {
                join(&mut t, more);
            }
        }
        t
    }

    /// The method `name` of class `ci` or, when it does not define one, of its nearest base in
    /// the file.
    pub(super) fn inherited(&self, ci: usize, name: &str) -> Option<usize> {
        let mut class = ci;
        for _ in 0..MAX_OVERRIDES {
            if let Some(&mi) = self.methods.get(&(class, name)) {
                return Some(mi);
            }
            let c = self.module.classes.get(class)?;
            class = c.bases.iter().find_map(|b| {
                let base = crate::flow::link::base_name(b)?;
                self.classes_by_name.get(base).copied()
            })?;
        }
        None
    }

    /// The methods overriding `fi` in the file's classes derived from its class, nearest first.
    pub(super) fn overrides(&self, fi: usize) -> Vec<usize> {
        let module = self.module;
        let Some(f) = module.functions.get(fi) else {
            return Vec::new();
        };
        let Some(ci) = f.class else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut seen = vec![ci];
        let mut queue = std::collections::VecDeque::from([ci]);
        while let Some(c) = queue.pop_front() {
            for &sub in self.subclasses.get(c).map_or(&[][..], Vec::as_slice) {
                if seen.contains(&sub) || seen.len() > MAX_OVERRIDES {
                    continue;
                }
                seen.push(sub);
                queue.push_back(sub);
                if let Some(&mi) = self.methods.get(&(sub, &*f.name)) {
                    out.push(mi);
                }
            }
        }
        out
    }

    /// Whether a call on `receiver` may run an override of the method it names: the receiver is
    /// the method's own (`self.run(x)`) or a parameter (`r: Runner`), not an object the code just
    /// made (`Runner().run(x)`).
    pub(super) fn dispatches(&self, receiver: Option<&Expr>, cx: &Ctx<'m>) -> bool {
        let Some(ExprKind::Name(n)) = receiver.map(|r| &r.kind) else {
            return false;
        };
        if cx.receiver == Some(&**n) {
            return true;
        }
        let params = cx
            .function
            .and_then(|fi| self.module.functions.get(fi))
            .map_or(&[][..], |f| &f.params[..]);
        params.iter().any(|p| p.name == *n)
    }

    /// A call whose receiver may be one of several classes (`resolve` found them: `PROVIDERS[k]()`,
    /// an `if` chain, a factory of several): the method of each of the file's classes runs on
    /// the arguments, and each other file's through `link`. What it returns carries a kind only
    /// when every class's method returns it, or when an argument brought it. `None` when no
    /// class is the file's (the call is then an ordinary one, through its first name).
    pub(super) fn dispatch_alternatives(
        &mut self,
        call: &'m Call,
        arg_ts: &[Taint],
        span: Span,
        cx: &Ctx<'m>,
    ) -> Option<Taint> {
        let module = self.module;
        let alternatives = module.alternatives.get(&span)?;
        let local: Vec<Option<usize>> = alternatives
            .iter()
            .map(|q| self.method_by_qualified(q))
            .collect();
        if local.iter().all(Option::is_none) {
            // The first name is the call's own and is recorded with it.
            for q in &alternatives[1..] {
                self.record_external(call, Some(q), arg_ts, cx.function);
            }
            return None;
        }
        let mut from_args = Taint::new();
        for t in arg_ts {
            join(&mut from_args, t);
        }
        let mut results: Vec<Taint> = Vec::with_capacity(alternatives.len());
        for (q, fi) in alternatives.iter().zip(local) {
            match fi {
                Some(fi) => {
                    let offset = self.receiver_offset(fi);
                    results.push(self.apply_summary(fi, offset, call, arg_ts, span, cx));
                }
                None => {
                    self.record_external(call, Some(q), arg_ts, cx.function);
                    results.push(with_flags(from_args.clone(), DERIVED));
                }
            }
        }
        let arg_kinds: Vec<u16> = from_args.iter().map(|l| l.kind).collect();
        let mut out = Taint::new();
        for t in &results {
            for l in t {
                let everywhere = results.iter().all(|r| r.iter().any(|m| m.kind == l.kind));
                if everywhere || arg_kinds.contains(&l.kind) {
                    join(&mut out, &[*l]);
                }
            }
        }
        Some(out)
    }
}
