//! Tools known by how they are registered: functions handed over in a list, held by a registry
//! dict or by a dict the model's choice indexes, or under a protocol key; and the sinks on what
//! tools return (their result goes back into the model's context).

use super::*;
use crate::spec::glob::Glob;

/// Whether `words` holds the run of words `run` (`available functions` holds `functions`).
fn has_run(words: &[String], run: &[String]) -> bool {
    !run.is_empty() && words.windows(run.len()).any(|w| w == run)
}

/// Whether a method named `name` is one of `methods`: a private name (`_run`) only by a pattern
/// that starts with `_` too, so `["*"]` means the public methods.
pub(super) fn method_wanted(methods: &[Glob], name: &str) -> bool {
    methods
        .iter()
        .any(|m| m.matches(name) && (!name.starts_with('_') || m.pattern().starts_with('_')))
}

impl<'a, 'm> Engine<'a, 'm> {
    /// Whether a parameter is declared with a type matching `globs`, generic arguments aside
    /// (`RunContext[Deps]` is a `RunContext`).
    pub(super) fn declared_as(&self, annotation: Option<&str>, globs: &[Glob]) -> bool {
        let head = annotation.and_then(|a| a.split(['[', '<']).next());
        !globs.is_empty() && self.typed_as(head, globs)
    }

    /// Seed the parameters of tool `fi` from source `sid`; `name` is what it was registered as.
    pub(super) fn seed_tool(&mut self, fi: usize, sid: usize, name: Option<&str>) -> bool {
        self.mark_handler(fi, sid, name);
        self.seed_params(fi, sid)
    }

    /// Record that source `sid` makes `fi` a handler of its kind (a tool), registered as `name`
    /// (else known by its own name).
    pub(super) fn mark_handler(&mut self, fi: usize, sid: usize, name: Option<&str>) {
        self.note_served(sid);
        let spec: &'a FlowSpec = self.spec;
        let Some(handler) = spec.sources[sid].handler.as_deref() else {
            return;
        };
        let own = self.module.functions.get(fi).map_or("", |f| &f.name);
        let entry = self
            .handlers
            .entry(fi)
            .or_insert_with(|| (name.unwrap_or(own).to_string(), Vec::new()));
        if !entry.1.contains(&handler) {
            entry.1.push(handler);
        }
    }

    /// The functions `e` registers: a function or lambda; the functions a wrapper call is given
    /// (`withTelemetry(async (req) => ...)`); each element of a list (`tools=[search, run]`);
    /// the `methods` of a class of the file it constructs or names (`tools=[SearchTool()]`) or
    /// of an object literal (`{ name, execute }`).
    pub(super) fn tool_functions_in(&self, e: &'m Expr, methods: &[Glob]) -> Vec<usize> {
        let mut out = Vec::new();
        self.collect_tools(e, methods, 2, &mut out);
        out
    }

    fn collect_tools(&self, e: &'m Expr, methods: &[Glob], depth: usize, out: &mut Vec<usize>) {
        if let Some(fi) = self.function_value(e, None) {
            out.push(fi);
            return;
        }
        match &e.kind {
            // `results_function=self._run_code` where the tool is made: the method of that name
            // of the file's classes (the call's own class is not known here).
            ExprKind::Attribute { .. } => {
                let classes = 0..self.module.classes.len();
                out.extend(classes.filter_map(|ci| self.function_value(e, Some(ci))));
            }
            ExprKind::Name(n) => match self.classes_by_name.get(&**n) {
                Some(&ci) => self.class_tools(ci, methods, out),
                None if depth > 0 => {
                    if let Some(v) = self.consts.binding(n) {
                        self.collect_tools(v, methods, depth - 1, out);
                    }
                }
                None => {}
            },
            ExprKind::Call(c) => {
                let class = match &c.callee.kind {
                    ExprKind::Name(n) => self.classes_by_name.get(&**n).copied(),
                    _ => None,
                };
                match class {
                    Some(ci) => self.class_tools(ci, methods, out),
                    None if depth > 0 => {
                        for a in &c.args {
                            self.collect_tools(&a.value, methods, depth - 1, out);
                        }
                    }
                    None => {}
                }
            }
            ExprKind::List(items) if depth > 0 => {
                for item in items {
                    self.collect_tools(item, methods, depth - 1, out);
                }
            }
            ExprKind::Dict(entries) => {
                for (k, v) in entries {
                    let key = k.as_ref().and_then(|k| k.as_str());
                    if key.is_some_and(|k| method_wanted(methods, k)) {
                        out.extend(self.function_value(v, None));
                    }
                }
            }
            _ => {}
        }
    }

