//! The taint engine: one file, all its functions, to a fixed point.
//!
//! Each function is interpreted over its statements in order with an environment of tainted
//! names. Parameters start as markers (`PARAM + i`), so one pass yields the function's summary:
//! which parameters (and which sources) reach its return value, and which parameters reach a sink.
//! Calls to the file's own functions apply those summaries; class fields, closure captures and
//! callback inputs are shared between functions. Rounds repeat until nothing new is learnt.

use super::index::FamilyIndex;
use super::link::{ArgRef, Seed};
use super::spec::{FlowSpec, KindSet, PropagateTo, SinkArg, SinkMatch, SourceMatch};
use super::trace::{join, Label, Note, Taint, Trace, MAX_PARAMS, NO_STEP, PARAM};
use crate::ir::{Call, Expr, ExprKind, Function, Module, Span, Stmt, StmtKind, StrPart};
use crate::rules::pattern::Constants;
use std::collections::HashMap;

/// Rounds over the file before giving up on a fixed point (each round only adds labels).
const MAX_ROUNDS: usize = 6;

/// What a qualified call name matches in the tables (globs only; imports, classes and argument
/// conditions are checked at each call). Computed once per name per file: rounds and loops
/// evaluate the same call many times.
#[derive(Debug, Default)]
struct NameMatch {
    sources: Vec<u32>,
    sinks: Vec<u32>,
    sanitize: KindSet,
    /// Sink kinds a call of this name validates its last argument for, used as an `if` test.
    guard: KindSet,
    propagate: Option<PropagateTo>,
}

/// A flow found: rule, where the sink is, and the path that reached it.
#[derive(Debug)]
pub struct FlowHit {
    pub rule: usize,
    pub sink_span: Span,
    pub sink_label: String,
    /// The last step before the sink.
    pub trace: u32,
}

/// A parameter of a function reaching a sink inside it (or inside a function it calls).
#[derive(Debug, Clone)]
struct SinkFact {
    param: usize,
    sink_kind: u8,
    cleared: u32,
    trace: u32,
    sink_span: Span,
    sink_label: String,
}

#[derive(Debug, Default)]
struct Summary {
    ret: Taint,
    sinks: Vec<SinkFact>,
}

/// Names in scope: only names ever assigned in this scope are present; an empty taint shadows an
/// outer tainted name.
#[derive(Debug, Default, Clone)]
struct Env<'m> {
    vars: HashMap<&'m str, Taint>,
    /// Names bound to a list literal: what its first element carries (a command's program).
    heads: HashMap<&'m str, Taint>,
}

impl<'m> Env<'m> {
    /// Union `other` into `self`; returns whether anything new arrived. A shape known on one
    /// side only is forgotten.
    fn join(&mut self, other: &Env<'m>) -> bool {
        let mut grew = false;
        for (k, v) in &other.vars {
            grew |= join(self.vars.entry(k).or_default(), v);
        }
        self.heads.retain(|k, _| other.heads.contains_key(k));
        for (k, v) in self.heads.iter_mut() {
            if let Some(t) = other.heads.get(k) {
                join(v, t);
            }
        }
        grew
    }

    fn forget_shape(&mut self, name: &str) {
        self.heads.remove(name);
    }
}

/// What is being analysed: a function, or the module (or a class) body.
struct Ctx<'m> {
    env: Env<'m>,
    function: Option<usize>,
    class: Option<usize>,
    /// `self` / `this` / the Python method's first parameter.
    receiver: Option<&'m str>,
    ret: Taint,
}

