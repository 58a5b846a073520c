//! Where data starts: parameter sources (tools, handlers, typed values), seeds from other files,
//! and the prescan that skips files with no source.

use super::*;
use crate::flow::link::FnSummary;
use std::rc::Rc;

impl<'a, 'm> Engine<'a, 'm> {
    /// Seed the parameters of functions that some source makes tainted (tools, handlers), but
    /// for sources that require other kinds (`seed_local_param_sources`, once the file's other
    /// sources are known). Returns whether any parameter source applies.
    pub fn seed_param_sources(&mut self) -> bool {
        let sids: Vec<u32> = self
            .ix
            .param_sources
            .iter()
            .copied()
            .filter(|&sid| self.spec.sources[sid as usize].requires_kinds == 0)
            .collect();
        self.seed_param_sources_of(&sids)
    }

    /// [`Self::seed_param_sources`] for the sources `sids`.
    pub(super) fn seed_param_sources_of(&mut self, sids: &[u32]) -> bool {
        let module = self.module;
        let mut any = false;
        if sids.is_empty() {
            return false;
        }
        // Computed once for all the tables: class bases, named calls.
        let bases: Vec<Vec<String>> = module
            .classes
            .iter()
            .map(|c| {
                c.bases
                    .iter()
                    .filter_map(|b| self.qualify_chain(b))
                    .collect()
            })
            .collect();
        let mut named_calls: Vec<(&'m str, &'m Call)> = Vec::new();
        module.walk_exprs(&mut |e| {
            if let ExprKind::Call(call) = &e.kind {
                if let Some(q) = call.qualified.as_deref() {
                    named_calls.push((q, call));
                }
            }
        });
        for &sid in sids {
            let source = &self.spec.sources[sid as usize];
            if !self.source_applies(source) {
                continue;
            }
            match &source.matcher {
                SourceMatch::Decorators(globs) => {
                    for fi in 0..module.functions.len() {
                        let names = &self.decorator_names[fi];
                        let hit = |n: &String| {
                            globs.iter().any(|g| g.matches(n))
                                && !source.unless_decorators.iter().any(|g| g.matches(n))
                        };
                        if names.iter().any(hit) {
                            any |= self.seed_params(fi, sid as usize);
                        }
                    }
                }
                SourceMatch::Bases {
                    bases: wanted_bases,
                    methods,
                } => {
                    for (ci, c) in module.classes.iter().enumerate() {
                        let hit = bases[ci]
                            .iter()
                            .any(|n| wanted_bases.iter().any(|g| g.matches(n)));
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
                    for &(q, call) in &named_calls {
                        if !calls.iter().any(|g| g.matches(q))
                            || source.unless.iter().any(|c| c.holds(call, self.consts))
                            || !source.when.iter().all(|c| c.holds(call, self.consts))
                        {
                            continue;
                        }
                        // `server.tool("fetch_page", schema, handler)`, `tool({ name: "x" })`:
                        // the tool's name.
                        let name = call.args.iter().find_map(|a| match &a.value.kind {
                            ExprKind::Dict(entries) => entries.iter().find_map(|(k, v)| {
                                (k.as_ref()?.as_str()? == "name").then(|| v.as_str())?
                            }),
                            _ => a.value.as_str(),
                        });
                        for a in &call.args {
                            match key {
                                None => targets.push((&a.value, name)),
                                Some(k) => {
                                    if a.name.as_deref() == Some(k.as_str()) {
                                        targets.push((&a.value, name));
                                    }
                                    if let ExprKind::Dict(entries) = &a.value.kind {
                                        for (ek, ev) in entries {
                                            if ek.as_ref().and_then(|k| k.as_str()) == Some(k) {
                                                targets.push((ev, name));
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    for (t, name) in targets {
                        for fi in self.tool_functions_in(t, &source.methods) {
                            any |= self.seed_tool(fi, sid as usize, name);
                        }
                    }
                }
                SourceMatch::Entries(keys) => {
                    for (fi, key) in self.entry_functions(keys, &source.methods) {
                        any |= self.seed_tool(fi, sid as usize, key);
                    }
                }
                SourceMatch::Registries(words) => {
                    for fi in self.registry_functions(words, &source.methods) {
                        any |= self.seed_tool(fi, sid as usize, None);
                    }
                }
                SourceMatch::Directives(directives) => {
                    for fi in 0..module.functions.len() {
                        if self.exposed_by_directive(fi, directives) {
                            any |= self.seed_params(fi, sid as usize);
                        }
                    }
                }
                SourceMatch::ParamNames(names) => {
                    let mut params = Vec::new();
                    for (fi, f) in module.functions.iter().enumerate() {
                        for (i, p) in f.params.iter().enumerate().take(MAX_PARAMS) {
                            if names.contains(&name_words(&p.name)) {
                                params.push((fi, i));
                            }
                        }
                    }
                    for (fi, i) in params {
                        any |= self.seed_param(fi, i, sid as usize);
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
                                self.field_written(ci, &field.name, None);
                                self.note_served(sid as usize);
                                any = true;
                            }
                        }
                    }
                }
                SourceMatch::Calls(_)
                | SourceMatch::Methods { .. }
                | SourceMatch::Attributes(_)
                | SourceMatch::Indexed(_)
                | SourceMatch::Caught(_)
                | SourceMatch::HardcodedSecrets => {}
            }
        }
        self.index_handler_return_sinks();
        any
    }

    /// Whether one of `directives` exposes function `fi` to other programs: its body opens with
    /// one (`async function save(data) { "use server"; ... }`), or the file does and exports it
    /// (`export async function`, `export const f = async (...) =>`).
    fn exposed_by_directive(&self, fi: usize, directives: &[String]) -> bool {
        let opens = |body: &[Stmt]| {
            matches!(body.first().map(|s| &s.kind), Some(StmtKind::Expr(e))
                if e.as_str().is_some_and(|d| directives.iter().any(|x| x == d)))
        };
        let f = &self.module.functions[fi];
        opens(&f.body) || f.exported && opens(&self.module.body)
    }

    /// Seed parameters with what callers in other files pass (see `link`). Returns whether any
    /// seed found its function.
    pub fn seed_external(&mut self, seeds: &[Seed]) -> bool {
        let module = self.module;
        let mut any = false;
        for seed in seeds {
            let (class_name, function, arg, kind, cleared, flags, origin) = match seed {
                Seed::Param {
                    class,
                    function,
                    arg,
                    kind,
                    cleared,
                    flags,
                    origin,
                    parts,
                } => (
                    class,
                    function,
                    arg,
                    *kind,
                    *cleared,
                    *flags,
                    (origin, parts),
                ),
                Seed::Checks { call, check } => {
                    let checks = self.external_checks.entry(call.clone()).or_default();
                    checks.push(*check);
                    continue;
                }
                Seed::Keeps { call, params, kept } => {
                    let keeps = (params.clone(), kept.clone());
                    self.external_keeps.insert(call.clone(), keeps);
                    continue;
                }
                Seed::Passes { call, param, flags } => {
                    let passes = self.external_passes.entry(call.clone()).or_default();
                    passes.push((*param, *flags));
                    continue;
                }
                Seed::Return {
                    call,
                    kind,
                    flags,
                    origin,
                    parts,
                } => {
                    self.external_returns
                        .entry(call.clone())
                        .or_default()
                        .push((*kind, *flags, origin.clone(), parts.clone()));
                    any = true;
                    continue;
                }
            };
            for (fi, f) in module.functions.iter().enumerate() {
                let class = f
                    .class
                    .and_then(|ci| module.classes.get(ci))
                    .map(|c| &*c.name);
                if class != class_name.as_deref() || *f.name != **function {
                    continue;
                }
                // A Python method's `self` is not passed.
                let offset = FnSummary::receivers(module, fi);
                // The parameters the argument binds: one, or each name a pattern destructures
                // from it (`function f({ url, path })`).
                let slots: Vec<usize> = match arg {
                    ArgRef::Position(p) if f.has_patterns() => {
                        let positions = f.argument_positions();
                        (0..f.params.len())
                            .filter(|&i| positions[i] == *p + offset)
                            .collect()
                    }
                    ArgRef::Position(p) => vec![*p + offset],
                    ArgRef::Keyword(k) => f
                        .params
                        .iter()
                        .position(|p| *p.name == **k)
                        .into_iter()
                        .collect(),
                    ArgRef::Spread => Vec::new(),
                };
                let (origin, parts) = origin;
                for i in slots {
                    let Some(p) = f.params.get(i).filter(|_| i < MAX_PARAMS) else {
                        continue;
                    };
                    // A destructured name holds the data only when the caller passed it in the
                    // property it reads (or passed no known parts).
                    let key = p.pattern.as_ref().and_then(|d| d.key.as_deref());
                    let steps: Option<Vec<Option<Step>>> = match parts {
                        Some(paths) if !paths.is_empty() => {
                            Some(paths.iter().map(|path| path.first().cloned()).collect())
                        }
                        _ => None,
                    };
                    let field_step = |s: &Option<Step>| matches!(s, Some(Step::Key(k)) if Some(k.as_str()) == key);
                    if let (Some(_), Some(steps)) = (key, &steps) {
                        if !steps.iter().any(field_step) {
                            continue;
                        }
                    }
                    let trace = self
                        .trace
                        .push(p.span, Note::Caller(origin.clone()), NO_STEP);
                    let l = Label {
                        kind: kind as u16,
                        cleared,
                        flags: flags | super::super::trace::LINKED,
                        trace,
                    };
                    join(&mut self.seeds[fi][i], &[l]);
                    let fields = self.seed_fields.entry((fi, i)).or_default();
                    match steps {
                        // The property a destructured name read is the whole of its value.
                        Some(steps) if key.is_none() => {
                            fields.extend(steps.into_iter().map(|s| (l, s)));
                        }
                        _ => fields.push((l, None)),
                    }
                    // A function a serving file passes its request to runs in that server:
                    // what the file's functions print is the server's log (see `serving`).
                    self.served_by_callers |= 1 << kind;
                    any = true;
                }
            }
        }
        any
    }

    /// Every named function of the file, with the sink kinds each parameter reaches.
    pub fn fn_summaries(&self) -> Vec<FnSummary> {
        let module = self.module;
        let mut out = Vec::new();
        for (fi, f) in module.functions.iter().enumerate() {
            let Some(mut summary) = FnSummary::declared(module, fi) else {
                continue;
            };
            // A parameter's index in the summary: the argument it comes from.
            let offset = FnSummary::receivers(module, fi);
            let positions = f.argument_positions();
            let arg = |param: usize| positions.get(param)?.checked_sub(offset);
            let mut kinds = vec![0u32; summary.params.len()];
            for fact in &self.summaries[fi].sinks {
                if let Some(k) = arg(fact.param).and_then(|p| kinds.get_mut(p)) {
                    *k |= 1 << fact.sink_kind;
                }
            }
            // A call that may run a subclass's override says nothing of what the parameter
            // reaches when a name stands in for the method.
            let onward = self.summaries[fi].externals.iter();
            for (param, ..) in onward.filter(|(_, callee, ..)| !callee.overrides) {
                if let Some(p) = arg(*param) {
                    if !summary.onward.contains(&p) {
                        summary.onward.push(p);
                    }
                }
            }
            summary.sinks = Some(kinds);
            let s = &self.summaries[fi];
            summary.escaped = (offset..f.params.len())
                .filter(|&i| i < 64 && s.escaped & (1 << i) != 0)
                .filter_map(arg)
                .collect();
            summary.escaped.dedup();
            for (when_true, checked) in [(false, &s.checked), (true, &s.checked_if_true)] {
                for (i, &kinds) in checked.iter().enumerate() {
                    if let (Some(param), true) = (arg(i), kinds != 0) {
                        summary.checks.push(ParamCheck {
                            param,
                            kinds,
                            when_true,
                        });
                    }
                }
            }
            for l in &self.summaries[fi].ret {
                let Some(p) = l.param().and_then(arg) else {
                    continue;
                };
                match summary.passes.iter_mut().find(|(q, _)| *q == p) {
                    Some((_, flags)) => *flags &= l.flags,
                    None => summary.passes.push((p, l.flags)),
                }
            }
            out.push(summary);
        }
        out
    }

    /// Functions and methods of this file whose return carries data of a kind some rule reports,
    /// with the path's first step and the parts of the value that carry it (`None`: all of it):
    /// for callers in other files.
    pub fn returned(&self) -> Vec<(Option<&'m str>, &'m str, Label, Parts)> {
        let module = self.module;
        let mut out: Vec<(Option<&'m str>, &'m str, Label, Parts)> = Vec::new();
        for (fi, f) in module.functions.iter().enumerate() {
            if f.name.is_empty() {
                continue;
            }
            let class = f
                .class
                .and_then(|ci| module.classes.get(ci))
                .map(|c| &*c.name);
            for l in &self.summaries[fi].ret {
                // Data, and handles too: a factory of another file that returns a model or a
                // chain built on one (`buildChain()`) makes its callers' `chain.invoke(q)` a
                // model call.
                if l.kind < 32
                    && !out
                        .iter()
                        .any(|(c, n, x, _)| *c == class && *n == &*f.name && x.kind == l.kind)
                {
                    let parts = self.summaries[fi]
                        .ret_shape
                        .shape()
                        .and_then(|s| s.paths_of(&|x: &Label| x.kind == l.kind));
                    out.push((class, &*f.name, *l, parts));
                }
            }
        }
        out
    }

    /// Whether any call or attribute of the file is a source (files without one are skipped),
    /// and whether any call may be a sink (files without one are not worth analysing again for
    /// data from other files).
    /// Whether the file has sources and sinks worth running the engine for. Kinds given by
    /// names and caught exceptions stay within the file (`flow::run` keeps them out of the
    /// cross-file summaries), so they count only where the file also has a sink some enabled rule
    /// pairs them with: nearly every file reads a `token` or catches `as e`.
    pub fn prescan(&mut self) -> (bool, bool) {
        let spec = self.spec;
        let module = self.module;
        let this = &*self;
        // One walk: named calls are matched afterwards, through the name cache.
        let mut calls: Vec<&'m str> = Vec::new();
        let mut attribute_sources: Vec<u32> = Vec::new();
        let (mut local, mut sink_kinds) = (0 as KindSet, 0 as KindSet);
        let mut add_sinks = |ids: &[u32]| {
            for &id in ids {
                sink_kinds |= 1 << spec.sinks[id as usize].kind;
            }
        };
        add_sinks(&this.return_sinks.concat());
        module.walk_exprs(&mut |e| match &e.kind {
            ExprKind::Call(call) => {
                calls.extend(call.qualified.as_deref());
                if let Some(ids) = this.ix.method_sinks.get(invoked_method(call)) {
                    add_sinks(ids);
                }
            }
            ExprKind::Name(name) | ExprKind::Attribute { attr: name, .. } => {
                let found = this.attribute_sources_of(e).into_iter().map(|(sid, _)| sid);
                attribute_sources.extend(found);
                local |= this.name_kinds(name);
                if let ExprKind::Attribute { attr, .. } = &e.kind {
                    if let Some(ids) = this.ix.property_sinks.get(&**attr) {
                        add_sinks(ids);
                    }
                }
            }
            // Keys and lookups: `environ["API_KEY"]`, `getenv("API_KEY")`.
            ExprKind::Str(s) => local |= this.name_kinds(s),
            ExprKind::Dict(entries) => {
                for (k, _) in entries {
                    let key = k.as_ref().and_then(|k| k.as_str());
                    if let Some(ids) = key.and_then(|k| this.ix.key_sinks.get(k)) {
                        add_sinks(ids);
                    }
                }
            }
            _ => {}
        });
        if !this.ix.caught_sources.is_empty() {
            let mut handlers = false;
            for body in module.bodies() {
                crate::ir::walk_stmts(body, &mut |s| {
                    if let StmtKind::Try { handlers: h, .. } = &s.kind {
                        handlers |= h.iter().any(|h| h.name.is_some());
                    }
                });
            }
            if handlers {
                for &id in &this.ix.caught_sources {
                    local |= 1 << spec.sources[id as usize].kind;
                }
            }
        }
        let mut found = attribute_sources;
        for q in calls {
            let m = self.name_match(q);
            let imported = |id: &&u32| self.imports_ok(&spec.sources[**id as usize].imports);
            found.extend(m.sources.iter().filter(imported));
            for &id in &m.sinks {
                sink_kinds |= 1 << spec.sinks[id as usize].kind;
            }
        }
        // Sources that require other kinds apply once every source the file reads is known.
        for &id in &found {
            self.note_served(id as usize);
        }
        let sources = found
            .iter()
            .any(|&id| self.source_applies(&spec.sources[id as usize]));
        let paired = self.rules.iter().any(|&r| {
            let rule = &spec.rules[r];
            rule.sources & local != 0 && rule.sinks & sink_kinds != 0
        });
        let literals = !self.literal_labels.is_empty();
        (
            sources || paired || literals,
            sink_kinds & self.wanted_sinks != 0,
        )
    }

    /// Whether a parameter's default is a call of one of `globs` (`Depends(current_user)`).
    fn injected(&self, default: Option<&Expr>, globs: &[crate::spec::glob::Glob]) -> bool {
        let Some(Expr {
            kind: ExprKind::Call(c),
            ..
        }) = default
        else {
            return false;
        };
        c.qualified
            .as_deref()
            .is_some_and(|q| globs.iter().any(|g| g.matches(q)))
    }

    pub(super) fn seed_params(&mut self, fi: usize, sid: usize) -> bool {
        let source = &self.spec.sources[sid];
        let Some(f) = self.module.functions.get(fi) else {
            return false;
        };
        self.mark_handler(fi, sid, None);
        let mut any = false;
        for (i, p) in f.params.iter().enumerate().take(MAX_PARAMS) {
            if is_receiver_name(&p.name)
                || (!source.params.is_empty() && !source.params.contains(&i))
                || self.declared_as(p.annotation.as_deref(), &source.unless_annotations)
                || self.injected(p.default.as_ref(), &source.unless_defaults)
            {
                continue;
            }
            any |= self.seed_param(fi, i, sid);
        }
        any
    }

    pub(super) fn seed_param(&mut self, fi: usize, i: usize, sid: usize) -> bool {
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
        self.mark_handler(fi, sid, None);
        let mut l = self.source_label(sid, p.span, &p.name, owner);
        l.cleared |= self.declared_bound(p);
        if let Some(slot) = self.seeds[fi].get_mut(i) {
            join(slot, &[l]);
        }
        true
    }

    /// Sink kinds a parameter is checked for by its declaration: a bounding keyword in its
    /// default (`q: str = Query(max_length=500)`) or annotation (`Annotated[str,
    /// Field(max_length=500)]`, `constr(max_length=500)`).
    fn declared_bound(&self, p: &crate::ir::Param) -> crate::spec::flow::KindSet {
        let mut mask = 0;
        for (keyword, ids) in &self.ix.bounded_fields {
            let in_default = matches!(&p.default, Some(Expr { kind: ExprKind::Call(c), .. })
                if c.args.iter().any(|a| a.name.as_deref() == Some(keyword.as_str())));
            let in_annotation = p.annotation.as_deref().is_some_and(|a| {
                a.match_indices(keyword.as_str())
                    .any(|(i, _)| a[i + keyword.len()..].trim_start().starts_with('='))
            });
            if in_default || in_annotation {
                mask |= self.sanitizer_sinks(ids);
            }
        }
        mask
    }

    pub(super) fn typed_as(
        &self,
        annotation: Option<&str>,
        globs: &[crate::spec::glob::Glob],
    ) -> bool {
        annotation
            .and_then(|a| self.annotation_type(a))
            .is_some_and(|(raw, q)| globs.iter().any(|g| g.matches(raw) || g.matches(&q)))
    }

    /// A fresh label of source `sid` for the declared name `name` in `owner`.
    pub(super) fn source_label(
        &mut self,
        sid: usize,
        span: Span,
        name: &str,
        owner: &str,
    ) -> Label {
        let source = &self.spec.sources[sid];
        let label = match &source.label {
            Some(l) => format!("{l}: `{name}` of `{owner}`"),
            None => format!("`{name}` of `{owner}`"),
        };
        let (tool, guessed) = (source.tool, source.guessed);
        let mut l = self.start(source.kind, span, Note::Source(label));
        l.flags |= PARAMETER;
        if tool {
            l.flags |= crate::flow::trace::TOOL;
        }
        if guessed {
            l.flags |= crate::flow::trace::GUESSED;
        }
        if named_as(name, &source.key_params) {
            l.flags |= crate::flow::trace::KEY;
        }
        l
    }

    /// A type annotation's class, as written and qualified: `Optional["LLMChain"]` ->
    /// (`LLMChain`, `langchain.chains.LLMChain`).
    pub(super) fn annotation_type<'x>(&self, ann: &'x str) -> Option<(&'x str, String)> {
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
}

/// Whether a parameter's name ends in one of these words (`conversation_id`, `conversationId`).
fn named_as(name: &str, words: &[String]) -> bool {
    !words.is_empty()
        && crate::spec::names::name_words(name)
            .last()
            .is_some_and(|w| words.iter().any(|x| x == w))
}

impl<'a, 'm> Engine<'a, 'm> {
    /// The shape of parameter `i` of function `fi`, bound to `t`, when callers in other files
    /// pass their data in some fields of it only: those fields carry it, the rest of the value
    /// carries everything else `t` holds.
    pub(super) fn seeded_shape(&self, fi: usize, i: usize, t: &[Label]) -> Option<Rc<Shape>> {
        let fields = self.seed_fields.get(&(fi, i))?;
        let confined = |l: &Label| {
            let mine = fields.iter().filter(|(x, _)| x.same_as(l));
            let mut any = false;
            for (_, step) in mine {
                if step.is_none() {
                    return false;
                }
                any = true;
            }
            any
        };
        let rest: Taint = t.iter().filter(|l| !confined(l)).copied().collect();
        if rest.len() == t.len() {
            return None;
        }
        let mut shape = Shape::opaque(rest);
        for l in t.iter().filter(|l| confined(l)) {
            for (_, step) in fields.iter().filter(|(x, _)| x.same_as(l)) {
                if let Some(step) = step {
                    if !shape.put(std::slice::from_ref(step), std::slice::from_ref(l)) {
                        return None;
                    }
                }
            }
        }
        Some(Rc::new(shape))
    }
}
