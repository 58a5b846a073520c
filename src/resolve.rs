//! Import aliases and simple receiver types -> qualified names on every call.
//!
//! A name is qualified by what it is bound to: an import (`import torch as t` makes `t.load`
//! `torch.load`), an assignment from something qualified (`client = OpenAI()` makes
//! `client.chat.completions.create` `openai.OpenAI().chat.completions.create`), a parameter
//! annotation (`client: OpenAI`), a `with ... as` target, or a class field set through `self`/`this`
//! in any method (`self.llm = ChatOpenAI()` in `__init__`, `self.llm.invoke(...)` elsewhere).
//! Bindings are followed in statement order, so a reassignment replaces the earlier meaning.
//! Names bound to nothing known keep their own spelling (`eval`, `open`, `foo.bar`).

use crate::ir::{Expr, ExprKind, Function, Module, Stmt, StmtKind};
use std::collections::HashMap;

/// The bindings of one scope, chained to the enclosing scope's: a function sees its own names,
/// then its enclosing function's, then the module's, without copying any of them.
struct Env<'p, 'm> {
    vars: HashMap<&'m str, Binding>,
    parent: Option<&'p Env<'p, 'm>>,
}

impl<'p, 'm> Env<'p, 'm> {
    fn root() -> Self {
        Env {
            vars: HashMap::new(),
            parent: None,
        }
    }

    fn child(parent: &'p Env<'p, 'm>) -> Self {
        Env {
            vars: HashMap::new(),
            parent: Some(parent),
        }
    }

    fn get(&self, name: &str) -> Option<&Binding> {
        let mut scope = self;
        loop {
            if let Some(b) = scope.vars.get(name) {
                return Some(b);
            }
            scope = scope.parent?;
        }
    }

    fn insert(&mut self, name: &'m str, binding: Binding) {
        self.vars.insert(name, binding);
    }
}

#[derive(Clone, Debug)]
enum Binding {
    /// The name stands for this qualified value.
    Value(String),
    /// The name is a method's receiver (`self`, `cls`, `this`) of class `idx`.
    Receiver(usize),
    /// The name is bound to something unknown: it shadows outer bindings and keeps its spelling.
    Opaque,
    /// The name stands for one of these qualified values (`llm = A()` in one branch, `llm = B()`
    /// in the other; a factory of several classes).
    Union(Vec<String>),
    /// The name is a dict or list of classes (`PROVIDERS = {"a": A, "b": B}`), with their keys:
    /// an entry constructs one of them.
    Classes(Vec<(Option<String>, String)>),
}

/// Most classes a value may be one of: with more, calls on it keep one name.
const MAX_ALTERNATIVES: usize = 8;

/// Fill `Call::qualified` for every call in the module.
pub fn resolve(module: &mut Module) {
    let (names, alternatives, method_refs) = {
        let mut r = Resolver::new(module);
        r.run();
        (r.out, r.alternatives, r.method_refs)
    };
    module.alternatives = alternatives;
    module.method_refs = method_refs;
    if names.is_empty() {
        return;
    }
    let mut apply = |e: &mut Expr| {
        if let ExprKind::Call(call) = &mut e.kind {
            if let Some(q) = names.get(&(e.span.start, e.span.end)) {
                call.qualified = Some(q.as_str().into());
            }
        }
    };
    module.for_each_expr_mut(&mut apply);
}

/// Calls that name the method in their first argument (`dispatches(call, method)`: the packs'
/// `[[method_dispatch]]`, `requests.request("POST", url, json=body)`, `client.stream("POST",
/// url)`) become the call of that method (`requests.post(url, json=body)`), so the method's
/// tables apply.
pub fn dispatch_methods(module: &mut Module, dispatches: &dyn Fn(&str, &str) -> bool) {
    let mut apply = |e: &mut Expr| {
        let ExprKind::Call(call) = &mut e.kind else {
            return;
        };
        let Some(q) = call.qualified.as_deref() else {
            return;
        };
        let Some(first) = call.args.first() else {
            return;
        };
        if first.name.is_some() || first.splat != crate::ir::Splat::None {
            return;
        }
        let Some(method) = first.value.as_str().map(str::to_ascii_lowercase) else {
            return;
        };
        if !dispatches(q, &method) {
            return;
        }
        let Some((receiver, _)) = q.rsplit_once('.') else {
            return;
        };
        call.qualified = Some(format!("{receiver}.{method}").into());
        call.args.remove(0);
    };
    module.for_each_expr_mut(&mut apply);
}

