//! Rust front end: syn -> IR.
//!
//! **Qualified names use `.`**, as in the other languages: `use` paths and path expressions have
//! their `::` replaced, so `use async_openai::types::CreateChatCompletionRequestArgs as Args;` binds
//! `Args` to `async_openai.types.CreateChatCompletionRequestArgs`, and
//! `std::process::Command::new("sh").arg(x).output()` is the call
//! `std.process.Command.new().arg().output`. Globs in rule tables are therefore written the same
//! way for every language (`async_openai.Client*.chat().create`). Macros are named by their path
//! without the `!` (`tracing::info!` is `tracing.info`, `println!` is `println`).
//!
//! Lowering choices worth knowing when writing rules:
//! - `use a::b::{C, d::E as F, self}` gives one [`Import`] per name (`C` -> `a.b.C`, `F` ->
//!   `a.b.d.E`, `b` -> `a.b`); a glob `use a::b::*` is recorded with local name `*` (it names no
//!   binding but counts as importing `a.b`). `extern crate x as y` binds `y` -> `x`. `use`
//!   declarations at the top level and in function bodies are file-wide imports; those inside an
//!   inline `mod` bind only there (its paths are written out in full as they are lowered, and the
//!   import is recorded under the local name `*`, so it still counts as importing the crate).
//! - A parameter or field type of two or more segments names its item without a `use`
//!   (`c: &rig::agent::Agent<M>` makes `c.prompt()` the call `rig.agent.Agent().prompt`).
//! - A path `a::b::c` is a `Name`/`Attribute` chain; a leading `self::` is dropped, `crate::` and
//!   `super::` stay as names; generic arguments (`Vec::<u8>::new`) are left out.
//! - `x.m(a)` is a call of the attribute `x.m`; `T::f(a)` a call of `T.f`; so
//!   `Client::new().chat().create(req)` resolves like Python's `OpenAI().chat.completions.create`,
//!   to `async_openai.Client.new().chat().create`.
//! - `impl T` and `trait T` blocks become the class `T` (one class per type name, shared by its
//!   `struct`/`enum` and every `impl`); the `struct`'s named fields are the class fields, their type
//!   written as a dotted path with references, generic arguments and the std wrappers `Option`,
//!   `Box`, `Arc`, `Rc`, `RefCell`, `Cell`, `Mutex` and `RwLock` removed (`Option<Arc<Client<C>>>` ->
//!   `Client`). A method's `self` parameter is its receiver, so `self.client` resolves through the
//!   field's type, and `Self` names the class. A trait implemented by the block is a base.
//! - Outer attributes are decorators of their function, or of the class of their `struct`/`impl`:
//!   `#[tool]` is the name `tool`, `#[post("/chat")]` a call of `post` (doc comments are not).
//! - A parameter written as a pattern (`Json(body): Json<Req>`, `(a, b): (u8, u8)`) is named
//!   after the pattern's type (`Json(..)`; `_argN`, N its position, when it has none), keeps its
//!   type as annotation, and the body starts with the `let` of the pattern from it, so `body`
//!   carries what the parameter carries.
//! - `let` with a pattern is an `Assign` whose target is the pattern (`(a, b)` and `Some(a)` ->
//!   `List`, `S { a, b: c }` -> `Dict` keyed by field names); `let x;` without a value is skipped.
//!   `const`/`static` items are module-level assignments.
//! - `None` is `Null`.
//! - `e?`, `e.await` and `yield e` are [`ExprKind::Await`]; `&e`, `*e`, `(e)`, `Some(e)`, `Ok(e)`,
//!   `Err(e)`, `Box::new(e)`, `Arc::new(e)` and `Rc::new(e)` are `e` itself.
//! - The tail expression of a function or closure body is its `Return` (also inside a tail `if` or
//!   `match`). Closures and `async` blocks are functions with `is_lambda`.
//! - A `match` statement is a `Match` whose cases are each arm's pattern (and guard); the flow
//!   engine binds a capture pattern from the subject. A `match` used as a value holds its subject
//!   in the name `match` (hoisted `let match = subject;`), and each arm binds its pattern from it.
//! - `if`, `match`, blocks and loops used as values have their statements (and the `if`
//!   condition, the `match` subject and guards) hoisted in front of the statement that uses them;
//!   the value is the block's tail (a `Choice` of the branches' tails for `if` and `match`).
//!   `if let P = e` / `while let` conditions are binding expressions, `Compare { op: ":=", left: P,
//!   right: e }` like Python's `(P := e)`, so the names of `P` carry what `e` does.
//! - A struct literal `T { a: x, ..rest }` is a constructor call (`is_new`) of `T` with one
//!   options-object argument `Dict { "a": x, None: rest }`, so `Call::keyword("a")` finds `x`.
//! - Strings: `format!`/`format_args!` are a `StringBuild` of their format string's literal parts,
//!   positional and named arguments and inline captures (`{name}` -> `Name(name)`); with nothing to
//!   interpolate they are a `Str`. `concat!` and `a + b` with a string side are `StringBuild`s;
//!   `s.push_str(x)` and `s += x` are augmented assignments of `s`; `"lit".to_string()`,
//!   `.to_owned()`, `.into()` and `String::from("lit")` are the literal `Str`.
//! - Macros whose arguments hold a format string are calls whose first argument is that
//!   `StringBuild`, after any arguments before the format string: `println!`, `print!`,
//!   `eprintln!`, `eprint!`, `panic!`, `todo!`, `unreachable!`, `unimplemented!`, `write!(w, ..)`,
//!   `writeln!`, `assert!(c, ..)`, `assert_eq!(a, b, ..)`, the log/tracing levels (`trace!`,
//!   `debug!`, `info!`, `warn!`, `error!`, `event!`: structured fields `k = v`, `k = %v`, `k = ?v`,
//!   `target: t` are keyword arguments) and `anyhow!`/`bail!`/`eyre!`. `vec![..]` is a `List`,
//!   `json!(..)` the `Dict`/`List`/literal it writes. Any other macro whose arguments are
//!   comma-separated expressions is a call of the macro with them (`sqlx::query!("..", id)` is
//!   `sqlx.query`); arguments that are not expressions are left out.
//! - Test code (`#[cfg(test)]` modules, `#[test]`/`#[tokio::test]`/`#[test_case]` functions) is
//!   recorded in `Module::test_spans`.
//! - Never fatal: a file syn rejects is an empty module with `has_errors`. So is a file whose
//!   bracket nesting exceeds [`MAX_GROUP_DEPTH`] or whose operator chains could nest deeper than
//!   [`MAX_NEST_COST`] (both checked on the tokens before syn's recursive parser sees them); syn
//!   runs on its own thread with a large stack. Lowering cuts syntax deeper than [`MAX_DEPTH`].

use std::collections::HashMap;

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};
use syn::punctuated::Punctuated;
use syn::{
    AttrStyle, Attribute, BinOp, Block, Expr as SExpr, FnArg, ImplItem, Item, Lit, Macro,
    MacroDelimiter, Member, Meta, Pat, Path, Signature, Stmt as SStmt, TraitItem, Type, UnOp,
    UseTree,
};

use crate::ir::{
    Arg, Call, Class, Expr, ExprKind, Function, Import, Module, Param, Span, Splat, Stmt, StmtKind,
    StrPart,
};
use crate::lang::{is_str, push_lit, push_part, MAX_DEPTH};
use crate::source::Language;

/// Bracket nesting beyond which a file is not parsed (syn's parser recurses per level).
pub const MAX_GROUP_DEPTH: usize = 128;
/// Bound on how deep syn's tree could nest: along any path of brackets, the tokens of each
/// comma/semicolon-separated run added up. Chains of operators, prefix operators, `else if` and
/// `return return ...` nest one level per token or so.
pub const MAX_NEST_COST: usize = 6000;
/// The parser thread's stack: enough for syn at [`MAX_NEST_COST`] even in debug builds.
const PARSE_STACK: usize = 256 << 20;

/// Lower Rust source text into the IR.
pub fn lower(text: &str) -> Module {
    let errored = || Module {
        language: Language::Rust,
        has_errors: true,
        unparsed: true,
        ..Module::default()
    };
    let run = || lower_here(text);
    let spawned = std::thread::scope(|s| {
        std::thread::Builder::new()
            .name("aiguard-syn".into())
            .stack_size(PARSE_STACK)
            .spawn_scoped(s, run)
            .ok()
            .map(|h| h.join())
    });
    match spawned {
        Some(Ok(m)) => m,
        Some(Err(_)) => errored(),
        // No thread could be made: the token checks still bound the recursion.
        None => lower_here(text),
    }
}

