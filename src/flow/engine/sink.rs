//! Sinks: which arguments of a call reach one, findings for real sources, summary facts for
//! parameters.

use super::*;
use crate::finding::Confidence;
use crate::flow::trace::{LINKED, SHAPED};

impl<'a, 'm> Engine<'a, 'm> {
    /// Returns whether data reached a sink of the call.
    pub(super) fn call_sinks(
        &mut self,
        call: &'m Call,
        q: Option<&'m str>,
        span: Span,
        recv_t: &[Label],
        arg_ts: &[Taint],
        cx: &mut Ctx<'m>,
    ) -> bool {
        let mut reached = false;
        if let Some(q) = q {
            let matched = self.name_match(q);
            for &id in &matched.sinks {
                let sink = &self.spec.sinks[id as usize];
                let SinkMatch::Calls {
                    args,
                    element,
                    file_contents,
                    when,
                    unless,
                    requires_kinds,
                    ..
                } = &sink.matcher
                else {
                    continue;
                };
                if self.wanted_sinks & (1 << sink.kind) == 0
                    || !self.imports_ok(&sink.imports)
                    || !self.sink_served(*requires_kinds, cx.function)
                {
                    continue;
                }
                let holds = |c: &crate::spec::condition::Condition| c.holds(call, self.consts);
                if !when.iter().all(holds) || unless.iter().any(holds) {
                    continue;
                }
                let t = if *file_contents {
                    self.sink_files(call, args, element.unwrap_or(0), cx.function)
                } else {
                    self.sink_args(call, args, *element, recv_t, arg_ts, sink.kind, cx)
                };
                reached |= !t.is_empty();
                self.sink_reached(id as usize, span, &t, cx, &format!("{q}()"));
            }
        }
        // A splat is not an argument another file's analysis would follow: it does not count
        // as `reached`.
        self.splat_sinks(call, q, arg_ts, cx);
        // `llm.invoke(prompt)`, `llm(prompt)`, where `llm` is a model object the resolver cannot
        // name.
        let method = invoked_method(call);
        let Some(ids) = self.ix.method_sinks.get(method) else {
            return reached;
        };
        for &id in ids {
            let sink = &self.spec.sinks[id as usize];
            let SinkMatch::Methods {
                receivers, args, ..
            } = &sink.matcher
            else {
                continue;
            };
            if !carries(recv_t, *receivers)
                || self.wanted_sinks & (1 << sink.kind) == 0
                || !self.imports_ok(&sink.imports)
            {
                continue;
            }
            let t = self.sink_args(call, args, None, &[], arg_ts, sink.kind, cx);
            reached |= !t.is_empty();
            self.sink_reached(id as usize, span, &t, cx, &format!("{method}()"));
        }
        reached
    }

    /// `f(**args)`, `f(*args)`, `f({ ...args })`: each splat whose data reaches a `splats` sink,
    /// unless the call itself validates what it is given for that sink's kind (`Args(**data)`,
    /// a pydantic model).
    /// A dict literal with only keys the code wrote, directly or through a name bound once to
    /// it and never changed in place.
    fn code_keyed(&self, e: &Expr) -> bool {
        let dict = match &e.kind {
            ExprKind::Name(n) if !self.consts.mutated(n, e.span) => self.consts.binding(n),
            ExprKind::Dict(_) => Some(e),
            _ => None,
        };
        matches!(dict.map(|d| &d.kind), Some(ExprKind::Dict(entries))
            if !entries.is_empty() && entries.iter().all(|(k, _)| k.as_ref().is_some_and(|k| k.as_str().is_some())))
    }