struct Resolver<'m> {
    module: &'m Module,
    /// Class index -> field name -> qualified value.
    fields: Vec<HashMap<&'m str, String>>,
    /// Call expression span -> qualified callee.
    out: HashMap<(u32, u32), String>,
    /// Call expression span -> the qualified callee through each class its receiver may be.
    alternatives: HashMap<crate::ir::Span, Vec<Box<str>>>,
    /// See `Module::method_refs`.
    method_refs: HashMap<crate::ir::Span, Box<str>>,
    /// Functions already walked (a function reached from no body is walked at the end).
    visited: Vec<bool>,
    depth: usize,
    /// How many functions deep the walk is: 0 at module (and module-level class) level.
    fn_depth: usize,
    /// Module-level functions that always return an instance of a class (`def get_llm(): return
    /// LLMBundle()`), and the instances they may return (`LLMBundle()`; several for a factory of
    /// providers): a factory's result is typed like a constructor's.
    factories: HashMap<&'m str, Vec<String>>,
}

impl<'m> Resolver<'m> {
    fn new(module: &'m Module) -> Self {
        Resolver {
            module,
            fields: vec![HashMap::new(); module.classes.len()],
            out: HashMap::new(),
            alternatives: HashMap::new(),
            method_refs: HashMap::new(),
            visited: vec![false; module.functions.len()],
            depth: 0,
            fn_depth: 0,
            factories: HashMap::new(),
        }
    }

    fn run(&mut self) {
        let module = self.module;
        // Module-level bindings are visible in every function whatever their order (functions
        // run later), so functions see the module's final bindings; module-level statements see
        // them in order.
        let mut module_env = Env::root();
        for imp in &module.imports {
            module_env.insert(&imp.local, Binding::Value(imp.qualified.to_string()));
        }
        let mut in_order = Env::root();
        in_order.vars = module_env.vars.clone();
        let imports_only = module_env.vars.clone();
        crate::ir::walk_stmts(&module.body, &mut |s| self.bind_stmt(s, &mut module_env));
        self.collect_factories(&module_env);
        // Bound again now the factories are known: `app = create_app()` is what it makes.
        if !self.factories.is_empty() {
            module_env.vars = imports_only;
            crate::ir::walk_stmts(&module.body, &mut |s| self.bind_stmt(s, &mut module_env));
        }
        // An arrow factory's variable names the factory, not an unknown value.
        for name in self.factories.keys() {
            if matches!(module_env.vars.get(name), Some(Binding::Opaque)) {
                module_env.vars.remove(name);
            }
        }
        self.collect_fields(&module_env);
        self.walk_body(&module.body, &mut in_order, &module_env, None);
        for fi in 0..module.functions.len() {
            if !self.visited[fi] {
                let class = module.functions[fi].class;
                self.walk_function(fi, &module_env, &module_env, class);
            }
        }
    }

