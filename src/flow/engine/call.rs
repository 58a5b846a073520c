//! Calls: sources, sanitizers and propagators from the tables, the file's own functions through
//! their summaries, callbacks, and calls into other files of the scan.

use super::shape::KeyRef;
use super::*;
use crate::flow::link::Step;
use std::cell::RefCell;
use std::rc::Rc;

/// Names matched per worker thread before the cache starts over.
const NAME_CACHE_MAX: usize = 100_000;

type NameCache = HashMap<(usize, KindSet), HashMap<Box<str>, std::rc::Rc<NameMatch>>>;

thread_local! {
    static NAME_CACHE: RefCell<NameCache> = RefCell::new(HashMap::new());
}

impl<'a, 'm> Engine<'a, 'm> {
    pub(super) fn call(&mut self, call: &'m Call, span: Span, cx: &mut Ctx<'m>) -> Taint {
        // The receiver of a method call, or the called value itself.
        let (receiver, method): (Option<&'m Expr>, Option<&'m str>) = match &call.callee.kind {
            ExprKind::Attribute { value, attr } => (Some(value), Some(attr)),
            _ => (None, None),
        };
        let q = call.qualified.as_deref();
        // `json.dumps(customer)`, `user.to_dict()`: what is written out whole is read with the
        // names of records; a call inside the arguments decides for its own.
        let serialize = self.propagator(q, method) == Some(PropagateTo::Serialize);
        let serializing = std::mem::replace(&mut self.serializing, serialize);
        let recv_t = match receiver {
            Some(r) => self.expr(r, cx),
            None => self.expr(&call.callee, cx),
        };
        let mut arg_ts: Vec<Taint> = Vec::with_capacity(call.args.len());
        let mut arg_shapes: Vec<Option<Rc<Shape>>> = Vec::new();
        let mut callbacks: Vec<usize> = Vec::new();
        self.open_calls.push((call, self.open_keys.len()));
        for a in &call.args {
            if let Some(fi) = self.function_value(&a.value, cx.class) {
                self.expr(&a.value, cx);
                callbacks.push(fi);
                arg_ts.push(Taint::new());
            } else if matches!(a.value.kind, ExprKind::Dict(_) | ExprKind::Name(_)) {
                // An options object, or a name bound to one: which fields carry the data.
                let (t, shape) = self.expr_shaped(&a.value, cx);
                if shape.is_some() {
                    arg_shapes.resize(arg_ts.len(), None);
                    arg_shapes.push(shape);
                }
                arg_ts.push(t);
            } else {
                arg_ts.push(self.expr(&a.value, cx));
            }
        }
        self.open_calls.pop();
        self.arg_shapes = (!arg_shapes.is_empty()).then_some((call, arg_shapes));
        self.serializing = serializing;
        if let Some(q) = q.filter(|_| arg_ts.iter().any(|t| !t.is_empty())) {
            self.called_with_data.insert(q);
        }
        self.record_forwarded(call, q, &arg_ts, cx);
        // `actions.get(name)` picks an entry as `actions[name]` does (a method whose result
        // comes from its receiver: a `result-from-receiver` propagator).
        if let (Some(r), Some(key)) = (receiver, arg_ts.first()) {
            if self.propagator(q, method) == Some(PropagateTo::FromReceiver) {
                self.indexed_tools(r, key, span, cx.function);
            }
        }
        let sunk = self.call_sinks(call, q, span, &recv_t, &arg_ts, cx);

        // Sources: a model call's result is the model's output, not its input. Handle kinds
        // (`llm`: the call made a model object) mark the result but replace nothing.
        let source = self.call_source(call, q, &recv_t, span, cx.class);
        // The parts another file's function returns the data in, if the call is only that.
        let source_shape = self.shape.take().filter(|(s, _)| *s == span);
        if let Some(t) = source.as_ref() {
            if t.iter().any(|l| self.spec.data_kinds & (1 << l.kind) != 0) {
                // Another file's function (or the classes defining an abstract method) returns
                // the model's reply; what it is passed may still reach a sink there (a wrapper's
                // prompt).
                let declared = self
                    .local_callee(call, q, cx)
                    .is_some_and(|(fi, _)| self.module.functions[fi].is_declaration());
                let returned = q.is_some_and(|q| self.external_returns.contains_key(q));
                if !sunk && (returned || declared) {
                    self.record_external(call, q, &arg_ts, cx.function);
                }
                self.shape = source_shape;
                return source.unwrap_or_default();
            }
        }
        // `msgs.find(m => m.role === "system")`: only the messages of that role.
        let role_filter = callbacks
            .iter()
            .find_map(|&fi| self.role_filter_of_callback(fi));
        // Keyword arguments of a constructor, for the object's fields (`constructed_shape`).
        let ctor_args: Option<Vec<Taint>> =
            (self.shape_wanted(span) && self.keyword_construction(call, q)).then(|| arg_ts.clone());
        let mut t = self.call_result(
            call, q, method, receiver, recv_t, arg_ts, callbacks, span, sunk, cx,
        );
        // `url.split("/").pop()`: the last part has no separator.
        if let Some(r) =
            receiver.filter(|_| method.is_some_and(|m| self.ix.last_methods.contains_key(m)))
        {
            clear_kinds(&mut t, self.split_last_mask(r));
        }
        if let Some(args) = ctor_args.filter(|_| !matches!(&self.shape, Some((s, _)) if *s == span))
        {
            let shape = self.constructed_shape(call, &t, &args);
            self.give_shape(span, shape);
        }
        // A shape given for the result holds for it as `call_result` made it, not once more
        // is added below.
        let shaped = match &self.shape {
            Some((s, _)) if *s == span => Some(t.clone()),
            _ => None,
        };
        if role_filter.is_some() {
            t = self.keep_role(t, role_filter);
        }
        if let Some(s) = source {
            join(&mut t, &s);
        }
        // `os.getenv("MODEL")` is named by its key, not by what its receiver was given
        // (`os.environ["OPENAI_API_KEY"] = key`).
        if let Some(looked_up) = self.lookup_labels(call, method, span) {
            t = self.field_of(t);
            join(&mut t, &looked_up);
        }
        join(&mut t, &self.revealed(receiver, method, span));
        if !t.is_empty() && q.is_some_and(|q| self.name_match(q).privileged) {
            let placed = Note::Placed("a system message".into());
            t = with_flags(self.trace.extend(&t, span, &placed), PRIVILEGED);
        }
        if shaped.is_some_and(|before| before != t) {
            self.shape = None;
        }
        t
    }

