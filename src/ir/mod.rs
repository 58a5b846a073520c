//! The language-neutral model every rule reads.
//!
//! Each language front end (`lang/`) lowers its syntax tree into a [`Module`]. Rules never see
//! tree-sitter nodes. Every node keeps its byte [`Span`] in the lowered source, so findings point at
//! the exact sub-expression. Names are `Box<str>`: the IR is built once per file and only read
//! afterwards.

use crate::source::Language;

pub mod constants;
pub mod key_sets;
pub mod settings;
pub mod sites;

/// A half-open byte range `[start, end)` into the source text that was parsed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span {
            start: start as u32,
            end: end as u32,
        }
    }
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
    pub fn contains(self, inner: Span) -> bool {
        self.start <= inner.start && inner.end <= self.end
    }
}

/// One parsed file.
#[derive(Debug, Default)]
pub struct Module {
    pub language: Language,
    /// Import bindings in source order: local name -> qualified name.
    pub imports: Vec<Import>,
    /// Every function, method, lambda and arrow function, flattened. A function's body refers to
    /// nested functions by index ([`ExprKind::Function`], [`StmtKind::FunctionDef`]).
    pub functions: Vec<Function>,
    /// Top-level statements (the module body; for notebooks, all code cells joined).
    pub body: Vec<Stmt>,
    /// Classes with their methods (indices into `functions`) and base classes.
    pub classes: Vec<Class>,
    /// True when the parser reported syntax errors: what parsed was still lowered.
    pub has_errors: bool,
    /// The 1-based line of the first syntax error, when the parser says where.
    pub error_line: Option<u32>,
    /// The parser gave up on the whole file: nothing was lowered, only the text rules ran.
    pub unparsed: bool,
    /// What the rules need to know about the file's language, recorded by its front end.
    pub dialect: Dialect,
    /// Code that only runs under a test harness (Rust `#[cfg(test)]` modules and `#[test]`
    /// functions): test code in a production file (`src/roles.rs`).
    pub test_spans: Vec<Span>,
    /// Filled by `resolve`: calls whose receiver may be an instance of one of several classes
    /// (made by a factory of providers, a dict of classes, an `if` chain), by the call's span,
    /// with the qualified callee through each class (`Call::qualified` is the first).
    pub alternatives: std::collections::HashMap<Span, Vec<Box<str>>>,
    /// Filled by `resolve`: a method passed as a value (`submit(self.db.run_sql, q)`), by the
    /// attribute's span, with its qualified name (`Database().run_sql`).
    pub method_refs: std::collections::HashMap<Span, Box<str>>,
}

/// How the file's language spells what the analyses read, recorded by the front end so that no
/// rule or engine asks which language a file is in.
#[derive(Debug, Default, Clone, Copy)]
pub struct Dialect {
    /// A method's receiver is its first declared parameter, whatever its name (Python `self`),
    /// unless one of `receiverless_decorators` says it has none; functions outside classes have
    /// none. Otherwise the receiver is the implicit `this`, in object methods and field
    /// initialisers too.
    pub first_param_receiver: bool,
    /// A method's receiver is a first parameter spelled `self`, and `Self` names the type of
    /// the `impl` (Rust).
    pub self_param_receiver: bool,
    /// Calling a CapWords name constructs an object (Python `Action(**args)`; TS/JS say `new`).
    pub capwords_construct: bool,
    /// Calls take their options as one object, so an object passed by a name that cannot be read
    /// may hold any option (TS/JS, Rust structs).
    pub options_objects: bool,
    /// Settings are given by builder methods (`.max_tokens(500)`) and struct-literal fields, and
    /// type annotations are `::` paths (Rust).
    pub builder_setters: bool,
    /// The method constructing an object runs (`__init__`, `constructor`); none in Rust.
    pub constructor: Option<&'static str>,
    /// JSX: the prop a component gets its element's children as (`props.children`).
    pub jsx_children: Option<&'static str>,
    /// Functions that return a shallow copy of their one argument (Python `dict(args)`, JS
    /// `structuredClone(args)`) and methods that copy their receiver (Python `args.copy()`).
    pub copy_functions: &'static [&'static str],
    pub copy_methods: &'static [&'static str],
    /// Methods that give a mapping's (key, value) pairs (Python `d.items()`).
    pub pairs_methods: &'static [&'static str],
    /// Functions pairing each item with its position (`enumerate(xs)`): in `for i, x in ...`
    /// the position is a number, whatever the items hold.
    pub counting_functions: &'static [&'static str],
    /// The language's own classes and functions (`Map`, `URL`, `fetch`, `open`): a method called
    /// on what they make, or on a parameter typed as one, is not one of the scan's methods.
    pub platform_types: &'static [&'static str],
    /// Fields that hold the platform's objects whatever holds them (`proc.stdin`, a child
    /// process's stream).
    pub platform_fields: &'static [&'static str],
    /// Decorators of a method that takes no receiver where `first_param_receiver` holds
    /// (Python `@staticmethod`): its first parameter is its first argument.
    pub receiverless_decorators: &'static [&'static str],
}