    fn splat_sinks(
        &mut self,
        call: &'m Call,
        q: Option<&'m str>,
        arg_ts: &[Taint],
        cx: &mut Ctx<'m>,
    ) {
        if self.ix.splat_sinks.is_empty() || !call.has_splat() && !call.has_keyword_splat() {
            return;
        }
        let method = match &call.callee.kind {
            ExprKind::Attribute { attr, .. } => Some(&**attr),
            _ => None,
        };
        let validated = self.sanitizer_mask(q, method);
        let name = q
            .map(str::to_string)
            .or_else(|| call.callee.dotted())
            .unwrap_or_else(|| "a call".to_string());
        let capwords = self.module.dialect.capwords_construct;
        // `Action(**args)`, `new Client({ ...opts })`; not an entry of a constant table
        // (`TOOLS[name](**args)`).
        let constructs = call.is_new
            || capwords
                && name.rsplit('.').next().is_some_and(|n| {
                    n.starts_with(char::is_uppercase)
                        && n.chars().all(|c| c.is_alphanumeric() || c == '_')
                });
        for id in self.ix.splat_sinks.clone() {
            let sink = &self.spec.sinks[id as usize];
            let SinkMatch::Splats {
                keyword,
                positional,
                unless_constructor,
                ref unless_calls,
            } = sink.matcher
            else {
                continue;
            };
            if (unless_constructor && constructs)
                || unless_calls.iter().any(|g| g.matches(&name))
                || self.wanted_sinks & (1 << sink.kind) == 0
                || validated & (1 << sink.kind) != 0
                || !self.imports_ok(&sink.imports)
            {
                continue;
            }
            for (i, a) in call.args.iter().enumerate() {
                // A dict literal is one positional value, not keywords, unless the language
                // passes options as one object.
                let options = self.module.dialect.options_objects;
                let spread_keys = match (&a.value.kind, a.splat, &a.name) {
                    (ExprKind::Dict(entries), crate::ir::Splat::None, None) if options => {
                        Some(entries)
                    }
                    _ => None,
                };
                match a.splat {
                    // A dict whose keys the code wrote (`params = {"model": m, "messages": ms}`;
                    // `**params`): the model may fill values, not choose the arguments.
                    crate::ir::Splat::DoubleStar if keyword && !self.code_keyed(&a.value) => {
                        self.sink_reached(id as usize, a.span, &arg_ts[i], cx, &name);
                    }
                    crate::ir::Splat::Star if positional => {
                        self.sink_reached(id as usize, a.span, &arg_ts[i], cx, &name);
                    }
                    _ => {}
                }
                // `f({ units: "metric", ...args })`: the spread's keys replace the options the
                // code set before it (a spread first, `{ ...args, id }`, cannot replace `id`, and
                // alone it is the object passed whole).
                if let (Some(entries), true) = (spread_keys, keyword) {
                    let mut keyed = false;
                    for (k, v) in entries {
                        if k.is_some() {
                            keyed = true;
                            continue;
                        }
                        if !keyed {
                            continue;
                        }
                        let inner = match &v.kind {
                            ExprKind::Spread(inner) => inner,
                            _ => v,
                        };
                        let t = self.expr(inner, cx);
                        self.sink_reached(id as usize, v.span, &t, cx, &name);
                    }
                }
            }
        }
    }

    /// What the files named by `args` of `call` (all of them when empty) hold; in a list, the
    /// file is the first item from `first` on that is not a flag.
    fn sink_files(
        &self,
        call: &'m Call,
        args: &[SinkArg],
        first: usize,
        function: Option<usize>,
    ) -> Taint {
        let mut t = Taint::new();
        for (i, a) in call.args.iter().enumerate() {
            let named = args.is_empty()
                || args.iter().any(|s| match s {
                    SinkArg::Position(p) => positional_index(call, *p) == Some(i),
                    SinkArg::Keyword(k) => a.name.as_deref() == Some(k),
                    SinkArg::Receiver | SinkArg::Setting(_) => false,
                });
            if named {
                join(&mut t, &self.file_contents(&a.value, first, function));
            }
        }
        t
    }