pub struct Engine<'a, 'm> {
    module: &'m Module,
    text: &'m str,
    spec: &'a FlowSpec,
    ix: &'a FamilyIndex,
    consts: &'a Constants<'m>,
    /// Flow rules enabled for this scan (indices into `spec.rules`).
    rules: Vec<usize>,
    /// Sink kinds some enabled rule reports: sinks of other kinds are skipped.
    wanted_sinks: KindSet,
    pub trace: Trace,
    imports: HashMap<&'m str, &'m str>,
    summaries: Vec<Summary>,
    /// Taint seeded into parameters: sources (tool arguments, handlers) and callback inputs.
    seeds: Vec<Vec<Taint>>,
    /// Environment captured where a nested function or lambda is defined.
    closures: Vec<Option<Env<'m>>>,
    fields: HashMap<(usize, &'m str), Taint>,
    /// Fields holding a function of the file (`self._processor = processor or default_fn`).
    field_functions: HashMap<(usize, &'m str), usize>,
    globals: Env<'m>,
    functions_by_name: HashMap<&'m str, usize>,
    methods: HashMap<(usize, &'m str), usize>,
    classes_by_name: HashMap<&'m str, usize>,
    /// The step for each parameter of each function (the start of summary paths).
    param_steps: Vec<Vec<u32>>,
    pub hits: Vec<FlowHit>,
    names: HashMap<&'m str, std::rc::Rc<NameMatch>>,
    /// Calls to imported functions with tainted arguments: (target, argument, label).
    pub external: Vec<(String, ArgRef, Label)>,
    changed: bool,
    depth: usize,
}

fn is_receiver_name(n: &str) -> bool {
    matches!(n, "self" | "cls" | "this")
}

impl<'a, 'm> Engine<'a, 'm> {
    pub fn new(
        module: &'m Module,
        text: &'m str,
        spec: &'a FlowSpec,
        ix: &'a FamilyIndex,
        consts: &'a Constants<'m>,
        rules: Vec<usize>,
    ) -> Self {
        let wanted_sinks = rules.iter().fold(0, |acc, r| acc | spec.rules[*r].sinks);
        let n = module.functions.len();
        let mut e = Engine {
            module,
            text,
            spec,
            ix,
            consts,
            rules,
            wanted_sinks,
            trace: Trace::default(),
            imports: module
                .imports
                .iter()
                .map(|i| (&*i.local, &*i.qualified))
                .collect(),
            summaries: (0..n).map(|_| Summary::default()).collect(),
            seeds: module
                .functions
                .iter()
                .map(|f| vec![Taint::new(); f.params.len().min(MAX_PARAMS)])
                .collect(),
            closures: vec![None; n],
            fields: HashMap::new(),
            field_functions: HashMap::new(),
            globals: Env::default(),
            functions_by_name: HashMap::new(),
            methods: HashMap::new(),
            classes_by_name: HashMap::new(),
            param_steps: Vec::with_capacity(n),
            hits: Vec::new(),
            names: HashMap::new(),
            external: Vec::new(),
            changed: false,
            depth: 0,
        };
        e.index_functions();
        e
    }

    fn index_functions(&mut self) {
        let module = self.module;
        for (ci, c) in module.classes.iter().enumerate() {
            self.classes_by_name.insert(&c.name, ci);
            for &mi in &c.methods {
                if let Some(f) = module.functions.get(mi) {
                    self.methods.insert((ci, &f.name), mi);
                }
            }
        }
        for (fi, f) in module.functions.iter().enumerate() {
            if f.class.is_none() && !f.name.is_empty() {
                self.functions_by_name.insert(&f.name, fi);
            }
            let steps = f
                .params
                .iter()
                .take(MAX_PARAMS)
                .map(|p| {
                    self.trace
                        .push(p.span, Note::Param(p.name.clone()), NO_STEP)
                })
                .collect();
            self.param_steps.push(steps);
        }
        // `const run = (code) => eval(code)`, `handler = lambda x: ...`
        for body in module.bodies() {
            crate::ir::walk_stmts(body, &mut |s| {
                if let StmtKind::Assign { targets, value, .. } = &s.kind {
                    if let ExprKind::Function(fi) = value.kind {
                        for t in targets {
                            if let ExprKind::Name(n) = &t.kind {
                                self.functions_by_name.insert(n, fi);
                            }
                        }
                    }
                }
            });
        }
    }

    /// Seed the parameters of functions that some source makes tainted (tools, handlers).
    /// Returns whether any parameter source applies.
    pub fn seed_param_sources(&mut self) -> bool {
        let module = self.module;
        let mut any = false;
        for &sid in &self.ix.param_sources {
            let source = &self.spec.sources[sid as usize];
            if !self.imports_ok(&source.imports) {
                continue;
            }
            match &source.matcher {
                SourceMatch::Decorators(globs) => {
                    for (fi, f) in module.functions.iter().enumerate() {
                        let hit = f.decorators.iter().any(|d| {
                            self.decorator_name(d)
                                .is_some_and(|n| globs.iter().any(|g| g.matches(&n)))
                        });
                        if hit {
                            any |= self.seed_params(fi, sid as usize);
                        }
                    }
                }
                SourceMatch::Bases { bases, methods } => {
                    for c in &module.classes {
                        let hit = c.bases.iter().any(|b| {
                            self.qualify_chain(b)
                                .is_some_and(|n| bases.iter().any(|g| g.matches(&n)))
                        });
                        if !hit {
                            continue;
                        }
                        for &mi in &c.methods {
                            let name = module.functions.get(mi).map(|f| &*f.name);
                            let wanted = |n: &str| {
                                methods.iter().any(|m| {
                                    m.matches(n)
                                        && (!n.starts_with('_') || m.pattern().starts_with('_'))
                                })
                            };
                            if name.is_some_and(wanted) {
                                any |= self.seed_params(mi, sid as usize);
                            }
                        }
                    }
                }
                SourceMatch::Callbacks { calls, key } => {
                    let mut targets = Vec::new();
                    module.walk_exprs(&mut |e| {
                        let ExprKind::Call(call) = &e.kind else {
                            return;
                        };
                        let Some(q) = call.qualified.as_deref() else {
                            return;
                        };
                        if !calls.iter().any(|g| g.matches(q)) {
                            return;
                        }
                        for a in &call.args {
                            match key {
                                None => targets.push(&a.value),
                                Some(k) => {
                                    if a.name.as_deref() == Some(k.as_str()) {
                                        targets.push(&a.value);
                                    }
                                    if let ExprKind::Dict(entries) = &a.value.kind {
                                        for (ek, ev) in entries {
                                            if ek.as_ref().and_then(|k| k.as_str()) == Some(k) {
                                                targets.push(ev);
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    });
                    for t in targets {
                        // `withTelemetry(async (req) => ...)`: a wrapper's function argument is
                        // the handler.
                        let wrapped = match &t.kind {
                            ExprKind::Call(inner) => inner.args.iter().map(|a| &a.value).collect(),
                            _ => vec![t],
                        };
                        for w in wrapped {
                            if let Some(fi) = self.function_value(w, None) {
                                any |= self.seed_params(fi, sid as usize);
                            }
                        }
                    }
                }
                SourceMatch::Annotations(globs) => {
                    let mut params = Vec::new();
                    for (fi, f) in module.functions.iter().enumerate() {
                        for (i, p) in f.params.iter().enumerate().take(MAX_PARAMS) {
                            if self.typed_as(p.annotation.as_deref(), globs) {
                                params.push((fi, i));
                            }
                        }
                    }
                    for (fi, i) in params {
                        any |= self.seed_param(fi, i, sid as usize);
                    }
                    for (ci, c) in module.classes.iter().enumerate() {
                        for field in &c.fields {
                            if self.typed_as(field.annotation.as_deref(), globs) {
                                let l = self.source_label(
                                    sid as usize,
                                    field.span,
                                    &field.name,
                                    &c.name,
                                );
                                join(self.fields.entry((ci, &*field.name)).or_default(), &[l]);
                                any = true;
                            }
                        }
                    }
                }
                SourceMatch::Calls(_)
                | SourceMatch::Methods { .. }
                | SourceMatch::Attributes(_) => {}
            }
        }
        any
    }

    /// Seed parameters with what callers in other files pass (see `link`). Returns whether any
    /// seed found its function.
    pub fn seed_external(&mut self, seeds: &[Seed]) -> bool {
        let module = self.module;
        let mut any = false;
        for seed in seeds {
            for (fi, f) in module.functions.iter().enumerate() {
                let class = f
                    .class
                    .and_then(|ci| module.classes.get(ci))
                    .map(|c| &*c.name);
                if class != seed.class.as_deref() || *f.name != *seed.function {
                    continue;
                }
                // A Python method's `self` is not passed.
                let offset = usize::from(
                    class.is_some() && f.params.first().is_some_and(|p| is_receiver_name(&p.name)),
                );
                let slot = match &seed.arg {
                    ArgRef::Position(p) => Some(*p + offset),
                    ArgRef::Keyword(k) => f.params.iter().position(|p| *p.name == **k),
                };
                let Some((i, p)) = slot.and_then(|i| f.params.get(i).map(|p| (i, p))) else {
                    continue;
                };
                if i >= MAX_PARAMS {
                    continue;
                }
                let trace = self
                    .trace
                    .push(p.span, Note::Caller(seed.origin.clone()), NO_STEP);
                let l = Label {
                    kind: seed.kind as u16,
                    cleared: seed.cleared,
                    trace,
                };
                join(&mut self.seeds[fi][i], &[l]);
                any = true;
            }
        }
        any
    }

    /// Whether any call or attribute of the file is a source (files without one are skipped),
    /// and whether any call may be a sink (files without one are not worth analysing again for
    /// data from other files).
    pub fn prescan(&self) -> (bool, bool) {
        let (mut sources, mut sinks) = (false, false);
        self.module.walk_exprs(&mut |e| {
            if sources && sinks {
                return;
            }
            match &e.kind {
                ExprKind::Call(call) => {
                    let Some(q) = call.qualified.as_deref() else {
                        return;
                    };
                    sources = sources
                        || self.ix.call_sources.candidates(q).any(|id| {
                            let source = &self.spec.sources[id as usize];
                            matches!(&source.matcher, SourceMatch::Calls(globs) if globs.iter().any(|g| g.matches(q)))
                                && self.imports_ok(&source.imports)
                        });
                    sinks = sinks
                        || self.ix.call_sinks.candidates(q).any(|id| {
                            let sink = &self.spec.sinks[id as usize];
                            matches!(&sink.matcher, SinkMatch::Calls { calls, .. } if calls.iter().any(|g| g.matches(q)))
                        });
                }
                ExprKind::Name(_) | ExprKind::Attribute { .. } => {
                    sources = sources || !self.attribute_sources_of(e).is_empty();
                    if let ExprKind::Attribute { attr, .. } = &e.kind {
                        sinks = sinks || self.ix.property_sinks.contains_key(&**attr);
                    }
                }
                ExprKind::Dict(entries) => {
                    sinks = sinks
                        || entries.iter().any(|(k, _)| {
                            k.as_ref()
                                .and_then(|k| k.as_str())
                                .is_some_and(|k| self.ix.key_sinks.contains_key(k))
                        });
                }
                _ => {}
            }
        });
        (sources, sinks)
    }

    fn seed_params(&mut self, fi: usize, sid: usize) -> bool {
        let source = &self.spec.sources[sid];
        let Some(f) = self.module.functions.get(fi) else {
            return false;
        };
        let mut any = false;
        for (i, p) in f.params.iter().enumerate().take(MAX_PARAMS) {
            if is_receiver_name(&p.name)
                || (!source.params.is_empty() && !source.params.contains(&i))
            {
                continue;
            }
            any |= self.seed_param(fi, i, sid);
        }
        any
    }

    fn seed_param(&mut self, fi: usize, i: usize, sid: usize) -> bool {
        let module = self.module;
        let Some(f) = module.functions.get(fi) else {
            return false;
        };
        let Some(p) = f.params.get(i) else {
            return false;
        };
        let owner = if f.name.is_empty() {
            "callback"
        } else {
            &f.name
        };
        let l = self.source_label(sid, p.span, &p.name, owner);
        if let Some(slot) = self.seeds[fi].get_mut(i) {
            join(slot, &[l]);
        }
        true
    }

    fn typed_as(&self, annotation: Option<&str>, globs: &[crate::rules::pattern::Glob]) -> bool {
        annotation
            .and_then(|a| self.annotation_type(a))
            .is_some_and(|(raw, q)| globs.iter().any(|g| g.matches(raw) || g.matches(&q)))
    }

    /// A fresh label of source `sid` for the declared name `name` in `owner`.
    fn source_label(&mut self, sid: usize, span: Span, name: &str, owner: &str) -> Label {
        let source = &self.spec.sources[sid];
        let label = match &source.label {
            Some(l) => format!("{l}: `{name}` of `{owner}`"),
            None => format!("`{name}` of `{owner}`"),
        };
        Label {
            kind: source.kind as u16,
            cleared: 0,
            trace: self.trace.push(span, Note::Source(label), NO_STEP),
        }
    }

    /// A type annotation's class, as written and qualified: `Optional["LLMChain"]` ->
    /// (`LLMChain`, `langchain.chains.LLMChain`).
    fn annotation_type<'x>(&self, ann: &'x str) -> Option<(&'x str, String)> {
        let t = crate::resolve::annotation_class(ann)?;
        let (head, rest) = match t.split_once('.') {
            Some((h, r)) => (h, Some(r)),
            None => (t, None),
        };
        let base = self.imports.get(head).copied().unwrap_or(head);
        let q = match rest {
            Some(r) => format!("{base}.{r}"),
            None => base.to_string(),
        };
        Some((t, q))
    }

    /// Run rounds until nothing changes.
    pub fn run(&mut self) {
        let module = self.module;
        for _ in 0..MAX_ROUNDS {
            self.changed = false;
            let mut cx = Ctx {
                env: Env::default(),
                function: None,
                class: None,
                receiver: None,
                ret: Taint::new(),
            };
            self.block(&module.body, &mut cx);
            self.globals = cx.env;
            for ci in 0..module.classes.len() {
                self.class_body(ci);
            }
            for fi in 0..module.functions.len() {
                self.function(fi);
            }
            if !self.changed {
                break;
            }
        }
    }

    fn class_body(&mut self, ci: usize) {
        let module = self.module;
        let mut cx = Ctx {
            env: Env::default(),
            function: None,
            class: Some(ci),
            receiver: None,
            ret: Taint::new(),
        };
        self.block(&module.classes[ci].body, &mut cx);
        for (name, t) in cx.env.vars {
            self.changed |= join(self.fields.entry((ci, name)).or_default(), &real(&t));
        }
    }

    fn function(&mut self, fi: usize) {
        let module = self.module;
        let f: &'m Function = &module.functions[fi];
        let mut env = self.closures[fi].clone().unwrap_or_default();
        let receiver = if f.class.is_some() {
            match f.params.first() {
                Some(p) if module.language.family() == "python" => Some(&*p.name),
                _ => Some("this"),
            }
        } else if module.language.family() == "python" {
            None
        } else {
            // Functions in TS/JS classes' field initialisers and object methods use `this` too.
            Some("this")
        };
        for (i, p) in f.params.iter().enumerate().take(MAX_PARAMS) {
            if Some(&*p.name) == receiver && f.class.is_some() {
                continue;
            }
            let mut t = vec![Label {
                kind: PARAM + i as u16,
                cleared: 0,
                trace: self.param_steps[fi][i],
            }];
            join(&mut t, &self.seeds[fi][i]);
            env.vars.insert(&p.name, t);
        }
        let mut cx = Ctx {
            env,
            function: Some(fi),
            class: f.class,
            receiver,
            ret: Taint::new(),
        };
        self.block(&f.body, &mut cx);
        self.changed |= join(&mut self.summaries[fi].ret, &cx.ret);
    }

    // ---------------------------------------------------------------------------------------
    // Statements

    fn block(&mut self, stmts: &'m [Stmt], cx: &mut Ctx<'m>) {
        if self.depth > crate::lang::MAX_DEPTH {
            return;
        }
        self.depth += 1;
        for s in stmts {
            self.stmt(s, cx);
        }
        self.depth -= 1;
    }

    fn stmt(&mut self, s: &'m Stmt, cx: &mut Ctx<'m>) {
        match &s.kind {
            StmtKind::Assign {
                targets,
                value,
                augmented,
            } => {
                let t = self.expr(value, cx);
                self.remember_field_function(targets, value, cx);
                for target in targets {
                    if *augmented {
                        self.expr(target, cx);
                    }
                    self.assign(target, &t, *augmented, cx);
                    if let (ExprKind::Name(n), false) = (&target.kind, *augmented) {
                        self.remember_shape(n, value, cx);
                    }
                }
            }
            StmtKind::Expr(e) => {
                self.expr(e, cx);
            }
            StmtKind::Return(e) => {
                if let Some(e) = e {
                    let t = self.expr(e, cx);
                    let t = self.trace.extend(&t, s.span, &Note::Return);
                    join(&mut cx.ret, &t);
                }
            }
            StmtKind::Raise(e) => {
                if let Some(e) = e {
                    self.expr(e, cx);
                }
            }
            StmtKind::If { test, body, orelse } => {
                self.expr(test, cx);
                let (when_true, when_false) = self.checks(test);
                let mut then_env = cx.env.clone();
                let before = std::mem::take(&mut cx.env);
                let mut else_env = before;
                for (name, mask) in when_true {
                    self.passed_check(&mut then_env, name, mask);
                }
                for (name, mask) in when_false {
                    self.passed_check(&mut else_env, name, mask);
                }
                cx.env = then_env;
                self.block(body, cx);
                let then_env = std::mem::replace(&mut cx.env, else_env);
                self.block(orelse, cx);
                if !exits(body) {
                    cx.env.join(&then_env);
                }
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
                }
                let before = cx.env.clone();
                // Twice, so what one iteration assigns reaches the next.
                for _ in 0..2 {
                    if let Some(target) = target {
                        self.assign(target, &t, false, cx);
                    }
                    self.block(body, cx);
                }
                cx.env.join(&before);
                self.block(orelse, cx);
            }
            StmtKind::With { items, body } => {
                for (ctx_expr, target) in items {
                    let t = self.expr(ctx_expr, cx);
                    if let Some(target) = target {
                        self.assign(target, &t, false, cx);
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
                let before = cx.env.clone();
                self.block(body, cx);
                self.block(orelse, cx);
                let mut after = cx.env.clone();
                for h in handlers {
                    if let Some(k) = &h.kind {
                        self.expr(k, cx);
                    }
                    cx.env = before.clone();
                    cx.env.join(&after);
                    self.block(&h.body, cx);
                    // A handler that returns or raises does not continue after the `try`.
                    if !exits(&h.body) {
                        after.join(&cx.env);
                    }
                }
                cx.env = after;
                self.block(finally, cx);
            }
            StmtKind::FunctionDef(fi) => self.capture(*fi, cx),
            StmtKind::ClassDef(_) => {}
            StmtKind::Match { subject, cases } => {
                self.expr(subject, cx);
                let name = match &subject.kind {
                    ExprKind::Name(n) => Some(&**n),
                    _ => None,
                };
                let before = cx.env.clone();
                let mut out = before.clone();
                for (patterns, body) in cases {
                    cx.env = before.clone();
                    if let Some(n) = name {
                        if !patterns.is_empty() && patterns.iter().all(is_literal_pattern) {
                            cx.env.vars.insert(n, Taint::new());
                        }
                    }
                    self.block(body, cx);
                    out.join(&cx.env);
                }
                cx.env = out;
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
    fn remember_field_function(&mut self, targets: &'m [Expr], value: &Expr, cx: &Ctx<'m>) {
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

    /// `name` passed a check: an allowlist clears it (`mask` is every kind), a validator marks it
    /// safe for the sink kinds in `mask`.
    fn passed_check(&self, env: &mut Env<'m>, name: &'m str, mask: KindSet) {
        let mut t = env
            .vars
            .get(name)
            .or_else(|| self.globals.vars.get(name))
            .cloned()
            .unwrap_or_default();
        clear_kinds(&mut t, mask);
        env.vars.insert(name, t);
    }

    /// `cmd = ["rg", x]`: keep what the first element (a command's program) carries.
    fn remember_shape(&mut self, name: &'m str, value: &'m Expr, cx: &mut Ctx<'m>) {
        cx.env.forget_shape(name);
        if let ExprKind::List(items) = &value.kind {
            let head = match items.first() {
                Some(first) => self.expr(first, cx),
                None => Taint::new(),
            };
            cx.env.heads.insert(name, head);
        }
    }

    /// Bind `t` to an assignment target.
    fn assign(&mut self, target: &'m Expr, t: &[Label], augmented: bool, cx: &mut Ctx<'m>) {
        match &target.kind {
            ExprKind::Name(n) => {
                if !augmented {
                    cx.env.forget_shape(n);
                }
                let mut new = self.trace.extend(t, target.span, &Note::Assign(n.clone()));
                if augmented {
                    if let Some(old) = self.lookup(n, cx) {
                        join(&mut new, &old);
                    }
                }
                cx.env.vars.insert(n, new);
            }
            ExprKind::Attribute { value, attr } => {
                if let Some(ids) = self.ix.property_sinks.get(&**attr) {
                    for &id in ids {
                        self.sink_reached(id as usize, target.span, t, cx, attr);
                    }
                }
                self.weak_update(target, value, attr, t, cx);
            }
            ExprKind::Index { value, .. } => self.weak_update(target, value, "", t, cx),
            ExprKind::List(items) => {
                for i in items {
                    self.assign(i, t, augmented, cx);
                }
            }
            ExprKind::Dict(entries) => {
                for (_, v) in entries {
                    self.assign(v, t, augmented, cx);
                }
            }
            ExprKind::Spread(inner) => self.assign(inner, t, augmented, cx),
            _ => {}
        }
    }

    /// `a.b.c = t` / `a[i] = t`: the containing object now holds `t` too.
    fn weak_update(
        &mut self,
        target: &'m Expr,
        base: &'m Expr,
        attr: &'m str,
        t: &[Label],
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
                if let (Some(ci), ExprKind::Attribute { attr, .. }) = (cx.class, &base.kind) {
                    self.changed |= join(self.fields.entry((ci, attr)).or_default(), &real(&t));
                }
            }
            ExprKind::Name(n) => {
                let mut cur = self.lookup(n, cx).unwrap_or_default();
                join(&mut cur, &t);
                cx.env.vars.insert(n, cur);
            }
            _ => {}
        }
    }

    fn capture(&mut self, fi: usize, cx: &Ctx<'m>) {
        if cx.function.is_none() && cx.class.is_none() {
            // Module-level functions read the module's final bindings (`globals`).
            return;
        }
        // Parameter markers belong to the enclosing function's summary, not to the closure's.
        let mut captured = cx.env.clone();
        for t in captured.vars.values_mut() {
            t.retain(|l| l.param().is_none());
        }
        captured.heads.clear();
        let slot = &mut self.closures[fi];
        match slot {
            Some(env) => self.changed |= env.join(&captured),
            None => {
                self.changed |= captured.vars.values().any(|v| !v.is_empty());
                *slot = Some(captured);
            }
        }
    }

    fn lookup(&self, name: &str, cx: &Ctx<'m>) -> Option<Taint> {
        cx.env
            .vars
            .get(name)
            .or_else(|| self.globals.vars.get(name))
            .cloned()
    }

    // ---------------------------------------------------------------------------------------
    // Expressions

    fn expr(&mut self, e: &'m Expr, cx: &mut Ctx<'m>) -> Taint {
        if self.depth > crate::lang::MAX_DEPTH {
            return Taint::new();
        }
        self.depth += 1;
        let t = self.expr_inner(e, cx);
        self.depth -= 1;
        t
    }

    fn expr_inner(&mut self, e: &'m Expr, cx: &mut Ctx<'m>) -> Taint {
        match &e.kind {
            ExprKind::Name(n) => {
                if cx.receiver == Some(&**n) {
                    return Taint::new();
                }
                let mut t = self.lookup(n, cx).unwrap_or_default();
                self.attribute_source(e, &mut t);
                t
            }
            ExprKind::Attribute { value, attr } => {
                if let (ExprKind::Name(n), Some(ci)) = (&value.kind, cx.class) {
                    if cx.receiver == Some(&**n) {
                        return self.fields.get(&(ci, &**attr)).cloned().unwrap_or_default();
                    }
                }
                let mut t = self.expr(value, cx);
                if let Some(ids) = self.ix.sanitizer_attributes.get(&**attr) {
                    let mask = ids
                        .iter()
                        .fold(0, |m, &id| m | self.spec.sanitizers[id as usize].sinks);
                    clear_kinds(&mut t, mask);
                }
                self.attribute_source(e, &mut t);
                t
            }
            ExprKind::Index { value, index } => {
                // The key picks among the container's values: it does not make them tainted.
                self.expr(index, cx);
                self.expr(value, cx)
            }
            ExprKind::Call(call) => self.call(call, e.span, cx),
            ExprKind::StringBuild(parts) => {
                // Once a `/` (or `?`, `#`) has ended a URL's authority, what follows is a path or a
                // query: it cannot choose where a request goes (`f"https://api.x.com/{q}"`,
                // `f"{base}/search?q={q}"`), so it is cleared for host-only sinks.
                let mut t = Taint::new();
                let mut seen = false;
                let mut in_path = false;
                for p in parts {
                    match p {
                        StrPart::Lit(s) if !in_path => {
                            // `&q=`, `?q=`: a query string, whatever came before.
                            in_path = s.starts_with(['&', '?', '#'])
                                || match s.find("://") {
                                    Some(i) => s[i + 3..].contains(['/', '?', '#']),
                                    None => seen && s.contains(['/', '?', '#']),
                                };
                            seen = true;
                        }
                        StrPart::Lit(_) => {}
                        StrPart::Expr(x) => {
                            let mut pt = self.expr(x, cx);
                            if in_path {
                                clear_kinds(&mut pt, self.spec.host_only_kinds);
                            }
                            join(&mut t, &pt);
                            seen = true;
                        }
                    }
                }
                t
            }
            ExprKind::Str(_) | ExprKind::Number(_) | ExprKind::Bool(_) | ExprKind::Null => {
                Taint::new()
            }
            ExprKind::Dict(entries) => {
                let mut t = Taint::new();
                for (k, v) in entries {
                    if let Some(k) = k {
                        self.expr(k, cx);
                    }
                    let vt = self.expr(v, cx);
                    if let Some(key) = k.as_ref().and_then(|k| k.as_str()) {
                        if let Some(ids) = self.ix.key_sinks.get(key) {
                            let span = Span::new(
                                k.as_ref().map_or(v.span.start, |k| k.span.start) as usize,
                                v.span.end as usize,
                            );
                            for &id in ids {
                                self.sink_reached(id as usize, span, &vt, cx, key);
                            }
                        }
                    }
                    join(&mut t, &vt);
                }
                t
            }
            ExprKind::List(items) | ExprKind::Choice(items) | ExprKind::Other(items) => {
                let mut t = Taint::new();
                for i in items {
                    let it = self.expr(i, cx);
                    join(&mut t, &it);
                }
                t
            }
            ExprKind::Spread(inner) | ExprKind::Await(inner) => self.expr(inner, cx),
            ExprKind::Function(fi) => {
                self.capture(*fi, cx);
                Taint::new()
            }
            // A comprehension's `for t in xs`: bind `t` to what `xs` holds.
            ExprKind::Compare { op, left, right } if &**op == "for" => {
                let t = self.expr(right, cx);
                self.assign(left, &t, false, cx);
                Taint::new()
            }
            ExprKind::Compare { left, right, .. } => {
                self.expr(left, cx);
                self.expr(right, cx);
                Taint::new()
            }
        }
    }

    /// Reading `sys.argv`, `flask.request.args`, ...: add the source's label.
    fn attribute_source(&mut self, e: &'m Expr, t: &mut Taint) {
        for (kind, label) in self.attribute_sources_of(e) {
            let trace = self.trace.push(e.span, Note::Source(label), NO_STEP);
            join(
                t,
                &[Label {
                    kind: kind as u16,
                    cleared: 0,
                    trace,
                }],
            );
        }
    }

    /// The attribute sources `e` reads: (kind, label) each.
    fn attribute_sources_of(&self, e: &Expr) -> Vec<(u8, String)> {
        let last = match &e.kind {
            ExprKind::Name(n) => &**n,
            ExprKind::Attribute { attr, .. } => &**attr,
            _ => return Vec::new(),
        };
        let Some(ids) = self.ix.attribute_sources.get(last) else {
            return Vec::new();
        };
        let Some(q) = self.qualify_chain(e) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for &id in ids {
            let source = &self.spec.sources[id as usize];
            let SourceMatch::Attributes(chains) = &source.matcher else {
                continue;
            };
            if chains.contains(&q) && self.imports_ok(&source.imports) {
                let label = source.label.clone().unwrap_or_else(|| format!("`{q}`"));
                out.push((source.kind, label));
            }
        }
        out
    }

    fn call(&mut self, call: &'m Call, span: Span, cx: &mut Ctx<'m>) -> Taint {
        // The receiver of a method call, or the called value itself.
        let (receiver, method): (Option<&'m Expr>, Option<&'m str>) = match &call.callee.kind {
            ExprKind::Attribute { value, attr } => (Some(value), Some(attr)),
            _ => (None, None),
        };
        let recv_t = match receiver {
            Some(r) => self.expr(r, cx),
            None => self.expr(&call.callee, cx),
        };
        let mut arg_ts: Vec<Taint> = Vec::with_capacity(call.args.len());
        let mut callbacks: Vec<usize> = Vec::new();
        for a in &call.args {
            if let Some(fi) = self.function_value(&a.value, cx.class) {
                self.expr(&a.value, cx);
                callbacks.push(fi);
                arg_ts.push(Taint::new());
            } else {
                arg_ts.push(self.expr(&a.value, cx));
            }
        }
        let q = call.qualified.as_deref();
        if let Some(q) = q {
            self.call_sinks(call, q, span, &recv_t, &arg_ts, cx);
        }

        // Sources: a model call's result is the model's output, not its input. Handle kinds
        // (`llm`: the call made a model object) mark the result but replace nothing.
        let source = self.call_source(call, q, method, &recv_t, span, cx.class);
        if let Some(t) = source.as_ref() {
            if t.iter().any(|l| self.spec.data_kinds & (1 << l.kind) != 0) {
                return source.unwrap_or_default();
            }
        }
        let mut t = self.call_result(
            call, q, method, receiver, recv_t, arg_ts, callbacks, span, cx,
        );
        if let Some(s) = source {
            join(&mut t, &s);
        }
        t
    }

    /// What a call that is not a data source returns (and does to its receiver).
    #[allow(clippy::too_many_arguments)]
    fn call_result(
        &mut self,
        call: &'m Call,
        q: Option<&'m str>,
        method: Option<&str>,
        receiver: Option<&'m Expr>,
        recv_t: Taint,
        arg_ts: Vec<Taint>,
        callbacks: Vec<usize>,
        span: Span,
        cx: &mut Ctx<'m>,
    ) -> Taint {
        let mut all_args = Taint::new();
        for t in &arg_ts {
            join(&mut all_args, t);
        }
        // Callbacks (`.then(r => ...)`, `map(f, xs)`) receive the receiver's and arguments' data.
        let mut from_callbacks = Taint::new();
        for fi in callbacks {
            let mut input = recv_t.clone();
            join(&mut input, &all_args);
            self.seed_callback(fi, &input);
            let ret = self.callback_result(fi);
            join(&mut from_callbacks, &ret);
        }
        if let Some(t) = self.sanitized(q, method, &recv_t, &arg_ts) {
            return t;
        }
        // The file's own functions before method-name propagators: `self.get(x)` is the class's.
        if let Some((fi, offset)) = self.local_callee(call, q, cx) {
            let mut t = self.apply_summary(fi, offset, call, &arg_ts, span, cx);
            join(&mut t, &from_callbacks);
            return t;
        }
        match self.propagator(q, method) {
            Some(PropagateTo::Nothing) => return Taint::new(),
            Some(PropagateTo::FromReceiver) => return recv_t,
            Some(PropagateTo::Receiver) => {
                if let (Some(r), false) = (receiver, all_args.is_empty()) {
                    self.receives(r, &all_args, span, cx);
                }
                return recv_t;
            }
            None => {}
        }
        self.record_external(call, q, &arg_ts);
        let mut t = recv_t;
        join(&mut t, &all_args);
        join(&mut t, &from_callbacks);
        t
    }

    /// `validate_code(body)` where `validate_code` is imported: the callee's file may sink it.
    fn record_external(&mut self, call: &'m Call, q: Option<&'m str>, arg_ts: &[Taint]) {
        const MAX_EXTERNAL: usize = 256;
        let Some(q) = q else { return };
        // A sink of the tables reported the data here already.
        if !self.name_match(q).sinks.is_empty() {
            return;
        }
        // A function of an imported module (`validate_code(...)`, `utils.run(...)`), or a method
        // of an instance of an imported class (`self._parser.parse(...)`, `_parser` a `Parser()`).
        let head = match &call.callee.kind {
            ExprKind::Name(n) => Some(&**n),
            ExprKind::Attribute { value, .. } => match &value.kind {
                ExprKind::Name(n) => Some(&**n),
                _ => None,
            },
            _ => None,
        };
        let imported_function =
            head.is_some_and(|h| self.imports.contains_key(h)) && !q.contains("()");
        let imported_method = q.matches("()").count() == 1
            && q.split_once("().").is_some_and(|(class, _)| {
                self.module.imports.iter().any(|i| *i.qualified == *class)
            });
        if !imported_function && !imported_method {
            return;
        }
        let mut position = 0;
        for (a, t) in call.args.iter().zip(arg_ts) {
            let arg = match (&a.name, a.splat) {
                (Some(name), _) => ArgRef::Keyword(name.to_string()),
                (None, crate::ir::Splat::None) => {
                    position += 1;
                    ArgRef::Position(position - 1)
                }
                _ => continue,
            };
            for l in t {
                let data = l.kind < 32 && self.spec.data_kinds & (1 << l.kind) != 0;
                if data && self.external.len() < MAX_EXTERNAL {
                    self.external.push((q.to_string(), arg.clone(), *l));
                }
            }
        }
    }

    /// What `q` matches in the tables, from the cache.
    fn name_match(&mut self, q: &'m str) -> std::rc::Rc<NameMatch> {
        if let Some(m) = self.names.get(q) {
            return m.clone();
        }
        let mut m = NameMatch::default();
        for id in self.ix.call_sources.candidates(q) {
            if let SourceMatch::Calls(globs) = &self.spec.sources[id as usize].matcher {
                if globs.iter().any(|g| g.matches(q)) {
                    m.sources.push(id);
                }
            }
        }
        for id in self.ix.call_sinks.candidates(q) {
            let sink = &self.spec.sinks[id as usize];
            if let SinkMatch::Calls { calls, .. } = &sink.matcher {
                if self.wanted_sinks & (1 << sink.kind) != 0 && calls.iter().any(|g| g.matches(q)) {
                    m.sinks.push(id);
                }
            }
        }
        for id in self.ix.sanitizer_calls.candidates(q) {
            let s = &self.spec.sanitizers[id as usize];
            if s.calls.iter().any(|g| g.matches(q)) {
                m.sanitize |= s.sinks;
            }
        }
        for id in self.ix.guard_calls.candidates(q) {
            let s = &self.spec.sanitizers[id as usize];
            if s.guard_calls.iter().any(|g| g.matches(q)) {
                m.guard |= s.sinks;
            }
        }
        m.propagate = self.ix.propagator_calls.candidates(q).find_map(|id| {
            let p = &self.spec.propagators[id as usize];
            p.calls.iter().any(|g| g.matches(q)).then_some(p.to)
        });
        let m = std::rc::Rc::new(m);
        self.names.insert(q, m.clone());
        m
    }

    /// `xs.append(t)`: `xs` now holds `t`.
    fn receives(&mut self, r: &'m Expr, t: &[Label], span: Span, cx: &mut Ctx<'m>) {
        match &r.kind {
            ExprKind::Name(n) if cx.receiver != Some(&**n) => {
                let t = self.trace.extend(t, span, &Note::Assign(n.clone()));
                let mut cur = self.lookup(n, cx).unwrap_or_default();
                join(&mut cur, &t);
                cx.env.vars.insert(n, cur);
            }
            ExprKind::Attribute { value, attr } => self.weak_update(r, value, attr, t, cx),
            ExprKind::Index { value, .. } => self.weak_update(r, value, "", t, cx),
            _ => {}
        }
    }

    fn call_source(
        &mut self,
        call: &Call,
        q: Option<&'m str>,
        method: Option<&str>,
        recv_t: &[Label],
        span: Span,
        class: Option<usize>,
    ) -> Option<Taint> {
        let mut out = Taint::new();
        if let Some(q) = q {
            let matched = self.name_match(q);
            for &id in &matched.sources {
                let source = &self.spec.sources[id as usize];
                if self.imports_ok(&source.imports) && self.in_classes_ok(&source.in_classes, class)
                {
                    let label = source.label.clone().unwrap_or_else(|| format!("`{q}`"));
                    let trace = self.trace.push(span, Note::Source(label), NO_STEP);
                    join(
                        &mut out,
                        &[Label {
                            kind: source.kind as u16,
                            cleared: 0,
                            trace,
                        }],
                    );
                }
            }
        }
        // Methods called on a handle (`chain.invoke(...)`), or the handle called (`llm(...)`).
        let name = method.unwrap_or("__call__");
        if !recv_t.is_empty() {
            if let Some(ids) = self.ix.method_sources.get(name) {
                for &id in ids {
                    let source = &self.spec.sources[id as usize];
                    let SourceMatch::Methods { receivers, .. } = &source.matcher else {
                        continue;
                    };
                    let carries = recv_t
                        .iter()
                        .any(|l| l.kind < 32 && receivers & (1 << l.kind) != 0);
                    if carries && self.imports_ok(&source.imports) {
                        let spelled = call.callee.dotted().unwrap_or_else(|| name.to_string());
                        let label = match &source.label {
                            Some(l) => format!("{l} (`{spelled}`)"),
                            None => format!("`{spelled}`"),
                        };
                        let trace = self.trace.push(span, Note::Source(label), NO_STEP);
                        join(
                            &mut out,
                            &[Label {
                                kind: source.kind as u16,
                                cleared: 0,
                                trace,
                            }],
                        );
                    }
                }
            }
        }
        (!out.is_empty()).then_some(out)
    }

    /// A sanitizer's result: the inputs' labels, cleared for its sink kinds (or nothing, when it
    /// clears every kind).
    fn sanitized(
        &mut self,
        q: Option<&'m str>,
        method: Option<&str>,
        recv_t: &[Label],
        arg_ts: &[Taint],
    ) -> Option<Taint> {
        let mut mask: u32 = q.map_or(0, |q| self.name_match(q).sanitize);
        if let Some(ids) = method.and_then(|m| self.ix.sanitizer_methods.get(m)) {
            for &id in ids {
                mask |= self.spec.sanitizers[id as usize].sinks;
            }
        }
        if mask == 0 {
            return None;
        }
        let mut t = Taint::new();
        for l in recv_t.iter().chain(arg_ts.iter().flatten()) {
            join(&mut t, &[*l]);
        }
        clear_kinds(&mut t, mask);
        Some(t)
    }

    fn propagator(&mut self, q: Option<&'m str>, method: Option<&str>) -> Option<PropagateTo> {
        if let Some(to) = q.and_then(|q| self.name_match(q).propagate) {
            return Some(to);
        }
        let ids = method.and_then(|m| self.ix.propagator_methods.get(m))?;
        ids.first().map(|&id| self.spec.propagators[id as usize].to)
    }

    // ---------------------------------------------------------------------------------------
    // Sinks

    fn call_sinks(
        &mut self,
        call: &'m Call,
        q: &'m str,
        span: Span,
        recv_t: &[Label],
        arg_ts: &[Taint],
        cx: &mut Ctx<'m>,
    ) {
        let matched = self.name_match(q);
        for &id in &matched.sinks {
            let sink = &self.spec.sinks[id as usize];
            if self.wanted_sinks & (1 << sink.kind) == 0 {
                continue;
            }
            let SinkMatch::Calls {
                args,
                element,
                when,
                unless,
                ..
            } = &sink.matcher
            else {
                continue;
            };
            if !self.imports_ok(&sink.imports) {
                continue;
            }
            let holds = |c: &crate::rules::pattern::Condition| c.holds(call, self.consts);
            if !when.iter().all(holds) || unless.iter().any(holds) {
                continue;
            }
            let mut t = Taint::new();
            if args.is_empty() {
                join(&mut t, recv_t);
                for a in arg_ts {
                    join(&mut t, a);
                }
            }
            for a in args {
                let arg_index = match a {
                    SinkArg::Receiver => {
                        join(&mut t, recv_t);
                        continue;
                    }
                    SinkArg::Position(p) => positional_index(call, *p),
                    SinkArg::Keyword(k) => {
                        call.args.iter().position(|x| x.name.as_deref() == Some(k))
                    }
                };
                let Some(i) = arg_index else { continue };
                let value = &call.args[i].value;
                match (element, &value.kind) {
                    // `subprocess.run([prog, arg])`: only the program counts.
                    (Some(el), ExprKind::List(items)) => {
                        if let Some(item) = items.get(*el) {
                            let it = self.expr(item, cx);
                            join(&mut t, &it);
                        }
                    }
                    (Some(0), ExprKind::Name(n)) if cx.env.heads.contains_key(&**n) => {
                        join(&mut t, &cx.env.heads[&**n]);
                    }
                    _ => {
                        join(&mut t, &arg_ts[i]);
                    }
                }
            }
            self.sink_reached(id as usize, span, &t, cx, &format!("{q}()"));
        }
    }

    /// Data `t` reaches sink `id` at `span`: report real sources, and record parameters in the
    /// enclosing function's summary.
    fn sink_reached(&mut self, id: usize, span: Span, t: &[Label], cx: &Ctx<'m>, name: &str) {
        if t.is_empty() {
            return;
        }
        let sink = &self.spec.sinks[id];
        if self.wanted_sinks & (1 << sink.kind) == 0 {
            return;
        }
        let label = sink.label.clone().unwrap_or_else(|| format!("`{name}`"));
        for l in t {
            if l.cleared & (1 << sink.kind) != 0 {
                continue;
            }
            match l.param() {
                Some(param) => {
                    if let Some(fi) = cx.function {
                        self.add_sink_fact(
                            fi,
                            SinkFact {
                                param,
                                sink_kind: sink.kind,
                                cleared: l.cleared,
                                trace: l.trace,
                                sink_span: span,
                                sink_label: label.clone(),
                            },
                        );
                    }
                }
                None => self.report(l, sink.kind, span, &label, l.trace),
            }
        }
    }

    fn report(&mut self, l: &Label, sink_kind: u8, span: Span, label: &str, trace: u32) {
        for &r in &self.rules {
            let rule = &self.spec.rules[r];
            if rule.sources & (1 << l.kind) != 0 && rule.sinks & (1 << sink_kind) != 0 {
                self.hits.push(FlowHit {
                    rule: r,
                    sink_span: span,
                    sink_label: label.to_string(),
                    trace,
                });
            }
        }
    }

    fn add_sink_fact(&mut self, fi: usize, fact: SinkFact) {
        let facts = &mut self.summaries[fi].sinks;
        let known = facts.iter().any(|f| {
            f.param == fact.param
                && f.sink_kind == fact.sink_kind
                && f.sink_span == fact.sink_span
                && f.cleared == fact.cleared
        });
        if !known {
            facts.push(fact);
            self.changed = true;
        }
    }

    // ---------------------------------------------------------------------------------------
    // Calls to the file's own functions

    /// The function a call runs, and how many leading parameters the call does not pass
    /// (a Python method's `self`).
    fn local_callee(&self, call: &Call, q: Option<&str>, cx: &Ctx<'m>) -> Option<(usize, usize)> {
        let fi = match &call.callee.kind {
            ExprKind::Function(fi) => Some(*fi),
            ExprKind::Attribute { value, attr } => match (&value.kind, cx.class) {
                (ExprKind::Name(n), Some(ci)) if cx.receiver == Some(&**n) => self
                    .methods
                    .get(&(ci, &**attr))
                    .or_else(|| self.field_functions.get(&(ci, &**attr)))
                    .copied(),
                _ => q.and_then(|q| self.method_by_qualified(q)),
            },
            ExprKind::Name(n) => self.functions_by_name.get(&**n).copied(),
            _ => None,
        }?;
        let f = self.module.functions.get(fi)?;
        let offset = usize::from(
            f.class.is_some()
                && self.module.language.family() == "python"
                && f.params.first().is_some_and(|p| is_receiver_name(&p.name)),
        );
        Some((fi, offset))
    }

    /// `Bot.run` / `Bot().run` -> the method `run` of the file's class `Bot`.
    fn method_by_qualified(&self, q: &str) -> Option<usize> {
        let (class, method) = q.rsplit_once('.')?;
        let class = class.strip_suffix("()").unwrap_or(class);
        let ci = *self.classes_by_name.get(class)?;
        self.methods.get(&(ci, method)).copied()
    }

    fn apply_summary(
        &mut self,
        fi: usize,
        offset: usize,
        call: &Call,
        arg_ts: &[Taint],
        span: Span,
        cx: &Ctx<'m>,
    ) -> Taint {
        let f = &self.module.functions[fi];
        // Arguments by parameter index.
        let mut by_param: Vec<Taint> = vec![Taint::new(); f.params.len().min(MAX_PARAMS)];
        let mut pos = offset;
        for (a, t) in call.args.iter().zip(arg_ts) {
            let slot = match &a.name {
                Some(name) => f.params.iter().position(|p| p.name == *name),
                None if a.splat == crate::ir::Splat::None => {
                    pos += 1;
                    Some(pos - 1)
                }
                None => None,
            };
            if let Some(slot) = slot.filter(|s| *s < by_param.len()) {
                join(&mut by_param[slot], t);
            }
        }
        // Parameters that reach sinks inside the callee.
        let facts = self.summaries[fi].sinks.clone();
        for fact in facts {
            let Some(input) = by_param.get(fact.param) else {
                continue;
            };
            for l in input.clone() {
                let cleared = l.cleared | fact.cleared;
                if cleared & (1 << fact.sink_kind) != 0 {
                    continue;
                }
                let arg = self.arg_step(&l, span, fi);
                let trace = self
                    .trace
                    .push(span, Note::Splice { callee: fact.trace }, arg);
                match l.param() {
                    Some(param) => {
                        if let Some(cur) = cx.function {
                            self.add_sink_fact(
                                cur,
                                SinkFact {
                                    param,
                                    cleared,
                                    trace,
                                    ..fact.clone()
                                },
                            );
                        }
                    }
                    None => {
                        let l = Label { cleared, ..l };
                        self.report(&l, fact.sink_kind, fact.sink_span, &fact.sink_label, trace)
                    }
                }
            }
        }
        let ret = self.summaries[fi].ret.clone();
        self.substitute_params(&ret, &by_param, span, fi)
    }

    fn arg_step(&mut self, l: &Label, span: Span, fi: usize) -> u32 {
        let name = self.module.functions[fi].name.clone();
        let name: Box<str> = if name.is_empty() {
            "a callback".into()
        } else {
            name
        };
        self.trace.push(span, Note::Arg(name), l.trace)
    }

    /// A callee's return labels at a call site: parameter markers become the arguments' labels.
    fn substitute_params(
        &mut self,
        ret: &[Label],
        by_param: &[Taint],
        span: Span,
        fi: usize,
    ) -> Taint {
        let mut out = Taint::new();
        for r in ret {
            match r.param() {
                None => {
                    join(&mut out, &[*r]);
                }
                Some(p) => {
                    let Some(input) = by_param.get(p) else {
                        continue;
                    };
                    for l in input.clone() {
                        let arg = self.arg_step(&l, span, fi);
                        let trace = self.trace.push(span, Note::Splice { callee: r.trace }, arg);
                        join(
                            &mut out,
                            &[Label {
                                kind: l.kind,
                                cleared: l.cleared | r.cleared,
                                trace,
                            }],
                        );
                    }
                }
            }
        }
        out
    }

    /// What a callback returns: its real labels, and for each parameter marker what the
    /// callback was seeded with.
    fn callback_result(&self, fi: usize) -> Taint {
        let mut out = Taint::new();
        for r in &self.summaries[fi].ret {
            match r.param() {
                None => {
                    join(&mut out, &[*r]);
                }
                Some(p) => {
                    if let Some(seed) = self.seeds[fi].get(p) {
                        join(&mut out, seed);
                    }
                }
            }
        }
        out
    }

    fn seed_callback(&mut self, fi: usize, input: &[Label]) {
        if input.is_empty() {
            return;
        }
        let Some(seeds) = self.seeds.get_mut(fi) else {
            return;
        };
        for slot in seeds.iter_mut() {
            let real: Taint = input
                .iter()
                .filter(|l| l.param().is_none())
                .copied()
                .collect();
            self.changed |= join(slot, &real);
        }
    }

    /// The function an expression stands for: a lambda, a function's name, `self.method`.
    fn function_value(&self, e: &Expr, class: Option<usize>) -> Option<usize> {
        match &e.kind {
            ExprKind::Function(fi) => Some(*fi),
            ExprKind::Name(n) => self.functions_by_name.get(&**n).copied(),
            ExprKind::Attribute { value, attr } => {
                let ExprKind::Name(n) = &value.kind else {
                    return None;
                };
                if !is_receiver_name(n) {
                    return None;
                }
                self.methods.get(&(class?, &**attr)).copied()
            }
            _ => None,
        }
    }

    // ---------------------------------------------------------------------------------------
    // Names

    /// Whether the enclosing class has a base matching one of `globs` (always, when empty).
    fn in_classes_ok(&self, globs: &[crate::rules::pattern::Glob], class: Option<usize>) -> bool {
        if globs.is_empty() {
            return true;
        }
        let Some(c) = class.and_then(|ci| self.module.classes.get(ci)) else {
            return false;
        };
        c.bases.iter().any(|b| {
            self.qualify_chain(b)
                .is_some_and(|q| globs.iter().any(|g| g.matches(&q)))
        })
    }

    fn imports_ok(&self, modules: &[String]) -> bool {
        modules.is_empty()
            || self
                .module
                .imports
                .iter()
                .any(|i| modules.iter().any(|m| i.qualified.starts_with(m.as_str())))
    }

    /// `request.args` -> `flask.request.args` through the file's imports.
    fn qualify_chain(&self, e: &Expr) -> Option<String> {
        let dotted = e.dotted()?;
        let (head, rest) = match dotted.split_once('.') {
            Some((h, r)) => (h, Some(r)),
            None => (dotted.as_str(), None),
        };
        let base = self.imports.get(head).copied().unwrap_or(head);
        Some(match rest {
            Some(r) => format!("{base}.{r}"),
            None => base.to_string(),
        })
    }

    fn decorator_name(&self, d: &Expr) -> Option<String> {
        match &d.kind {
            ExprKind::Call(c) => c
                .qualified
                .as_deref()
                .map(str::to_string)
                .or_else(|| self.qualify_chain(&c.callee)),
            _ => self.qualify_chain(d),
        }
    }

    /// The names an `if` test proves checked: (when it holds, when it fails). `a or b` failing
    /// means both failed; `a and b` holding means both held.
    #[allow(clippy::type_complexity)]
    fn checks(&mut self, test: &'m Expr) -> (Vec<(&'m str, KindSet)>, Vec<(&'m str, KindSet)>) {
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
                if let Some((name, positive, mask)) = self.guard(item) {
                    match (positive, is_or, is_and) {
                        (false, true, false) => when_false.push((name, mask)),
                        (true, false, true) => when_true.push((name, mask)),
                        _ => {}
                    }
                }
            }
        } else if let Some((name, positive, mask)) = self.guard(test) {
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
    fn guard(&mut self, test: &'m Expr) -> Option<(&'m str, bool, KindSet)> {
        let all = KindSet::MAX;
        match &test.kind {
            ExprKind::Compare { op, left, right } => {
                let name = |e: &'m Expr| match &e.kind {
                    ExprKind::Name(n) => Some(&**n),
                    _ => None,
                };
                match &**op {
                    "in" => Some((name(left)?, true, all)),
                    "not in" => Some((name(left)?, false, all)),
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
                if let Some(q) = call.qualified.as_deref() {
                    let mask = self.name_match(q).guard;
                    if mask != 0 {
                        let last = call.args.iter().rev().find(|a| a.name.is_none())?;
                        return Some((name(&last.value)?, true, mask));
                    }
                }
                let ExprKind::Attribute { value, attr } = &call.callee.kind else {
                    return None;
                };
                // `ALLOWED.includes(x)`: an allowlist.
                if matches!(&**attr, "includes" | "has" | "__contains__") {
                    return Some((name(&call.args.first()?.value)?, true, all));
                }
                // `x.isdigit()`, `p.is_relative_to(root)`: a check of the receiver.
                let mask = self.ix.guard_methods.get(&**attr).map_or(0, |ids| {
                    ids.iter()
                        .fold(0, |m, &id| m | self.spec.sanitizers[id as usize].sinks)
                });
                (mask != 0).then_some((name(value)?, true, mask))
            }
            ExprKind::Other(items) if items.len() == 1 => {
                let text = self.text.get(test.span.range())?.trim_start();
                if text.starts_with('!') || text.starts_with("not") {
                    let (n, p, m) = self.guard(&items[0])?;
                    Some((n, !p, m))
                } else {
                    None
                }
            }
            _ => None,
        }
    }
}

/// The index into `call.args` of the `p`-th positional argument.
fn positional_index(call: &Call, p: usize) -> Option<usize> {
    call.args
        .iter()
        .enumerate()
        .filter(|(_, a)| a.name.is_none() && a.splat == crate::ir::Splat::None)
        .nth(p)
        .map(|(i, _)| i)
}

/// The labels of real sources in `t`: what may be shared between functions (fields, closures),
/// where another function's parameter markers would mean the wrong parameter.
fn real(t: &[Label]) -> Taint {
    t.iter().filter(|l| l.param().is_none()).copied().collect()
}

/// Mark `t` safe for the sink kinds in `mask` (all of them: `t` is clean).
fn clear_kinds(t: &mut Taint, mask: KindSet) {
    if mask == KindSet::MAX {
        t.clear();
    } else {
        for l in t.iter_mut() {
            l.cleared |= mask;
        }
    }
}

/// Whether a block always leaves (its last statement returns or raises).
fn exits(body: &[Stmt]) -> bool {
    matches!(
        body.last().map(|s| &s.kind),
        Some(StmtKind::Return(_) | StmtKind::Raise(_))
    )
}

fn is_literal_pattern(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Str(_) | ExprKind::Number(_) | ExprKind::Bool(_) | ExprKind::Null => true,
        ExprKind::Choice(items) | ExprKind::List(items) => items.iter().all(is_literal_pattern),
        _ => false,
    }
}

/// The source text of a span, cut to one short line for labels.
fn short(text: &str, span: Span) -> Box<str> {
    let s = text.get(span.range()).unwrap_or("");
    let first = s.lines().next().unwrap_or("").trim();
    let mut out: String = first.chars().take(60).collect();
    if out.len() < first.len() || s.lines().nth(1).is_some() {
        out.push('…');
    }
    out.into()
}