impl Dialect {
    /// Whether the qualified call `q` is a method of an object the language's own classes or
    /// functions made (`Map().get`, `URL().searchParams.get`, `open().write`), or of one of
    /// their fields (`session.proc.stdin.write`).
    pub fn on_platform_object(&self, q: &str) -> bool {
        let head = q.split(['(', '.']).next().unwrap_or(q);
        let Some((object, _method)) = q.rsplit_once('.') else {
            return false;
        };
        self.platform_types.contains(&head)
            || object
                .split('.')
                .skip(1)
                .any(|f| self.platform_fields.contains(&f.trim_end_matches("()")))
    }
}

/// The deepest syntax nesting lowered into the IR, and the deepest any walk over it goes. Deeper
/// subtrees are cut off (kept as an empty `Other`), so neither lowering nor dropping the IR nor
/// any analysis can overflow the stack.
pub const MAX_DEPTH: usize = 200;

/// `from openai import OpenAI as O` binds `O` -> `openai.OpenAI`; `import torch` binds `torch`;
/// `import OpenAI from "openai"` binds `OpenAI` -> `openai`; `const { exec } = require("child_process")`
/// binds `exec` -> `child_process.exec`. Relative Python imports keep their dots (`.utils.x`).
#[derive(Debug, Clone)]
pub struct Import {
    pub local: Box<str>,
    pub qualified: Box<str>,
    pub span: Span,
}

#[derive(Debug)]
pub struct Class {
    pub name: Box<str>,
    pub bases: Vec<Expr>,
    pub decorators: Vec<Expr>,
    /// Indices into `Module::functions`.
    pub methods: Vec<usize>,
    /// Class-level statements other than methods (class attributes, TS field initialisers).
    pub body: Vec<Stmt>,
    /// Class-level names declared with a type (`llm_chain: LLMChain`, pydantic and dataclass
    /// fields), with or without a value: the type says what `self.llm_chain` holds.
    pub fields: Vec<Param>,
    pub span: Span,
}

#[derive(Debug)]
pub struct Function {
    /// Empty for lambdas and anonymous functions.
    pub name: Box<str>,
    /// Index into `Module::classes` when this is a method.
    pub class: Option<usize>,
    pub params: Vec<Param>,
    pub decorators: Vec<Expr>,
    pub body: Vec<Stmt>,
    pub is_async: bool,
    /// Lambdas and arrow functions with an expression body have one `Return` statement.
    pub is_lambda: bool,
    /// Exported by its module (`export function f`, `export const f = () => ...`).
    pub exported: bool,
    pub span: Span,
}

/// Whether a qualified call name starts from one of `imported` (the qualified names a file
/// imports) at a segment's end: `sqlite3.connect().cursor().execute` from `sqlite3`, not
/// `sqlite3x.run` from `sqlite3`.
pub fn starts_from_import<S: std::hash::BuildHasher>(
    q: &str,
    imported: &std::collections::HashSet<&str, S>,
) -> bool {
    let ends = q.match_indices(['.', '(']).map(|(i, _)| i);
    ends.chain([q.len()]).any(|i| imported.contains(&q[..i]))
}

impl Function {
    /// Whether the body only declares the function (`pass`, a docstring, `...`, `raise
    /// NotImplementedError`, no body at all): an abstract method, an interface's, a stub, which
    /// the classes that implement it define.
    pub fn is_declaration(&self) -> bool {
        self.body.iter().all(|s| match &s.kind {
            StmtKind::Raise(_) | StmtKind::Return(None) => true,
            StmtKind::Expr(e) => !matches!(e.kind, ExprKind::Call(_) | ExprKind::Await(_)),
            StmtKind::Other { exprs, body } => exprs.is_empty() && body.is_empty(),
            _ => false,
        })
    }