    fn class_tools(&self, ci: usize, methods: &[Glob], out: &mut Vec<usize>) {
        let Some(class) = self.module.classes.get(ci) else {
            return;
        };
        for &mi in &class.methods {
            let name = self.module.functions.get(mi).map(|f| &*f.name);
            if name.is_some_and(|n| method_wanted(methods, n)) {
                out.push(mi);
            }
        }
    }

    /// Functions under an entry or keyword argument keyed by one of `keys` (`{"tools/call":
    /// handle_call}`, `Agent(tools=[search, SearchTool()])`, `{ tools: { search } }`), with the
    /// key when the entry is the function itself.
    pub(super) fn entry_functions(
        &self,
        keys: &[String],
        methods: &[Glob],
    ) -> Vec<(usize, Option<&'m str>)> {
        let mut out = Vec::new();
        let mut under = |key: &'m str, v: &'m Expr| {
            if !keys.iter().any(|k| k == key) {
                return;
            }
            if let Some(fi) = self.function_value(v, None) {
                out.push((fi, Some(key)));
                return;
            }
            let mut found = self.tool_functions_in(v, methods);
            if let ExprKind::Dict(entries) = &v.kind {
                for (_, item) in entries {
                    found.extend(self.tool_functions_in(item, methods));
                }
            }
            out.extend(found.into_iter().map(|fi| (fi, None)));
        };
        self.module.walk_exprs(&mut |e| match &e.kind {
            ExprKind::Dict(entries) => {
                for (k, v) in entries {
                    if let Some(key) = k.as_ref().and_then(|k| k.as_str()) {
                        under(key, v);
                    }
                }
            }
            ExprKind::Call(c) => {
                for a in &c.args {
                    if let Some(key) = a.name.as_deref() {
                        under(key, &a.value);
                    }
                }
            }
            _ => {}
        });
        out
    }

    /// Functions held by a dict or list literal bound to a name with one of `words` (`TOOLS =
    /// {"search": search}`, `self.available_functions = [...]`).
    pub(super) fn registry_functions(&self, words: &[Vec<String>], methods: &[Glob]) -> Vec<usize> {
        let mut out = Vec::new();
        for body in self.module.bodies() {
            crate::ir::walk_stmts(body, &mut |s| {
                let StmtKind::Assign { targets, value, .. } = &s.kind else {
                    return;
                };
                let items: Vec<&Expr> = match &value.kind {
                    ExprKind::Dict(entries) => entries.iter().map(|(_, v)| v).collect(),
                    ExprKind::List(items) => items.iter().collect(),
                    _ => return,
                };
                let named = targets.iter().any(|t| {
                    let name = match &t.kind {
                        ExprKind::Name(n) | ExprKind::Attribute { attr: n, .. } => n,
                        _ => return false,
                    };
                    let name = name_words(name);
                    words.iter().any(|w| has_run(&name, w))
                });
                if named {
                    for item in items {
                        self.collect_tools(item, methods, 1, &mut out);
                    }
                }
            });
        }
        out
    }

    /// `HANDLERS[call.function.name]`, `actions.get(name)`: a dict or list of the file's
    /// functions indexed by data of a kind an `indexed_by` source names (the model chose the
    /// entry) makes each of its functions a tool of that source. A key checked against an
    /// allowlist carries nothing and picks no tool. A key that is a parameter of `function`
    /// (`def execute_tool(name, args): return TOOLS[name](**args)`) is remembered: its callers'
    /// arguments pick the entry (see `apply_summary`).
    pub(super) fn indexed_tools(
        &mut self,
        holder: &'m Expr,
        key: &[Label],
        at: Span,
        function: Option<usize>,
    ) {
        if self.ix.indexed_sources.is_empty() || key.is_empty() {
            return;
        }
        let literal = match &holder.kind {
            ExprKind::Name(n) => self.consts.binding_at(n, at),
            ExprKind::Attribute { value, attr } => match &value.kind {
                ExprKind::Name(r) if is_receiver_name(r) => self.consts.field(attr),
                _ => None,
            },
            _ => None,
        };
        let Some(literal) = literal else {
            return;
        };
        if let Some(fi) = function {
            for param in key.iter().filter_map(|l| l.param()) {
                self.note_param_index(fi, param, literal);
            }
        }
        self.seed_indexed(literal, key);
    }

    /// Parameter `param` of `fi` indexes `literal`.
    fn note_param_index(&mut self, fi: usize, param: usize, literal: &'m Expr) {
        let known = self.param_indexes.entry(fi).or_default();
        if !known
            .iter()
            .any(|&(p, e)| p == param && e.span == literal.span)
        {
            known.push((param, literal));
            self.changed = true;
        }
    }