/// Parse and lower on the current thread (the token checks run first).
fn lower_here(text: &str) -> Module {
    let mut module = Module {
        language: Language::Rust,
        has_errors: true,
        unparsed: true,
        ..Module::default()
    };
    // As `syn::parse_file`: skip a BOM and a shebang line (not an inner attribute `#![`).
    let mut base = 0;
    let mut content = text;
    if let Some(rest) = content.strip_prefix('\u{feff}') {
        base += 3;
        content = rest;
    }
    if content.starts_with("#!") && !content[2..].trim_start().starts_with('[') {
        let cut = content.find('\n').unwrap_or(content.len());
        base += cut;
        content = &content[cut..];
    }
    // A cargo-script frontmatter block (`---cargo` ... `---`) is not Rust syntax.
    let lead = content.len() - content.trim_start().len();
    if content[lead..].starts_with("---") {
        let open_end = content[lead..]
            .find('\n')
            .map_or(content.len(), |i| lead + i);
        if let Some(close) = content[open_end..].find("\n---") {
            let close = open_end + close + 1;
            let cut = content[close..]
                .find('\n')
                .map_or(content.len(), |i| close + i);
            base += cut;
            content = &content[cut..];
        }
    }
    let Ok(tokens) = content.parse::<TokenStream>() else {
        return module;
    };
    if nest_cost(tokens.clone(), 0).is_none() {
        return module;
    }
    let file = match syn::parse2::<syn::File>(tokens) {
        Ok(file) => file,
        Err(e) => {
            // Lines are counted from the cut; the shebang or frontmatter above adds its own.
            let above = text[..base].matches('\n').count();
            module.error_line = Some((e.span().start().line + above) as u32);
            return module;
        }
    };
    let mut l = Lower {
        base,
        depth: 0,
        m: Module {
            language: Language::Rust,
            ..Module::default()
        },
        hoisted: Vec::new(),
        class_of: HashMap::new(),
        mod_scopes: Vec::new(),
        taken_params: Vec::new(),
    };
    let mut body = Vec::new();
    l.items(&file.items, &mut body);
    l.m.body = body;
    l.m
}

/// `None` when the tokens nest too deeply for syn (see [`MAX_NEST_COST`]); else the cost.
fn nest_cost(ts: TokenStream, depth: usize) -> Option<usize> {
    if depth > MAX_GROUP_DEPTH {
        return None;
    }
    let mut it = ts.into_iter().peekable();
    let (mut best, mut run, mut inner) = (0usize, 0usize, 0usize);
    while let Some(tt) = it.next() {
        match &tt {
            TokenTree::Punct(p) if matches!(p.as_char(), ';' | ',') => {
                best = best.max(run + inner);
                run = 0;
                inner = 0;
            }
            TokenTree::Group(g) => {
                inner = inner.max(nest_cost(g.stream(), depth + 1)?);
                run += 1;
                // A braced block followed by a new item or statement ends the run.
                let ends = g.delimiter() == Delimiter::Brace
                    && match it.peek() {
                        None => true,
                        Some(TokenTree::Ident(i)) => i != "else" && i != "as",
                        Some(TokenTree::Punct(p)) => p.as_char() == '#',
                        _ => false,
                    };
                if ends {
                    best = best.max(run + inner);
                    run = 0;
                    inner = 0;
                }
            }
            _ => run += 1,
        }
        if run + inner > MAX_NEST_COST {
            return None;
        }
    }
    Some(best.max(run + inner))
}

fn other(span: Span) -> Expr {
    Expr::new(ExprKind::Other(Vec::new()), span)
}

fn join(a: Span, b: Span) -> Span {
    Span {
        start: a.start.min(b.start),
        end: a.end.max(b.end),
    }
}

/// A `StringBuild`, or a `Str` when every part is literal.
fn string_build(parts: Vec<StrPart>, span: Span) -> Expr {
    if parts.iter().all(|p| matches!(p, StrPart::Lit(_))) {
        let mut s = String::new();
        for p in &parts {
            if let StrPart::Lit(l) = p {
                s.push_str(l);
            }
        }
        return Expr::new(ExprKind::Str(s.into()), span);
    }
    Expr::new(ExprKind::StringBuild(parts), span)
}

fn positional(value: Expr) -> Arg {
    Arg {
        name: None,
        span: value.span,
        value,
        splat: Splat::None,
    }
}

/// The std wrappers a field or parameter type is seen through.
const WRAPPERS: &[&str] = &[
    "Option", "Box", "Arc", "Rc", "RefCell", "Cell", "Mutex", "RwLock",
];

/// The type's dotted path, seen through references and [`WRAPPERS`], without generic arguments.
fn type_name(ty: &Type) -> Option<Box<str>> {
    let mut ty = ty;
    for _ in 0..MAX_DEPTH {
        match ty {
            Type::Reference(r) => ty = &r.elem,
            Type::Paren(p) => ty = &p.elem,
            Type::Group(g) => ty = &g.elem,
            Type::Path(tp) if tp.qself.is_none() => {
                let last = tp.path.segments.last()?;
                if WRAPPERS.iter().any(|w| last.ident == w) {
                    if let syn::PathArguments::AngleBracketed(a) = &last.arguments {
                        if let Some(syn::GenericArgument::Type(inner)) = a.args.first() {
                            ty = inner;
                            continue;
                        }
                    }
                }
                let mut s = String::new();
                for seg in &tp.path.segments {
                    if !s.is_empty() {
                        s.push('.');
                    }
                    s.push_str(&seg.ident.to_string());
                }
                return Some(s.into());
            }
            _ => return None,
        }
    }
    None
}

/// The name a parameter pattern binds (`x`, `mut x`, `&x`), `_` for anything else.
fn pat_name(p: &Pat) -> Box<str> {
    match strip_pat(p) {
        Pat::Ident(i) => i.ident.to_string().into(),
        _ => "_".into(),
    }
}

/// Attributes that make an item test code: `#[cfg(test)]` (not `#[cfg(not(test))]`), and by
/// naming convention `#[test]`, `#[tokio::test]`, `#[test_case(..)]`, `#[wasm_bindgen_test]`.
fn is_test_code(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|a| {
        let last = a.path().segments.last().map(|s| s.ident.to_string());
        match last.as_deref() {
            Some(n) if n == "test" || n.starts_with("test_") || n.ends_with("_test") => true,
            Some("cfg") => match &a.meta {
                Meta::List(l) => {
                    let words: Vec<String> = l
                        .tokens
                        .clone()
                        .into_iter()
                        .flat_map(|t| match t {
                            TokenTree::Group(g) => g.stream().into_iter().collect::<Vec<_>>(),
                            t => vec![t],
                        })
                        .filter_map(|t| match t {
                            TokenTree::Ident(i) => Some(i.to_string()),
                            _ => None,
                        })
                        .collect();
                    words.iter().any(|w| w == "test") && !words.iter().any(|w| w == "not")
                }
                _ => false,
            },
            _ => false,
        }
    })
}

/// The pattern under type ascriptions, references and parentheses.
fn strip_pat(p: &Pat) -> &Pat {
    let mut p = p;
    for _ in 0..MAX_DEPTH {
        match p {
            Pat::Type(t) => p = &t.pat,
            Pat::Reference(r) => p = &r.pat,
            Pat::Paren(x) => p = &x.pat,
            _ => break,
        }
    }
    p
}

/// The std macros whose format string sits at a fixed argument index.
fn std_format_index(name: &str) -> Option<usize> {
    Some(match name {
        "format" | "format_args" | "print" | "println" | "eprint" | "eprintln" | "panic"
        | "todo" | "unreachable" | "unimplemented" | "anyhow" | "bail" | "eyre" => 0,
        "write" | "writeln" | "assert" | "debug_assert" => 1,
        "assert_eq" | "assert_ne" | "debug_assert_eq" | "debug_assert_ne" => 2,
        _ => return None,
    })
}

/// Log and tracing macros: structured fields first, then the format string and its arguments.
fn is_log_macro(name: &str) -> bool {
    matches!(
        name,
        "trace" | "debug" | "info" | "warn" | "error" | "event" | "log"
    )
}

/// One comma-separated macro argument: `name = value`, `name: value` or a bare value (`%v` and
/// `?v`, tracing's display/debug markers, lose their marker).
struct Piece {
    name: Option<String>,
    tokens: TokenStream,
}

fn split_pieces(tokens: &TokenStream) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut cur: Vec<TokenTree> = Vec::new();
    let flush = |cur: &mut Vec<TokenTree>, pieces: &mut Vec<Piece>| {
        if cur.is_empty() {
            return;
        }
        let toks = std::mem::take(cur);
        pieces.push(piece(toks));
    };
    for tt in tokens.clone() {
        match &tt {
            TokenTree::Punct(p) if p.as_char() == ',' => flush(&mut cur, &mut pieces),
            _ => cur.push(tt),
        }
    }
    flush(&mut cur, &mut pieces);
    pieces
}

fn piece(toks: Vec<TokenTree>) -> Piece {
    // `a.b.c = v` / `target: v`: a dotted name, then a lone `=` or `:`.
    let mut name = String::new();
    let mut i = 0;
    let mut named = false;
    while i < toks.len() {
        match &toks[i] {
            TokenTree::Ident(id) if name.is_empty() || name.ends_with('.') => {
                name.push_str(&id.to_string());
                i += 1;
            }
            TokenTree::Punct(p)
                if p.as_char() == '.' && !name.is_empty() && !name.ends_with('.') =>
            {
                name.push('.');
                i += 1;
            }
            TokenTree::Punct(p)
                if !name.is_empty()
                    && !name.ends_with('.')
                    && p.spacing() == Spacing::Alone
                    && matches!(p.as_char(), '=' | ':') =>
            {
                named = true;
                i += 1;
                break;
            }
            _ => break,
        }
    }
    let start = if named { i } else { 0 };
    let mut rest = &toks[start..];
    if let Some(TokenTree::Punct(p)) = rest.first() {
        if matches!(p.as_char(), '%' | '?') && rest.len() > 1 {
            rest = &rest[1..];
        }
    }
    Piece {
        name: named.then_some(name),
        tokens: rest.iter().cloned().collect(),
    }
}

/// A placeholder of a format string.
enum Hole {
    Next,
    Index(usize),
    Name(String),
}