    /// Whether the method takes no receiver although its language passes one as the first
    /// parameter (`Dialect::receiverless_decorators`: a Python `@staticmethod`).
    pub fn is_receiverless(&self, dialect: &Dialect) -> bool {
        self.decorators.iter().any(|d| {
            d.dotted()
                .is_some_and(|d| dialect.receiverless_decorators.contains(&d.as_str()))
        })
    }

    /// Whether a pattern in the parameter list binds names (`function f({ url })`).
    pub fn has_patterns(&self) -> bool {
        self.params.iter().any(|p| p.pattern.is_some())
    }

    /// The argument each parameter takes its value from, by position: names destructured from
    /// one argument (`function f({ url, path }, n)`: `url` and `path`) share its position.
    pub fn argument_positions(&self) -> Vec<usize> {
        let mut out = Vec::with_capacity(self.params.len());
        let mut group: Option<u32> = None;
        for (i, p) in self.params.iter().enumerate() {
            let this = p.pattern.as_ref().map(|d| d.position);
            let same = i > 0 && this.is_some() && this == group;
            out.push(match out.last() {
                Some(&last) if same => last,
                Some(&last) => last + 1,
                None => 0,
            });
            group = this;
        }
        out
    }
}

/// Where a name destructured from an argument comes from: the argument's place in the
/// parameter list as written, and the property it reads (`url` in `{ url }` and `{ url: u }`;
/// none for an array's item).
#[derive(Debug, Clone)]
pub struct Destructured {
    pub position: u32,
    pub key: Option<Box<str>>,
}

#[derive(Debug)]
pub struct Param {
    pub name: Box<str>,
    /// The annotation's text as written (`Request`, `str`, `UploadFile`), if any.
    pub annotation: Option<Box<str>>,
    pub default: Option<Expr>,
    /// `*args` / `...rest` is `Star`, `**kwargs` is `DoubleStar`.
    pub splat: Splat,
    pub span: Span,
    /// Set for a name bound by a pattern in the parameter list (TS/JS `{ url }`).
    pub pattern: Option<Destructured>,
}

#[derive(Debug)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

#[derive(Debug)]
pub enum StmtKind {
    /// `targets = value`; several targets for `a = b = v`. Augmented assignment (`x += v`) sets
    /// `augmented`. A declaration without a value (`let x;`) is not lowered.
    /// Destructuring targets lower to [`ExprKind::List`] (tuples, arrays) or [`ExprKind::Dict`]
    /// (object patterns, keys are the property names, values the bound targets).
    Assign {
        targets: Vec<Expr>,
        value: Expr,
        augmented: bool,
    },
    Expr(Expr),
    Return(Option<Expr>),
    /// `continue` or `break`: the rest of the loop's body does not run.
    Jump,
    /// `if`; Python's `assert test, message` lowers to one whose `else` raises `message`.
    If {
        test: Expr,
        body: Vec<Stmt>,
        orelse: Vec<Stmt>,
    },
    /// `for target in iter`, `for (const x of xs)`, `while test`. `iter` is `None` for `while`;
    /// `test` is `None` for `for` loops (and `while True` keeps its literal test).
    Loop {
        target: Option<Expr>,
        iter: Option<Expr>,
        test: Option<Expr>,
        body: Vec<Stmt>,
        orelse: Vec<Stmt>,
    },
    /// `with a as b, c:` — each item's context expression and optional target.
    With {
        items: Vec<(Expr, Option<Expr>)>,
        body: Vec<Stmt>,
    },
    Try {
        body: Vec<Stmt>,
        handlers: Vec<Handler>,
        orelse: Vec<Stmt>,
        finally: Vec<Stmt>,
    },
    Raise(Option<Expr>),
    /// A nested function or method definition; index into `Module::functions`.
    FunctionDef(usize),
    /// A nested class definition; index into `Module::classes`.
    ClassDef(usize),
    /// `match`/`switch`: the subject and each case's body (patterns kept as expressions).
    Match {
        subject: Expr,
        cases: Vec<(Vec<Expr>, Vec<Stmt>)>,
    },
    /// Anything else with sub-statements or expressions kept (e.g. `del`, `global`).
    Other {
        exprs: Vec<Expr>,
        body: Vec<Stmt>,
    },
}