    /// What a call that is not a data source returns (and does to its receiver).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn call_result(
        &mut self,
        call: &'m Call,
        q: Option<&'m str>,
        method: Option<&str>,
        receiver: Option<&'m Expr>,
        recv_t: Taint,
        arg_ts: Vec<Taint>,
        callbacks: Vec<usize>,
        span: Span,
        sunk: bool,
        cx: &mut Ctx<'m>,
    ) -> Taint {
        let mut all_args = Taint::new();
        for t in &arg_ts {
            join(&mut all_args, t);
        }
        // Callbacks (`.then(r => ...)`, `map(f, xs)`) receive the receiver's and arguments' data.
        let has_callbacks = !callbacks.is_empty();
        let mut from_callbacks = Taint::new();
        for fi in callbacks {
            // `Thread(target=f, args=(ctx, urls))`, `pool.submit(f, a, b)`: each argument
            // reaches its own parameter.
            if let Some(per_position) = self.forwarded_positions(call, q, fi, &arg_ts, cx) {
                let offset = self.receiver_offset(fi);
                for (i, mut t) in per_position.into_iter().enumerate() {
                    t.retain(|l| !self.is_name_kind(l));
                    self.seed_callback_param(fi, i + offset, &t);
                }
                let ret = self.callback_result(fi);
                join(&mut from_callbacks, &ret);
                continue;
            }
            let mut input = recv_t.clone();
            join(&mut input, &all_args);
            // Every argument reaches every parameter of the callback: what a name said about
            // one argument says nothing about the others (`partial(search, api_key=k, q=q)`).
            input.retain(|l| !self.is_name_kind(l));
            self.seed_callback(fi, &input);
            let ret = self.callback_result(fi);
            join(&mut from_callbacks, &ret);
        }
        // `setAnswer(reply)`: the state `answer` holds the reply from now on.
        if let ExprKind::Name(n) = &call.callee.kind {
            if let Some(state) = self.state_of(n, cx) {
                let mut given = arg_ts.first().map(|t| real(t)).unwrap_or_default();
                join(&mut given, &real(&from_callbacks));
                self.changed |= join(self.state_values.entry(state).or_default(), &given);
                return Taint::new();
            }
        }
        if let Some(t) = self.sanitized(q, method, &recv_t, &arg_ts) {
            return t;
        }
        if let Some(t) = self.removed(call, method, &recv_t, &arg_ts) {
            return t;
        }
        // `llm.chat(x)` with `llm` one of several classes: each class's method.
        if let Some(mut t) = self.dispatch_alternatives(call, &arg_ts, span, cx) {
            join(&mut t, &from_callbacks);
            return t;
        }
        // `AskTool(words)`, `new Job(cmd)`: the constructor of a class of the file runs with the
        // arguments (what it stores in fields, what it sinks); the object is made as before.
        if let Some((fi, offset)) = self.local_constructor(call) {
            self.apply_summary(fi, offset, call, &arg_ts, span, cx);
        }
        // `actions[kind](payload)`, `handler(**params)` with `handler = actions.get(kind)`: each
        // function the table holds may run; another file's gets the arguments there (`link`).
        let table = self.table_callees(&call.callee, cx);
        if !table.is_empty() {
            let mut t = from_callbacks;
            for entry in table {
                let more = match entry {
                    Entry::Local(fi) => {
                        let offset = self.receiver_offset(fi);
                        self.apply_summary(fi, offset, call, &arg_ts, span, cx)
                    }
                    Entry::Imported(name) => {
                        let callee = Callee {
                            name,
                            by_name: false,
                            overrides: false,
                        };
                        self.record_args(callee, call, &arg_ts, cx.function);
                        with_flags(all_args.clone(), DERIVED)
                    }
                };
                join(&mut t, &more);
            }
            return t;
        }
        // The file's own functions before method-name propagators: `self.get(x)` is the class's.
        if let Some((fi, offset)) = self.local_callee(call, q, cx) {
            // `self.submit_prompt(messages)` of an abstract method: the scan's classes that
            // define it run instead.
            let declared = self.module.functions[fi].is_declaration();
            // `self.run(x)` in a base runs the override of the object's class (an abstract
            // method always does): each one the file defines, and (through `link`) those of
            // other files' subclasses.
            let overrides = match declared || self.dispatches(receiver, cx) {
                true => self.overrides(fi),
                false => Vec::new(),
            };
            // An abstract method the file's classes override is known by its hierarchy; one
            // they do not is known by its name only ...
            let by_hierarchy = !declared || !overrides.is_empty();
            // ... unless they only build a value of it (`system_message(text)` returns a
            // message): the data goes on with the result, and is reported where that ends.
            let passes = q.is_some_and(|q| self.external_passes.contains_key(q));
            if !by_hierarchy && !passes {
                self.record_external(call, q, &arg_ts, cx.function);
            }
            let mut t = self.apply_summary(fi, offset, call, &arg_ts, span, cx);
            if !overrides.is_empty() || declared || has_callbacks {
                self.shape = None;
            }
            for &o in &overrides {
                let offset = self.receiver_offset(o);
                let more = self.apply_summary(o, offset, call, &arg_ts, span, cx);
                join(&mut t, &more);
            }
            if by_hierarchy && (declared || self.dispatches(receiver, cx)) {
                self.record_overrides(call, fi, &arg_ts, cx.function);
            }
            if declared {
                join(&mut t, &self.passed_through(q, call, &arg_ts, span));
            }
            join(&mut t, &from_callbacks);
            return t;
        }
        match self.propagator(q, method) {
            Some(PropagateTo::Nothing) => return Taint::new(),
            // `d.get("model")` is `d["model"]`: a field, not what the rest of `d` was named;
            // only that entry when the entries of `d` are known.
            Some(PropagateTo::FromReceiver) => {
                let entry = receiver.zip(call.positional(0)).and_then(|(r, k)| {
                    let shape = self.shape_at(r, cx)?;
                    Some(shape.get(KeyRef::of_index(k)?).0.clone())
                });
                let mut t = self.field_of(entry.unwrap_or(recv_t));
                if let Some(key) = call.positional(0).and_then(|k| k.as_str()) {
                    self.clear_by_field_name(&mut t, key);
                }
                return t;
            }
            Some(PropagateTo::Splice) => {
                let mut t = recv_t;
                join(&mut t, &with_flags(all_args, SPLICED));
                return t;
            }
            Some(PropagateTo::Result | PropagateTo::Serialize) => {
                let mut t = recv_t;
                join(&mut t, &all_args);
                return t;
            }
            Some(PropagateTo::File) => {
                // `fs.writeFileSync(p, x)` is a function of a module, named in `calls`; a method
                // (`f.write(x)`) writes to the file its receiver is.
                let function = q.and_then(|q| self.name_match(q).propagate).is_some();
                let file = if function { None } else { receiver };
                self.write_file(call, file, &arg_ts, span, cx.function);
                return Taint::new();
            }
            Some(PropagateTo::Receiver) => {
                if let (Some(r), false) = (receiver, all_args.is_empty()) {
                    self.receives(r, &all_args, span, cx);
                }
                return recv_t;
            }
            None => {}
        }
        // Every definition of the method builds a message of its argument: the data goes on
        // with the result (placed as they place it), not into them.
        let passes = q.is_some_and(|q| self.external_passes.contains_key(q));
        // A sink of the tables reported the data here already.
        if !sunk && !passes {
            self.record_external(call, q, &arg_ts, cx.function);
        }
        // A call the tables do not describe makes something new of its arguments: a client made
        // with a key is not the key (`OpenAI(api_key=key)`), so kinds known by name stay behind.
        let all_args = self.field_of(self.kept_args(call, q, &arg_ts).unwrap_or(all_args));
        // `agents.map(a => a.id)`: with a callback, what comes out is what the callback makes of
        // the receiver's items, not what the receiver's fields were named.
        let mut t = if has_callbacks {
            self.field_of(recv_t)
        } else {
            recv_t
        };
        join(&mut t, &with_flags(all_args, DERIVED));
        join(&mut t, &from_callbacks);
        if passes {
            join(&mut t, &self.passed_through(q, call, &arg_ts, span));
        }
        t
    }

    /// What the result of a call of another file's function carries of its arguments, when its
    /// summary says it returns only some of them (`Seed::Keeps`): those bound to the parameters
    /// it returns. `None` when the call is not one, or an argument is spread (`*args`), so
    /// which parameter it binds is unknown.
    fn kept_args(&self, call: &Call, q: Option<&str>, arg_ts: &[Taint]) -> Option<Taint> {
        let (params, kept) = self.external_keeps.get(q?)?;
        let mut out = Taint::new();
        for (arg, t) in ArgRef::of_args(call).zip(arg_ts) {
            // An argument no parameter takes goes to one the summary does not name (`**kw`,
            // `*args`).
            if arg?.binds(params).is_none_or(|p| kept.contains(&p)) {
                join(&mut out, t);
            }
        }
        Some(out)
    }

    /// `validate_code(body)` where `validate_code` is imported: the callee's file may sink it.
    pub(super) fn record_external(
        &mut self,
        call: &'m Call,
        q: Option<&'m str>,
        arg_ts: &[Taint],
        function: Option<usize>,
    ) {
        let Some(mut callee) = q.and_then(|q| self.external_callee(&call.callee, q)) else {
            return;
        };
        // `AskTool(words)` of an imported class runs its constructor (`tools.AskTool().__init__`).
        if let Some(ctor) = self.module.dialect.constructor {
            if !callee.by_name && self.constructs(call, &callee.name) {
                callee.name = format!("{}().{ctor}", callee.name);
            }
        }
        self.record_args(callee, call, arg_ts, function);
    }

    /// `Toolkit(db=conn, instructions=RULES)`: an object built with keyword arguments has their
    /// data in the fields of their names (`toolkit.instructions` is the rules, not the
    /// connection); what else the object holds is in every field.
    fn constructed_shape(&self, call: &Call, t: &[Label], arg_ts: &[Taint]) -> Option<Rc<Shape>> {
        if t.is_empty() || arg_ts.len() != call.args.len() {
            return None;
        }
        // A field holds the kinds its argument brought, as the object holds them, and the
        // kinds no argument brought (the constructor's own data).
        let brought = |l: &Label, ts: &[Taint]| ts.iter().flatten().any(|a| a.kind == l.kind);
        let mut shape = Shape::opaque(t.to_vec());
        for (a, at) in call.args.iter().zip(arg_ts) {
            let Some(name) = a.name.as_deref() else {
                continue;
            };
            let part: Taint = t
                .iter()
                .filter(|l| at.iter().any(|x| x.kind == l.kind) || !brought(l, arg_ts))
                .copied()
                .collect();
            if !shape.set(super::shape::Key::Name(name.into()), part, None) {
                return None;
            }
        }
        Some(Rc::new(shape))
    }

    /// Whether a call builds an object with keyword arguments and no splat: `Toolkit(db=x)`.
    fn keyword_construction(&self, call: &Call, q: Option<&str>) -> bool {
        let splat = |a: &crate::ir::Arg| a.splat != crate::ir::Splat::None;
        call.args.iter().any(|a| a.name.is_some())
            && !call.args.iter().any(splat)
            && q.is_some_and(|q| self.constructs(call, q))
    }

    /// Whether a call builds an object of the class `q` names: `new X()`, or in Python a call of
    /// a CapWords name.
    fn constructs(&self, call: &Call, q: &str) -> bool {
        let capwords = || {
            let last = q.rsplit('.').next().unwrap_or(q);
            last.chars().next().is_some_and(char::is_uppercase)
                && last.chars().any(char::is_lowercase)
        };
        call.is_new || (self.module.dialect.capwords_construct && capwords())
    }

    /// The other file's function `callee` (spelled `q`) names, if it is one: a function of an
    /// imported module (`validate_code`, `utils.run`), a method of an instance of an imported
    /// class (`self._parser.parse`, `_parser` a `Parser()`), or a method of no known class.
    pub(super) fn external_callee(&self, callee: &Expr, q: &str) -> Option<Callee> {
        let head = match &callee.kind {
            ExprKind::Name(n) => Some(&**n),
            ExprKind::Attribute { value, .. } => match &value.kind {
                ExprKind::Name(n) => Some(&**n),
                _ => None,
            },
            _ => None,
        };
        // A local name bound to an imported function counts as its import (`fn = a if c else b`).
        let alias = matches!(callee.kind, ExprKind::Name(_)) && self.imported.contains(q);
        let imported_function =
            (alias || head.is_some_and(|h| self.imports.contains_key(h))) && !q.contains("()");
        // `Engine().reply` with `Engine` imported, or `engine.Engine().reply` with the module
        // `engine` imported (`from app import engine`).
        let imported_method = q.matches("()").count() == 1
            && q.split_once("().").is_some_and(|(class, _)| {
                self.imported.contains(class)
                    || class.rsplit_once('.').is_some_and(|(module, _)| {
                        crate::ir::starts_from_import(module, &self.imported)
                    })
            });
        // `self.llm.chat(...)` with `llm` of no known class: the scan's methods named `chat` may
        // stand in (`link`), unless the receiver is a library's object (`sqlite3...cursor()`).
        let unknown_method = matches!(callee.kind, ExprKind::Attribute { .. })
            && !crate::ir::starts_from_import(q, &self.imported)
            && !self.module.dialect.on_platform_object(q);
        if !imported_function && !imported_method && !unknown_method {
            return None;
        }
        Some(Callee {
            name: q.to_string(),
            by_name: !imported_function && !imported_method,
            overrides: false,
        })
    }

    /// `Thread(target=store.run, args=(sql,))`, `pool.submit(store.run, sql)`: another file's
    /// function called later with these arguments (`[[forwarder]]`). A function of this file is
    /// a callback and gets them there.
    fn record_forwarded(
        &mut self,
        call: &'m Call,
        q: Option<&str>,
        arg_ts: &[Taint],
        cx: &mut Ctx<'m>,
    ) {
        let Some(q) = q.filter(|_| arg_ts.iter().any(|t| !t.is_empty())) else {
            return;
        };
        let Some((fw, at)) = self.forwarder_at(call, q) else {
            return;
        };
        let function = &call.args[at].value;
        if self.function_value(function, cx.class).is_some() {
            return;
        }
        let Some(callee) = self
            .qualify_chain(function)
            .and_then(|fq| self.external_callee(function, &fq))
        else {
            return;
        };
        let mut passed: Vec<(ArgRef, Taint)> = Vec::new();
        if fw.rest {
            let after = call.args.iter().zip(arg_ts).skip(at + 1);
            let positional =
                after.filter(|(a, _)| a.name.is_none() && a.splat == crate::ir::Splat::None);
            for (i, (_, t)) in positional.enumerate() {
                passed.push((ArgRef::Position(i), t.clone()));
            }
        }
        let tuple = self.forwarded_tuple(call, fw, cx).unwrap_or_default();
        for (i, t) in tuple.into_iter().enumerate() {
            passed.push((ArgRef::Position(i), t));
        }
        for (arg, t) in passed {
            self.record_arg(&callee, &arg, &t, None, cx.function);
        }
    }

    /// `self.run(x)` of a method of the file's class `Runner`: the overrides of `run` in
    /// `Runner`'s subclasses in other files may run instead (`link`).
    pub(super) fn record_overrides(
        &mut self,
        call: &'m Call,
        fi: usize,
        arg_ts: &[Taint],
        function: Option<usize>,
    ) {
        let module = self.module;
        let f = &module.functions[fi];
        let Some(class) = f.class.and_then(|ci| module.classes.get(ci)) else {
            return;
        };
        let callee = Callee {
            name: format!("{}.{}", class.name, f.name),
            by_name: false,
            overrides: true,
        };
        self.record_args(callee, call, arg_ts, function);
    }

    /// Record each tainted argument of `call` as passed to `callee` in another file.
    fn record_args(
        &mut self,
        callee: Callee,
        call: &'m Call,
        arg_ts: &[Taint],
        function: Option<usize>,
    ) {
        // The arguments' shapes, when they are this call's.
        let shapes = match &self.arg_shapes {
            Some((c, shapes)) if std::ptr::eq(*c, call) => Some(shapes.clone()),
            _ => None,
        };
        for (i, (arg, t)) in ArgRef::of_args(call).zip(arg_ts).enumerate() {
            let shape = shapes
                .as_ref()
                .and_then(|s| s.get(i))
                .and_then(Option::as_ref);
            let spread = call.args[i].splat == crate::ir::Splat::DoubleStar
                && !self.forwards_keywords(&call.args[i].value, function);
            match (arg, shape) {
                (Some(arg), _) => self.record_arg(&callee, &arg, t, shape, function),
                // `f(**params)` of a dict whose keys are known: each key is that keyword; what
                // the other keys carry may bind any parameter.
                (None, Some(shape)) if spread => {
                    for part in &shape.parts {
                        if let (super::shape::Key::Name(k), false) =
                            (&part.key, part.taint.is_empty())
                        {
                            let arg = ArgRef::Keyword(k.to_string());
                            self.record_arg(
                                &callee,
                                &arg,
                                &part.taint,
                                part.shape.as_ref(),
                                function,
                            );
                        }
                    }
                    if !shape.rest.is_empty() {
                        self.record_arg(&callee, &ArgRef::Spread, &shape.rest, None, function);
                    }
                }
                (None, None) if spread => {
                    self.record_arg(&callee, &ArgRef::Spread, t, None, function)
                }
                (None, _) => {}
            }
        }
    }

    /// Whether `value` is the function's own `**kwargs` passed on: which keywords it holds only
    /// its callers know, so it does not bind every parameter of the callee.
    fn forwards_keywords(&self, value: &Expr, function: Option<usize>) -> bool {
        let ExprKind::Name(n) = &value.kind else {
            return false;
        };
        function
            .and_then(|fi| self.module.functions.get(fi))
            .is_some_and(|f| {
                f.params
                    .iter()
                    .any(|p| p.name == *n && p.splat == crate::ir::Splat::DoubleStar)
            })
    }

    fn record_arg(
        &mut self,
        callee: &Callee,
        arg: &ArgRef,
        t: &[Label],
        shape: Option<&Rc<Shape>>,
        function: Option<usize>,
    ) {
        for l in t {
            match (l.param(), function) {
                // A parameter passed on: a fact of the summary, real once a caller passes data.
                (Some(p), Some(fi)) => {
                    self.add_external_fact(fi, (p, callee.clone(), arg.clone(), *l))
                }
                (Some(_), None) => {}
                (None, _) => {
                    // The fields that carry it (one step deep), when only some do.
                    let parts = shape.and_then(|s| s.paths_of(&|x: &Label| x.same_as(l)));
                    let parts = parts.map(|paths| {
                        let mut firsts: Vec<Vec<Step>> =
                            paths.into_iter().map(|p| p[..1].to_vec()).collect();
                        firsts.dedup();
                        firsts
                    });
                    self.push_external(callee.clone(), arg.clone(), *l, parts)
                }
            }
        }
    }

    /// What a method of the scan's other classes returns of its arguments (`Seed::Passes`).
    fn passed_through(
        &mut self,
        q: Option<&str>,
        call: &Call,
        arg_ts: &[Taint],
        span: Span,
    ) -> Taint {
        let mut out = Taint::new();
        let Some(passes) = q.and_then(|q| self.external_passes.get(q)).cloned() else {
            return out;
        };
        let positional = call
            .args
            .iter()
            .zip(arg_ts)
            .filter(|(a, _)| a.name.is_none());
        for (i, (_, t)) in positional.enumerate() {
            for &(_, flags) in passes.iter().filter(|(p, _)| *p == i) {
                let mut t = t.clone();
                if flags & PRIVILEGED != 0 && !t.is_empty() {
                    let placed = Note::Placed("a system message".into());
                    t = self.trace.extend(&t, span, &placed);
                }
                join(&mut out, &with_flags(t, flags));
            }
        }
        out
    }

    fn push_external(&mut self, target: Callee, arg: ArgRef, l: Label, parts: Parts) {
        const MAX_EXTERNAL: usize = 256;
        let data = l.kind < 32 && self.spec.data_kinds & (1 << l.kind) != 0;
        if data && self.external.len() < MAX_EXTERNAL {
            self.external.push((target, arg, l, parts));
        }
    }

    fn add_external_fact(&mut self, fi: usize, fact: (usize, Callee, ArgRef, Label)) {
        let facts = &mut self.summaries[fi].externals;
        let known = facts.iter().any(|f| {
            f.0 == fact.0
                && f.1 == fact.1
                && f.2 == fact.2
                && f.3.cleared == fact.3.cleared
                && f.3.flags == fact.3.flags
        });
        if !known && facts.len() < 64 {
            facts.push(fact);
            self.changed = true;
        }
    }

    /// What `q` matches in the tables, from the cache.
    pub(super) fn name_match(&mut self, q: &'m str) -> std::rc::Rc<NameMatch> {
        if let Some(m) = self.names.get(q) {
            return m.clone();
        }
        // Names repeat across files (`logging.getLogger`, `os.path.join`): a worker thread keeps
        // what it matched, per table index and set of enabled sinks.
        let key = (self.ix as *const FamilyIndex as usize, self.wanted_sinks);
        let cached = NAME_CACHE.with(|c| c.borrow().get(&key).and_then(|n| n.get(q).cloned()));
        let m = match cached {
            Some(m) => m,
            None => {
                let m = std::rc::Rc::new(self.match_name(q));
                NAME_CACHE.with(|c| {
                    let mut c = c.borrow_mut();
                    let names = c.entry(key).or_default();
                    if names.len() >= NAME_CACHE_MAX {
                        names.clear();
                    }
                    names.insert(q.into(), m.clone());
                });
                m
            }
        };
        self.names.insert(q, m.clone());
        m
    }

    fn match_name(&self, q: &str) -> NameMatch {
        let mut m = NameMatch::default();
        for (id, gi) in self.ix.call_sources.candidates(q) {
            if let SourceMatch::Calls(globs) = &self.spec.sources[id as usize].matcher {
                if globs[gi].matches(q) && !m.sources.contains(&id) {
                    m.sources.push(id);
                }
            }
        }
        for (id, gi) in self.ix.call_sinks.candidates(q) {
            let sink = &self.spec.sinks[id as usize];
            if let SinkMatch::Calls {
                calls,
                unless_calls,
                ..
            } = &sink.matcher
            {
                if self.wanted_sinks & (1 << sink.kind) != 0
                    && !m.sinks.contains(&id)
                    && calls[gi].matches(q)
                    && !unless_calls.iter().any(|g| g.matches(q))
                {
                    m.sinks.push(id);
                }
            }
        }
        for (id, gi) in self.ix.sanitizer_calls.candidates(q) {
            let s = &self.spec.sanitizers[id as usize];
            if s.calls[gi].matches(q) {
                m.sanitize |= s.sinks;
            }
        }
        for (id, gi) in self.ix.guard_calls.candidates(q) {
            let s = &self.spec.sanitizers[id as usize];
            let matched = match s.guard_calls.get(gi) {
                Some(g) if g.matches(q) => {
                    m.guard |= s.sinks;
                    true
                }
                Some(_) => false,
                None if s.guard_first_calls[gi - s.guard_calls.len()].matches(q) => {
                    m.guard_first |= s.sinks;
                    true
                }
                None => false,
            };
            if matched && s.raises {
                m.asserts |= s.sinks;
            }
        }
        m.exits = self.spec.exits.iter().any(|g| g.matches(q));
        m.assertion = self.spec.assertions.iter().any(|g| g.matches(q));
        m.privileged = self
            .ix
            .role_calls
            .candidates(q)
            .any(|(id, _)| self.spec.role_calls[id as usize].matches(q));
        // The first propagator table (in pack order) that matches decides.
        m.propagate = self
            .ix
            .propagator_calls
            .candidates(q)
            .filter(|&(id, gi)| self.spec.propagators[id as usize].calls[gi].matches(q))
            .map(|(id, _)| id)
            .min()
            .map(|id| self.spec.propagators[id as usize].to);
        m
    }

    /// `xs.append(t)`: `xs` now holds `t`.
    pub(super) fn receives(&mut self, r: &'m Expr, t: &[Label], span: Span, cx: &mut Ctx<'m>) {
        match &r.kind {
            ExprKind::Name(n) if cx.receiver != Some(&**n) => {
                let t = self.trace.extend(t, span, &Note::Assign(n.clone()));
                let mut cur = self.lookup(n, cx).unwrap_or_default();
                join(&mut cur, &t);
                cx.env.set_var(n, cur);
            }
            ExprKind::Attribute { value, attr } => self.weak_update(r, value, attr, t, None, cx),
            ExprKind::Index { value, .. } => self.weak_update(r, value, "", t, None, cx),
            _ => {}
        }
    }

    pub(super) fn call_source(
        &mut self,
        call: &Call,
        q: Option<&'m str>,
        recv_t: &[Label],
        span: Span,
        class: Option<usize>,
    ) -> Option<Taint> {
        let mut out = Taint::new();
        if let Some(q) = q {
            let matched = self.name_match(q);
            // The fields of the result the data is in, while every source matched names them.
            let mut fields = Some(Shape::default());
            for &id in &matched.sources {
                let source = &self.spec.sources[id as usize];
                if self.source_applies(source)
                    && self.in_classes_ok(&source.in_classes, class)
                    && !source.unless.iter().any(|c| c.holds(call, self.consts))
                    && source.when.iter().all(|c| c.holds(call, self.consts))
                {
                    let label = source.label.clone().unwrap_or_else(|| format!("`{q}`"));
                    let l = self.start(source.kind, span, Note::Source(label));
                    join(&mut out, &[l]);
                    let paths: Vec<Vec<Step>> = source
                        .fields
                        .iter()
                        .map(|f| vec![Step::Key(f.clone())])
                        .collect();
                    fields = match (fields, paths.is_empty()) {
                        (Some(mut s), false) => paths.iter().all(|p| s.put(p, &[l])).then_some(s),
                        _ => None,
                    };
                }
            }
            if let (Some(s), false) = (fields, out.is_empty()) {
                self.give_shape(span, Some(Rc::new(s)));
            }
        }
        // A function of another file that returns data; for a receiver that may be one of
        // several classes, data every class's method returns.
        if let Some(returns) = q.and_then(|q| self.external_returns.get(q)) {
            let alternatives = self
                .module
                .alternatives
                .get(&span)
                .map_or(&[][..], |a| &a[..]);
            let everywhere = |kind: u8| {
                alternatives.iter().all(|a| {
                    let returned = self.external_returns.get(&**a);
                    returned.is_some_and(|r| r.iter().any(|(k, _, _, _)| *k == kind))
                })
            };
            let returned: Vec<(u8, Flags, String, Parts)> = returns
                .iter()
                .filter(|(kind, _, _, _)| everywhere(*kind))
                .cloned()
                .collect();
            // The parts of the result the data is in, when the call gives nothing else.
            let mut shape = (out.is_empty() && alternatives.is_empty()).then(Shape::default);
            let sourced = !out.is_empty();
            for (kind, flags, origin, parts) in returned {
                let mut l = self.start(kind, span, Note::Caller(origin));
                l.flags |= flags;
                if join(&mut out, &[l]) && sourced {
                    // Not only in the fields a source named.
                    self.shape = None;
                }
                shape = match (shape, parts.and_then(|p| Shape::at_paths(&p, &[l]))) {
                    (Some(s), Some(mine)) => Some(s.joined(&mine)),
                    _ => None,
                };
            }
            if let Some(s) = shape {
                self.give_shape(span, Some(Rc::new(s)));
            }
        }
        // Methods called on a handle (`chain.invoke(...)`), or the handle called (`llm(...)`).
        let name = invoked_method(call);
        if !recv_t.is_empty() {
            if let Some(ids) = self.ix.method_sources.get(name) {
                for &id in ids {
                    let source = &self.spec.sources[id as usize];
                    let SourceMatch::Methods { receivers, .. } = &source.matcher else {
                        continue;
                    };
                    if carries(recv_t, *receivers) && self.source_applies(source) {
                        let spelled = call.callee.dotted().unwrap_or_else(|| name.to_string());
                        let label = match &source.label {
                            Some(l) => format!("{l} (`{spelled}`)"),
                            None => format!("`{spelled}`"),
                        };
                        let l = self.start(source.kind, span, Note::Source(label));
                        if join(&mut out, &[l]) {
                            // The data is not only in the parts another file returns it in.
                            self.shape = None;
                        }
                    }
                }
            }
        }
        (!out.is_empty()).then_some(out)
    }

    /// A sanitizer's result: the inputs' labels, cleared for its sink kinds (or nothing, when it
    /// clears every kind).
    pub(super) fn sanitized(
        &mut self,
        q: Option<&'m str>,
        method: Option<&str>,
        recv_t: &[Label],
        arg_ts: &[Taint],
    ) -> Option<Taint> {
        let mask = self.sanitizer_mask(q, method);
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

    /// The sink kinds a call of this name (or method) sanitizes: its tables, and for a class of
    /// the file the `bases` sanitizers its bases match (`Args(**data)`, `Args` a pydantic model).
    pub(super) fn sanitizer_mask(&mut self, q: Option<&'m str>, method: Option<&str>) -> KindSet {
        let mut mask: KindSet = q.map_or(0, |q| self.name_match(q).sanitize);
        if let Some(ids) = method.and_then(|m| self.ix.sanitizer_methods.get(m)) {
            for &id in ids {
                mask |= self.spec.sanitizers[id as usize].sinks;
            }
        }
        if let Some(&ci) = q.and_then(|q| self.classes_by_name.get(q)) {
            for &id in &self.ix.class_sanitizers {
                let s = &self.spec.sanitizers[id as usize];
                if self.in_classes_ok(&s.bases, Some(ci)) {
                    mask |= s.sinks;
                }
            }
        }
        mask
    }

    pub(super) fn propagator(
        &mut self,
        q: Option<&'m str>,
        method: Option<&str>,
    ) -> Option<PropagateTo> {
        if let Some(to) = q.and_then(|q| self.name_match(q).propagate) {
            return Some(to);
        }
        self.method_propagation(method?)
    }

    /// What the first `methods` propagator for a method name does (`get`: from the receiver).
    pub(super) fn method_propagation(&self, method: &str) -> Option<PropagateTo> {
        let ids = self.ix.propagator_methods.get(method)?;
        ids.first().map(|&id| self.spec.propagators[id as usize].to)
    }

    /// The function a call runs, and how many leading parameters the call does not pass
    /// (a Python method's `self`).
    pub(super) fn local_callee(
        &self,
        call: &Call,
        q: Option<&str>,
        cx: &Ctx<'m>,
    ) -> Option<(usize, usize)> {
        let fi = match &call.callee.kind {
            ExprKind::Function(fi) => Some(*fi),
            ExprKind::Attribute { value, attr } => match (&value.kind, cx.class) {
                (ExprKind::Name(n), Some(ci)) if cx.receiver == Some(&**n) => self
                    .inherited(ci, attr)
                    .or_else(|| self.field_functions.get(&(ci, &**attr)).copied()),
                _ => q.and_then(|q| self.method_by_qualified(q)),
            },
            ExprKind::Name(n) => self
                .functions_by_name
                .get(&**n)
                .copied()
                .or_else(|| self.made_closure(n, call.callee.span)),
            _ => None,
        }?;
        self.module.functions.get(fi)?;
        Some((fi, self.receiver_offset(fi)))
    }

    /// The closure a name holds when it is bound once to a call of a factory of the file that
    /// returns one function it defines (`parse = makeParser(); parse(raw)`).
    fn made_closure(&self, name: &str, at: Span) -> Option<usize> {
        if !self.made_by_calls.contains(name) {
            return None;
        }
        let ExprKind::Call(made) = &self.consts.binding_at(name, at)?.kind else {
            return None;
        };
        let ExprKind::Name(factory) = &made.callee.kind else {
            return None;
        };
        let factory = &self.module.functions[*self.functions_by_name.get(&**factory)?];
        let mut returned = factory.body.iter().filter_map(|s| match &s.kind {
            StmtKind::Return(Some(e)) => Some(e),
            _ => None,
        });
        let only = returned.next().filter(|_| returned.next().is_none())?;
        match &only.kind {
            ExprKind::Function(fi) => Some(*fi),
            // `def make(): def handle(x): ...; return handle`: a function nested in it.
            ExprKind::Name(n) => self.module.functions.iter().position(|f| {
                f.name == *n
                    && !std::ptr::eq(f, factory)
                    && f.span.start >= factory.span.start
                    && f.span.end <= factory.span.end
            }),
            _ => None,
        }
    }

    /// The functions a call of an entry of a table, or of a name bound to one, may run (see
    /// `Ctx::tables`). A name bound to one function of the file directly is `local_callee`'s.
    fn table_callees(&self, callee: &Expr, cx: &Ctx<'m>) -> Vec<Entry> {
        match &callee.kind {
            ExprKind::Name(n) => match self.named_table(n, cx) {
                Some(entries) if !self.functions_by_name.contains_key(&**n) => entries.to_vec(),
                _ => Vec::new(),
            },
            ExprKind::Index { .. } | ExprKind::Call(_) => self.table_of(callee, cx, 0),
            _ => Vec::new(),
        }
    }

    /// For a JSX element of a component (`<Md title={t}>{text}</Md>`: a capitalised name called
    /// with an object of attributes first), the prop its children are.
    fn component_children(&self, call: &Call) -> Option<&'static str> {
        let capitalised = matches!(&call.callee.kind,
            ExprKind::Name(n) if n.starts_with(|c: char| c.is_ascii_uppercase()));
        let element = capitalised
            && call.args.len() > 1
            && matches!(call.args[0].value.kind, ExprKind::Dict(_));
        self.module.dialect.jsx_children.filter(|_| element)
    }

    /// The constructor a call of a class of the file runs (`__init__` in Python, where calling
    /// the class constructs; `constructor` for `new X()`), with its receiver offset.
    fn local_constructor(&self, call: &Call) -> Option<(usize, usize)> {
        let ExprKind::Name(n) = &call.callee.kind else {
            return None;
        };
        let dialect = &self.module.dialect;
        let ctor = dialect.constructor?;
        if !(dialect.capwords_construct || call.is_new) || self.functions_by_name.contains_key(&**n)
        {
            return None;
        }
        let ci = *self.classes_by_name.get(&**n)?;
        let fi = self.inherited(ci, ctor)?;
        Some((fi, self.receiver_offset(fi)))
    }

    /// How many leading parameters of `fi` a call does not pass (a Python method's `self`).
    pub(super) fn receiver_offset(&self, fi: usize) -> usize {
        let f = &self.module.functions[fi];
        usize::from(
            f.class.is_some()
                && self.module.dialect.first_param_receiver
                && f.params.first().is_some_and(|p| is_receiver_name(&p.name)),
        )
    }

    /// `Bot.run` / `Bot().run` -> the method `run` of the file's class `Bot`.
    pub(super) fn method_by_qualified(&self, q: &str) -> Option<usize> {
        let (class, method) = q.rsplit_once('.')?;
        let class = class.strip_suffix("()").unwrap_or(class);
        let ci = *self.classes_by_name.get(class)?;
        self.inherited(ci, method)
    }

    pub(super) fn apply_summary(
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
        let shapes = match &self.arg_shapes {
            Some((c, shapes)) if std::ptr::eq(*c, call) => Some(shapes),
            _ => None,
        };
        let positions = if f.has_patterns() {
            f.argument_positions()
        } else {
            Vec::new()
        };
        let mut pos = offset;
        for (ai, (a, t)) in call.args.iter().zip(arg_ts).enumerate() {
            let slot = match &a.name {
                Some(name) => f.params.iter().position(|p| p.name == *name),
                // `f({ url: u, path })` of `function f({ url, path })`: each name destructured
                // from the argument gets the property it reads, when the argument's fields
                // are known, and the whole argument otherwise.
                None if a.splat == crate::ir::Splat::None && !positions.is_empty() => {
                    let shape = shapes.and_then(|s| s.get(ai)).and_then(Option::as_ref);
                    for (i, slot) in by_param.iter_mut().enumerate() {
                        if positions[i] != pos {
                            continue;
                        }
                        let key = f.params[i].pattern.as_ref().and_then(|d| d.key.as_deref());
                        let given = match (key, shape) {
                            (Some(k), Some(s)) => s.get(KeyRef::Name(k)).0,
                            _ => t,
                        };
                        join(slot, given);
                    }
                    pos += 1;
                    None
                }
                None if a.splat == crate::ir::Splat::None => {
                    pos += 1;
                    Some(pos - 1)
                }
                // `run(*args)`, `run(**params)`: which parameters it binds is unknown, so each
                // one from here on (or each one, for keywords) may get it.
                None => {
                    let from = match a.splat {
                        crate::ir::Splat::Star => pos,
                        _ => offset,
                    };
                    for slot in by_param.iter_mut().skip(from) {
                        join(slot, t);
                    }
                    None
                }
            };
            if let Some(slot) = slot.filter(|s| *s < by_param.len()) {
                join(&mut by_param[slot], t);
            }
        }
        // `<Md>{text}</Md>`: a component's children are its `props.children` (the element
        // lowers as `Md({attributes}, ...children)`).
        if let Some(children) = self.component_children(call) {
            let slot = f.params.iter().position(|p| &*p.name == children);
            if let Some(slot) = slot.or(Some(0)).filter(|s| *s < by_param.len()) {
                for t in arg_ts.iter().skip(1) {
                    join(&mut by_param[slot], t);
                }
            }
        }
        self.indexed_by_arguments(fi, &by_param, cx);
        self.seed_captured(fi, &by_param);
        // Parameters that reach sinks inside the callee. Facts are only added (a recursive call
        // may add to this very list): the ones there now are read by index, not copied.
        for k in 0..self.summaries[fi].sinks.len() {
            let fact = self.summaries[fi].sinks[k].clone();
            let Some(input) = by_param.get(fact.param) else {
                continue;
            };
            // `jsonify(msg2dict(msg))`: the message the callee makes is answered to the client.
            if self.fallback_spans.contains_key(&fact.sink_span)
                && self.result_not_a_prompt(fact.sink_kind)
            {
                continue;
            }
            for l in input.clone() {
                if fact.flags & UNNAMED != 0 && self.holds_by_name(&l) {
                    continue;
                }
                let cleared = l.cleared | fact.cleared;
                // Privileged data the callee places as a user's text is no longer privileged.
                let kept = match fact.flags & DEMOTED {
                    0 => l.flags,
                    _ => l.flags & !PRIVILEGED,
                };
                let flags = kept | fact.flags;
                if cleared & (1 << fact.sink_kind) != 0 {
                    continue;
                }
                // Known already: no path is made for it (a function called from many places
                // would otherwise grow the trace by its facts at every call).
                let new = match (l.param(), cx.function) {
                    (Some(param), Some(cur)) => {
                        let key = (param, fact.sink_kind, fact.sink_span, cleared, flags);
                        !self.knows_sink_fact(cur, &key)
                    }
                    (Some(_), None) => false,
                    (None, _) => {
                        let l = Label {
                            cleared,
                            flags,
                            ..l
                        };
                        self.would_report(&l, fact.sink_kind, fact.sink_span)
                    }
                };
                // `complete(system, msg)` sends `msg` whole: logging `msg` here logs the
                // conversation. The value is the argument as passed.
                if l.param().is_none() && self.sent_whole_by_use(&l, fact.sink_kind) {
                    let l = Label {
                        cleared,
                        flags,
                        trace: self.arg_step(&l, span, fi),
                        ..l
                    };
                    let confidence = fact.sink_confidence;
                    self.note_use(
                        &l,
                        fact.sink_kind,
                        fact.sink_span,
                        &fact.sink_label,
                        confidence,
                    );
                }
                if !new {
                    continue;
                }
                let arg = self.arg_step(&l, span, fi);
                let trace = self
                    .trace
                    .push(span, Note::Splice { callee: fact.trace }, arg);
                match (l.param(), cx.function) {
                    (Some(param), Some(cur)) => {
                        self.add_sink_fact(
                            cur,
                            SinkFact {
                                param,
                                cleared,
                                flags,
                                trace,
                                ..fact.clone()
                            },
                        );
                    }
                    (Some(_), None) => {}
                    (None, _) => {
                        let l = Label {
                            cleared,
                            flags,
                            trace,
                            ..l
                        };
                        self.report(
                            &l,
                            fact.sink_kind,
                            fact.sink_span,
                            &fact.sink_label,
                            fact.sink_confidence,
                        )
                    }
                }
            }
        }
        self.apply_stores(fi, &by_param, span, cx);
        // Parameters the callee passes on to other files.
        let externals = self.summaries[fi].externals.clone();
        for (param, target, arg, fact) in externals {
            let Some(input) = by_param.get(param) else {
                continue;
            };
            for l in input.clone() {
                let from = self.arg_step(&l, span, fi);
                let trace = self
                    .trace
                    .push(span, Note::Splice { callee: fact.trace }, from);
                let label = Label {
                    kind: l.kind,
                    cleared: l.cleared | fact.cleared,
                    flags: l.flags | fact.flags,
                    trace,
                };
                match (l.param(), cx.function) {
                    (Some(p), Some(cur)) => {
                        self.add_external_fact(cur, (p, target.clone(), arg.clone(), label))
                    }
                    (Some(_), None) => {}
                    (None, _) => self.push_external(target.clone(), arg.clone(), label, None),
                }
            }
        }
        let ret = self.summaries[fi].ret.clone();
        if self.shape_wanted(span) {
            // `text, usage = ask(q)`: what each part of the result carries.
            if let Some(s) = self.summaries[fi].ret_shape.shape().cloned() {
                let s = s.map(&mut |t| self.substitute_params(t, &by_param, span, fi));
                self.give_shape(span, Some(Rc::new(s)));
            }
        }
        self.substitute_params(&ret, &by_param, span, fi)
    }

    /// The fields the callee stores its parameters in get what this call passes for them; a
    /// parameter of the caller passed on is stored by the caller too (a setter calling one).
    fn apply_stores(&mut self, fi: usize, by_param: &[Taint], span: Span, cx: &Ctx<'m>) {
        // Facts are only added (a recursive call may add to this very list).
        for k in 0..self.stores[fi].len() {
            let fact = self.stores[fi][k];
            let Some(input) = fact.marker.param().and_then(|p| by_param.get(p)) else {
                continue;
            };
            for l in input.clone() {
                let mut stored = Label {
                    kind: l.kind,
                    cleared: l.cleared | fact.marker.cleared,
                    flags: l.flags | fact.marker.flags,
                    trace: l.trace,
                };
                let same = |x: &Label| {
                    (x.kind, x.cleared, x.flags) == (stored.kind, stored.cleared, stored.flags)
                };
                let key = (fact.class, fact.field);
                // Known already: no path is made for it.
                let known = match (l.param(), cx.function) {
                    (Some(_), Some(cur)) => self.stores[cur]
                        .iter()
                        .any(|f| same(&f.marker) && (f.class, f.field) == key),
                    (Some(_), None) => true,
                    (None, _) => self.fields.get(&key).is_some_and(|t| t.iter().any(same)),
                };
                if known {
                    continue;
                }
                let from = self.arg_step(&l, span, fi);
                stored.trace = self.trace.push(
                    span,
                    Note::Splice {
                        callee: fact.marker.trace,
                    },
                    from,
                );
                self.changed = true;
                match (l.param(), cx.function) {
                    (Some(_), Some(cur)) => self.stores[cur].push(StoreFact {
                        marker: stored,
                        ..fact
                    }),
                    _ => {
                        self.field_written(fact.class, fact.field, None);
                        join(self.fields.entry(key).or_default(), &[stored]);
                    }
                }
            }
        }
    }

    pub(super) fn arg_step(&mut self, l: &Label, span: Span, fi: usize) -> u32 {
        let name = self.module.functions[fi].name.clone();
        let name: Box<str> = if name.is_empty() {
            "a callback".into()
        } else {
            name
        };
        self.trace.push(span, Note::Arg(name), l.trace)
    }

    /// A callee's return labels at a call site: parameter markers become the arguments' labels.
    pub(super) fn substitute_params(
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
                        if r.flags & UNNAMED != 0 && self.holds_by_name(&l) {
                            continue;
                        }
                        let arg = self.arg_step(&l, span, fi);
                        let trace = self.trace.push(span, Note::Splice { callee: r.trace }, arg);
                        join(
                            &mut out,
                            &[Label {
                                kind: l.kind,
                                cleared: l.cleared | r.cleared,
                                flags: l.flags | r.flags,
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
    pub(super) fn callback_result(&self, fi: usize) -> Taint {
        let mut out = Taint::new();
        for r in &self.summaries[fi].ret {
            match r.param() {
                None => {
                    join(&mut out, &[*r]);
                }
                Some(p) => {
                    if let Some(seed) = self.seeds[fi].get(p) {
                        join(&mut out, &with_flags(seed.clone(), r.flags));
                    }
                }
            }
        }
        out
    }

    /// What the callee's closures capture of its parameters reaches their sinks with no
    /// parameter marker: they see the real data its callers in this file pass (see
    /// `captured_seeds`).
    fn seed_captured(&mut self, fi: usize, by_param: &[Taint]) {
        let captured = self.summaries[fi].captured;
        if captured == 0 {
            return;
        }
        for (p, input) in by_param.iter().enumerate() {
            if captured & 1u64.checked_shl(p as u32).unwrap_or(0) == 0 {
                continue;
            }
            let input = real(input);
            for l in &input {
                self.caller_kinds[fi] |= kind_bit(l.kind);
            }
            if let Some(slot) = self.captured_seeds[fi].get_mut(p) {
                self.changed |= join(slot, &input);
            }
        }
    }

    pub(super) fn seed_callback(&mut self, fi: usize, input: &[Label]) {
        if input.is_empty() {
            return;
        }
        let Some(seeds) = self.seeds.get_mut(fi) else {
            return;
        };
        let data = real(input);
        for slot in seeds.iter_mut() {
            self.changed |= join(slot, &data);
        }
    }

    /// `[[forwarder]]` parameter `i` of callback `fi` gets `input`.
    fn seed_callback_param(&mut self, fi: usize, i: usize, input: &[Label]) {
        if let Some(slot) = self.seeds.get_mut(fi).and_then(|s| s.get_mut(i)) {
            self.changed |= join(slot, &real(input));
        }
    }

    /// The `[[forwarder]]` a call to `q` is, and the index of the argument holding the function
    /// it calls (`target=f`, `submit(f, ...)`).
    fn forwarder_at(&self, call: &Call, q: &str) -> Option<(&'a Forwarder, usize)> {
        let spec: &'a FlowSpec = self.spec;
        let fw = spec
            .forwarders
            .iter()
            .find(|f| f.calls.iter().any(|g| g.matches(q)))?;
        let by_keyword = fw
            .function
            .as_deref()
            .and_then(|k| call.args.iter().position(|a| a.name.as_deref() == Some(k)));
        let at = by_keyword.or_else(|| fw.position.and_then(|p| positional_index(call, p)))?;
        Some((fw, at))
    }

    /// What each item of a forwarder's written-out argument tuple (`args=(a, b)`) carries;
    /// `Some(empty)` without one, `None` for a tuple that is not written out.
    fn forwarded_tuple(
        &mut self,
        call: &'m Call,
        fw: &Forwarder,
        cx: &mut Ctx<'m>,
    ) -> Option<Vec<Taint>> {
        let Some(k) = &fw.args else {
            return Some(Vec::new());
        };
        let Some(tuple) = call.args.iter().find(|a| a.name.as_deref() == Some(k)) else {
            return Some(Vec::new());
        };
        let ExprKind::List(items) = &tuple.value.kind else {
            return None;
        };
        Some(items.iter().map(|item| self.expr(item, cx)).collect())
    }

    /// What a `[[forwarder]]` call (`Thread(target=f, args=(a, b))`, `pool.submit(f, a, b)`)
    /// passes to each parameter of the function `fi` it is given, in order; `None` for any
    /// other call or an argument list that is not written out.
    fn forwarded_positions(
        &mut self,
        call: &'m Call,
        q: Option<&str>,
        fi: usize,
        arg_ts: &[Taint],
        cx: &mut Ctx<'m>,
    ) -> Option<Vec<Taint>> {
        let (fw, at) = self.forwarder_at(call, q?)?;
        if self.function_value(&call.args[at].value, cx.class) != Some(fi) {
            return None;
        }
        // Data passed by another keyword (`Thread(target=f, kwargs={"q": q})`) is not mapped.
        let own = |n: &str| fw.function.as_deref() == Some(n) || fw.args.as_deref() == Some(n);
        let other_keyword = call
            .args
            .iter()
            .zip(arg_ts)
            .any(|(a, t)| a.name.as_deref().is_some_and(|n| !own(n)) && !t.is_empty());
        if other_keyword {
            return None;
        }
        let mut passed = Vec::new();
        if fw.rest {
            // A keyword or a splat (`partial(search, q=q)`, `submit(f, *args)`) binds parameters
            // by name or by count: every argument reaches every parameter then.
            for (a, t) in call.args.iter().zip(arg_ts).skip(at + 1) {
                match (&a.name, a.splat) {
                    (None, crate::ir::Splat::None) => passed.push(t.clone()),
                    _ => return None,
                }
            }
        }
        passed.extend(self.forwarded_tuple(call, fw, cx)?);
        Some(passed)
    }

    /// The function an expression stands for: a lambda, a function's name, `self.method`.
    pub(super) fn function_value(&self, e: &Expr, class: Option<usize>) -> Option<usize> {
        match &e.kind {
            ExprKind::Function(fi) => Some(*fi),
            ExprKind::Name(n) => self.functions_by_name.get(&**n).copied(),
            ExprKind::Attribute { value, attr } => match &value.kind {
                ExprKind::Name(n) if is_receiver_name(n) => {
                    self.methods.get(&(class?, &**attr)).copied()
                }
                // `self.db.run_sql` with `db` a `Database` of the file: its method.
                _ => self.method_by_qualified(self.module.method_refs.get(&e.span)?),
            },
            _ => None,
        }
    }

    /// Whether the enclosing class has a base matching one of `globs` (always, when empty).
    pub(super) fn in_classes_ok(
        &self,
        globs: &[crate::spec::glob::Glob],
        class: Option<usize>,
    ) -> bool {
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

    /// Whether the file imports one of `modules` (always, when empty). Asked at each call that
    /// matches a table: the answer is kept per list (the tables' lists do not move).
    pub(super) fn imports_ok(&self, modules: &[String]) -> bool {
        if modules.is_empty() {
            return true;
        }
        let key = (modules.as_ptr() as usize, modules.len());
        if let Some(&ok) = self.imports_seen.borrow().get(&key) {
            return ok;
        }
        let ok = self
            .module
            .imports
            .iter()
            .any(|i| modules.iter().any(|m| i.qualified.starts_with(m.as_str())));
        self.imports_seen.borrow_mut().insert(key, ok);
        ok
    }

    /// `request.args` -> `flask.request.args` through the file's imports.
    pub(super) fn qualify_chain(&self, e: &Expr) -> Option<String> {
        // A generic base names its class: `Tool[RunSqlArgs]` is `Tool`.
        let e = match &e.kind {
            ExprKind::Index { value, .. } => value,
            _ => e,
        };
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

    pub(super) fn decorator_name(&self, d: &Expr) -> Option<String> {
        match &d.kind {
            ExprKind::Call(c) => c
                .qualified
                .as_deref()
                .map(str::to_string)
                .or_else(|| self.qualify_chain(&c.callee)),
            _ => self.qualify_chain(d),
        }
    }
}