/// Splits a format string into literal text and placeholders; `None` when malformed.
fn parse_format(s: &str) -> Option<Vec<Result<String, Hole>>> {
    let mut out = Vec::new();
    let mut lit = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                lit.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                lit.push('}');
            }
            '{' => {
                let mut inner = String::new();
                loop {
                    match chars.next()? {
                        '}' => break,
                        ch => inner.push(ch),
                    }
                }
                if !lit.is_empty() {
                    out.push(Ok(std::mem::take(&mut lit)));
                }
                let arg = inner.split(':').next().unwrap_or("").trim();
                out.push(Err(if arg.is_empty() {
                    Hole::Next
                } else if let Ok(n) = arg.parse::<usize>() {
                    Hole::Index(n)
                } else {
                    Hole::Name(arg.to_string())
                }));
            }
            _ => lit.push(c),
        }
    }
    if !lit.is_empty() {
        out.push(Ok(lit));
    }
    Some(out)
}

struct Lower {
    /// Byte offset of the parsed text in the source (a skipped BOM or shebang line).
    base: usize,
    depth: usize,
    m: Module,
    /// Statements of blocks used as values, waiting to be placed before the current statement.
    hoisted: Vec<Stmt>,
    /// Type name -> class index.
    class_of: HashMap<String, usize>,
    /// The names `use`d inside each enclosing inline `mod` (innermost last): they bind only there.
    mod_scopes: Vec<HashMap<String, Box<str>>>,
    /// Names given to pattern parameters of the function being lowered.
    taken_params: Vec<String>,
}

impl Lower {
    fn sp(&self, s: proc_macro2::Span) -> Span {
        let r = s.byte_range();
        Span::new(r.start + self.base, r.end + self.base)
    }

    fn ident_span(&self, i: &syn::Ident) -> Span {
        self.sp(i.span())
    }

    fn path_span(&self, p: &Path) -> Span {
        match (p.segments.first(), p.segments.last()) {
            (Some(a), Some(b)) => join(self.ident_span(&a.ident), self.ident_span(&b.ident)),
            _ => Span::default(),
        }
    }

    fn delim_span(&self, d: &MacroDelimiter) -> Span {
        match d {
            MacroDelimiter::Paren(p) => self.sp(p.span.join()),
            MacroDelimiter::Brace(b) => self.sp(b.span.join()),
            MacroDelimiter::Bracket(b) => self.sp(b.span.join()),
        }
    }

    fn enter(&mut self) -> bool {
        if self.depth >= MAX_DEPTH {
            return false;
        }
        self.depth += 1;
        true
    }

    fn flush(&mut self, out: &mut Vec<Stmt>) {
        out.append(&mut self.hoisted);
    }

    // ---- items ----

    fn items(&mut self, items: &[Item], out: &mut Vec<Stmt>) {
        for item in items {
            self.item(item, out);
        }
    }

    fn item(&mut self, item: &Item, out: &mut Vec<Stmt>) {
        if !self.enter() {
            return;
        }
        match item {
            Item::Use(u) => {
                let span = join(self.sp(u.use_token.span), self.sp(u.semi_token.spans[0]));
                let mut prefix = Vec::new();
                self.use_tree(&u.tree, &mut prefix, span);
            }
            Item::ExternCrate(e) => {
                let span = self.sp(e.extern_token.span);
                let local = match &e.rename {
                    Some((_, r)) => r.to_string(),
                    None => e.ident.to_string(),
                };
                self.m.imports.push(Import {
                    local: local.into(),
                    qualified: e.ident.to_string().into(),
                    span,
                });
            }
            Item::Fn(f) => {
                let span = join(
                    self.sp(f.sig.fn_token.span),
                    self.sp(f.block.brace_token.span.join()),
                );
                if is_test_code(&f.attrs) {
                    self.m.test_spans.push(span);
                }
                let fi = self.function(&f.sig, &f.attrs, Some(&f.block), None, span);
                out.push(Stmt {
                    kind: StmtKind::FunctionDef(fi),
                    span,
                });
            }
            Item::Struct(s) => {
                let span = join(self.sp(s.struct_token.span), self.ident_span(&s.ident));
                let ci = self.class(&s.ident.to_string(), span, out);
                let fields: Vec<Param> = s
                    .fields
                    .iter()
                    .enumerate()
                    .map(|(i, f)| Param {
                        name: f
                            .ident
                            .as_ref()
                            .map_or_else(|| i.to_string(), |id| id.to_string())
                            .into(),
                        annotation: self.type_path(&f.ty),
                        default: None,
                        splat: Splat::None,
                        span: f.ident.as_ref().map_or(span, |id| self.ident_span(id)),
                        pattern: None,
                    })
                    .collect();
                let decorators = self.attributes(&s.attrs);
                if let Some(c) = self.m.classes.get_mut(ci) {
                    c.fields.extend(fields);
                    c.decorators.extend(decorators);
                }
            }
            Item::Enum(e) => {
                let span = join(self.sp(e.enum_token.span), self.ident_span(&e.ident));
                self.class(&e.ident.to_string(), span, out);
            }
            Item::Impl(imp) => {
                let Some(name) = type_name(&imp.self_ty) else {
                    self.depth -= 1;
                    return;
                };
                let name = name.rsplit('.').next().unwrap_or(&name).to_string();
                let span = join(
                    self.sp(imp.impl_token.span),
                    self.sp(imp.brace_token.span.join()),
                );
                let ci = self.class(&name, span, out);
                let decorators = self.attributes(&imp.attrs);
                if let Some(c) = self.m.classes.get_mut(ci) {
                    c.decorators.extend(decorators);
                }
                if let Some((path, _)) = &imp.trait_ {
                    let base = self.path_chain(path, true);
                    if let Some(c) = self.m.classes.get_mut(ci) {
                        c.bases.push(base);
                    }
                }
                for it in &imp.items {
                    match it {
                        ImplItem::Fn(f) => {
                            let span = join(
                                self.sp(f.sig.fn_token.span),
                                self.sp(f.block.brace_token.span.join()),
                            );
                            let fi =
                                self.function(&f.sig, &f.attrs, Some(&f.block), Some(ci), span);
                            if let Some(c) = self.m.classes.get_mut(ci) {
                                c.methods.push(fi);
                            }
                        }
                        ImplItem::Const(c) => {
                            let target = Expr::new(
                                ExprKind::Name(c.ident.to_string().into()),
                                self.ident_span(&c.ident),
                            );
                            let outer = std::mem::take(&mut self.hoisted);
                            let stmt = self.assign_stmt(target, &c.expr);
                            let mut body = std::mem::replace(&mut self.hoisted, outer);
                            body.push(stmt);
                            if let Some(cl) = self.m.classes.get_mut(ci) {
                                cl.body.extend(body);
                            }
                        }
                        _ => {}
                    }
                }
            }
            Item::Trait(t) => {
                let span = join(
                    self.sp(t.trait_token.span),
                    self.sp(t.brace_token.span.join()),
                );
                let ci = self.class(&t.ident.to_string(), span, out);
                for it in &t.items {
                    if let TraitItem::Fn(f) = it {
                        if let Some(block) = &f.default {
                            let span = join(
                                self.sp(f.sig.fn_token.span),
                                self.sp(block.brace_token.span.join()),
                            );
                            let fi = self.function(&f.sig, &f.attrs, Some(block), Some(ci), span);
                            if let Some(c) = self.m.classes.get_mut(ci) {
                                c.methods.push(fi);
                            }
                        }
                    }
                }
            }
            Item::Mod(m) => {
                if let Some((brace, items)) = &m.content {
                    if is_test_code(&m.attrs) {
                        let span = join(self.sp(m.mod_token.span), self.sp(brace.span.join()));
                        self.m.test_spans.push(span);
                    }
                    self.mod_scopes.push(HashMap::new());
                    self.items(items, out);
                    self.mod_scopes.pop();
                }
            }
            Item::Const(c) => {
                let target = Expr::new(
                    ExprKind::Name(c.ident.to_string().into()),
                    self.ident_span(&c.ident),
                );
                let stmt = self.assign_stmt(target, &c.expr);
                self.flush(out);
                out.push(stmt);
            }
            Item::Static(s) => {
                let target = Expr::new(
                    ExprKind::Name(s.ident.to_string().into()),
                    self.ident_span(&s.ident),
                );
                let stmt = self.assign_stmt(target, &s.expr);
                self.flush(out);
                out.push(stmt);
            }
            Item::Macro(m) if !m.mac.path.is_ident("macro_rules") => {
                let e = self.macro_expr(&m.mac);
                self.flush(out);
                let span = e.span;
                out.push(Stmt {
                    kind: StmtKind::Expr(e),
                    span,
                });
            }
            _ => {}
        }
        self.depth -= 1;
    }

    /// The class for a type name, made (and declared in `out`) on first sight.
    fn class(&mut self, name: &str, span: Span, out: &mut Vec<Stmt>) -> usize {
        if let Some(&ci) = self.class_of.get(name) {
            return ci;
        }
        let ci = self.m.classes.len();
        self.m.classes.push(Class {
            name: name.into(),
            bases: Vec::new(),
            decorators: Vec::new(),
            methods: Vec::new(),
            body: Vec::new(),
            fields: Vec::new(),
            span,
        });
        self.class_of.insert(name.to_string(), ci);
        out.push(Stmt {
            kind: StmtKind::ClassDef(ci),
            span,
        });
        ci
    }