#[derive(Debug)]
pub struct Handler {
    /// The exception type expression, if any.
    pub kind: Option<Expr>,
    /// The bound name (`except E as e`, `catch (e)`).
    pub name: Option<Box<str>>,
    pub body: Vec<Stmt>,
    pub span: Span,
}

#[derive(Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug)]
pub enum ExprKind {
    Name(Box<str>),
    /// `value.attr`; optional chaining (`a?.b`) lowers to the same.
    Attribute {
        value: Box<Expr>,
        attr: Box<str>,
    },
    /// `value[index]`; slices lower with an `Other` index holding the bounds.
    Index {
        value: Box<Expr>,
        index: Box<Expr>,
    },
    Call(Box<Call>),
    /// A string with interpolation or concatenation: f-strings, template literals, `a + b` where a
    /// side is a string, `"..." % x`, `"...".format(x)`, `sep.join(xs)`.
    StringBuild(Vec<StrPart>),
    /// A plain string literal, its value decoded as far as escapes allow. Adjacent literals
    /// (`"a" "b"`) are joined.
    Str(Box<str>),
    Number(Box<str>),
    Bool(bool),
    /// `None`, `null`, `undefined`.
    Null,
    /// Dict or object literal. A `None` key is a spread (`**d`, `...obj`). Object shorthand
    /// `{ apiKey }` has key `Str("apiKey")` and value `Name("apiKey")`.
    Dict(Vec<(Option<Expr>, Expr)>),
    /// List, tuple, set or array literal. Spread elements are wrapped in `Spread`.
    List(Vec<Expr>),
    /// `*xs`, `...xs`, `**kw` in a literal or a destructuring pattern.
    Spread(Box<Expr>),
    /// A lambda, arrow function or function expression; index into `Module::functions`.
    Function(usize),
    /// `await x`, `yield x` (both pass their operand through).
    Await(Box<Expr>),
    /// `a if c else b`, `c ? a : b`, `a or b`, `a ?? b`: any of the branches may be the value.
    Choice(Vec<Expr>),
    /// Comparisons and `in` tests: `left op right`, op as written (`==`, `in`, `not in`, `<`, ...).
    /// A comprehension's `for t in xs` clause is `Compare { op: "for", left: t, right: xs }`,
    /// and an assignment expression `(x := v)` is `Compare { op: ":=", left: x, right: v }`.
    Compare {
        op: Box<str>,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    /// Anything else (arithmetic, unary ops, comprehensions, JSX ...) with its children kept in
    /// source order so flows can still pass through.
    Other(Vec<Expr>),
}

#[derive(Debug)]
pub enum StrPart {
    Lit(Box<str>),
    Expr(Expr),
}

#[derive(Debug)]
pub struct Call {
    pub callee: Expr,
    pub args: Vec<Arg>,
    /// `new X(...)` in TS/JS.
    pub is_new: bool,
    /// Filled by `resolve`: the callee's qualified name (`torch.load`,
    /// `openai.OpenAI().chat.completions.create`, `eval`). `None` when it cannot be named.
    pub qualified: Option<Box<str>>,
}

#[derive(Debug)]
pub struct Arg {
    /// Keyword name for `f(x=1)`; `None` for positional arguments.
    pub name: Option<Box<str>>,
    pub value: Expr,
    pub splat: Splat,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Splat {
    #[default]
    None,
    /// `*args`, `...args`
    Star,
    /// `**kwargs`
    DoubleStar,
}

impl Expr {
    pub fn new(kind: ExprKind, span: Span) -> Self {
        Expr { kind, span }
    }

    /// For the test a `Choice` keeps of a conditional (`a if test else b` lowers as `[a, b,
    /// Compare { op: "if", left: test }]`): the test. `None` for a branch.
    pub fn choice_test(&self) -> Option<&Expr> {
        match &self.kind {
            ExprKind::Compare { op, left, .. } if &**op == "if" => Some(left),
            _ => None,
        }
    }

    /// The literal string value, if this is a plain string literal.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            ExprKind::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The dotted spelling of a name/attribute chain (`a.b.c`), or `None` for anything else.
    pub fn dotted(&self) -> Option<String> {
        match &self.kind {
            ExprKind::Name(n) => Some(n.to_string()),
            ExprKind::Attribute { value, attr } => {
                let mut s = value.dotted()?;
                s.push('.');
                s.push_str(attr);
                Some(s)
            }
            _ => None,
        }
    }