    /// What reaches a sink of `sink_kind` through `args` of `call` (all of them when empty).
    #[allow(clippy::too_many_arguments)]
    fn sink_args(
        &mut self,
        call: &'m Call,
        args: &[SinkArg],
        element: Option<usize>,
        recv_t: &[Label],
        arg_ts: &[Taint],
        sink_kind: u8,
        cx: &mut Ctx<'m>,
    ) -> Taint {
        let mut t = Taint::new();
        if args.is_empty() {
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
                SinkArg::Setting(path) => {
                    if let Some(v) = self.setting(call, path) {
                        let vt = self.expr(v, cx);
                        join(&mut t, &vt);
                    }
                    continue;
                }
                SinkArg::Keyword(k) => {
                    let named = call.args.iter().position(|x| x.name.as_deref() == Some(k));
                    if named.is_none() {
                        // `create({ system: x })`, `opts = { system: x }; create(opts)`,
                        // `create(**params)`: the key of an options object or a dict.
                        if let Some(v) = crate::ir::settings::keyword(call, k, self.consts) {
                            let vt = self.option_value(v, sink_kind, cx);
                            join(&mut t, &vt);
                        }
                    }
                    named
                }
            };
            let Some(i) = arg_index else { continue };
            let value = &call.args[i].value;
            // `instructions=dynamic_instructions`: the SDK calls the function for the text.
            if call.args[i].name.is_some() {
                if let Some(fi) = self.function_value(value, cx.class) {
                    join(&mut t, &self.returned_by(fi));
                }
            }
            match (element, &value.kind) {
                // `subprocess.run([prog, arg])`: only the program counts.
                (Some(el), ExprKind::List(items)) => {
                    if let Some(item) = items.get(el) {
                        let it = self.expr(item, cx);
                        join(&mut t, &it);
                    }
                }
                (Some(0), ExprKind::Name(n)) if cx.env.head(n).is_some() => {
                    join(&mut t, cx.env.head(n).unwrap_or(&Taint::new()));
                }
                _ => {
                    join(&mut t, &arg_ts[i]);
                }
            }
        }
        t
    }

    /// The value at `path` inside an argument of `call` (`json.messages`, `1.messages`), also
    /// when the argument serialises a dict (`data=json.dumps(body)`), where aiguard can read it.
    fn setting(&self, call: &'m Call, path: &str) -> Option<&'m Expr> {
        use crate::ir::settings;
        let (head, rest) = path.split_once('.')?;
        let value = match head.parse::<usize>() {
            Ok(p) => call.positional(p)?,
            Err(_) => settings::lookup(call, head, self.consts).value()?,
        };
        settings::lookup_in(settings::serialised(value, self.consts), rest, self.consts).value()
    }

    /// Data `t` reaches sink `id` at `span`: report real sources, and record parameters in the
    /// enclosing function's summary.
    pub(super) fn sink_reached(
        &mut self,
        id: usize,
        span: Span,
        t: &[Label],
        cx: &Ctx<'m>,
        name: &str,
    ) {
        if t.is_empty() {
            return;
        }
        let sink = &self.spec.sinks[id];
        let kind = self.gated_kind(sink.kind);
        if self.wanted_sinks & (1 << kind) == 0 {
            return;
        }
        let label = sink.label.clone().unwrap_or_else(|| format!("`{name}`"));
        if sink.fallback {
            self.fallback_spans.insert(span, sink.kind);
        }
        for l in t {
            if l.cleared & (1 << kind) != 0 {
                continue;
            }
            match l.param() {
                Some(param) => {
                    if let Some(fi) = cx.function {
                        self.add_sink_fact(
                            fi,
                            SinkFact {
                                param,
                                sink_kind: kind,
                                cleared: l.cleared,
                                flags: l.flags,
                                trace: l.trace,
                                sink_span: span,
                                sink_label: label.as_str().into(),
                                sink_confidence: sink.confidence,
                            },
                        );
                    }
                }
                None => {
                    self.report(l, kind, span, &label, sink.confidence);
                    if !self.by_use.is_empty() {
                        self.note_use(l, kind, span, &label, sink.confidence);
                    }
                }
            }
        }
    }

    pub(super) fn report(
        &mut self,
        l: &Label,
        sink_kind: u8,
        span: Span,
        label: &str,
        confidence: Option<crate::finding::Confidence>,
    ) {
        if !self.fallback_spans.is_empty()
            && !self.fallback_spans.contains_key(&span)
            && self.walked.insert((l.trace, sink_kind))
        {
            let spans: Vec<Span> = self.trace.path(l.trace).iter().map(|st| st.span).collect();
            self.supersede(spans, sink_kind);
        }
        for i in 0..self.rules.len() {
            let r = self.rules[i];
            let rule = &self.spec.rules[r];
            let linked = l.flags & LINKED != 0;
            if self.reports(r, l, sink_kind) && self.reported.insert((r, span, linked)) {
                self.hits.push(FlowHit {
                    rule: r,
                    linked,
                    sink_span: span,
                    sink_label: label.to_string(),
                    confidence: Some(confidence_of(rule.confidence, confidence, l.flags)),
                    trace: l.trace,
                });
            }
        }
    }

    /// Whether rule `r` reports data labelled `l` reaching a sink of `sink_kind`.
    fn reports(&self, r: usize, l: &Label, sink_kind: u8) -> bool {
        let rule = &self.spec.rules[r];
        rule.sent_whole_to == 0
            && rule.sources & (1 << l.kind) != 0
            && rule.sinks & (1 << sink_kind) != 0
            && l.flags & rule.flags == rule.flags
            && l.flags & rule.unless_flags == 0
    }

    /// Whether reporting `l` at `span` would add a hit (one not reported there yet).
    pub(super) fn would_report(&self, l: &Label, sink_kind: u8, span: Span) -> bool {
        self.rules.iter().any(|&r| {
            let linked = l.flags & LINKED != 0;
            self.reports(r, l, sink_kind) && !self.reported.contains(&(r, span, linked))
        })
    }

    fn sink_key(fact: &SinkFact) -> SinkKey {
        (
            fact.param,
            fact.sink_kind,
            fact.sink_span,
            fact.cleared,
            fact.flags,
        )
    }

    /// Whether function `fi`'s summary has (or has no room for) this fact.
    pub(super) fn knows_sink_fact(&self, fi: usize, key: &SinkKey) -> bool {
        let summary = &self.summaries[fi];
        summary.sinks.len() >= MAX_SINK_FACTS || summary.sink_keys.contains(key)
    }

    pub(super) fn add_sink_fact(&mut self, fi: usize, fact: SinkFact) {
        let key = Self::sink_key(&fact);
        if self.knows_sink_fact(fi, &key) {
            return;
        }
        let summary = &mut self.summaries[fi];
        summary.sink_keys.insert(key);
        summary.sinks.push(fact);
        self.changed = true;
    }
}