    /// Module-level functions whose every `return` constructs a class: a class of the file or an
    /// imported one, or an entry of a dict of classes (`return PROVIDERS[name]()`). One that
    /// returns several (an `if` chain of providers) is typed as any of them.
    fn collect_factories(&mut self, module_env: &Env<'_, 'm>) {
        let module = self.module;
        // `const make = (kind) => ...`: an arrow function is named by the variable holding it.
        let mut arrows: HashMap<usize, &'m str> = HashMap::new();
        for s in &module.body {
            if let StmtKind::Assign { targets, value, .. } = &s.kind {
                if let ([t], ExprKind::Function(fi)) = (&targets[..], &value.kind) {
                    if let ExprKind::Name(n) = &t.kind {
                        arrows.insert(*fi, n);
                    }
                }
            }
        }
        for (fi, f) in module.functions.iter().enumerate() {
            let name: &'m str = match arrows.get(&fi) {
                Some(n) if f.is_lambda || f.name.is_empty() => n,
                _ => &f.name,
            };
            if f.class.is_some() || name.is_empty() || (f.is_lambda && !arrows.contains_key(&fi)) {
                continue;
            }
            let mut made: Vec<String> = Vec::new();
            let mut all = true;
            crate::ir::walk_stmts(&f.body, &mut |s| {
                let StmtKind::Return(value) = &s.kind else {
                    return;
                };
                let classes = value
                    .as_ref()
                    .map(|v| self.made_by_factory(v, &f.body, module_env));
                match classes {
                    Some(cs) if !cs.is_empty() => {
                        for c in cs {
                            if !made.contains(&c) {
                                made.push(c);
                            }
                        }
                    }
                    _ => all = false,
                }
            });
            if all && !made.is_empty() && made.len() <= MAX_ALTERNATIVES {
                self.factories.insert(name, made);
            }
        }
    }

    /// The instances a factory's returned value may be: what it constructs (`A() if k else
    /// B()` constructs either), or, for a local name, what every assignment of it in the body
    /// constructs (`llm = A() if k else B(); return llm`), or a call of a local name every
    /// assignment binds to a class (`cls = REGISTRY[kind]; return cls()`). Empty when any of
    /// them is something else.
    fn made_by_factory(&self, e: &Expr, body: &'m [Stmt], env: &Env<'_, 'm>) -> Vec<String> {
        let local = |n: &str, each: &dyn Fn(&Expr) -> Vec<String>| {
            let mut made: Vec<String> = Vec::new();
            let mut all = true;
            crate::ir::walk_stmts(body, &mut |s| {
                let StmtKind::Assign { targets, value, .. } = &s.kind else {
                    return;
                };
                if !targets
                    .iter()
                    .any(|t| matches!(&t.kind, ExprKind::Name(m) if &**m == n))
                {
                    return;
                }
                let classes = each(value);
                all &= targets.len() == 1 && !classes.is_empty();
                add_new(&mut made, classes);
            });
            if all {
                made
            } else {
                Vec::new()
            }
        };
        match &e.kind {
            ExprKind::Choice(items) => {
                let mut made: Vec<String> = Vec::new();
                // `a if c else b` keeps its test as a comparison, which is no value.
                let values = items
                    .iter()
                    .filter(|i| !matches!(i.kind, ExprKind::Compare { .. }));
                for i in values {
                    let classes = self.made_by_factory(i, body, env);
                    if classes.is_empty() {
                        return Vec::new();
                    }
                    add_new(&mut made, classes);
                }
                made
            }
            // The assignments' values are read without the body: no chain of names.
            ExprKind::Name(n) => local(n, &|v| self.made_by_factory(v, &[], env)),
            ExprKind::Call(call) => {
                let made = self.constructed(e, env);
                match &call.callee.kind {
                    ExprKind::Name(n) if made.is_empty() => {
                        local(n, &|v| match self.class_ref(v, env) {
                            Some(c) => vec![format!("{c}()")],
                            None => self.entry_classes(v, env).unwrap_or_default(),
                        })
                    }
                    _ => made,
                }
            }
            _ => Vec::new(),
        }
    }

    /// The instances an expression constructs: `LLMBundle(...)` (a class of the file) or
    /// `OpenAI(...)` (imported) -> `LLMBundle()`; `PROVIDERS[name](...)` -> each class's.
    fn constructed(&self, e: &Expr, env: &Env<'_, 'm>) -> Vec<String> {
        let ExprKind::Call(call) = &e.kind else {
            return Vec::new();
        };
        if let Some(classes) = self.entry_classes(&call.callee, env) {
            return classes;
        }
        self.class_ref(&call.callee, env)
            .map(|c| format!("{c}()"))
            .into_iter()
            .collect()
    }

    /// The class a name refers to: a class of the file (`LLMBundle`) or an imported CapWords
    /// name (`openai.OpenAI`).
    fn class_ref(&self, e: &Expr, env: &Env<'_, 'm>) -> Option<String> {
        match &e.kind {
            ExprKind::Name(n) if env.get(n).is_none() && self.local_class(n) => Some(n.to_string()),
            ExprKind::Name(n) | ExprKind::Attribute { attr: n, .. } => {
                let q = self.qualify(e, env)?;
                let imported = q != e.dotted()?;
                let capitalised = n.starts_with(|c: char| c.is_ascii_uppercase());
                (imported && capitalised).then_some(q)
            }
            _ => None,
        }
    }

    fn local_class(&self, name: &str) -> bool {
        self.module.classes.iter().any(|c| &*c.name == name)
    }

    /// `runner: Runner` with `Runner` a class of the file: an instance of it (`Runner()`).
    fn local_instance(&self, annotation: &str, env: &Env<'_, 'm>) -> Option<String> {
        let class = annotation_class(annotation)?;
        (env.get(class).is_none() && self.local_class(class)).then(|| format!("{class}()"))
    }

    /// `params: URLSearchParams`, `cache: Map<string, string>`: an instance of one of the
    /// language's own classes (`URLSearchParams()`), unless the file names another so.
    fn platform_instance(&self, annotation: &str, env: &Env<'_, 'm>) -> Option<String> {
        let class = annotation.trim().trim_start_matches(':').trim();
        let class = class.split(['<', '[']).next()?.trim();
        let platform = self.module.dialect.platform_types.contains(&class);
        (platform && env.get(class).is_none() && !self.local_class(class))
            .then(|| format!("{class}()"))
    }

    /// `PROVIDERS[name]()`, `PROVIDERS.get(name)()`: the instances an entry of a dict (or list)
    /// of classes makes; under a constant key, that entry's only.
    fn entry_classes(&self, e: &Expr, env: &Env<'_, 'm>) -> Option<Vec<String>> {
        let (holder, key): (&Expr, &Expr) = match &e.kind {
            ExprKind::Index { value, index } => (value, index),
            ExprKind::Call(c) => match (&c.callee.kind, c.args.first()) {
                (ExprKind::Attribute { value, attr }, Some(key)) if &**attr == "get" => {
                    (value, &key.value)
                }
                _ => return None,
            },
            _ => return None,
        };
        let ExprKind::Name(n) = &holder.kind else {
            return None;
        };
        let Some(Binding::Classes(entries)) = env.get(n.as_ref()) else {
            return None;
        };
        let key = key.as_str();
        let picked = entries
            .iter()
            .filter(|(k, _)| key.is_none() || k.as_deref() == key)
            .map(|(_, c)| format!("{c}()"));
        let made: Vec<String> = picked.collect();
        (!made.is_empty()).then_some(made)
    }

    /// `{"a": A, "b": B}`, `[A, B]`: a dict or list whose every entry is a class, with the keys.
    fn classes_in(&self, e: &Expr, env: &Env<'_, 'm>) -> Option<Vec<(Option<String>, String)>> {
        let items: Vec<(Option<&str>, &Expr)> = match &e.kind {
            ExprKind::Dict(entries) => entries
                .iter()
                .map(|(k, v)| (k.as_ref().and_then(|k| k.as_str()), v))
                .collect(),
            ExprKind::List(items) => items.iter().map(|i| (None, i)).collect(),
            _ => return None,
        };
        if items.len() < 2 || items.len() > MAX_ALTERNATIVES {
            return None;
        }
        items
            .into_iter()
            .map(|(k, v)| Some((k.map(str::to_string), self.class_ref(v, env)?)))
            .collect()
    }

    /// Field types of every class, from `self.x = ...` / `this.x = ...` in its methods, from its
    /// own class-level assignments and from its typed declarations (`database: SQLDatabase`).
    fn collect_fields(&mut self, module_env: &Env<'_, 'm>) {
        let module = self.module;
        let rust = module.dialect.builder_setters;
        for (ci, class) in module.classes.iter().enumerate() {
            let mut fields = HashMap::new();
            for s in &class.body {
                if let StmtKind::Assign { targets, value, .. } = &s.kind {
                    for t in targets {
                        let name = match &t.kind {
                            ExprKind::Name(n) => Some(&**n),
                            ExprKind::Attribute { value: v, attr } if is_receiver_name(v) => {
                                Some(&**attr)
                            }
                            _ => None,
                        };
                        if let (Some(name), Some(q)) = (name, self.qualify(value, module_env)) {
                            fields.insert(name, q);
                        }
                    }
                }
            }
            // A declared type says more than a default value (`Field(...)`), or than a value of no
            // known class set in a method (`self.llm: BaseLLM = make_llm()`).
            let mut declared: Vec<&str> = Vec::new();
            for field in &class.fields {
                if let Some(q) = field.annotation.as_deref().and_then(|a| {
                    annotation_type(a, module_env, rust)
                        .or_else(|| self.local_instance(a, module_env))
                }) {
                    fields.insert(&*field.name, q);
                    declared.push(&*field.name);
                }
            }
            for &mi in &class.methods {
                let Some(method) = module.functions.get(mi) else {
                    continue;
                };
                let mut env = Env::child(module_env);
                self.bind_params(method, Some(ci), &mut env);
                crate::ir::walk_stmts(&method.body, &mut |s| {
                    if let StmtKind::Assign { targets, value, .. } = &s.kind {
                        for t in targets {
                            if let ExprKind::Attribute { value: v, attr } = &t.kind {
                                if receiver_class(v, &env) != Some(ci) {
                                    continue;
                                }
                                let Some(q) = self.qualify(value, &env) else {
                                    continue;
                                };
                                // ... except a value the declared type's own package made
                                // (`http: AxiosInstance` set to `axios.create()`): that names
                                // the factory the tables know.
                                let typed = declared.contains(&&**attr)
                                    && self.constructed(value, &env).is_empty()
                                    && !fields.get(&**attr).is_some_and(|d| same_package(d, &q));
                                if !typed {
                                    fields.insert(&**attr, q);
                                }
                            }
                        }
                    }
                });
            }
            self.fields[ci] = fields;
        }
    }

    fn bind_params(&self, f: &'m Function, class: Option<usize>, env: &mut Env<'_, 'm>) {
        let rust = self.module.dialect.builder_setters;
        for (i, p) in f.params.iter().enumerate() {
            let receiver = class.is_some()
                && f.class.is_some()
                && i == 0
                && if self.module.dialect.first_param_receiver {
                    !f.is_receiverless(&self.module.dialect)
                } else {
                    // A Rust method's receiver is spelled `self`.
                    self.module.dialect.self_param_receiver && &*p.name == "self"
                };
            let binding = if receiver {
                Binding::Receiver(class.unwrap_or_default())
            } else {
                match p.annotation.as_deref().and_then(|a| {
                    annotation_type(a, env, rust)
                        .or_else(|| self.local_instance(a, env))
                        .or_else(|| self.platform_instance(a, env))
                }) {
                    Some(q) => Binding::Value(q),
                    None => Binding::Opaque,
                }
            };
            env.insert(&p.name, binding);
        }
        if let Some(ci) = class {
            env.insert("this", Binding::Receiver(ci));
            if self.module.dialect.self_param_receiver {
                // `Self::new()`, `Self { .. }` inside an `impl`.
                env.insert("Self", Binding::Receiver(ci));
            }
        }
    }

    fn bind_stmt(&self, s: &'m Stmt, env: &mut Env<'_, 'm>) {
        match &s.kind {
            StmtKind::Assign {
                targets,
                value,
                augmented,
            } => {
                if *augmented {
                    for t in targets {
                        bind_target(t, None, env);
                    }
                    return;
                }
                let several = match self.classes_in(value, env) {
                    Some(classes) => Some(Binding::Classes(classes)),
                    None => match self.qualify_all(value, env) {
                        qs if qs.len() > 1 => Some(Binding::Union(qs)),
                        _ => None,
                    },
                };
                if let (Some(b), [t]) = (several, &targets[..]) {
                    if let ExprKind::Name(n) = &t.kind {
                        env.insert(n, b);
                        return;
                    }
                }
                let q = self.qualify(value, env);
                for t in targets {
                    bind_target(t, q.as_deref(), env);
                }
            }
            StmtKind::With { items, .. } => {
                for (ctx, target) in items {
                    if let Some(t) = target {
                        let q = self.qualify(ctx, env);
                        bind_target(t, q.as_deref(), env);
                    }
                }
            }
            StmtKind::Loop {
                target: Some(t), ..
            } => bind_target(t, None, env),
            _ => {}
        }
    }

    /// The qualified name of an expression, if it has one (the first, when it may be one of
    /// several).
    fn qualify(&self, e: &Expr, env: &Env) -> Option<String> {
        self.qualify_all(e, env).into_iter().next()
    }

    /// The qualified names an expression may have: one, or one per class it may be an instance
    /// of (`llm.chat` with `llm` from a factory of providers); none when it has no name.
    fn qualify_all(&self, e: &Expr, env: &Env) -> Vec<String> {
        // Walk down the receiver chain iteratively, remembering the suffixes to append.
        let mut suffix: Vec<&str> = Vec::new();
        let mut cur = e;
        let bases: Vec<String> = loop {
            if suffix.len() > crate::ir::MAX_DEPTH {
                return Vec::new();
            }
            match &cur.kind {
                ExprKind::Name(n) => {
                    break match env.get(n) {
                        Some(Binding::Value(q)) => vec![q.clone()],
                        Some(Binding::Union(qs)) => qs.clone(),
                        Some(Binding::Receiver(ci)) => vec![self.class_name(*ci).to_string()],
                        Some(Binding::Opaque | Binding::Classes(_)) | None => vec![n.to_string()],
                    };
                }
                ExprKind::Attribute { value, attr } => {
                    if let Some(ci) = receiver_class(value, env) {
                        break match self.fields.get(ci).and_then(|f| f.get(&**attr)) {
                            Some(field) => vec![field.clone()],
                            None => vec![format!("{}.{attr}", self.class_name(ci))],
                        };
                    }
                    suffix.push(attr);
                    suffix.push(".");
                    cur = value;
                }
                // CommonJS `require("m")` is the module `m` itself.
                ExprKind::Call(call) if is_require(call, env) => {
                    let Some(m) = call.args.first().and_then(|a| a.value.as_str()) else {
                        return Vec::new();
                    };
                    break vec![m.trim_start_matches("node:").to_string()];
                }
                ExprKind::Call(call) => {
                    if let ExprKind::Name(n) = &call.callee.kind {
                        if let (None, Some(made)) = (env.get(n), self.factories.get(&**n)) {
                            break made.clone();
                        }
                    }
                    if let Some(made) = self.entry_classes(&call.callee, env) {
                        break made;
                    }
                    suffix.push("()");
                    cur = &call.callee;
                }
                ExprKind::Index { value, .. } => {
                    suffix.push("[]");
                    cur = value;
                }
                ExprKind::Await(inner) => cur = inner,
                // `given or Default()`, `a if c else b`: every branch that resolves to something
                // known (not just its own spelling: `stream_pro if pro else stream_qa` may call
                // either), else the first branch.
                ExprKind::Choice(items) => {
                    let mut resolved: Vec<String> = Vec::new();
                    for i in items {
                        let Some(q) = self.qualify(i, env) else {
                            continue;
                        };
                        if Some(&q) != i.dotted().as_ref() && !resolved.contains(&q) {
                            resolved.push(q);
                        }
                    }
                    if resolved.len() > MAX_ALTERNATIVES {
                        resolved.truncate(1);
                    }
                    if resolved.is_empty() {
                        resolved.extend(items.first().and_then(|i| self.qualify(i, env)));
                    }
                    break resolved;
                }
                _ => return Vec::new(),
            }
        };
        bases
            .into_iter()
            .map(|mut s| {
                for part in suffix.iter().rev() {
                    s.push_str(part);
                }
                s
            })
            .collect()
    }

    fn class_name(&self, ci: usize) -> &'m str {
        self.module.classes.get(ci).map_or("", |c| &c.name)
    }

    /// Resolve the calls of a statement list in order, updating `env` as bindings happen.
    /// `module_env` holds the module's final bindings, which module-level functions see.
    fn walk_body(
        &mut self,
        stmts: &'m [Stmt],
        env: &mut Env<'_, 'm>,
        module_env: &Env<'_, 'm>,
        class: Option<usize>,
    ) {
        if self.depth > crate::ir::MAX_DEPTH {
            return;
        }
        self.depth += 1;
        for s in stmts {
            s.for_each_expr(&mut |e| self.resolve_expr(e, env, module_env, class));
            self.bind_stmt(s, env);
            match &s.kind {
                StmtKind::FunctionDef(fi) => {
                    let parent = if self.fn_depth == 0 {
                        module_env
                    } else {
                        &*env
                    };
                    self.walk_function(*fi, parent, module_env, None);
                }
                StmtKind::ClassDef(ci) => self.walk_class(*ci, env, module_env),
                _ => {}
            }
            match &s.kind {
                StmtKind::If { body, orelse, .. } => {
                    self.walk_branches(&[body, orelse], env, module_env, class);
                    continue;
                }
                StmtKind::Match { cases, .. } => {
                    let bodies: Vec<&'m [Stmt]> = cases.iter().map(|(_, b)| &b[..]).collect();
                    self.walk_branches(&bodies, env, module_env, class);
                    continue;
                }
                _ => {}
            }
            let mut children: Vec<&'m Stmt> = Vec::new();
            s.for_each_child_stmt(&mut |c| children.push(c));
            for c in children {
                self.walk_body(std::slice::from_ref(c), env, module_env, class);
            }
        }
        self.depth -= 1;
    }

    /// An `if` and its `else`, or the cases of a `match`/`switch`: each branch starts from the
    /// bindings before it, and a name the branches bind to different values is any of them
    /// afterwards (`if kind == "a": llm = A() else: llm = B()`; `case "a": llm = new A()`).
    fn walk_branches(
        &mut self,
        branches: &[&'m [Stmt]],
        env: &mut Env<'_, 'm>,
        module_env: &Env<'_, 'm>,
        class: Option<usize>,
    ) {
        // Only the names the branches assign are saved and merged: copying the whole scope at
        // each `if` would be quadratic.
        let mut names: Vec<&'m str> = Vec::new();
        for branch in branches {
            crate::ir::walk_stmts(branch, &mut |s| {
                if let StmtKind::Assign { targets, .. } = &s.kind {
                    for t in targets {
                        if let ExprKind::Name(n) = &t.kind {
                            names.push(n);
                        }
                    }
                }
            });
        }
        names.sort_unstable();
        names.dedup();
        let current = |env: &Env<'_, 'm>| -> Vec<Option<Binding>> {
            names.iter().map(|n| env.vars.get(n).cloned()).collect()
        };
        let before = current(env);
        let mut merged: Option<Vec<Option<Binding>>> = None;
        for branch in branches {
            for (name, b) in names.iter().zip(&before) {
                match b {
                    Some(b) => env.insert(name, b.clone()),
                    None => {
                        env.vars.remove(name);
                    }
                }
            }
            self.walk_body(branch, env, module_env, class);
            let after = current(env);
            merged = Some(match merged {
                None => after,
                Some(so_far) => so_far
                    .into_iter()
                    .zip(after)
                    .map(|(a, b)| match (a, b) {
                        (Some(a), Some(b)) => Some(either(&a, &b)),
                        (a, b) => a.or(b),
                    })
                    .collect(),
            });
        }
        for (name, b) in names.iter().zip(merged.unwrap_or_default()) {
            match b {
                Some(b) => env.insert(name, b),
                None => {
                    env.vars.remove(name);
                }
            }
        }
    }

    fn walk_class(&mut self, ci: usize, env: &Env<'_, 'm>, module_env: &Env<'_, 'm>) {
        let module = self.module;
        let Some(class) = module.classes.get(ci) else {
            return;
        };
        let parent = if self.fn_depth == 0 { module_env } else { env };
        let mut class_env = Env::child(parent);
        for e in class.bases.iter().chain(&class.decorators) {
            self.resolve_expr(e, &class_env, module_env, None);
        }
        self.walk_body(&class.body, &mut class_env, module_env, Some(ci));
        for &mi in &class.methods {
            self.walk_function(mi, parent, module_env, Some(ci));
        }
    }

    fn walk_function(
        &mut self,
        fi: usize,
        parent: &Env<'_, 'm>,
        module_env: &Env<'_, 'm>,
        class: Option<usize>,
    ) {
        let module = self.module;
        let Some(f) = module.functions.get(fi) else {
            return;
        };
        if self.depth > crate::ir::MAX_DEPTH || self.visited[fi] {
            return;
        }
        self.visited[fi] = true;
        let mut env = Env::child(parent);
        for d in &f.decorators {
            self.resolve_expr(d, &env, module_env, class);
        }
        for p in &f.params {
            if let Some(d) = &p.default {
                self.resolve_expr(d, &env, module_env, class);
            }
        }
        self.bind_params(f, class, &mut env);
        self.depth += 1;
        self.fn_depth += 1;
        self.walk_body(&f.body, &mut env, module_env, class);
        self.fn_depth -= 1;
        self.depth -= 1;
    }

    /// Record the qualified callee of every call in `e`, and walk functions defined inline.
    fn resolve_expr(
        &mut self,
        e: &'m Expr,
        env: &Env<'_, 'm>,
        module_env: &Env<'_, 'm>,
        class: Option<usize>,
    ) {
        let mut inline_functions = Vec::new();
        e.walk(&mut |x| match &x.kind {
            ExprKind::Call(call) => {
                let mut all = self.qualify_all(&call.callee, env);
                if all.len() > 1 {
                    let alternatives = all.iter().map(|q| q.as_str().into()).collect();
                    self.alternatives.insert(x.span, alternatives);
                }
                if !all.is_empty() {
                    self.out
                        .insert((x.span.start, x.span.end), all.swap_remove(0));
                }
                // A method of an object passed as a value (`submit(self.db.run_sql, q)`).
                for a in &call.args {
                    let ExprKind::Attribute { value, .. } = &a.value.kind else {
                        continue;
                    };
                    if is_receiver_name(value) {
                        continue;
                    }
                    if let Some(q) = self.qualify(&a.value, env) {
                        if Some(&q) != a.value.dotted().as_ref() {
                            self.method_refs.insert(a.value.span, q.into());
                        }
                    }
                }
            }
            ExprKind::Function(fi) => inline_functions.push(*fi),
            _ => {}
        });
        for fi in inline_functions {
            // An inline function sees the bindings around it, and the enclosing class's `this`.
            self.walk_function(fi, env, module_env, class);
        }
    }
}