    /// A `use` binding. Inside an inline `mod` it binds in that module only: its paths are
    /// written out in full as they are lowered, and the import is recorded without a local name
    /// (it still counts as importing the crate).
    fn bind_import(&mut self, local: String, qualified: Box<str>, span: Span) {
        let local = match self.mod_scopes.last_mut() {
            Some(scope) => {
                scope.insert(local, qualified.clone());
                "*".into()
            }
            None => local.into(),
        };
        self.m.imports.push(Import {
            local,
            qualified,
            span,
        });
    }

    /// A dotted path with its first segment written out when the enclosing inline `mod` imports
    /// it.
    fn in_mod_scope(&self, dotted: Box<str>) -> Box<str> {
        let Some(scope) = self.mod_scopes.last() else {
            return dotted;
        };
        let (first, rest) = dotted.split_once('.').unwrap_or((&dotted, ""));
        match scope.get(first) {
            Some(q) if rest.is_empty() => q.clone(),
            Some(q) => format!("{q}.{rest}").into(),
            None => dotted,
        }
    }

    /// A type's dotted path ([`type_name`]) as the enclosing inline `mod` names it.
    fn type_path(&self, ty: &Type) -> Option<Box<str>> {
        type_name(ty).map(|t| self.in_mod_scope(t))
    }