impl<'a, 'm> Engine<'a, 'm> {
    /// What an option's value gives a sink: the value, or what it returns when it is a function
    /// (`{ instructions: () => ... }`). Fallback sinks around the value (`instructions` named
    /// in an options object built before the call) give way to the call's sink.
    fn option_value(&mut self, v: &'m Expr, sink_kind: u8, cx: &mut Ctx<'m>) -> Taint {
        let t = match self.function_value(v, cx.class) {
            Some(fi) => {
                self.expr(v, cx);
                self.returned_by(fi)
            }
            None => self.expr(v, cx),
        };
        if !t.is_empty() {
            let around: Vec<Span> = self
                .fallback_spans
                .keys()
                .filter(|f| f.start <= v.span.start && v.span.end <= f.end)
                .copied()
                .collect();
            self.supersede(around, sink_kind);
        }
        t
    }

    /// The sink kinds of the enabled rules (by id, over all their `[[flow]]` tables) that report
    /// sinks of `kind`, and of the rules that report those: a named prompt (AIG201) gives way to
    /// a model call's system prompt (AIG202, which also reports prompts).
    pub fn related_sinks(&self, kind: u8) -> KindSet {
        let rules = &self.spec.rules;
        let mut kinds: KindSet = 1 << kind;
        for _ in 0..2 {
            let ids: Vec<&str> = self
                .rules
                .iter()
                .filter(|&&r| rules[r].sinks & kinds != 0)
                .map(|&r| rules[r].rule_id)
                .collect();
            kinds = self
                .rules
                .iter()
                .filter(|&&r| ids.contains(&rules[r].rule_id))
                .fold(kinds, |m, &r| m | rules[r].sinks);
        }
        kinds
    }

    /// The fallback sinks among `spans` that a sink of `sink_kind` replaces: one that a rule
    /// reporting the fallback's kind reports too (a model call's prompt replaces a
    /// `system_prompt` variable; a route's response does not).
    fn supersede(&mut self, spans: Vec<Span>, sink_kind: u8) {
        for span in spans {
            let Some(&kind) = self.fallback_spans.get(&span) else {
                continue;
            };
            if self.related_sinks(kind) & (1 << sink_kind) != 0 {
                self.superseded.insert(span);
            }
        }
    }

    /// The data (not the parameters) a function of the file returns.
    fn returned_by(&self, fi: usize) -> Taint {
        self.summaries[fi]
            .ret
            .iter()
            .filter(|l| l.param().is_none())
            .copied()
            .collect()
    }
}

/// A flow finding's confidence: what the engine knows of its path. The rule's (or its `[[flow]]`
/// table's) confidence, lowered by a sink the packs call less certain (`print` as a log, a
/// method known only by its name), to medium for a path through a callee picked by shape (the
/// scan's methods of that name), and to low for a source known only by its name.
pub(super) fn confidence_of(
    rule: Confidence,
    sink: Option<Confidence>,
    flags: crate::spec::flow::Flags,
) -> Confidence {
    let path = if flags & GUESSED != 0 {
        Confidence::Low
    } else if flags & SHAPED != 0 {
        Confidence::Medium
    } else {
        Confidence::High
    };
    rule.min(sink.unwrap_or(Confidence::High)).min(path)
}