/// Add the values `to` does not hold yet, in order.
fn add_new(to: &mut Vec<String>, values: Vec<String>) {
    for v in values {
        if !to.contains(&v) {
            to.push(v);
        }
    }
}

/// What a name is after two branches bound it to `a` and `b`: the same value, one of the values
/// either named, or unknown.
fn either(a: &Binding, b: &Binding) -> Binding {
    let values = |x: &Binding| match x {
        Binding::Value(q) => vec![q.clone()],
        Binding::Union(qs) => qs.clone(),
        _ => Vec::new(),
    };
    let mut all = values(a);
    for q in values(b) {
        if !all.contains(&q) {
            all.push(q);
        }
    }
    match all.len() {
        0 => a.clone(),
        1 => Binding::Value(all.remove(0)),
        n if n <= MAX_ALTERNATIVES => Binding::Union(all),
        _ => Binding::Opaque,
    }
}

/// Whether two qualified names are of the same module (`axios.AxiosInstance`, `axios.create()`;
/// not `app.base.BaseLLM` and `app.plugins.make_llm()`).
fn same_package(a: &str, b: &str) -> bool {
    fn module(q: &str) -> Option<&str> {
        let name = q.split('(').next().unwrap_or(q);
        Some(name.rsplit_once('.')?.0)
    }
    module(a).is_some_and(|m| module(b) == Some(m))
}