    /// Calls `f` on this expression and every expression nested in it (not entering nested
    /// function bodies), in source order, iteratively so deep nesting cannot overflow the stack.
    pub fn walk<'a>(&'a self, f: &mut dyn FnMut(&'a Expr)) {
        let mut stack: Vec<&'a Expr> = vec![self];
        while let Some(e) = stack.pop() {
            f(e);
            let before = stack.len();
            e.for_each_child(&mut |c| stack.push(c));
            stack[before..].reverse();
        }
    }

    /// Calls `f` on each direct child expression in source order.
    pub fn for_each_child<'a>(&'a self, f: &mut dyn FnMut(&'a Expr)) {
        match &self.kind {
            ExprKind::Attribute { value, .. } => f(value),
            ExprKind::Index { value, index } => {
                f(value);
                f(index);
            }
            ExprKind::Call(call) => {
                f(&call.callee);
                for a in &call.args {
                    f(&a.value);
                }
            }
            ExprKind::StringBuild(parts) => {
                for p in parts {
                    if let StrPart::Expr(e) = p {
                        f(e);
                    }
                }
            }
            ExprKind::Dict(entries) => {
                for (k, v) in entries {
                    if let Some(k) = k {
                        f(k);
                    }
                    f(v);
                }
            }
            ExprKind::List(items) | ExprKind::Choice(items) | ExprKind::Other(items) => {
                for i in items {
                    f(i);
                }
            }
            ExprKind::Spread(e) | ExprKind::Await(e) => f(e),
            ExprKind::Compare { left, right, .. } => {
                f(left);
                f(right);
            }
            ExprKind::Name(_)
            | ExprKind::Str(_)
            | ExprKind::Number(_)
            | ExprKind::Bool(_)
            | ExprKind::Null
            | ExprKind::Function(_) => {}
        }
    }
}

impl Call {
    /// The keyword argument `name`, or in TS/JS the property `name` of an object-literal argument
    /// (`new OpenAI({ dangerouslyAllowBrowser: true })`).
    pub fn keyword(&self, name: &str) -> Option<&Expr> {
        for a in &self.args {
            if a.name.as_deref() == Some(name) {
                return Some(&a.value);
            }
        }
        for a in &self.args {
            if a.name.is_none() && a.splat == Splat::None {
                if let ExprKind::Dict(entries) = &a.value.kind {
                    for (k, v) in entries {
                        if k.as_ref().and_then(|k| k.as_str()) == Some(name) {
                            return Some(v);
                        }
                    }
                }
            }
        }
        None
    }

    /// The `index`-th positional argument, if it was passed positionally (before any splat).
    pub fn positional(&self, index: usize) -> Option<&Expr> {
        let mut i = 0;
        for a in &self.args {
            if a.name.is_some() {
                continue;
            }
            if a.splat != Splat::None {
                return None;
            }
            if i == index {
                return Some(&a.value);
            }
            i += 1;
        }
        None
    }

    /// True when keyword arguments may hide in a `**kwargs`, or in a `...spread` inside an
    /// options-object argument.
    pub fn has_keyword_splat(&self) -> bool {
        self.args.iter().any(|a| {
            a.splat == Splat::DoubleStar
                || matches!(&a.value.kind, ExprKind::Dict(entries) if entries.iter().any(|(k, _)| k.is_none()))
        })
    }

    /// True when an argument list has `*args`/`**kwargs`/`...spread` whose contents are unknown.
    pub fn has_splat(&self) -> bool {
        self.args.iter().any(|a| a.splat != Splat::None)
    }
}

/// Calls `f` on every statement in `stmts` and their nested bodies (not entering nested function
/// or class definitions), in source order.
pub fn walk_stmts<'a>(stmts: &'a [Stmt], f: &mut dyn FnMut(&'a Stmt)) {
    let mut stack: Vec<&'a Stmt> = stmts.iter().rev().collect();
    while let Some(s) = stack.pop() {
        f(s);
        let before = stack.len();
        s.for_each_child_stmt(&mut |c| stack.push(c));
        stack[before..].reverse();
    }
}

impl Stmt {
    /// Direct child statements in source order.
    pub fn for_each_child_stmt<'a>(&'a self, f: &mut dyn FnMut(&'a Stmt)) {
        let mut all = |v: &'a [Stmt]| v.iter().for_each(&mut *f);
        match &self.kind {
            StmtKind::If { body, orelse, .. } | StmtKind::Loop { body, orelse, .. } => {
                all(body);
                all(orelse);
            }
            StmtKind::With { body, .. } | StmtKind::Other { body, .. } => all(body),
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finally,
            } => {
                all(body);
                for h in handlers {
                    all(&h.body);
                }
                all(orelse);
                all(finally);
            }
            StmtKind::Match { cases, .. } => {
                for (_, b) in cases {
                    all(b);
                }
            }
            StmtKind::Assign { .. }
            | StmtKind::Expr(_)
            | StmtKind::Return(_)
            | StmtKind::Raise(_)
            | StmtKind::FunctionDef(_)
            | StmtKind::ClassDef(_)
            | StmtKind::Jump => {}
        }
    }

