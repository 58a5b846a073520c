//! Names bound once in a module, and class fields set once: what a name stands for when a rule
//! needs its value.

use super::{Expr, ExprKind, Module, Span};
use std::collections::HashMap;

/// Names bound exactly once in a module (`MODEL = "gpt2"`, `client = OpenAI(timeout=20)`,
/// `params = {"max_tokens": 500}`), and class fields set exactly once through `self`/`this`
/// (`self.client = OpenAI()`): what a name stands for when a rule needs its value.
#[derive(Debug, Default)]
pub struct Constants<'m> {
    values: HashMap<&'m str, Option<&'m Expr>>,
    /// Each function's span and the names its own body binds (its parameters as `None`): a name
    /// bound in several functions is still one value inside each.
    locals: Vec<(Span, HashMap<&'m str, Option<&'m Expr>>)>,
    /// Per function (by span, as `locals`), the names its body binds more than once, each time
    /// to a dict literal (`kwargs = {...}` in an `if`, another `{...}` in its `else`).
    dict_choices: HashMap<Span, HashMap<&'m str, Vec<&'m Expr>>>,
    /// `locals` by span.
    local_spans: crate::nesting::Nesting,
    fields: HashMap<&'m str, Option<&'m Expr>>,
    /// Names whose value is changed in place after it is bound (`params["max_tokens"] = n`,
    /// `params.update(...)`, `Object.assign(params, ...)`): a literal they were bound to is not
    /// all they hold. With the span of the function whose own local it is (another function's
    /// `params` is another dict), or `None`: everywhere.
    mutated: std::collections::HashSet<(&'m str, Option<Span>)>,
    /// Of those, the ones changed some other way than by stores under constant keys.
    unkeyed: std::collections::HashSet<(&'m str, Option<Span>)>,
    /// Stores under constant keys (`params["stream"] = True`, `opts.stream = true`), with each
    /// key and value stored: a literal the name was bound to and these keys are all it holds.
    /// With the function, as for `mutated`.
    keyed: HashMap<&'m str, Vec<KeyedStore<'m>>>,
    /// TS/JS: calls take their options as an object, so an object passed by a name aiguard cannot
    /// read may hold any option.
    pub options_objects: bool,
    /// Rust: settings are given by builder methods (`.max_tokens(500)`) and struct-literal fields.
    pub builder_setters: bool,
    /// The language's shallow copies (`ir::Dialect::copy_functions`, `copy_methods`).
    pub copy_functions: &'static [&'static str],
    pub copy_methods: &'static [&'static str],
    /// Calls that read a setting by its key (the packs' `[[name_lookups]]`: `getenv`, `get`),
    /// whose second argument is the default (see [`Constants::with_lookups`]).
    pub lookups: &'m [String],
}

/// A store in place under a constant key: the function whose local the dict is (`None`: the
/// module's), the key, the value.
type KeyedStore<'m> = (Option<Span>, &'m str, &'m Expr);

/// What one function's own body binds: each name to its one value (`None`: bound more than
/// once, or a parameter), and each name to every dict literal it is bound to (`None`: bound to
/// something else too).
#[derive(Default)]
struct LocalBindings<'m> {
    names: HashMap<&'m str, Option<&'m Expr>>,
    dicts: HashMap<&'m str, Option<Vec<&'m Expr>>>,
}

impl<'m> LocalBindings<'m> {
    /// A plain assignment of `value` to `name` (`None`: an augmented one, or a parameter).
    fn note_dict(&mut self, name: &'m str, value: Option<&'m Expr>) {
        let slot = self.dicts.entry(name).or_insert_with(|| Some(Vec::new()));
        match (slot.as_mut(), value) {
            (
                Some(v),
                Some(
                    d @ Expr {
                        kind: ExprKind::Dict(_),
                        ..
                    },
                ),
            ) => v.push(d),
            _ => *slot = None,
        }
    }

    /// The names bound more than once, each time to a dict literal (`kwargs = {...}` in an
    /// `if`, another `{...}` in its `else`).
    fn dict_choices(&mut self) -> HashMap<&'m str, Vec<&'m Expr>> {
        std::mem::take(&mut self.dicts)
            .into_iter()
            .filter_map(|(n, v)| Some((n, v.filter(|v| v.len() > 1)?)))
            .collect()
    }
}

/// The name a method chain statement starts from (`b` in `b.model(m).max_tokens(5);`).
fn chain_root_name(e: &Expr) -> Option<&str> {
    let mut e = e;
    for _ in 0..super::MAX_DEPTH {
        e = match &e.kind {
            ExprKind::Await(inner) => inner,
            ExprKind::Call(c) => match &c.callee.kind {
                ExprKind::Attribute { value, .. } => value,
                _ => return None,
            },
            ExprKind::Name(n) => return Some(n),
            _ => return None,
        };
    }
    None
}