/// The class a type annotation names, as written: `Optional["LLMChain"]`, `LLMChain | None`,
/// `Annotated[LLMChain, ...]` and `: LLMChain` -> `LLMChain`. `None` for anything that is not a
/// plain dotted name (generics, unions of several classes).
pub fn annotation_class(annotation: &str) -> Option<&str> {
    let mut t = annotation.trim().trim_start_matches(':').trim();
    for wrapper in ["Optional[", "Annotated["] {
        if let Some(inner) = t.strip_prefix(wrapper) {
            t = inner.split([',', ']']).next().unwrap_or(inner);
        }
    }
    let t = t.split('|').next()?.trim().trim_matches(['"', '\'']);
    let plain = !t.is_empty()
        && t.chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '.');
    plain.then_some(t)
}

/// `OpenAI`, `openai.OpenAI`, `Optional[OpenAI]`, `OpenAI | None` -> an instance of it. In Rust
/// (`paths`), a path names its crate or module without a `use`, so `reqwest::Client` is an
/// instance of `reqwest.Client` even when nothing is imported (as a call's path is qualified as
/// written).
fn annotation_type(annotation: &str, env: &Env, paths: bool) -> Option<String> {
    let ann = annotation_class(annotation)?;
    let (head, rest) = match ann.split_once('.') {
        Some((h, r)) => (h, Some(r)),
        None => (ann, None),
    };
    // Only annotations that name an import say something about the value.
    let q = match env.get(head) {
        Some(Binding::Value(q)) => q,
        None if paths && rest.is_some() => return Some(format!("{ann}()")),
        _ => return None,
    };
    Some(match rest {
        Some(r) => format!("{q}.{r}()"),
        None => format!("{q}()"),
    })
}