    /// Direct expressions of this statement (not those of child statements), in source order.
    pub fn for_each_expr<'a>(&'a self, f: &mut dyn FnMut(&'a Expr)) {
        match &self.kind {
            StmtKind::Assign { targets, value, .. } => {
                for t in targets {
                    f(t);
                }
                f(value);
            }
            StmtKind::Expr(e) => f(e),
            StmtKind::Return(e) | StmtKind::Raise(e) => {
                if let Some(e) = e {
                    f(e)
                }
            }
            StmtKind::If { test, .. } => f(test),
            StmtKind::Loop {
                target, iter, test, ..
            } => {
                for e in [target, iter, test].into_iter().flatten() {
                    f(e);
                }
            }
            StmtKind::With { items, .. } => {
                for (ctx, target) in items {
                    f(ctx);
                    if let Some(t) = target {
                        f(t);
                    }
                }
            }
            StmtKind::Try { handlers, .. } => {
                for h in handlers {
                    if let Some(k) = &h.kind {
                        f(k);
                    }
                }
            }
            StmtKind::Match { subject, cases } => {
                f(subject);
                for (pats, _) in cases {
                    for p in pats {
                        f(p);
                    }
                }
            }
            StmtKind::Other { exprs, .. } => {
                for e in exprs {
                    f(e);
                }
            }
            StmtKind::FunctionDef(_) | StmtKind::ClassDef(_) | StmtKind::Jump => {}
        }
    }
}

impl Module {
    /// The (first, last) 1-based line of every statement, for suppressions on multi-line
    /// statements.
    pub fn statement_lines(&self, lines: &crate::source::LineIndex) -> Vec<(u32, u32)> {
        let mut out = Vec::new();
        for body in self.bodies() {
            walk_stmts(body, &mut |s| {
                let a = lines.line_of(s.span.start as usize) as u32 + 1;
                let b = lines.line_of(s.span.end as usize) as u32 + 1;
                // Single-line statements too: they stop a comment in a block reaching its header.
                out.push((a, b.max(a)));
            });
        }
        out
    }

    /// Every statement list in the module: the body, class bodies and each function body.
    pub fn bodies(&self) -> impl Iterator<Item = &[Stmt]> {
        std::iter::once(self.body.as_slice())
            .chain(self.classes.iter().map(|c| c.body.as_slice()))
            .chain(self.functions.iter().map(|f| f.body.as_slice()))
    }

    /// Every expression in the module, including decorators, defaults and class bases, each
    /// visited once.
    pub fn walk_exprs<'a>(&'a self, f: &mut dyn FnMut(&'a Expr)) {
        for body in self.bodies() {
            walk_stmts(body, &mut |s| s.for_each_expr(&mut |e| e.walk(f)));
        }
        for func in &self.functions {
            for d in &func.decorators {
                d.walk(f);
            }
            for p in &func.params {
                if let Some(d) = &p.default {
                    d.walk(f);
                }
            }
        }
        for class in &self.classes {
            for e in class.bases.iter().chain(&class.decorators) {
                e.walk(f);
            }
        }
    }