    fn use_tree(&mut self, tree: &UseTree, prefix: &mut Vec<String>, span: Span) {
        if prefix.len() > MAX_DEPTH {
            return;
        }
        let qualified = |prefix: &[String], last: &str| -> Box<str> {
            let mut s = prefix.join(".");
            if !last.is_empty() {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(last);
            }
            s.into()
        };
        match tree {
            UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.use_tree(&p.tree, prefix, span);
                prefix.pop();
            }
            UseTree::Name(n) => {
                let name = n.ident.to_string();
                // `use a::b::{self}` binds `b`.
                let (local, q) = if name == "self" {
                    match prefix.last() {
                        Some(l) => (l.clone(), qualified(prefix, "")),
                        None => return,
                    }
                } else {
                    (name.clone(), qualified(prefix, &name))
                };
                self.bind_import(local, q, span);
            }
            UseTree::Rename(r) => {
                let name = r.ident.to_string();
                let q = if name == "self" {
                    qualified(prefix, "")
                } else {
                    qualified(prefix, &name)
                };
                let local = r.rename.to_string();
                if local != "_" {
                    self.bind_import(local, q, span);
                }
            }
            UseTree::Glob(_) => {
                self.m.imports.push(Import {
                    local: "*".into(),
                    qualified: qualified(prefix, "*"),
                    span,
                });
            }
            UseTree::Group(g) => {
                for t in &g.items {
                    self.use_tree(t, prefix, span);
                }
            }
        }
    }

    // ---- functions ----

    fn function(
        &mut self,
        sig: &Signature,
        attrs: &[Attribute],
        block: Option<&Block>,
        class: Option<usize>,
        span: Span,
    ) -> usize {
        let mut params = Vec::new();
        // Parameters written as patterns (`Json(body): Json<Req>`) get a name of their own and a
        // `let` of the pattern from it at the top of the body.
        let mut unpack = Vec::new();
        self.taken_params.clear();
        for (i, input) in sig.inputs.iter().enumerate() {
            match input {
                FnArg::Receiver(r) => params.push(Param {
                    name: "self".into(),
                    annotation: None,
                    default: None,
                    splat: Splat::None,
                    span: self.sp(r.self_token.span),
                    pattern: None,
                }),
                FnArg::Typed(t) => {
                    let span = self.sp(t.colon_token.spans[0]);
                    let name = self.param_name(&t.pat, i, span, &mut unpack);
                    params.push(Param {
                        name,
                        annotation: self.type_path(&t.ty),
                        default: None,
                        splat: Splat::None,
                        span,
                        pattern: None,
                    });
                }
            }
        }
        let decorators = self.attributes(attrs);
        let fi = self.m.functions.len();
        self.m.functions.push(Function {
            name: sig.ident.to_string().into(),
            class,
            params,
            decorators,
            body: Vec::new(),
            is_async: sig.asyncness.is_some(),
            is_lambda: false,
            exported: false,
            span,
        });
        let saved = std::mem::take(&mut self.hoisted);
        let mut body = unpack;
        if let Some(b) = block {
            body.extend(self.block_stmts(b, true));
        }
        self.hoisted = saved;
        if let Some(f) = self.m.functions.get_mut(fi) {
            f.body = body;
        }
        fi
    }

    /// The name of a parameter. A pattern that binds more than a plain name gets a name of its own
    /// (see the module doc), and a `let` of the pattern from it is pushed to `unpack`.
    fn param_name(&mut self, p: &Pat, i: usize, span: Span, unpack: &mut Vec<Stmt>) -> Box<str> {
        let name = pat_name(p);
        if &*name != "_" || matches!(strip_pat(p), Pat::Wild(_)) {
            return name;
        }
        // Named after the pattern's type where there is one, so findings can say which parameter
        // (`Parameters(..)`); position-numbered otherwise or when two would share a name.
        let name: Box<str> = match strip_pat(p) {
            Pat::TupleStruct(t) => t.path.segments.last().map(|s| format!("{}(..)", s.ident)),
            Pat::Struct(t) => t
                .path
                .segments
                .last()
                .map(|s| format!("{} {{..}}", s.ident)),
            _ => None,
        }
        .filter(|n| !self.taken_params.contains(n))
        .unwrap_or_else(|| format!("_arg{i}"))
        .into();
        self.taken_params.push(name.to_string());
        let target = self.pat(p);
        let value = Expr::new(ExprKind::Name(name.clone()), span);
        unpack.push(Stmt {
            kind: assign(target, value, false),
            span,
        });
        name
    }

    /// Outer attributes as decorators: `#[tool]` is the name `tool`, `#[post("/chat")]` and
    /// `#[tool(description = "..")]` calls of it. Doc comments and `key = value` attributes are
    /// left out.
    fn attributes(&mut self, attrs: &[Attribute]) -> Vec<Expr> {
        let mut out = Vec::new();
        for a in attrs {
            if !matches!(a.style, AttrStyle::Outer) {
                continue;
            }
            match &a.meta {
                Meta::Path(p) => out.push(self.path_chain(p, true)),
                Meta::List(l) => {
                    let callee = self.path_chain(&l.path, true);
                    let pieces = split_pieces(&l.tokens);
                    let args = self.piece_args(&pieces);
                    let span = join(callee.span, self.delim_span(&l.delimiter));
                    out.push(call_expr(callee, args, false, span));
                }
                Meta::NameValue(_) => {}
            }
        }
        out
    }

    fn closure(&mut self, c: &syn::ExprClosure, span: Span) -> Expr {
        let mut unpack = Vec::new();
        let mut params = Vec::new();
        self.taken_params.clear();
        for (i, p) in c.inputs.iter().enumerate() {
            let name = self.param_name(p, i, span, &mut unpack);
            params.push(Param {
                name,
                annotation: match p {
                    Pat::Type(t) => self.type_path(&t.ty),
                    _ => None,
                },
                default: None,
                splat: Splat::None,
                span,
                pattern: None,
            });
        }
        let mut body = unpack;
        body.extend(self.body_of(&c.body));
        let fi = self.m.functions.len();
        self.m.functions.push(Function {
            name: "".into(),
            class: None,
            params,
            decorators: Vec::new(),
            body,
            is_async: c.asyncness.is_some(),
            is_lambda: true,
            exported: false,
            span,
        });
        Expr::new(ExprKind::Function(fi), span)
    }

    /// A closure or async block body: its statements with the tail as `Return`.
    fn body_of(&mut self, e: &SExpr) -> Vec<Stmt> {
        let saved = std::mem::take(&mut self.hoisted);
        let body = match e {
            SExpr::Block(b) if b.label.is_none() => self.block_stmts(&b.block, true),
            _ => {
                let mut out = Vec::new();
                self.expr_stmt(e, true, &mut out);
                out
            }
        };
        self.hoisted = saved;
        body
    }

    fn async_block(&mut self, block: &Block, span: Span) -> Expr {
        let saved = std::mem::take(&mut self.hoisted);
        let body = self.block_stmts(block, true);
        self.hoisted = saved;
        let fi = self.m.functions.len();
        self.m.functions.push(Function {
            name: "".into(),
            class: None,
            params: Vec::new(),
            decorators: Vec::new(),
            body,
            is_async: true,
            is_lambda: true,
            exported: false,
            span,
        });
        Expr::new(ExprKind::Function(fi), span)
    }

    // ---- statements ----

    /// A block's statements; with `tail`, its final expression is a `Return`.
    fn block_stmts(&mut self, block: &Block, tail: bool) -> Vec<Stmt> {
        let mut out = Vec::new();
        if !self.enter() {
            return out;
        }
        // What the enclosing statement hoisted stays with it, not with this block.
        let outer = std::mem::take(&mut self.hoisted);
        let n = block.stmts.len();
        for (i, s) in block.stmts.iter().enumerate() {
            self.stmt(s, tail && i + 1 == n, &mut out);
        }
        self.flush(&mut out);
        self.hoisted = outer;
        self.depth -= 1;
        out
    }

    fn stmt(&mut self, s: &SStmt, tail: bool, out: &mut Vec<Stmt>) {
        match s {
            SStmt::Local(local) => {
                let Some(init) = &local.init else {
                    return;
                };
                let target = self.pat(&local.pat);
                let stmt = self.assign_stmt(target, &init.expr);
                self.flush(out);
                out.push(stmt);
                if let Some((_, diverge)) = &init.diverge {
                    let mut body = Vec::new();
                    self.expr_stmt(diverge, false, &mut body);
                    let span = body.first().map_or(Span::default(), |s: &Stmt| s.span);
                    out.push(Stmt {
                        kind: StmtKind::Other {
                            exprs: Vec::new(),
                            body,
                        },
                        span,
                    });
                }
            }
            SStmt::Item(item) => self.item(item, out),
            SStmt::Expr(e, semi) => self.expr_stmt(e, tail && semi.is_none(), out),
            SStmt::Macro(m) => {
                let e = self.macro_expr(&m.mac);
                self.flush(out);
                let span = e.span;
                let kind = if tail && m.semi_token.is_none() {
                    StmtKind::Return(Some(e))
                } else {
                    StmtKind::Expr(e)
                };
                out.push(Stmt { kind, span });
            }
        }
    }

    fn assign_stmt(&mut self, target: Expr, value: &SExpr) -> Stmt {
        let value = self.expr(value);
        let span = join(target.span, value.span);
        Stmt {
            kind: assign(target, value, false),
            span,
        }
    }

    /// An expression in statement position; `tail` when its value is the function's result.
    fn expr_stmt(&mut self, e: &SExpr, tail: bool, out: &mut Vec<Stmt>) {
        if !self.enter() {
            return;
        }
        let stmt = self.expr_stmt_inner(e, tail);
        self.flush(out);
        if let Some(s) = stmt {
            out.push(s);
        }
        self.depth -= 1;
    }

    fn expr_stmt_inner(&mut self, e: &SExpr, tail: bool) -> Option<Stmt> {
        let (kind, span) = match e {
            SExpr::If(i) => {
                let test = self.expr(&i.cond);
                let body = self.block_stmts(&i.then_branch, tail);
                let mut orelse = Vec::new();
                let mut end = self.sp(i.then_branch.brace_token.span.join());
                if let Some((_, els)) = &i.else_branch {
                    match &**els {
                        SExpr::Block(b) => {
                            end = self.sp(b.block.brace_token.span.join());
                            orelse = self.block_stmts(&b.block, tail);
                        }
                        other => {
                            self.expr_stmt(other, tail, &mut orelse);
                            if let Some(last) = orelse.last() {
                                end = last.span;
                            }
                        }
                    }
                }
                let span = join(self.sp(i.if_token.span), end);
                (StmtKind::If { test, body, orelse }, span)
            }
            SExpr::Match(m) => {
                let subject = self.expr(&m.expr);
                let mut cases = Vec::new();
                for arm in &m.arms {
                    let mut pats = vec![self.pat(&arm.pat)];
                    let mut body = Vec::new();
                    if let Some((_, guard)) = pat_guard(&arm.pat) {
                        pats.push(self.expr(guard));
                    }
                    self.flush(&mut body);
                    match &*arm.body {
                        SExpr::Block(b) if b.label.is_none() => {
                            body.extend(self.block_stmts(&b.block, tail))
                        }
                        other => self.expr_stmt(other, tail, &mut body),
                    }
                    cases.push((pats, body));
                }
                let span = join(
                    self.sp(m.match_token.span),
                    self.sp(m.brace_token.span.join()),
                );
                (StmtKind::Match { subject, cases }, span)
            }
            SExpr::ForLoop(f) => {
                let target = self.pat(&f.pat);
                let iter = self.expr(&f.expr);
                let body = self.block_stmts(&f.body, false);
                let span = join(
                    self.sp(f.for_token.span),
                    self.sp(f.body.brace_token.span.join()),
                );
                (
                    StmtKind::Loop {
                        target: Some(target),
                        iter: Some(iter),
                        test: None,
                        body,
                        orelse: Vec::new(),
                    },
                    span,
                )
            }
            SExpr::While(w) => {
                let test = self.expr(&w.cond);
                let body = self.block_stmts(&w.body, false);
                let span = join(
                    self.sp(w.while_token.span),
                    self.sp(w.body.brace_token.span.join()),
                );
                (
                    StmtKind::Loop {
                        target: None,
                        iter: None,
                        test: Some(test),
                        body,
                        orelse: Vec::new(),
                    },
                    span,
                )
            }
            SExpr::Loop(l) => {
                let body = self.block_stmts(&l.body, false);
                let kw = self.sp(l.loop_token.span);
                let span = join(kw, self.sp(l.body.brace_token.span.join()));
                (
                    StmtKind::Loop {
                        target: None,
                        iter: None,
                        test: Some(Expr::new(ExprKind::Bool(true), kw)),
                        body,
                        orelse: Vec::new(),
                    },
                    span,
                )
            }
            SExpr::Block(b) => {
                let body = self.block_stmts(&b.block, tail);
                let span = self.sp(b.block.brace_token.span.join());
                (
                    StmtKind::Other {
                        exprs: Vec::new(),
                        body,
                    },
                    span,
                )
            }
            SExpr::Unsafe(u) => {
                let body = self.block_stmts(&u.block, tail);
                let span = join(
                    self.sp(u.unsafe_token.span),
                    self.sp(u.block.brace_token.span.join()),
                );
                (
                    StmtKind::Other {
                        exprs: Vec::new(),
                        body,
                    },
                    span,
                )
            }
            SExpr::Assign(a) => {
                let target = self.expr(&a.left);
                let value = self.expr(&a.right);
                let span = join(target.span, value.span);
                (assign(target, value, false), span)
            }
            SExpr::Binary(b) if is_compound(&b.op) => {
                let target = self.expr(&b.left);
                let value = self.expr(&b.right);
                let span = join(target.span, value.span);
                (assign(target, value, true), span)
            }
            // `s.push_str(x)` appends to `s` as `s += x` does.
            SExpr::MethodCall(mc) if mc.method == "push_str" && mc.args.len() == 1 => {
                let target = self.expr(&mc.receiver);
                let value = self.expr(&mc.args[0]);
                let span = join(target.span, self.sp(mc.paren_token.span.join()));
                (assign(target, value, true), span)
            }
            SExpr::Return(r) => {
                let kw = self.sp(r.return_token.span);
                let value = r.expr.as_ref().map(|e| self.expr(e));
                let span = value.as_ref().map_or(kw, |v| join(kw, v.span));
                (StmtKind::Return(value), span)
            }
            _ => {
                let value = self.expr(e);
                let span = value.span;
                if tail {
                    (StmtKind::Return(Some(value)), span)
                } else {
                    (StmtKind::Expr(value), span)
                }
            }
        };
        Some(Stmt { kind, span })
    }

    /// A block used as a value: its statements are hoisted, its tail is the value.
    fn block_value(&mut self, block: &Block) -> Expr {
        let span = self.sp(block.brace_token.span.join());
        let n = block.stmts.len();
        let mut value = None;
        let mut tmp = Vec::new();
        for (i, s) in block.stmts.iter().enumerate() {
            match s {
                SStmt::Expr(e, None) if i + 1 == n => value = Some(self.expr(e)),
                SStmt::Macro(m) if i + 1 == n && m.semi_token.is_none() => {
                    value = Some(self.macro_expr(&m.mac))
                }
                _ => self.stmt(s, false, &mut tmp),
            }
        }
        // Statements lowered above flushed earlier hoisted ones into `tmp` in order.
        tmp.append(&mut self.hoisted);
        self.hoisted = tmp;
        value.unwrap_or_else(|| other(span))
    }

    fn hoist_stmt(&mut self, e: &SExpr) {
        let mut tmp = Vec::new();
        self.expr_stmt(e, false, &mut tmp);
        self.hoisted.extend(tmp);
    }

    // ---- expressions ----

    fn expr(&mut self, e: &SExpr) -> Expr {
        if !self.enter() {
            return other(Span::default());
        }
        let out = self.expr_inner(e);
        self.depth -= 1;
        out
    }

    fn boxed(&mut self, e: &SExpr) -> Box<Expr> {
        Box::new(self.expr(e))
    }

    fn expr_inner(&mut self, e: &SExpr) -> Expr {
        match e {
            SExpr::Lit(l) => self.lit(&l.lit),
            // `None` is the absent value, as Python's `None` (a setting given as `None` is unset).
            SExpr::Path(p) if p.qself.is_none() && p.path.is_ident("None") => {
                Expr::new(ExprKind::Null, self.path_span(&p.path))
            }
            SExpr::Path(p) => self.path_expr(&p.path),
            SExpr::Field(f) => {
                let value = self.boxed(&f.base);
                let (attr, end) = match &f.member {
                    Member::Named(i) => (i.to_string(), self.ident_span(i)),
                    Member::Unnamed(ix) => (ix.index.to_string(), self.sp(ix.span)),
                };
                let span = join(value.span, end);
                Expr::new(
                    ExprKind::Attribute {
                        value,
                        attr: attr.into(),
                    },
                    span,
                )
            }
            SExpr::MethodCall(mc) => self.method_call(mc),
            SExpr::Call(c) => self.call(c),
            SExpr::Macro(m) => self.macro_expr(&m.mac),
            SExpr::Struct(s) => self.struct_lit(s),
            SExpr::Closure(c) => {
                let start = c
                    .capture
                    .as_ref()
                    .map(|m| self.sp(m.span))
                    .or(c.asyncness.as_ref().map(|a| self.sp(a.span)))
                    .unwrap_or_else(|| self.sp(c.inputs_begin.spans[0]));
                let body_probe = self.sp(c.inputs_end.spans[0]);
                let mut span = join(start, body_probe);
                let e = self.closure(c, span);
                // The closure's span ends where its body does.
                if let ExprKind::Function(fi) = e.kind {
                    if let Some(end) = self.m.functions[fi].body.last().map(|s| s.span) {
                        span = join(span, end);
                        self.m.functions[fi].span = span;
                    }
                    return Expr::new(ExprKind::Function(fi), span);
                }
                e
            }
            SExpr::Async(a) => {
                let span = join(
                    self.sp(a.async_token.span),
                    self.sp(a.block.brace_token.span.join()),
                );
                self.async_block(&a.block, span)
            }
            SExpr::Await(a) => {
                let inner = self.boxed(&a.base);
                let span = join(inner.span, self.sp(a.await_token.span));
                Expr::new(ExprKind::Await(inner), span)
            }
            SExpr::Try(t) => {
                let inner = self.boxed(&t.expr);
                let span = join(inner.span, self.sp(t.question_token.spans[0]));
                Expr::new(ExprKind::Await(inner), span)
            }
            SExpr::Yield(y) => {
                let kw = self.sp(y.yield_token.span);
                match &y.expr {
                    Some(v) => {
                        let inner = self.boxed(v);
                        let span = join(kw, inner.span);
                        Expr::new(ExprKind::Await(inner), span)
                    }
                    None => other(kw),
                }
            }
            SExpr::Reference(r) => self.expr(&r.expr),
            SExpr::RawAddr(r) => self.expr(&r.expr),
            SExpr::Paren(p) => self.expr(&p.expr),
            SExpr::Group(g) => self.expr(&g.expr),
            SExpr::Unary(u) => {
                let inner = self.expr(&u.expr);
                match &u.op {
                    UnOp::Deref(_) => inner,
                    // The operator is part of the span: `!x` is read as a negation from its text.
                    UnOp::Not(t) => {
                        let span = join(self.sp(t.span), inner.span);
                        Expr::new(ExprKind::Other(vec![inner]), span)
                    }
                    UnOp::Neg(t) => {
                        let span = join(self.sp(t.span), inner.span);
                        Expr::new(ExprKind::Other(vec![inner]), span)
                    }
                    _ => {
                        let span = inner.span;
                        Expr::new(ExprKind::Other(vec![inner]), span)
                    }
                }
            }
            SExpr::Binary(b) => self.binary(b),
            SExpr::Index(i) => {
                let value = self.boxed(&i.expr);
                let index = self.boxed(&i.index);
                let span = join(value.span, self.sp(i.bracket_token.span.join()));
                Expr::new(ExprKind::Index { value, index }, span)
            }
            SExpr::Range(r) => {
                let mut items = Vec::new();
                for side in [&r.start, &r.end].into_iter().flatten() {
                    items.push(self.expr(side));
                }
                // The `..` or `..=` is part of it: a slice is told from arithmetic by it.
                let limits = match &r.limits {
                    syn::RangeLimits::HalfOpen(t) => join(self.sp(t.spans[0]), self.sp(t.spans[1])),
                    syn::RangeLimits::Closed(t) => join(self.sp(t.spans[0]), self.sp(t.spans[2])),
                };
                let span = items.iter().map(|e| e.span).fold(limits, join);
                Expr::new(ExprKind::Other(items), span)
            }
            SExpr::Cast(c) => {
                let inner = self.expr(&c.expr);
                let span = join(inner.span, self.sp(c.as_token.span));
                Expr::new(ExprKind::Other(vec![inner]), span)
            }
            SExpr::Tuple(t) => {
                let items = t.elems.iter().map(|e| self.expr(e)).collect();
                Expr::new(ExprKind::List(items), self.sp(t.paren_token.span.join()))
            }
            SExpr::Array(a) => {
                let items = a.elems.iter().map(|e| self.expr(e)).collect();
                Expr::new(ExprKind::List(items), self.sp(a.bracket_token.span.join()))
            }
            SExpr::Repeat(r) => {
                let items = vec![self.expr(&r.expr), self.expr(&r.len)];
                Expr::new(ExprKind::Other(items), self.sp(r.bracket_token.span.join()))
            }
            SExpr::Let(l) => {
                let left = Box::new(self.pat(&l.pat));
                let right = self.boxed(&l.expr);
                let span = join(self.sp(l.let_token.span), right.span);
                Expr::new(
                    ExprKind::Compare {
                        op: ":=".into(),
                        left,
                        right,
                    },
                    span,
                )
            }
            SExpr::Block(b) => self.block_value(&b.block),
            SExpr::Unsafe(u) => self.block_value(&u.block),
            SExpr::Const(c) => self.block_value(&c.block),
            SExpr::TryBlock(t) => self.block_value(&t.block),
            SExpr::If(i) => {
                let test = self.expr(&i.cond);
                let tspan = test.span;
                self.hoisted.push(Stmt {
                    kind: StmtKind::Expr(test),
                    span: tspan,
                });
                let mut items = vec![self.block_value(&i.then_branch)];
                if let Some((_, els)) = &i.else_branch {
                    items.push(self.expr(els));
                }
                let span = join(
                    self.sp(i.if_token.span),
                    self.sp(i.then_branch.brace_token.span.join()),
                );
                Expr::new(ExprKind::Choice(items), span)
            }
            SExpr::Match(m) => {
                // `let x = match subject { Ok(r) => r.text, .. }`: the subject is held by the
                // name `match` (a keyword, so no variable's), each arm's pattern bound from it.
                let subject = self.expr(&m.expr);
                let sspan = subject.span;
                let held = || Expr::new(ExprKind::Name("match".into()), sspan);
                self.hoisted.push(Stmt {
                    kind: assign(held(), subject, false),
                    span: sspan,
                });
                let mut items = Vec::new();
                for arm in &m.arms {
                    let pat = self.pat(&arm.pat);
                    // Literal patterns bind nothing when assigned to; `_` is left out.
                    if !matches!(&pat.kind, ExprKind::Name(n) if &**n == "_") {
                        let pspan = pat.span;
                        self.hoisted.push(Stmt {
                            kind: assign(pat, held(), false),
                            span: pspan,
                        });
                    }
                    if let Some((_, guard)) = pat_guard(&arm.pat) {
                        let g = self.expr(guard);
                        let gspan = g.span;
                        self.hoisted.push(Stmt {
                            kind: StmtKind::Expr(g),
                            span: gspan,
                        });
                    }
                    items.push(self.expr(&arm.body));
                }
                let span = join(
                    self.sp(m.match_token.span),
                    self.sp(m.brace_token.span.join()),
                );
                Expr::new(ExprKind::Choice(items), span)
            }
            SExpr::ForLoop(_)
            | SExpr::While(_)
            | SExpr::Loop(_)
            | SExpr::Assign(_)
            | SExpr::Return(_) => {
                let before = self.hoisted.len();
                self.hoist_stmt(e);
                let span = self
                    .hoisted
                    .get(before..)
                    .unwrap_or_default()
                    .iter()
                    .map(|s| s.span)
                    .reduce(join)
                    .unwrap_or_default();
                other(span)
            }
            SExpr::Break(b) => {
                let kw = self.sp(b.break_token.span);
                match &b.expr {
                    Some(v) => {
                        let v = self.expr(v);
                        let span = join(kw, v.span);
                        Expr::new(ExprKind::Other(vec![v]), span)
                    }
                    None => other(kw),
                }
            }
            SExpr::Continue(c) => other(self.sp(c.continue_token.span)),
            _ => other(Span::default()),
        }
    }

    fn lit(&self, l: &Lit) -> Expr {
        let span = self.sp(l.span());
        let kind = match l {
            Lit::Str(s) => ExprKind::Str(s.value().into()),
            Lit::ByteStr(b) => ExprKind::Str(String::from_utf8_lossy(&b.value()).into()),
            Lit::CStr(c) => ExprKind::Str(c.value().to_string_lossy().into()),
            Lit::Char(c) => ExprKind::Str(c.value().to_string().into()),
            Lit::Byte(b) => ExprKind::Number(b.value().to_string().into()),
            Lit::Int(i) => ExprKind::Number(i.base10_digits().into()),
            Lit::Float(f) => ExprKind::Number(f.base10_digits().into()),
            Lit::Bool(b) => ExprKind::Bool(b.value),
            _ => ExprKind::Other(Vec::new()),
        };
        Expr::new(kind, span)
    }

    /// `a::b::C` -> `Name(a).b.C`; a leading `self::` is dropped.
    /// A path as a `Name`/`Attribute` chain. When the enclosing inline `mod` imports its first
    /// segment, that segment is written out in full: always for a path of two or more segments
    /// and for a macro's, not for a lone name (it may be a local variable).
    fn path_expr(&self, p: &Path) -> Expr {
        self.path_chain(p, false)
    }

    fn path_chain(&self, p: &Path, lone_too: bool) -> Expr {
        let mut segs = p.segments.iter().peekable();
        if p.segments.len() > 1 && segs.peek().is_some_and(|s| s.ident == "self") {
            segs.next();
        }
        let scoped = (lone_too || segs.len() > 1)
            .then(|| segs.peek())
            .flatten()
            .and_then(|first| {
                let scope = self.mod_scopes.last()?;
                let q = scope.get(&first.ident.to_string())?;
                Some((q.clone(), self.ident_span(&first.ident)))
            });
        let mut cur: Option<Expr> = None;
        if let Some((q, sp)) = scoped {
            segs.next();
            for name in q.split('.') {
                cur = Some(match cur {
                    None => Expr::new(ExprKind::Name(name.into()), sp),
                    Some(v) => Expr::new(
                        ExprKind::Attribute {
                            value: Box::new(v),
                            attr: name.into(),
                        },
                        sp,
                    ),
                });
            }
        }
        for seg in segs {
            let name: Box<str> = seg.ident.to_string().into();
            let sp = self.ident_span(&seg.ident);
            cur = Some(match cur {
                None => Expr::new(ExprKind::Name(name), sp),
                Some(v) => {
                    let span = join(v.span, sp);
                    Expr::new(
                        ExprKind::Attribute {
                            value: Box::new(v),
                            attr: name,
                        },
                        span,
                    )
                }
            });
        }
        cur.unwrap_or_else(|| other(self.path_span(p)))
    }

    fn method_call(&mut self, mc: &syn::ExprMethodCall) -> Expr {
        let recv = self.expr(&mc.receiver);
        let span = join(recv.span, self.sp(mc.paren_token.span.join()));
        let method = mc.method.to_string();
        // `"lit".to_string()` is the literal.
        if mc.args.is_empty()
            && matches!(recv.kind, ExprKind::Str(_))
            && matches!(
                method.as_str(),
                "to_string" | "to_owned" | "into" | "as_str"
            )
        {
            return Expr::new(recv.kind, span);
        }
        let callee_span = join(recv.span, self.ident_span(&mc.method));
        let callee = Expr::new(
            ExprKind::Attribute {
                value: Box::new(recv),
                attr: method.into(),
            },
            callee_span,
        );
        let args = mc.args.iter().map(|a| positional(self.expr(a))).collect();
        call_expr(callee, args, false, span)
    }

    fn call(&mut self, c: &syn::ExprCall) -> Expr {
        let callee = self.expr(&c.func);
        let span = join(callee.span, self.sp(c.paren_token.span.join()));
        let spelled = callee.dotted();
        // Wrappers that only carry their argument.
        if c.args.len() == 1
            && matches!(
                spelled.as_deref(),
                Some("Some" | "Ok" | "Err" | "Box.new" | "Arc.new" | "Rc.new")
            )
        {
            return self.expr(&c.args[0]);
        }
        let mut args: Vec<Arg> = c.args.iter().map(|a| positional(self.expr(a))).collect();
        if spelled.as_deref() == Some("String.from")
            && args.len() == 1
            && matches!(args[0].value.kind, ExprKind::Str(_))
        {
            let a = args.remove(0);
            return Expr::new(a.value.kind, span);
        }
        call_expr(callee, args, false, span)
    }

    fn struct_lit(&mut self, s: &syn::ExprStruct) -> Expr {
        let callee = self.path_chain(&s.path, true);
        let span = join(callee.span, self.sp(s.brace_token.span.join()));
        let mut entries = Vec::new();
        for fv in &s.fields {
            let (key, kspan) = match &fv.member {
                Member::Named(i) => (i.to_string(), self.ident_span(i)),
                Member::Unnamed(ix) => (ix.index.to_string(), self.sp(ix.span)),
            };
            let value = self.expr(&fv.expr);
            entries.push((Some(Expr::new(ExprKind::Str(key.into()), kspan)), value));
        }
        if let Some(rest) = &s.rest {
            let value = self.expr(rest);
            entries.push((None, value));
        }
        let dict = Expr::new(ExprKind::Dict(entries), self.sp(s.brace_token.span.join()));
        call_expr(callee, vec![positional(dict)], true, span)
    }

    fn binary(&mut self, b: &syn::ExprBinary) -> Expr {
        if is_compound(&b.op) {
            // `x += v` used as a value: the assignment is hoisted.
            let target = self.expr(&b.left);
            let value = self.expr(&b.right);
            let span = join(target.span, value.span);
            self.hoisted.push(Stmt {
                kind: assign(target, value, true),
                span,
            });
            return other(span);
        }
        if let BinOp::Add(_) = b.op {
            // Flatten the left-nested chain `a + b + c` iteratively.
            let mut rev: Vec<&SExpr> = vec![&b.right];
            let mut cur: &SExpr = &b.left;
            while let SExpr::Binary(inner) = cur {
                if !matches!(inner.op, BinOp::Add(_)) || rev.len() > 10 * MAX_DEPTH {
                    break;
                }
                rev.push(&inner.right);
                cur = &inner.left;
            }
            rev.push(cur);
            let items: Vec<Expr> = rev.into_iter().rev().map(|e| self.expr(e)).collect();
            let span = items
                .iter()
                .map(|e| e.span)
                .reduce(join)
                .unwrap_or_default();
            if !items.iter().any(is_str) {
                return Expr::new(ExprKind::Other(items), span);
            }
            let mut parts = Vec::new();
            for e in items {
                push_part(&mut parts, e);
            }
            return string_build(parts, span);
        }
        let left = self.boxed(&b.left);
        let right = self.boxed(&b.right);
        let span = join(left.span, right.span);
        let op = match b.op {
            BinOp::Eq(_) => Some("=="),
            BinOp::Ne(_) => Some("!="),
            BinOp::Lt(_) => Some("<"),
            BinOp::Le(_) => Some("<="),
            BinOp::Gt(_) => Some(">"),
            BinOp::Ge(_) => Some(">="),
            _ => None,
        };
        match op {
            Some(op) => Expr::new(
                ExprKind::Compare {
                    op: op.into(),
                    left,
                    right,
                },
                span,
            ),
            None => Expr::new(ExprKind::Other(vec![*left, *right]), span),
        }
    }

    // ---- patterns ----

    fn pat(&mut self, p: &Pat) -> Expr {
        if !self.enter() {
            return other(Span::default());
        }
        let out = self.pat_inner(p);
        self.depth -= 1;
        out
    }

    fn pat_inner(&mut self, p: &Pat) -> Expr {
        match p {
            Pat::Ident(i) => Expr::new(
                ExprKind::Name(i.ident.to_string().into()),
                self.ident_span(&i.ident),
            ),
            Pat::Type(t) => self.pat(&t.pat),
            Pat::Guard(g) => self.pat(&g.pat),
            Pat::Reference(r) => self.pat(&r.pat),
            Pat::Paren(x) => self.pat(&x.pat),
            Pat::Tuple(t) => {
                let items = t.elems.iter().map(|e| self.pat(e)).collect();
                Expr::new(ExprKind::List(items), self.sp(t.paren_token.span.join()))
            }
            Pat::TupleStruct(t) => {
                let items = t.elems.iter().map(|e| self.pat(e)).collect();
                let span = join(self.path_span(&t.path), self.sp(t.paren_token.span.join()));
                Expr::new(ExprKind::List(items), span)
            }
            Pat::Slice(s) => {
                let items = s.elems.iter().map(|e| self.pat(e)).collect();
                Expr::new(ExprKind::List(items), self.sp(s.bracket_token.span.join()))
            }
            Pat::Or(o) => {
                let items: Vec<Expr> = o.cases.iter().map(|e| self.pat(e)).collect();
                let span = items
                    .iter()
                    .map(|e| e.span)
                    .reduce(join)
                    .unwrap_or_default();
                Expr::new(ExprKind::List(items), span)
            }
            Pat::Struct(s) => {
                let mut entries = Vec::new();
                for fp in &s.fields {
                    let (key, kspan) = match &fp.member {
                        Member::Named(i) => (i.to_string(), self.ident_span(i)),
                        Member::Unnamed(ix) => (ix.index.to_string(), self.sp(ix.span)),
                    };
                    let value = self.pat(&fp.pat);
                    entries.push((Some(Expr::new(ExprKind::Str(key.into()), kspan)), value));
                }
                let span = join(self.path_span(&s.path), self.sp(s.brace_token.span.join()));
                Expr::new(ExprKind::Dict(entries), span)
            }
            Pat::Wild(w) => Expr::new(
                ExprKind::Name("_".into()),
                self.sp(w.underscore_token.spans[0]),
            ),
            Pat::Lit(l) => self.lit(&l.lit),
            Pat::Path(p) => self.path_expr(&p.path),
            _ => other(Span::default()),
        }
    }

    // ---- macros ----

    fn macro_expr(&mut self, mac: &Macro) -> Expr {
        let span = join(self.path_span(&mac.path), self.delim_span(&mac.delimiter));
        if !self.enter() {
            return other(span);
        }
        let out = self.macro_inner(mac, span);
        self.depth -= 1;
        out
    }

    fn macro_inner(&mut self, mac: &Macro, span: Span) -> Expr {
        let name = mac
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        match name.as_str() {
            "vec" => {
                let has_semi = mac
                    .tokens
                    .clone()
                    .into_iter()
                    .any(|t| matches!(&t, TokenTree::Punct(p) if p.as_char() == ';'));
                if has_semi {
                    let items = syn::parse::Parser::parse2(
                        |input: syn::parse::ParseStream| {
                            let a: SExpr = input.parse()?;
                            let _: syn::Token![;] = input.parse()?;
                            let b: SExpr = input.parse()?;
                            Ok((a, b))
                        },
                        mac.tokens.clone(),
                    );
                    return match items {
                        Ok((a, b)) => {
                            let items = vec![self.expr(&a), self.expr(&b)];
                            Expr::new(ExprKind::Other(items), span)
                        }
                        Err(_) => other(span),
                    };
                }
                let items = self.comma_exprs(&mac.tokens);
                Expr::new(ExprKind::List(items), span)
            }
            "json" => {
                let mut e = self.json(mac.tokens.clone());
                e.span = span;
                e
            }
            "concat" => {
                let mut parts = Vec::new();
                for e in self.comma_exprs(&mac.tokens) {
                    push_part(&mut parts, e);
                }
                string_build(parts, span)
            }
            "macro_rules" => other(span),
            _ => {
                let pieces = split_pieces(&mac.tokens);
                let fmt_at = if let Some(i) = std_format_index(&name) {
                    Some(i)
                } else if is_log_macro(&name) {
                    pieces
                        .iter()
                        .position(|p| p.name.is_none() && is_str_lit(&p.tokens))
                } else {
                    None
                };
                if matches!(name.as_str(), "format" | "format_args") {
                    if let Some(sb) = self.format_pieces(&pieces, 0, span) {
                        return sb.0;
                    }
                }
                let callee = self.path_chain(&mac.path, true);
                let args = match fmt_at.and_then(|i| self.format_call_args(&pieces, i, span)) {
                    Some(args) => args,
                    None => self.piece_args(&pieces),
                };
                call_expr(callee, args, false, span)
            }
        }
    }

    fn comma_exprs(&mut self, tokens: &TokenStream) -> Vec<Expr> {
        let parsed = syn::parse::Parser::parse2(
            Punctuated::<SExpr, syn::Token![,]>::parse_terminated,
            tokens.clone(),
        );
        match parsed {
            Ok(list) => list.iter().map(|e| self.expr(e)).collect(),
            Err(_) => Vec::new(),
        }
    }

    /// Every piece that parses as an expression, named ones as keyword arguments.
    fn piece_args(&mut self, pieces: &[Piece]) -> Vec<Arg> {
        let mut args = Vec::new();
        for p in pieces {
            if let Ok(e) = syn::parse2::<SExpr>(p.tokens.clone()) {
                let value = self.expr(&e);
                args.push(Arg {
                    name: p.name.as_deref().map(Into::into),
                    span: value.span,
                    value,
                    splat: Splat::None,
                });
            }
        }
        args
    }

    /// The arguments of a macro whose format string is piece `at`: the pieces before it, the
    /// `StringBuild`, then the named pieces the format string does not use.
    fn format_call_args(&mut self, pieces: &[Piece], at: usize, span: Span) -> Option<Vec<Arg>> {
        let (sb, used) = self.format_pieces(pieces, at, span)?;
        let mut args = Vec::new();
        for p in pieces.get(..at).unwrap_or(&[]) {
            args.extend(self.piece_args(std::slice::from_ref(p)));
        }
        args.push(positional(sb));
        for p in pieces.get(at + 1..).unwrap_or(&[]) {
            if p.name.as_ref().is_some_and(|n| !used.contains(n)) {
                args.extend(self.piece_args(std::slice::from_ref(p)));
            }
        }
        Some(args)
    }

    /// The `StringBuild` of the format string at piece `at` and the pieces after it, with the
    /// names it used. `None` when piece `at` is not a string literal.
    fn format_pieces(
        &mut self,
        pieces: &[Piece],
        at: usize,
        span: Span,
    ) -> Option<(Expr, Vec<String>)> {
        let fmt = pieces.get(at)?;
        if fmt.name.is_some() {
            return None;
        }
        let lit: syn::LitStr = syn::parse2(fmt.tokens.clone()).ok()?;
        let lit_span = self.sp(lit.span());
        let holes = parse_format(&lit.value())?;
        let rest = pieces.get(at + 1..).unwrap_or(&[]);
        let positional: Vec<&Piece> = rest.iter().filter(|p| p.name.is_none()).collect();
        let mut used = Vec::new();
        let mut parts = Vec::new();
        let mut next = 0;
        for h in holes {
            match h {
                Ok(text) => push_lit(&mut parts, &text),
                Err(hole) => {
                    let piece = match &hole {
                        Hole::Next => {
                            next += 1;
                            positional.get(next - 1).copied()
                        }
                        Hole::Index(i) => positional.get(*i).copied(),
                        Hole::Name(n) => rest.iter().find(|p| p.name.as_deref() == Some(n)),
                    };
                    let value = match (piece, &hole) {
                        (Some(p), _) => {
                            if let Some(n) = &p.name {
                                used.push(n.clone());
                            }
                            syn::parse2::<SExpr>(p.tokens.clone())
                                .ok()
                                .map(|e| self.expr(&e))
                        }
                        // `{name}` with no such argument captures the variable.
                        (None, Hole::Name(n)) if !n.contains(['.', '$']) => {
                            Some(Expr::new(ExprKind::Name(n.as_str().into()), lit_span))
                        }
                        _ => None,
                    };
                    if let Some(v) = value {
                        parts.push(StrPart::Expr(v));
                    }
                }
            }
        }
        Some((string_build(parts, span), used))
    }

    /// A `json!` value: objects are `Dict`s, arrays `List`s, anything else a Rust expression.
    fn json(&mut self, tokens: TokenStream) -> Expr {
        if !self.enter() {
            return other(Span::default());
        }
        let out = self.json_inner(tokens);
        self.depth -= 1;
        out
    }

    fn json_inner(&mut self, tokens: TokenStream) -> Expr {
        let tts: Vec<TokenTree> = tokens.clone().into_iter().collect();
        if let [TokenTree::Group(g)] = tts.as_slice() {
            let span = self.sp(g.span());
            match g.delimiter() {
                Delimiter::Brace => {
                    let mut entries = Vec::new();
                    for entry in split_commas(g.stream()) {
                        let Some(colon) = key_colon(&entry) else {
                            continue;
                        };
                        let key_toks: TokenStream = entry[..colon].iter().cloned().collect();
                        let val_toks: TokenStream = entry[colon + 1..].iter().cloned().collect();
                        let key = match syn::parse2::<syn::LitStr>(key_toks.clone()) {
                            Ok(l) => Expr::new(ExprKind::Str(l.value().into()), self.sp(l.span())),
                            Err(_) => match syn::parse2::<SExpr>(key_toks) {
                                Ok(e) => self.expr(&e),
                                Err(_) => continue,
                            },
                        };
                        let value = self.json(val_toks);
                        entries.push((Some(key), value));
                    }
                    return Expr::new(ExprKind::Dict(entries), span);
                }
                Delimiter::Bracket => {
                    let items = split_commas(g.stream())
                        .into_iter()
                        .map(|t| self.json(t.into_iter().collect()))
                        .collect();
                    return Expr::new(ExprKind::List(items), span);
                }
                _ => {}
            }
        }
        if let [TokenTree::Ident(i)] = tts.as_slice() {
            if i == "null" {
                return Expr::new(ExprKind::Null, self.sp(i.span()));
            }
        }
        match syn::parse2::<SExpr>(tokens) {
            Ok(e) => self.expr(&e),
            Err(_) => other(Span::default()),
        }
    }
}

