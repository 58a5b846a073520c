//! Expressions: names, attributes and indexes, string building (and the URL host rule), containers.

use super::shape::{KeyRef, MAX_PARTS};
use super::*;

impl<'a, 'm> Engine<'a, 'm> {
    pub(super) fn expr(&mut self, e: &'m Expr, cx: &mut Ctx<'m>) -> Taint {
        if self.depth > crate::ir::MAX_DEPTH {
            return Taint::new();
        }
        self.depth += 1;
        self.work += 1;
        let t = self.expr_inner(e, cx);
        self.depth -= 1;
        t
    }

    pub(super) fn expr_inner(&mut self, e: &'m Expr, cx: &mut Ctx<'m>) -> Taint {
        match &e.kind {
            ExprKind::Name(n) => {
                if cx.receiver == Some(&**n) {
                    return Taint::new();
                }
                let mut t = self.lookup(n, cx).unwrap_or_default();
                self.attribute_source(e, &mut t, cx.class);
                // `answer` of `const [answer, setAnswer] = useState("")`: what was set.
                if !self.state_values.is_empty() {
                    let set = self.state_values.iter().find(|((owner, name), _)| {
                        *name == &**n && self.encloses(*owner, cx.function)
                    });
                    if let Some((_, v)) = set {
                        join(&mut t, &v.clone());
                    }
                }
                if self.is_value_name(n) {
                    self.name_labels(n, e.span, &mut t);
                }
                if self.shape_wanted(e.span) {
                    self.give_shape(e.span, self.shape_at(e, cx));
                }
                t
            }
            ExprKind::Attribute { value, attr } => {
                if let (ExprKind::Name(n), Some(ci)) = (&value.kind, cx.class) {
                    if cx.receiver == Some(&**n) {
                        let mut t = self.field_taint(ci, attr);
                        self.name_labels(attr, e.span, &mut t);
                        // `self.rfile` of a request handler: what the framework set is a source.
                        self.attribute_source(e, &mut t, cx.class);
                        if self.shape_wanted(e.span) {
                            self.give_shape(e.span, self.shape_at(e, cx));
                        }
                        return t;
                    }
                }
                // `o.f` of an object whose fields are known: that field only.
                let base = match self.part_taint(e, cx) {
                    Some(part) => part,
                    None => self.base(value, cx),
                };
                if self.shape_wanted(e.span) {
                    self.give_shape(e.span, self.shape_at(e, cx));
                }
                // `prompt.text` is the prompt: its object's name holds.
                let mut t = if self.spec.name_attributes.iter().any(|a| a == &**attr) {
                    let mut t = base;
                    if let ExprKind::Name(n) = &value.kind {
                        if self.is_value_name(n) {
                            self.name_labels(n, value.span, &mut t);
                        }
                    }
                    t
                } else {
                    self.field_of(base)
                };
                self.name_labels(attr, e.span, &mut t);
                self.clear_by_field_name(&mut t, attr);
                if let Some(&mask) = self.bounded_fields.get(&**attr) {
                    clear_kinds(&mut t, mask);
                }
                self.attribute_source(e, &mut t, cx.class);
                t
            }
            ExprKind::Index { value, index } => {
                // The key picks among the container's values: it does not make them tainted.
                let key = self.expr(index, cx);
                self.indexed_tools(value, &key, e.span, cx.function);
                // `t[2]`, `d["id"]` of a value whose parts are known: that part only.
                let mut t = match self.part_taint(e, cx) {
                    Some(part) => part,
                    None => self.base(value, cx),
                };
                if self.shape_wanted(e.span) {
                    self.give_shape(e.span, self.shape_at(e, cx));
                }
                match &index.kind {
                    // `environ["OPENAI_API_KEY"]`, `form["password"]`
                    ExprKind::Str(key) => {
                        t = self.field_of(t);
                        self.name_labels(key, e.span, &mut t);
                        self.clear_by_field_name(&mut t, key);
                    }
                    // `url.split("/")[-1]`: the last part has no separator.
                    _ if self.text.get(index.span.range()) == Some("-1") => {
                        clear_kinds(&mut t, self.split_last_mask(value))
                    }
                    // `key[:4]`, `&key[..4]`: a slice shows part of the value. An index
                    // computed by arithmetic (`parts[parts.length - 1]`) picks a whole element.
                    ExprKind::Other(_) if self.is_slice(index) => {
                        clear_kinds(&mut t, self.spec.slice_clears)
                    }
                    _ => {}
                }
                t
            }
            ExprKind::Call(call) => self.call(call, e.span, cx),
            ExprKind::StringBuild(parts) => {
                // Once a `/` (or `?`, `#`) has ended a URL's authority, what follows is a path or a
                // query: it cannot choose where a request goes (`f"https://api.x.com/{q}"`,
                // `f"{base}/search?q={q}"`), so it is cleared for host-only sinks.
                let mut t = Taint::new();
                let mut seen = false;
                let mut in_path = false;
                // Data formatted together with anything else is spliced into a larger text.
                let flags = if parts.len() > 1 { SPLICED } else { 0 };
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
                            join(&mut t, &with_flags(pt, flags));
                            seen = true;
                        }
                    }
                }
                self.literal_source(e, &mut t);
                t
            }
            ExprKind::Str(_) => {
                let mut t = Taint::new();
                self.literal_source(e, &mut t);
                t
            }
            ExprKind::Number(_) | ExprKind::Bool(_) | ExprKind::Null => Taint::new(),
            ExprKind::Dict(entries) => {
                let privileged = self.privileged_message(entries, cx);
                // A message placed with a role is read whole: its entries keep no shape.
                let mut parts = (self.shape_wanted(e.span) && !privileged)
                    .then(|| Vec::with_capacity(entries.len()));
                let mut placed = None;
                let mut t = Taint::new();
                let no_text = self.part_without_text(entries);
                let demotes = self.unprivileged_message(entries);
                for (at, (k, v)) in entries.iter().enumerate() {
                    if let Some(k) = k {
                        self.expr(k, cx);
                    }
                    let key = k.as_ref().and_then(|k| k.as_str());
                    if let Some(key) = key {
                        self.open_keys.push(key);
                    }
                    let (mut vt, inner) = match parts.is_some() {
                        true => self.expr_shaped(v, cx),
                        false => (self.expr(v, cx), None),
                    };
                    if key.is_some() {
                        self.open_keys.pop();
                    }
                    clear_kinds(&mut vt, no_text);
                    if demotes {
                        for l in vt.iter_mut() {
                            l.flags = (l.flags & !PRIVILEGED) | DEMOTED;
                        }
                    }
                    if k.is_none() {
                        // `{ ...headers, Authorization: "[REDACTED]" }`: the spread's fields are
                        // known by their keys, and a later key may replace them.
                        if let Some(kept) = self.spread_not_replaced(v, &entries[at + 1..], cx) {
                            vt = kept;
                        }
                        vt = self.field_of(vt);
                    }
                    // `{"password": pw}`; an empty or fixed value (`{"password": ""}`, or a choice
                    // of fixed ones: `token ? "[SET]" : "[NOT SET]"`) is not one.
                    if let (Some(key), false) =
                        (k.as_ref().and_then(|k| k.as_str()), is_fixed_value(v))
                    {
                        self.name_labels(key, v.span, &mut vt);
                    }
                    if let Some(key) = k.as_ref().and_then(|k| k.as_str()) {
                        let span = Span::new(
                            k.as_ref().map_or(v.span.start, |k| k.span.start) as usize,
                            v.span.end as usize,
                        );
                        vt = self.entry_sinks(
                            key,
                            entries,
                            span,
                            e.span,
                            vt,
                            privileged,
                            &mut placed,
                            cx,
                        );
                    }
                    if let Some(parts) = parts.as_mut() {
                        let key = k.as_ref().and_then(KeyRef::of_index);
                        parts.push((key, vt.clone(), inner));
                    }
                    join(&mut t, &vt);
                }
                if let Some(parts) = parts {
                    self.give_shape(e.span, Self::literal_shape(parts));
                }
                if let (Some(note), false) = (placed, t.is_empty()) {
                    t = self.trace.extend(&t, e.span, &note);
                }
                if privileged {
                    t = with_flags(t, PRIVILEGED);
                }
                t
            }
            ExprKind::List(items) if self.privileged_tuple(items) => {
                let t = self.expr(&items[1], cx);
                with_flags(t, PRIVILEGED)
            }
            // `not x`, `!x`, `typeof x`: a boolean or a type name, not the data.
            ExprKind::Other(items) if items.len() == 1 && self.unary_test(e) != Test::Other => {
                self.expr(&items[0], cx);
                Taint::new()
            }
            // `[m for m in msgs if m["role"] == "system"]`: only the messages of that role.
            ExprKind::Other(items) if self.role_filter_of_comprehension(items).is_some() => {
                let keep_privileged = self.role_filter_of_comprehension(items);
                let mut t = Taint::new();
                for i in items {
                    let it = self.expr(i, cx);
                    join(&mut t, &it);
                }
                self.keep_role(t, keep_privileged)
            }
            ExprKind::Other(items) if items.len() > 1 => {
                // `SYSTEM_PROMPT + question`: text joined to another text is spliced.
                let texty = |e: &Expr| {
                    matches!(e.kind, ExprKind::Str(_) | ExprKind::StringBuild(_))
                        || matches!(&e.kind, ExprKind::Name(n) if self.consts.is_str(n))
                };
                // Counted once: asking each operand about all the others is quadratic.
                let texts = items.iter().filter(|o| texty(o)).count();
                let mut t = Taint::new();
                for item in items {
                    let mut it = self.expr(item, cx);
                    if texts > usize::from(texty(item)) {
                        it = with_flags(it, SPLICED);
                    }
                    join(&mut t, &it);
                }
                t
            }
            // `role if role in ALLOWED else "user"`: each branch sees what the test checked.
            ExprKind::Choice(items) if conditional_test(items).is_some() => {
                let test = conditional_test(items).unwrap_or(e);
                self.expr(test, cx);
                let (when_true, when_false) = self.checks(test, cx);
                let field_check = self.field_guard(test);
                let mut t = Taint::new();
                let branches = items.iter().zip([when_true, when_false]).zip([true, false]);
                for ((item, checked), held) in branches {
                    let mut it = self.expr(item, cx);
                    if let ExprKind::Name(n) = &item.kind {
                        for (_, mask) in checked.into_iter().filter(|(c, _)| *c == &**n) {
                            clear_kinds(&mut it, mask);
                        }
                    }
                    // `m.role if m.role in ROLES else "user"`: the field tested is a constant.
                    if let (Some((n, a, passed)), ExprKind::Attribute { value, attr }) =
                        (field_check, &item.kind)
                    {
                        let same = matches!(&value.kind, ExprKind::Name(v) if **v == *n);
                        if same && **attr == *a && passed == held {
                            it.clear();
                        }
                    }
                    join(&mut t, &it);
                }
                t
            }
            // A tuple or list whose parts a reader asks for: `t = (text, usage)`.
            ExprKind::List(items) if self.shape_wanted(e.span) && items.len() <= MAX_PARTS => {
                let mut t = Taint::new();
                let mut parts = Vec::with_capacity(items.len());
                for (pos, i) in items.iter().enumerate() {
                    let (it, inner) = self.expr_shaped(i, cx);
                    join(&mut t, &it);
                    let spread = matches!(i.kind, ExprKind::Spread(_));
                    let key = u8::try_from(pos).ok().filter(|_| !spread);
                    parts.push((key.map(KeyRef::Pos), it, inner));
                }
                self.give_shape(e.span, Self::literal_shape(parts));
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
            // `await ask(q)` is what `ask(q)` gives, part by part too.
            ExprKind::Await(inner) if self.shape_wanted(e.span) => {
                let (t, shape) = self.expr_shaped(inner, cx);
                self.give_shape(e.span, shape);
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
                self.bind_for_target(left, right, &t, cx);
                Taint::new()
            }
            // `(x := v)` binds `x` and is `v`.
            ExprKind::Compare { op, left, right } if &**op == ":=" => {
                let t = self.expr(right, cx);
                self.assign(left, &t, false, cx);
                t
            }
            ExprKind::Compare { left, right, .. } => {
                self.expr(left, cx);
                self.expr(right, cx);
                Taint::new()
            }
        }
    }

    /// Whether an index is a slice (`[:4]`, `[..4]`): its bounds are kept as an opaque
    /// expression, as arithmetic is, but only a slice is spelled with `:` or `..`.
    fn is_slice(&self, index: &Expr) -> bool {
        let ExprKind::Other(bounds) = &index.kind else {
            return false;
        };
        // The separator sits between the bounds, not inside one (`[f("a:b") - 1]`).
        let mut at = index.span.start as usize;
        let ends = bounds
            .iter()
            .map(|b| (b.span.start as usize, b.span.end as usize))
            .chain(std::iter::once((index.span.end as usize, 0)));
        for (start, end) in ends {
            let gap = self.text.get(at..start).unwrap_or("");
            if gap.contains(':') || gap.contains("..") {
                return true;
            }
            at = at.max(end);
        }
        false
    }

    /// `{ ...err, message: "failed" }` of a spread whose parts are known: what its parts carry
    /// but those a later key replaces.
    fn spread_not_replaced(
        &self,
        spread: &Expr,
        later: &[(Option<Expr>, Expr)],
        cx: &Ctx<'m>,
    ) -> Option<Taint> {
        let inner = match &spread.kind {
            ExprKind::Spread(inner) => inner,
            _ => spread,
        };
        let shape = self.shape_at(inner, cx)?;
        let replaced = |key: &super::shape::Key| {
            later.iter().any(|(k, _)| {
                k.as_ref()
                    .and_then(KeyRef::of_index)
                    .is_some_and(|k| key.is(k))
            })
        };
        let mut t = shape.rest.clone();
        for p in shape.parts.iter().filter(|p| !replaced(&p.key)) {
            join(&mut t, &p.taint);
        }
        Some(t)
    }

    /// A field read by a name the sanitizers list (`usage`, `error`), as an attribute, a key
    /// (`r["usage"]`) or a `get` (`r.get("error")`): metadata, cleared for their sinks.
    pub(super) fn clear_by_field_name(&self, t: &mut Taint, name: &str) {
        if let Some(ids) = self.ix.sanitizer_attributes.get(name) {
            let mask = self.sanitizer_sinks(ids);
            clear_kinds(t, mask);
        }
    }

    /// The object of an attribute or index read: a bare name gives its data, not what its name
    /// says (`valid_token.user_id`).
    fn base(&mut self, e: &'m Expr, cx: &mut Ctx<'m>) -> Taint {
        match &e.kind {
            ExprKind::Name(n) if cx.receiver != Some(&**n) => {
                let mut t = self.lookup(n, cx).unwrap_or_default();
                self.attribute_source(e, &mut t, cx.class);
                t
            }
            _ => self.expr(e, cx),
        }
    }

    /// What a one-operand `Other` is, by its operator: `not x`/`!x` negate, `typeof x` names a
    /// type; both give no data of `x`.
    pub(super) fn unary_test(&self, e: &Expr) -> Test {
        let text = self.text.get(e.span.range()).unwrap_or("").trim_start();
        if text.starts_with('!') || text.starts_with("not ") || text.starts_with("not(") {
            Test::Negation
        } else if text.starts_with("typeof ") {
            Test::Type
        } else {
            Test::Other
        }
    }

    /// Reading `sys.argv`, `flask.request.args`, ...: add the source's label.
    pub(super) fn attribute_source(&mut self, e: &'m Expr, t: &mut Taint, class: Option<usize>) {
        for (sid, label) in self.attribute_sources_of(e) {
            let source = &self.spec.sources[sid as usize];
            // `self.rfile` of a request handler: the handler's class says whose it is.
            if self.serves_as_required(source) && self.in_classes_ok(&source.in_classes, class) {
                let l = self.start(source.kind, e.span, Note::Source(label));
                join(t, &[l]);
            }
        }
    }

    /// The attribute sources `e` reads, in files with the imports they need: (source, label)
    /// each.
    pub(super) fn attribute_sources_of(&self, e: &Expr) -> Vec<(u32, String)> {
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
                out.push((id, label));
            }
        }
        out
    }
}