    /// Every expression of the module, mutably (bodies, decorators, defaults, class bases): the
    /// mutable twin of [`Module::walk_exprs`], iterative for the same reason.
    pub fn for_each_expr_mut(&mut self, f: &mut dyn FnMut(&mut Expr)) {
        let module = self;
        fn expr(e: &mut Expr, f: &mut dyn FnMut(&mut Expr)) {
            let mut stack: Vec<&mut Expr> = vec![e];
            while let Some(e) = stack.pop() {
                f(e);
                match &mut e.kind {
                    ExprKind::Attribute { value, .. } => stack.push(value),
                    ExprKind::Index { value, index } => {
                        stack.push(value);
                        stack.push(index);
                    }
                    ExprKind::Call(call) => {
                        let call = &mut **call;
                        stack.push(&mut call.callee);
                        stack.extend(call.args.iter_mut().map(|a| &mut a.value));
                    }
                    ExprKind::StringBuild(parts) => {
                        for p in parts {
                            if let StrPart::Expr(e) = p {
                                stack.push(e);
                            }
                        }
                    }
                    ExprKind::Dict(entries) => {
                        for (k, v) in entries {
                            if let Some(k) = k {
                                stack.push(k);
                            }
                            stack.push(v);
                        }
                    }
                    ExprKind::List(items) | ExprKind::Choice(items) | ExprKind::Other(items) => {
                        stack.extend(items.iter_mut())
                    }
                    ExprKind::Spread(x) | ExprKind::Await(x) => stack.push(x),
                    ExprKind::Compare { left, right, .. } => {
                        stack.push(left);
                        stack.push(right);
                    }
                    _ => {}
                }
            }
        }
        fn stmts(list: &mut [Stmt], f: &mut dyn FnMut(&mut Expr)) {
            let mut stack: Vec<&mut Stmt> = list.iter_mut().collect();
            while let Some(s) = stack.pop() {
                match &mut s.kind {
                    StmtKind::Assign { targets, value, .. } => {
                        targets.iter_mut().for_each(|t| expr(t, f));
                        expr(value, f);
                    }
                    StmtKind::Expr(e) => expr(e, f),
                    StmtKind::Return(e) | StmtKind::Raise(e) => {
                        if let Some(e) = e {
                            expr(e, f)
                        }
                    }
                    StmtKind::If { test, body, orelse } => {
                        expr(test, f);
                        stack.extend(body.iter_mut());
                        stack.extend(orelse.iter_mut());
                    }
                    StmtKind::Loop {
                        target,
                        iter,
                        test,
                        body,
                        orelse,
                    } => {
                        for e in [target, iter, test].into_iter().flatten() {
                            expr(e, f);
                        }
                        stack.extend(body.iter_mut());
                        stack.extend(orelse.iter_mut());
                    }
                    StmtKind::With { items, body } => {
                        for (c, t) in items {
                            expr(c, f);
                            if let Some(t) = t {
                                expr(t, f);
                            }
                        }
                        stack.extend(body.iter_mut());
                    }
                    StmtKind::Try {
                        body,
                        handlers,
                        orelse,
                        finally,
                    } => {
                        stack.extend(body.iter_mut());
                        for h in handlers {
                            if let Some(k) = &mut h.kind {
                                expr(k, f);
                            }
                            stack.extend(h.body.iter_mut());
                        }
                        stack.extend(orelse.iter_mut());
                        stack.extend(finally.iter_mut());
                    }
                    StmtKind::Match { subject, cases } => {
                        expr(subject, f);
                        for (pats, body) in cases {
                            pats.iter_mut().for_each(|p| expr(p, f));
                            stack.extend(body.iter_mut());
                        }
                    }
                    StmtKind::Other { exprs, body } => {
                        exprs.iter_mut().for_each(|e| expr(e, f));
                        stack.extend(body.iter_mut());
                    }
                    StmtKind::FunctionDef(_) | StmtKind::ClassDef(_) | StmtKind::Jump => {}
                }
            }
        }
        stmts(&mut module.body, f);
        for class in &mut module.classes {
            stmts(&mut class.body, f);
            class
                .bases
                .iter_mut()
                .chain(class.decorators.iter_mut())
                .for_each(|e| expr(e, f));
        }
        for func in &mut module.functions {
            stmts(&mut func.body, f);
            func.decorators.iter_mut().for_each(|e| expr(e, f));
            for p in &mut func.params {
                if let Some(d) = &mut p.default {
                    expr(d, f);
                }
            }
        }
    }

    /// Every call in the module, each visited once.
    pub fn calls(&self) -> Vec<(&Call, Span)> {
        let mut out = Vec::new();
        self.walk_exprs(&mut |e| {
            if let ExprKind::Call(c) = &e.kind {
                out.push((&**c, e.span));
            }
        });
        out
    }
}