fn bind_target<'m>(target: &'m Expr, q: Option<&str>, env: &mut Env<'_, 'm>) {
    match &target.kind {
        ExprKind::Name(n) => {
            let b = q.map_or(Binding::Opaque, |q| Binding::Value(q.to_string()));
            env.insert(n, b);
        }
        // `const { a, b: c } = obj` binds `a` to `obj.a` and `c` to `obj.b`.
        ExprKind::Dict(entries) => {
            for (k, v) in entries {
                let sub = match (q, k.as_ref().and_then(|k| k.as_str())) {
                    (Some(q), Some(key)) => Some(format!("{q}.{key}")),
                    _ => None,
                };
                bind_target(v, sub.as_deref(), env);
            }
        }
        ExprKind::List(items) => {
            for i in items {
                bind_target(i, None, env);
            }
        }
        ExprKind::Spread(inner) => bind_target(inner, None, env),
        _ => {}
    }
}

/// The class whose receiver this expression is (`self`, `this`).
fn receiver_class(e: &Expr, env: &Env) -> Option<usize> {
    match &e.kind {
        ExprKind::Name(n) => match env.get(n) {
            Some(Binding::Receiver(ci)) => Some(*ci),
            _ => None,
        },
        _ => None,
    }
}

/// A call of the CommonJS `require` (not shadowed by a local binding).
fn is_require(call: &crate::ir::Call, env: &Env) -> bool {
    matches!(&call.callee.kind, ExprKind::Name(n) if &**n == "require" && env.get("require").is_none())
        && call.args.len() == 1
}

/// `self` or `this`: the receiver of a method.
pub(crate) fn is_receiver_name(e: &Expr) -> bool {
    matches!(&e.kind, ExprKind::Name(n) if &**n == "this" || &**n == "self")
}

#[cfg(test)]
mod tests;