fn is_compound(op: &BinOp) -> bool {
    matches!(
        op,
        BinOp::AddAssign(_)
            | BinOp::SubAssign(_)
            | BinOp::MulAssign(_)
            | BinOp::DivAssign(_)
            | BinOp::RemAssign(_)
            | BinOp::BitXorAssign(_)
            | BinOp::BitAndAssign(_)
            | BinOp::BitOrAssign(_)
            | BinOp::ShlAssign(_)
            | BinOp::ShrAssign(_)
    )
}

/// A match arm's guard (`P if g`), which syn keeps in the pattern.
fn pat_guard(p: &Pat) -> Option<((), &SExpr)> {
    match p {
        Pat::Guard(g) => Some(((), &*g.guard)),
        _ => None,
    }
}

fn is_str_lit(tokens: &TokenStream) -> bool {
    let mut it = tokens.clone().into_iter();
    matches!((it.next(), it.next()), (Some(TokenTree::Literal(l)), None) if l.to_string().ends_with('"'))
}

fn split_commas(tokens: TokenStream) -> Vec<Vec<TokenTree>> {
    let mut out = Vec::new();
    let mut cur = Vec::new();
    for tt in tokens {
        match &tt {
            TokenTree::Punct(p) if p.as_char() == ',' => out.push(std::mem::take(&mut cur)),
            _ => cur.push(tt),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The `:` between a `json!` key and its value (not one of a `::` path separator).
fn key_colon(entry: &[TokenTree]) -> Option<usize> {
    let mut prev_joint_colon = false;
    for (i, tt) in entry.iter().enumerate() {
        match tt {
            TokenTree::Punct(p) if p.as_char() == ':' => {
                if p.spacing() == Spacing::Joint {
                    prev_joint_colon = true;
                    continue;
                }
                if !prev_joint_colon {
                    return Some(i);
                }
                prev_joint_colon = false;
            }
            _ => prev_joint_colon = false,
        }
    }
    None
}

/// A call expression of the IR, not yet resolved.
/// `target = value` (`augmented`: `target += value`).
fn assign(target: Expr, value: Expr, augmented: bool) -> StmtKind {
    StmtKind::Assign {
        targets: vec![target],
        value,
        augmented,
    }
}

fn call_expr(callee: Expr, args: Vec<Arg>, is_new: bool, span: Span) -> Expr {
    Expr::new(
        ExprKind::Call(Box::new(Call {
            callee,
            args,
            is_new,
            qualified: None,
        })),
        span,
    )
}

#[cfg(test)]
mod tests;