/// The test of a conditional expression (`a if test else b`, lowered as `[a, b, if test]`).
fn conditional_test(items: &[Expr]) -> Option<&Expr> {
    match items {
        [_, _, test] => test.choice_test(),
        _ => None,
    }
}

impl Engine<'_, '_> {
    /// The sink kinds a content part with no text is clean for: a dict whose `type` is one of
    /// the sanitizers' `part_types` (`{"type": "image_url", "image_url": {"url": data_url}}`
    /// gives the model an image, not words to follow).
    fn part_without_text(&self, entries: &[(Option<Expr>, Expr)]) -> KindSet {
        if self.ix.part_types.is_empty() {
            return 0;
        }
        let ty = entries
            .iter()
            .find_map(|(k, v)| match k.as_ref()?.as_str()? {
                "type" => v.as_str(),
                _ => None,
            });
        ty.and_then(|ty| self.ix.part_types.get(ty))
            .map_or(0, |ids| self.sanitizer_sinks(ids))
    }
}

impl Engine<'_, '_> {
    /// The sink kinds the last part of `split` is clean for: `split` is `x.split("/")` (a
    /// method of the sanitizers' `split_methods`) with a separator of their `split_last`.
    pub(super) fn split_last_mask(&self, split: &Expr) -> KindSet {
        if self.ix.split_last.is_empty() {
            return 0;
        }
        let call = match &split.kind {
            ExprKind::Call(call) => call,
            // `parts = url.split("/")` then `parts[-1]`.
            ExprKind::Name(n) => match self.consts.binding_at(n, split.span).map(|b| &b.kind) {
                Some(ExprKind::Call(call)) => call,
                _ => return 0,
            },
            _ => return 0,
        };
        let ExprKind::Attribute { attr, .. } = &call.callee.kind else {
            return 0;
        };
        let Some(splitters) = self.ix.split_methods.get(&**attr) else {
            return 0;
        };
        let sep = call.args.first().and_then(|a| a.value.as_str());
        let ids: Vec<u32> =
            sep.and_then(|s| self.ix.split_last.get(s))
                .map_or_else(Vec::new, |ids| {
                    ids.iter()
                        .copied()
                        .filter(|id| splitters.contains(id))
                        .collect()
                });
        self.sanitizer_sinks(&ids)
    }
}
