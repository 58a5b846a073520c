//! Data known by what a string literal holds (a provider key written into a prompt), and data
//! written to a file and then read back by running it (`open(p, "w").write(code)` then
//! `subprocess.run([sys.executable, p])`).

use super::*;

/// The scope of what a file holds when the data is not a parameter's: every function's.
const WHOLE_FILE: usize = usize::MAX;

impl<'a, 'm> Engine<'a, 'm> {
    /// The literal sources of every string of the file, by the string's span: one walk, so
    /// rounds and loops only look them up.
    pub(super) fn index_literal_sources(&mut self) {
        if self.ix.literal_sources.is_empty() || self.secret_keys.is_empty() {
            return;
        }
        let module = self.module;
        let mut found: HashMap<Span, Vec<(u8, String)>> = HashMap::new();
        module.walk_exprs(&mut |e| {
            let holes: Vec<Span> = match &e.kind {
                ExprKind::Str(_) => Vec::new(),
                ExprKind::StringBuild(parts) => parts
                    .iter()
                    .filter_map(|p| match p {
                        StrPart::Expr(x) => Some(x.span),
                        StrPart::Lit(_) => None,
                    })
                    .collect(),
                _ => return,
            };
            let hits = self.literal_hits(e.span, &holes);
            if !hits.is_empty() {
                found.insert(e.span, hits);
            }
        });
        self.literal_labels = found;
    }

    /// The (kind, label) of each literal source a string at `span` matches; `holes` are its
    /// interpolated expressions, which are not its text.
    fn literal_hits(&self, span: Span, holes: &[Span]) -> Vec<(u8, String)> {
        let mut out = Vec::new();
        for &id in &self.ix.literal_sources {
            let source = &self.spec.sources[id as usize];
            if !self.imports_ok(&source.imports) {
                continue;
            }
            match &source.matcher {
                SourceMatch::HardcodedSecrets => {
                    let inside = |k: &Span| span.start <= k.start && k.end <= span.end;
                    let in_hole = |k: &Span| holes.iter().any(|h| h.start <= k.start && k.end <= h.end);
                    for (key, provider) in self.secret_keys {
                        if inside(key) && !in_hole(key) {
                            let label = source.label.as_deref().unwrap_or("hardcoded");
                            out.push((source.kind, format!("{label} {provider}")));
                        }
                    }
                }
                _ => {}
            }
        }
        out
    }

    /// Add the labels of the literal sources the string `e` matches.
    pub(super) fn literal_source(&mut self, e: &Expr, t: &mut Taint) {
        let Some(hits) = self.literal_labels.get(&e.span).cloned() else {
            return;
        };
        for (kind, label) in hits {
            let l = self.start(kind, e.span, Note::Source(label));
            join(t, &[l]);
        }
    }

    /// `fs.writeFileSync(p, code)`, `open(p, "w").write(code)`, `f.write(code)` with `f` opened
    /// by `with open(p, "w") as f`: the data is now what the file at `p` holds. A parameter's
    /// data is what the file holds in that function only (its summary reads it).
    pub(super) fn write_file(
        &mut self,
        call: &'m Call,
        receiver: Option<&'m Expr>,
        arg_ts: &[Taint],
        span: Span,
        function: Option<usize>,
    ) {
        let (path, data): (Option<&Expr>, Vec<&Taint>) = match receiver {
            None => (
                call.args.first().map(|a| &a.value),
                arg_ts.iter().skip(1).collect(),
            ),
            Some(r) => (self.opened_path(r), arg_ts.iter().collect()),
        };
        let Some(path) = path else { return };
        let mut keys = vec![self.spelling(path)];
        // `tempfile.NamedTemporaryFile(...)` as `f`: the file is `f.name`.
        if let Some(r) = receiver.and_then(|r| r.dotted()) {
            keys.push(format!("{r}.name"));
        }
        let placed = Note::Placed("a file".into());
        for t in data {
            for l in self.trace.extend(t, span, &placed) {
                let scope = match (l.param(), function) {
                    (None, _) => WHOLE_FILE,
                    (Some(_), Some(fi)) => fi,
                    (Some(_), None) => continue,
                };
                for key in keys.iter().filter(|k| !k.is_empty()) {
                    let held = self.files.entry((scope, key.clone())).or_default();
                    self.changed |= join(held, &[l]);
                }
            }
        }
    }

    /// The path a file object was opened with: the first argument of the call that made it, in
    /// the receiver itself (`open(p, "w").write(...)`, `Path(p).write_text(...)`) or through a
    /// name bound once in the function (`with open(p, "w") as f`).
    fn opened_path(&self, r: &'m Expr) -> Option<&'m Expr> {
        let mut made = r;
        if let ExprKind::Name(n) = &r.kind {
            made = self.consts.binding_at(n, r.span)?;
        }
        while let ExprKind::Await(inner) = &made.kind {
            made = inner;
        }
        match &made.kind {
            ExprKind::Call(c) => c.args.first().map(|a| &a.value),
            _ => None,
        }
    }

    /// How a path is spelled, to find the file again: a literal's text, else the source text.
    fn spelling(&self, e: &Expr) -> String {
        match e.as_str() {
            Some(s) => s.to_string(),
            None => self.text.get(e.span.range()).unwrap_or("").trim().to_string(),
        }
    }

    /// What the files named by `e` hold, read in `function`: `e` itself, the items of a list
    /// (`[sys.executable, p]`) and the interpolations of a string (`` `node ${p}` ``).
    pub(super) fn file_contents(&self, e: &Expr, function: Option<usize>) -> Taint {
        let mut t = Taint::new();
        if self.files.is_empty() {
            return t;
        }
        let mut named = |e: &Expr| {
            let key = self.spelling(e);
            for scope in [Some(WHOLE_FILE), function] {
                if let Some(held) = scope.and_then(|s| self.files.get(&(s, key.clone()))) {
                    join(&mut t, held);
                }
            }
        };
        match &e.kind {
            ExprKind::List(items) => items.iter().for_each(&mut named),
            ExprKind::StringBuild(parts) => {
                for p in parts {
                    if let StrPart::Expr(x) = p {
                        named(x);
                    }
                }
            }
            _ => named(e),
        }
        t
    }
}