    /// Each function of the dict or list `literal` is a tool of the `indexed_by` sources whose
    /// kinds `key` carries.
    pub(super) fn seed_indexed(&mut self, literal: &'m Expr, key: &[Label]) {
        let items: Vec<&'m Expr> = match &literal.kind {
            ExprKind::Dict(entries) => entries.iter().map(|(_, v)| v).collect(),
            ExprKind::List(items) => items.iter().collect(),
            _ => return,
        };
        let spec: &'a FlowSpec = self.spec;
        let mut seeded = false;
        for sid in self.ix.indexed_sources.clone() {
            let source = &spec.sources[sid as usize];
            let SourceMatch::Indexed(kinds) = source.matcher else {
                continue;
            };
            if !carries(key, kinds) || !self.imports_ok(&source.imports) {
                continue;
            }
            let mut tools = Vec::new();
            for item in &items {
                self.collect_tools(item, &source.methods, 1, &mut tools);
            }
            for fi in tools {
                if self.indexed.insert((fi, sid)) {
                    seeded |= self.seed_tool(fi, sid as usize, None);
                }
            }
        }
        if seeded {
            self.changed = true;
            self.index_handler_return_sinks();
        }
    }

    /// A call of `fi`, which indexes a dict or list of functions by some of its parameters:
    /// the arguments given for them pick the entry, in the caller (or in its callers, when an
    /// argument is the caller's own parameter).
    pub(super) fn indexed_by_arguments(&mut self, fi: usize, by_param: &[Taint], cx: &Ctx<'m>) {
        let Some(indexes) = self.param_indexes.get(&fi).cloned() else {
            return;
        };
        for (param, literal) in indexes {
            let Some(key) = by_param.get(param) else {
                continue;
            };
            if let Some(cur) = cx.function.filter(|&cur| cur != fi) {
                for p in key.iter().filter_map(|l| l.param()) {
                    self.note_param_index(cur, p, literal);
                }
            }
            self.seed_indexed(literal, key);
        }
    }

    /// Handlers' returns are sinks of the return tables naming their handler (what a tool
    /// returns goes back to the model). A handler whose name says it returns such data
    /// (`fetch_page`), or that has no name, is left out of a table with `unless_names`.
    pub(super) fn index_handler_return_sinks(&mut self) {
        if self.handlers.is_empty() || self.spec.return_sink_kinds & self.wanted_sinks == 0 {
            return;
        }
        let mut adds = Vec::new();
        for (&fi, (name, kinds)) in &self.handlers {
            let words = name_words(name);
            for &id in &self.ix.return_sinks {
                let sink = &self.spec.sinks[id as usize];
                let SinkMatch::Returns {
                    handlers,
                    unless_names,
                    ..
                } = &sink.matcher
                else {
                    continue;
                };
                let its_purpose = !unless_names.is_empty()
                    && (words.is_empty() || unless_names.iter().any(|u| has_run(&words, u)));
                if handlers.iter().any(|h| kinds.contains(&h.as_str()))
                    && !its_purpose
                    && self.wanted_sinks & (1 << sink.kind) != 0
                    && self.imports_ok(&sink.imports)
                {
                    adds.push((fi, id));
                }
            }
        }
        for (fi, id) in adds {
            if !self.return_sinks[fi].contains(&id) {
                self.return_sinks[fi].push(id);
            }
        }
    }

    /// What of a returned value (`t`, from `e`) reaches return sink `id`: all of it, or for a
    /// sink with `unless_keys` a returned call's other arguments or a literal's other entries.
    pub(super) fn returned_part(
        &mut self,
        id: usize,
        e: &'m Expr,
        t: &[Label],
        cx: &mut Ctx<'m>,
    ) -> Taint {
        let spec: &'a FlowSpec = self.spec;
        let keys = match &spec.sinks[id].matcher {
            SinkMatch::Returns { unless_keys, .. } if !unless_keys.is_empty() => unless_keys,
            _ => return t.to_vec(),
        };
        let kept = |name: Option<&str>| !name.is_some_and(|n| keys.iter().any(|k| k == n));
        let mut out = Taint::new();
        match &e.kind {
            ExprKind::Call(c) => {
                for a in c.args.iter().filter(|a| kept(a.name.as_deref())) {
                    let part = self.expr(&a.value, cx);
                    join(&mut out, &part);
                }
            }
            ExprKind::Dict(entries) => {
                for (k, v) in entries {
                    if kept(k.as_ref().and_then(|k| k.as_str())) {
                        let part = self.expr(v, cx);
                        join(&mut out, &part);
                    }
                }
            }
            _ => return t.to_vec(),
        }
        out
    }
}