impl<'m> Constants<'m> {
    pub fn collect(module: &'m Module) -> Self {
        let mut values: HashMap<&'m str, Option<&'m Expr>> = HashMap::new();
        let mut fields: HashMap<&'m str, Option<&'m Expr>> = HashMap::new();
        let mut mutated = std::collections::HashSet::new();
        let mut keyed: HashMap<&'m str, Vec<KeyedStore<'m>>> = HashMap::new();
        // Names changed some other way than by a store under a constant key.
        let mut unkeyed = std::collections::HashSet::new();
        let bind = |map: &mut HashMap<&'m str, Option<&'m Expr>>, name: &'m str, value| {
            map.entry(name).and_modify(|v| *v = None).or_insert(value);
        };
        // A parameter is bound by each call: a name some function takes as a parameter is not
        // one value anywhere.
        for f in &module.functions {
            for p in &f.params {
                bind(&mut values, &p.name, None);
            }
        }
        let rust = module.dialect.builder_setters;
        // One walk of every body: file-wide bindings, and each function's own (`locals`).
        let mut visit = |body: &'m [crate::ir::Stmt],
                         function: Option<Span>,
                         mut local: Option<&mut LocalBindings<'m>>| {
            crate::ir::walk_stmts(body, &mut |s| match &s.kind {
                crate::ir::StmtKind::Assign {
                    targets,
                    value,
                    augmented,
                } => {
                    let value = (!augmented).then_some(value);
                    for t in targets {
                        match &t.kind {
                            ExprKind::Index { value: base, .. }
                            | ExprKind::Attribute { value: base, .. }
                                if matches!(&base.kind, ExprKind::Name(_))
                                    && !crate::resolve::is_receiver_name(base) =>
                            {
                                if let ExprKind::Name(n) = &base.kind {
                                    // A local of the function changes there only.
                                    let own = local
                                        .as_deref()
                                        .is_some_and(|l| l.names.contains_key(&**n));
                                    let at = if own { function } else { None };
                                    mutated.insert((&**n, at));
                                    let key = match &t.kind {
                                        ExprKind::Index { index, .. } => index.as_str(),
                                        ExprKind::Attribute { attr, .. } => Some(&**attr),
                                        _ => None,
                                    };
                                    match (key, value, augmented) {
                                        (Some(k), Some(v), false) => {
                                            keyed.entry(&**n).or_default().push((at, k, v))
                                        }
                                        _ => {
                                            unkeyed.insert((&**n, at));
                                        }
                                    }
                                }
                            }
                            ExprKind::Name(n) => {
                                bind(&mut values, n, value);
                                if let Some(l) = local.as_deref_mut() {
                                    bind(&mut l.names, n, value);
                                    l.note_dict(n, value);
                                }
                            }
                            ExprKind::Attribute { value: recv, attr }
                                if crate::resolve::is_receiver_name(recv) =>
                            {
                                bind(&mut fields, attr, value)
                            }
                            _ => {}
                        }
                    }
                }
                // Rust: a builder set up by statements of its own (`b.max_tokens(5);`) holds
                // more than the call it was bound to shows.
                crate::ir::StmtKind::Expr(e) if rust => {
                    if let Some(n) = chain_root_name(e) {
                        mutated.insert((n, None));
                        unkeyed.insert((n, None));
                    }
                }
                _ => {}
            });
        };
        visit(&module.body, None, None);
        for c in &module.classes {
            visit(&c.body, None, None);
        }
        let mut locals = Vec::new();
        let mut dict_choices = HashMap::new();
        for f in &module.functions {
            let mut local = LocalBindings::default();
            for p in &f.params {
                bind(&mut local.names, &p.name, None);
                local.note_dict(&p.name, None);
            }
            visit(&f.body, Some(f.span), Some(&mut local));
            let choices = local.dict_choices();
            if !choices.is_empty() {
                dict_choices.insert(f.span, choices);
            }
            if !local.names.is_empty() {
                locals.push((f.span, local.names));
            }
        }
        module.walk_exprs(&mut |e| {
            let ExprKind::Call(c) = &e.kind else { return };
            let target = match &c.callee.kind {
                ExprKind::Attribute { value, attr }
                    if matches!(&**attr, "update" | "setdefault" | "__setitem__") =>
                {
                    Some(&**value)
                }
                _ if c.callee.dotted().as_deref() == Some("Object.assign") => c.positional(0),
                _ => None,
            };
            if let Some(ExprKind::Name(n)) = target.map(|t| &t.kind) {
                mutated.insert((&**n, None));
                unkeyed.insert((&**n, None));
            }
        });
        Constants {
            values,
            local_spans: crate::nesting::Nesting::new(locals.iter().map(|(s, _)| *s).collect()),
            locals,
            dict_choices,
            fields,
            mutated,
            unkeyed,
            keyed,
            options_objects: module.dialect.options_objects,
            builder_setters: rust,
            copy_functions: module.dialect.copy_functions,
            copy_methods: module.dialect.copy_methods,
            lookups: &[],
        }
    }

    /// The same, knowing which calls read a setting by its key (`[[name_lookups]]` methods), so
    /// a default given to one (`os.getenv("BASE_URL", "https://...")`) is the text it may be.
    pub fn with_lookups(mut self, lookups: &'m [String]) -> Self {
        self.lookups = lookups;
        self
    }

    /// Whether `name`, read at `at`, is changed in place: anywhere, or by the function it is a
    /// local of.
    pub fn mutated(&self, name: &str, at: Span) -> bool {
        self.mutated.contains(&(name, None))
            || self.mutated.contains(&(name, self.innermost_span(at)))
    }

    /// Whether `name`, read at `at`, is changed in place by more than stores under constant
    /// keys: what it holds is not its literal and [`Constants::stored`] keys.
    pub fn changed_unseen(&self, name: &str, at: Span) -> bool {
        self.unkeyed.contains(&(name, None))
            || self.unkeyed.contains(&(name, self.innermost_span(at)))
    }

    fn innermost_span(&self, at: Span) -> Option<Span> {
        self.innermost(at).map(|i| self.locals[i].0)
    }

    /// The value last stored under `key` in `name` in place (`params["stream"] = True`), by the
    /// function `name` is read in (`at`): another function's dict of that name is another dict.
    pub fn stored(&self, name: &str, key: &str, at: Span) -> Option<&'m Expr> {
        let stores = self.keyed.get(name)?;
        let function = self.innermost_span(at);
        stores
            .iter()
            .rev()
            .find(|(f, k, _)| *k == key && (f.is_none() || *f == function))
            .map(|(_, _, v)| *v)
    }

    /// The innermost function around `at` (`None`: the module).
    fn innermost(&self, at: Span) -> Option<usize> {
        self.local_spans
            .around(at)
            .into_iter()
            .min_by_key(|&i| self.locals[i].0.end - self.locals[i].0.start)
    }

    /// What `name` is bound to, when it is bound exactly once.
    pub fn binding(&self, name: &str) -> Option<&'m Expr> {
        self.values.get(name).copied().flatten()
    }

    /// What `name`, read at `at`, is bound to: by the innermost function around `at` that binds
    /// it, else as [`Constants::binding`].
    pub fn binding_at(&self, name: &str, at: Span) -> Option<&'m Expr> {
        match self.binder(name, at) {
            Some(i) => self.locals[i].1.get(name).copied().flatten(),
            None => self.binding(name),
        }
    }

    /// The dict literals `name`, read at `at`, may hold: the innermost function around `at`
    /// that binds it binds it to one of these each time.
    pub fn dict_choices(&self, name: &str, at: Span) -> Option<&[&'m Expr]> {
        let span = self.locals[self.binder(name, at)?].0;
        let choices = self.dict_choices.get(&span)?.get(name)?;
        Some(choices.as_slice())
    }

    /// The innermost function around `at` whose own body binds `name` (an index of `locals`).
    fn binder(&self, name: &str, at: Span) -> Option<usize> {
        self.local_spans
            .around(at)
            .into_iter()
            .find(|&i| self.locals[i].1.contains_key(name))
    }

    /// What the field `self.name` / `this.name` is set to, when it is set exactly once.
    pub fn field(&self, name: &str) -> Option<&'m Expr> {
        self.fields.get(name).copied().flatten()
    }

    /// The literal `name` is bound to.
    pub(crate) fn get(&self, name: &str) -> Option<&'m Expr> {
        self.binding(name).filter(|v| {
            matches!(
                v.kind,
                ExprKind::Str(_) | ExprKind::Bool(_) | ExprKind::Number(_)
            )
        })
    }

    /// Whether `name` is a module constant holding a string.
    pub fn is_str(&self, name: &str) -> bool {
        self.get(name)
            .is_some_and(|e| matches!(e.kind, ExprKind::Str(_)))
    }
}
