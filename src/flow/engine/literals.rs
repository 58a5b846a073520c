//! Data known by what a string literal holds (a provider key written into a prompt), and data
//! written to a file and then read back by running it (`open(p, "w").write(code)` then
//! `subprocess.run([sys.executable, p])`).

use super::*;

/// The scope of what a file named by a literal or a field holds: every function's.
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
            if !matches!(source.matcher, SourceMatch::HardcodedSecrets) {
                continue;
            }
            let inside = |k: &Span| span.start <= k.start && k.end <= span.end;
            let in_hole = |k: &Span| holes.iter().any(|h| h.start <= k.start && k.end <= h.end);
            for (key, provider) in self.secret_keys {
                if inside(key) && !in_hole(key) {
                    let label = source.label.as_deref().unwrap_or("hardcoded");
                    out.push((source.kind, format!("{label} {provider}")));
                }
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
        // A literal path and a field (`self.script`) name one file everywhere; a variable, in
        // its function.
        let mut keys: Vec<(String, bool)> = path
            .map(|p| (self.spelling(p), p.as_str().is_some() || is_field(p)))
            .into_iter()
            .collect();
        // A path object written through its own name (`script.write_text(code)`), and a
        // `tempfile.NamedTemporaryFile(...)` as `f`, whose file is `f.name`.
        if let Some(r) = receiver {
            if let Some(name) = r.dotted() {
                keys.push((format!("{name}.name"), is_field(r)));
                keys.push((name, is_field(r)));
            }
        }
        let placed = Note::Placed("a file".into());
        for t in data {
            for l in self.trace.extend(t, span, &placed) {
                for (key, everywhere) in keys.iter().filter(|(k, _)| !k.is_empty()) {
                    let scope = match (l.param(), function) {
                        (None, _) if *everywhere => WHOLE_FILE,
                        (_, Some(fi)) => fi,
                        (None, None) => WHOLE_FILE,
                        (Some(_), None) => continue,
                    };
                    let held = self.files.entry((scope, key.clone())).or_default();
                    self.changed |= join(held, &[l]);
                }
            }
        }
    }

    /// `with open(p, "w") as f`: remember what `f` was opened by, for its writes.
    pub(super) fn opened_as(&mut self, target: &'m Expr, made: &'m Expr) {
        if let (ExprKind::Name(n), ExprKind::Call(_) | ExprKind::Await(_)) =
            (&target.kind, &made.kind)
        {
            let at = self.opened.entry(n).or_default();
            if !at.iter().any(|(s, _)| *s == made.span) {
                at.push((made.span, made));
            }
        }
    }

    /// The path a file object was opened with: the first positional argument of the call that
    /// made it, in the receiver itself (`open(p, "w").write(...)`, `Path(p).write_text(...)`),
    /// through the last `with ... as f` before the write, or through a name bound once in the
    /// function (`f = open(p, "w")`).
    fn opened_path(&self, r: &'m Expr) -> Option<&'m Expr> {
        let mut made = r;
        if let ExprKind::Name(n) = &r.kind {
            let with = self.opened.get(&**n).and_then(|at| {
                at.iter()
                    .filter(|(s, _)| s.end <= r.span.start)
                    .max_by_key(|(s, _)| s.start)
                    .map(|(_, e)| *e)
            });
            made = with.or_else(|| self.consts.binding_at(n, r.span))?;
        }
        while let ExprKind::Await(inner) = &made.kind {
            made = inner;
        }
        match &made.kind {
            ExprKind::Call(c) => c.positional(0),
            _ => None,
        }
    }

    /// How a path is spelled, to find the file again: a literal's text, else the source text.
    fn spelling(&self, e: &Expr) -> String {
        match e.as_str() {
            Some(s) => s.to_string(),
            None => self
                .text
                .get(e.span.range())
                .unwrap_or("")
                .trim()
                .to_string(),
        }
    }

    /// What the file named by `e` holds, read in `function`: `e` itself, or in a list, the first
    /// item from `first` on that is not a flag (`[sys.executable, "-u", p, "--out", x]` runs
    /// `p`; the rest are its arguments).
    pub(super) fn file_contents(&self, e: &Expr, first: usize, function: Option<usize>) -> Taint {
        let mut t = Taint::new();
        if self.files.is_empty() {
            return t;
        }
        let mut named = |e: &Expr| {
            // `str(path)`, `os.fspath(path)`: the path itself.
            let inner = match &e.kind {
                ExprKind::Call(c) if c.args.len() == 1 => c.positional(0),
                _ => None,
            };
            // `script_path = tmp.name`: the path as the name was bound to it.
            let bound = match &e.kind {
                ExprKind::Name(n) => self.consts.binding_at(n, e.span),
                _ => None,
            };
            for e in std::iter::once(e).chain(inner).chain(bound) {
                let key = self.spelling(e);
                for scope in [Some(WHOLE_FILE), function] {
                    if let Some(held) = scope.and_then(|s| self.files.get(&(s, key.clone()))) {
                        join(&mut t, held);
                    }
                }
            }
        };
        // A command string (`f"python -u {p}"`, or a name bound once to one): the file is
        // the word after the program and its flags.
        let command = match &e.kind {
            ExprKind::Name(n) => self.consts.binding_at(n, e.span),
            _ => Some(e),
        };
        if let Some(script) = command.and_then(|c| match &c.kind {
            ExprKind::StringBuild(parts) => script_part(parts),
            _ => None,
        }) {
            named(script);
        }
        match &e.kind {
            ExprKind::List(items) => {
                let flag = |x: &&Expr| x.as_str().is_some_and(|s| s.starts_with('-'));
                if let Some(script) = items.iter().skip(first).find(|x| !flag(x)) {
                    named(script);
                }
            }
            ExprKind::StringBuild(_) => {}
            _ => named(e),
        }
        t
    }
}

/// The interpolated part that is the script of a command string: the word after the program and
/// its flags (`f"python -u {p} --out {x}"` runs `p`; `{sys.executable} {p}` too), when that word
/// is interpolated. Quotes around a word are no part of it.
fn script_part(parts: &[StrPart]) -> Option<&Expr> {
    // Words begun so far (the program is the first), and whether the current one is a flag.
    let mut words = 0;
    let mut in_word = false;
    let mut flag = false;
    for part in parts {
        match part {
            StrPart::Lit(text) => {
                for c in text.chars().filter(|c| !matches!(c, '"' | '\'')) {
                    if c.is_whitespace() {
                        if in_word && words > 1 && !flag {
                            // The script's word ended with nothing interpolated in it.
                            return None;
                        }
                        in_word = false;
                    } else if !in_word {
                        in_word = true;
                        words += 1;
                        flag = c == '-';
                    }
                }
            }
            StrPart::Expr(e) => {
                if !in_word {
                    in_word = true;
                    words += 1;
                    flag = false;
                }
                if words > 1 && !flag {
                    return Some(e);
                }
            }
        }
    }
    None
}

/// `self.script`, `this.path`: a field of the object, the same in each of its methods.
fn is_field(e: &Expr) -> bool {
    matches!(&e.kind, ExprKind::Attribute { value, .. } if matches!(&value.kind, ExprKind::Name(n) if is_receiver_name(n)))
}
