//! Python front end: tree-sitter-python -> IR.
//!
//! Lowering choices worth knowing when writing rules:
//! - `a if c else b` lowers to `Choice([a, c, b])`: the test stays in (source order) so calls in
//!   it are never lost; `a or b` / `a and b` chains lower to one flat `Choice`.
//! - A string with nothing to interpolate is a `Str`, even when written as an f-string or built
//!   from literals only (`"a" + "b"`, `f"x"`); any non-literal part makes a `StringBuild`.
//! - `raise E from C` keeps `E` only; match-case guards are appended to the case's patterns.
//! - Syntax nested deeper than [`MAX_DEPTH`] is cut off (statements skipped, expressions kept as
//!   an empty `Other`); long `elif` chains nest up to the same budget and continue flat.

use std::cell::RefCell;
use std::sync::OnceLock;

use tree_sitter::{Node, Parser, TreeCursor};

use crate::ir::{
    Arg, Call, Class, Expr, ExprKind, Function, Handler, Import, Module, Param, Span, Splat, Stmt,
    StmtKind, StrPart,
};
use crate::lang::MAX_DEPTH;
use crate::source::Language;
use crate::timings::{self, Phase};

thread_local! {
    // One parser per thread, built once. Should the grammar fail to load (an ABI mismatch, which
    // the pinned versions rule out), `parse` returns `None` and `lower` reports a module with errors.
    static PARSER: RefCell<Parser> = RefCell::new({
        let mut p = Parser::new();
        let _ = p.set_language(&tree_sitter_python::LANGUAGE.into());
        p
    });
}

/// Field ids of the grammar, looked up once (a field id lookup by name is a linear scan).
struct Fields {
    alias: u16,
    alternative: u16,
    argument: u16,
    arguments: u16,
    attribute: u16,
    body: u16,
    cause: u16,
    condition: u16,
    consequence: u16,
    definition: u16,
    expression: u16,
    function: u16,
    guard: u16,
    key: u16,
    left: u16,
    module_name: u16,
    name: u16,
    object: u16,
    operator: u16,
    operators: u16,
    parameters: u16,
    right: u16,
    subject: u16,
    subscript: u16,
    superclasses: u16,
    type_: u16,
    value: u16,
}

fn fields() -> &'static Fields {
    static FIELDS: OnceLock<Fields> = OnceLock::new();
    FIELDS.get_or_init(|| {
        let lang: tree_sitter::Language = tree_sitter_python::LANGUAGE.into();
        // 0 is "no field": `child_by_field_id(0)` finds nothing.
        let id = |name: &str| lang.field_id_for_name(name).map_or(0, |f| f.get());
        Fields {
            alias: id("alias"),
            alternative: id("alternative"),
            argument: id("argument"),
            arguments: id("arguments"),
            attribute: id("attribute"),
            body: id("body"),
            cause: id("cause"),
            condition: id("condition"),
            consequence: id("consequence"),
            definition: id("definition"),
            expression: id("expression"),
            function: id("function"),
            guard: id("guard"),
            key: id("key"),
            left: id("left"),
            module_name: id("module_name"),
            name: id("name"),
            object: id("object"),
            operator: id("operator"),
            operators: id("operators"),
            parameters: id("parameters"),
            right: id("right"),
            subject: id("subject"),
            subscript: id("subscript"),
            superclasses: id("superclasses"),
            type_: id("type"),
            value: id("value"),
        }
    })
}

/// Lower Python source text into the IR.
pub fn lower(text: &str) -> Module {
    let tree = PARSER.with(|p| {
        p.try_borrow_mut()
            .ok()
            .and_then(|mut p| timings::time(Phase::Parse, || p.parse(text, None)))
    });
    let Some(tree) = tree else {
        return Module {
            language: Language::Python,
            has_errors: true,
            unparsed: true,
            ..Module::default()
        };
    };
    let root = tree.root_node();
    let mut l = Lower {
        text,
        f: fields(),
        cursors: Vec::new(),
        depth: 0,
        m: Module {
            language: Language::Python,
            has_errors: root.has_error(),
            error_line: super::first_error_line(root),
            ..Module::default()
        },
        self_fields: Vec::new(),
    };
    let body = l.block(root);
    l.m.body = body;
    l.m
}

fn span(n: Node) -> Span {
    Span::new(n.start_byte(), n.end_byte())
}

fn empty(span: Span) -> Expr {
    Expr::new(ExprKind::Other(Vec::new()), span)
}

enum Def {
    Func(usize),
    Class(usize),
    None,
}

struct Lower<'t> {
    text: &'t str,
    f: &'static Fields,
    /// Reused cursors, one per level of child iteration in progress, so iterating children does
    /// not allocate.
    cursors: Vec<TreeCursor<'t>>,
    /// Current syntax nesting, statements and expressions together.
    depth: usize,
    m: Module,
    /// `self.llm: BaseLLM = make_llm()` in a method: a typed field of the class being lowered,
    /// which the class takes when its body is done.
    self_fields: Vec<Param>,
}

impl<'t> Lower<'t> {
    fn text(&self, n: Node) -> &'t str {
        self.text.get(n.byte_range()).unwrap_or("")
    }

    /// Calls `f` with each child and its field id (0 when none).
    fn each_child(&mut self, node: Node<'t>, mut f: impl FnMut(&mut Self, Node<'t>, u16)) {
        let mut cur = match self.cursors.pop() {
            Some(mut c) => {
                c.reset(node);
                c
            }
            None => node.walk(),
        };
        if cur.goto_first_child() {
            loop {
                let fid = cur.field_id().map_or(0, |x| x.get());
                f(self, cur.node(), fid);
                if !cur.goto_next_sibling() {
                    break;
                }
            }
        }
        self.cursors.push(cur);
    }

    /// Calls `f` with each named child that is real syntax (not a comment, not a MISSING node
    /// inserted by error recovery).
    fn each_named(&mut self, node: Node<'t>, mut f: impl FnMut(&mut Self, Node<'t>)) {
        self.each_child(node, |l, c, _| {
            if c.is_named() && !c.is_extra() && !c.is_missing() {
                f(l, c)
            }
        });
    }

    fn first_named(&mut self, node: Node<'t>) -> Option<Node<'t>> {
        let mut first = None;
        self.each_named(node, |_, c| {
            if first.is_none() {
                first = Some(c);
            }
        });
        first
    }

    // ---- statements ----

    /// Lowers the statements of a module, block or statement-level ERROR node.
    fn block(&mut self, node: Node<'t>) -> Vec<Stmt> {
        let mut out = Vec::new();
        self.each_named(node, |l, c| l.stmt(c, &mut out));
        out
    }

    fn field_block(&mut self, node: Node<'t>, field: u16) -> Vec<Stmt> {
        match node.child_by_field_id(field) {
            Some(b) => self.block(b),
            None => Vec::new(),
        }
    }

    /// The body of the `else_clause` in `node`'s `alternative` field.
    fn else_block(&mut self, node: Node<'t>) -> Vec<Stmt> {
        match node.child_by_field_id(self.f.alternative) {
            Some(e) => self.field_block(e, self.f.body),
            None => Vec::new(),
        }
    }

    fn stmt(&mut self, n: Node<'t>, out: &mut Vec<Stmt>) {
        if self.depth >= MAX_DEPTH {
            return;
        }
        self.depth += 1;
        self.stmt_inner(n, out);
        self.depth -= 1;
    }

    fn stmt_inner(&mut self, n: Node<'t>, out: &mut Vec<Stmt>) {
        let kind = match n.kind() {
            "expression_statement" => return self.expr_stmt(n, out),
            "return_statement" => StmtKind::Return(self.first_named(n).map(|c| self.expr(c))),
            "if_statement" => self.if_stmt(n),
            "for_statement" => StmtKind::Loop {
                target: n.child_by_field_id(self.f.left).map(|c| self.expr(c)),
                iter: n.child_by_field_id(self.f.right).map(|c| self.expr(c)),
                test: None,
                body: self.field_block(n, self.f.body),
                orelse: self.else_block(n),
            },
            "while_statement" => StmtKind::Loop {
                target: None,
                iter: None,
                test: n.child_by_field_id(self.f.condition).map(|c| self.expr(c)),
                body: self.field_block(n, self.f.body),
                orelse: self.else_block(n),
            },
            "with_statement" => self.with_stmt(n),
            "try_statement" => self.try_stmt(n),
            "raise_statement" => self.raise_stmt(n),
            "assert_statement" => self.assert_stmt(n),
            "match_statement" => self.match_stmt(n),
            "function_definition" => StmtKind::FunctionDef(self.function(n, n, None, Vec::new())),
            "class_definition" => StmtKind::ClassDef(self.class(n, n, Vec::new())),
            "decorated_definition" => match self.decorated(n, None) {
                Def::Func(i) => StmtKind::FunctionDef(i),
                Def::Class(i) => StmtKind::ClassDef(i),
                Def::None => return,
            },
            "import_statement" | "import_from_statement" => return self.import(n),
            "future_import_statement" | "pass_statement" => return,
            "break_statement" | "continue_statement" => StmtKind::Jump,
            // Error recovery: lower whatever statements and expressions the parser kept.
            "ERROR" | "block" | "module" => {
                self.each_named(n, |l, c| l.stmt(c, out));
                return;
            }
            k if k.ends_with("_statement") => self.other_stmt(n),
            _ => StmtKind::Expr(self.expr(n)),
        };
        out.push(Stmt {
            kind,
            span: span(n),
        });
    }

    fn expr_stmt(&mut self, n: Node<'t>, out: &mut Vec<Stmt>) {
        let mut exprs = Vec::new();
        self.each_named(n, |l, c| match c.kind() {
            "assignment" => l.assignment(c, out),
            "augmented_assignment" => {
                let target = l.field_expr(c, l.f.left);
                let value = l.field_expr(c, l.f.right);
                out.push(Stmt {
                    kind: StmtKind::Assign {
                        targets: vec![target],
                        value,
                        augmented: true,
                    },
                    span: span(c),
                });
            }
            _ => exprs.push(l.expr(c)),
        });
        let expr = match exprs.len() {
            0 => return,
            1 => exprs.pop(),
            _ => Some(Expr::new(ExprKind::List(exprs), span(n))),
        };
        if let Some(e) = expr {
            out.push(Stmt {
                kind: StmtKind::Expr(e),
                span: span(n),
            });
        }
    }

    /// `a = b = v` nests to the right; walked iteratively. `x: T` without a value is skipped.
    fn assignment(&mut self, n: Node<'t>, out: &mut Vec<Stmt>) {
        if let Some(field) = self.typed_self_field(n) {
            self.self_fields.push(field);
        }
        let mut targets = Vec::new();
        let mut cur = n;
        loop {
            if let Some(left) = cur.child_by_field_id(self.f.left) {
                targets.push(self.expr(left));
            }
            match cur.child_by_field_id(self.f.right) {
                Some(r) if r.kind() == "assignment" => cur = r,
                Some(r) => {
                    let value = self.expr(r);
                    out.push(Stmt {
                        kind: StmtKind::Assign {
                            targets,
                            value,
                            augmented: false,
                        },
                        span: span(n),
                    });
                    return;
                }
                None => return,
            }
        }
    }

    fn if_stmt(&mut self, n: Node<'t>) -> StmtKind {
        let f = self.f;
        let test = self.field_expr(n, f.condition);
        let body = self.field_block(n, f.consequence);
        let mut elifs: Vec<Stmt> = Vec::new();
        let mut else_body = Vec::new();
        self.each_child(n, |l, c, fid| {
            if fid != f.alternative {
                return;
            }
            if c.kind() == "elif_clause" {
                let kind = StmtKind::If {
                    test: l.field_expr(c, f.condition),
                    body: l.field_block(c, f.consequence),
                    orelse: Vec::new(),
                };
                // An elif covers the rest of the statement.
                let span = Span::new(c.start_byte(), n.end_byte());
                elifs.push(Stmt { kind, span });
            } else if c.kind() == "else_clause" {
                else_body = l.field_block(c, f.body);
            }
        });
        // Each elif nests in the previous one's orelse, as deep as the depth budget allows; the
        // rest follow flat so a long chain cannot make the IR deep.
        let nested = elifs.len().min(MAX_DEPTH.saturating_sub(self.depth));
        let mut orelse: Vec<Stmt> = elifs.drain(nested..).collect();
        orelse.append(&mut else_body);
        while let Some(mut elif) = elifs.pop() {
            if let StmtKind::If { orelse: o, .. } = &mut elif.kind {
                *o = orelse;
            }
            orelse = vec![elif];
        }
        StmtKind::If { test, body, orelse }
    }

    fn with_stmt(&mut self, n: Node<'t>) -> StmtKind {
        let mut items = Vec::new();
        self.each_named(n, |l, clause| {
            if clause.kind() != "with_clause" {
                return;
            }
            l.each_named(clause, |l, item| {
                let Some(v) = item.child_by_field_id(l.f.value) else {
                    return;
                };
                if v.kind() == "as_pattern" {
                    let target = v.child_by_field_id(l.f.alias).map(|t| l.expr(t));
                    let ctx = match l.first_named(v) {
                        Some(c) => l.expr(c),
                        None => empty(span(v)),
                    };
                    items.push((ctx, target));
                } else {
                    items.push((l.expr(v), None));
                }
            });
        });
        StmtKind::With {
            items,
            body: self.field_block(n, self.f.body),
        }
    }

    fn try_stmt(&mut self, n: Node<'t>) -> StmtKind {
        let body = self.field_block(n, self.f.body);
        let mut handlers = Vec::new();
        let mut orelse = Vec::new();
        let mut finally = Vec::new();
        self.each_named(n, |l, c| match c.kind() {
            "except_clause" | "except_group_clause" => handlers.push(l.handler(c)),
            "else_clause" => orelse = l.field_block(c, l.f.body),
            "finally_clause" => {
                if let Some(b) = l.first_named(c) {
                    finally = l.block(b);
                }
            }
            _ => {}
        });
        StmtKind::Try {
            body,
            handlers,
            orelse,
            finally,
        }
    }

    fn handler(&mut self, c: Node<'t>) -> Handler {
        let f = self.f;
        let mut kinds = Vec::new();
        let mut name = None;
        let mut body = Vec::new();
        self.each_child(c, |l, k, fid| {
            if fid == f.value && k.kind() == "as_pattern" {
                // `except (A, B) as e` parses the whole `value as alias` as one pattern.
                kinds.push(l.inner_expr(k));
                if let Some(alias) = k.child_by_field_id(f.alias) {
                    name = Some(l.text(alias).into());
                }
            } else if fid == f.value {
                kinds.push(l.expr(k));
            } else if fid == f.alias {
                name = Some(l.text(k).into());
            } else if k.kind() == "block" {
                body = l.block(k);
            }
        });
        let kind = match kinds.len() {
            0 | 1 => kinds.pop(),
            _ => {
                let s = Span::new(
                    kinds.first().map_or(0, |e| e.span.start as usize),
                    kinds.last().map_or(0, |e| e.span.end as usize),
                );
                Some(Expr::new(ExprKind::List(kinds), s))
            }
        };
        Handler {
            kind,
            name,
            body,
            span: span(c),
        }
    }

    fn raise_stmt(&mut self, n: Node<'t>) -> StmtKind {
        let cause_field = self.f.cause;
        let mut exc = None;
        self.each_child(n, |l, c, fid| {
            if exc.is_none() && fid != cause_field && c.is_named() && !c.is_extra() {
                exc = Some(l.expr(c));
            }
        });
        StmtKind::Raise(exc)
    }

    /// `assert test, message` is `if test: pass` with an `else` that raises `message`: what the
    /// test proves holds after it.
    fn assert_stmt(&mut self, n: Node<'t>) -> StmtKind {
        let mut parts = Vec::new();
        self.each_named(n, |l, c| parts.push(l.expr(c)));
        let mut parts = parts.into_iter();
        let Some(test) = parts.next() else {
            return StmtKind::Other {
                exprs: Vec::new(),
                body: Vec::new(),
            };
        };
        StmtKind::If {
            test,
            body: Vec::new(),
            orelse: vec![Stmt {
                kind: StmtKind::Raise(parts.next()),
                span: span(n),
            }],
        }
    }

    fn match_stmt(&mut self, n: Node<'t>) -> StmtKind {
        let f = self.f;
        let mut subjects = Vec::new();
        let mut cases = Vec::new();
        self.each_child(n, |l, c, fid| {
            if fid == f.subject {
                subjects.push(l.expr(c));
            } else if fid == f.body {
                l.each_named(c, |l, case| {
                    if case.kind() == "case_clause" {
                        cases.push(l.case(case));
                    }
                });
            }
        });
        let subject = match subjects.len() {
            0 => empty(span(n)),
            1 => subjects.pop().unwrap_or_else(|| empty(span(n))),
            _ => {
                let s = Span::new(
                    subjects.first().map_or(0, |e| e.span.start as usize),
                    subjects.last().map_or(0, |e| e.span.end as usize),
                );
                Expr::new(ExprKind::List(subjects), s)
            }
        };
        StmtKind::Match { subject, cases }
    }

    fn case(&mut self, case: Node<'t>) -> (Vec<Expr>, Vec<Stmt>) {
        let f = self.f;
        let mut patterns = Vec::new();
        let mut guard = None;
        let mut body = Vec::new();
        self.each_child(case, |l, c, fid| {
            if fid == f.consequence {
                body = l.block(c);
            } else if fid == f.guard {
                guard = Some(l.inner_expr(c));
            } else if c.kind() == "case_pattern" {
                patterns.push(l.expr(c));
            }
        });
        patterns.extend(guard);
        (patterns, body)
    }

    /// `del`, `assert`, `global`, `print` ...: every child expression kept.
    fn other_stmt(&mut self, n: Node<'t>) -> StmtKind {
        let mut exprs = Vec::new();
        let mut body = Vec::new();
        self.each_named(n, |l, c| {
            if c.kind() == "block" {
                body.extend(l.block(c));
            } else {
                exprs.push(l.expr(c));
            }
        });
        StmtKind::Other { exprs, body }
    }

    // ---- definitions ----

    /// Lowers a function definition; `outer` is the node whose span it gets (the decorated
    /// definition when there is one).
    fn function(
        &mut self,
        def: Node<'t>,
        outer: Node<'t>,
        class: Option<usize>,
        decorators: Vec<Expr>,
    ) -> usize {
        let idx = self.m.functions.len();
        let name = def
            .child_by_field_id(self.f.name)
            .map_or("", |n| self.text(n));
        let is_async = def.child(0).is_some_and(|c| c.kind() == "async");
        // Pushed before the body so an outer function precedes the functions nested in it.
        self.m.functions.push(Function {
            name: name.into(),
            class,
            params: Vec::new(),
            decorators,
            body: Vec::new(),
            is_async,
            is_lambda: false,
            exported: false,
            span: span(outer),
        });
        let params = match def.child_by_field_id(self.f.parameters) {
            Some(p) => self.params(p),
            None => Vec::new(),
        };
        let body = self.field_block(def, self.f.body);
        if let Some(func) = self.m.functions.get_mut(idx) {
            func.params = params;
            func.body = body;
        }
        idx
    }

    fn params(&mut self, n: Node<'t>) -> Vec<Param> {
        let mut out = Vec::new();
        self.each_named(n, |l, c| out.extend(l.param(c)));
        out
    }

    fn param(&mut self, c: Node<'t>) -> Option<Param> {
        let f = self.f;
        let (name_node, annotation, default) = match c.kind() {
            "identifier" | "list_splat_pattern" | "dictionary_splat_pattern" | "tuple_pattern" => {
                (c, None, None)
            }
            "typed_parameter" => {
                let mut name = None;
                self.each_child(c, |_, k, fid| {
                    if fid != f.type_ && name.is_none() && k.is_named() && !k.is_extra() {
                        name = Some(k);
                    }
                });
                (name?, c.child_by_field_id(f.type_), None)
            }
            "default_parameter" | "typed_default_parameter" => (
                c.child_by_field_id(f.name)?,
                c.child_by_field_id(f.type_),
                c.child_by_field_id(f.value),
            ),
            // `*` and `/` separators
            _ => return None,
        };
        let (name, splat) = match name_node.kind() {
            "list_splat_pattern" => (self.splat_name(name_node), Splat::Star),
            "dictionary_splat_pattern" => (self.splat_name(name_node), Splat::DoubleStar),
            _ => (self.text(name_node), Splat::None),
        };
        Some(Param {
            name: name.into(),
            annotation: annotation.map(|a| self.text(a).into()),
            default: default.map(|d| self.expr(d)),
            splat,
            span: span(c),
            pattern: None,
        })
    }

    fn splat_name(&mut self, n: Node<'t>) -> &'t str {
        match self.first_named(n) {
            Some(c) => self.text(c),
            None => self.text(n).trim_start_matches('*'),
        }
    }

    fn class(&mut self, def: Node<'t>, outer: Node<'t>, decorators: Vec<Expr>) -> usize {
        let idx = self.m.classes.len();
        let name = def
            .child_by_field_id(self.f.name)
            .map_or("", |n| self.text(n));
        self.m.classes.push(Class {
            name: name.into(),
            bases: Vec::new(),
            decorators,
            methods: Vec::new(),
            body: Vec::new(),
            fields: Vec::new(),
            span: span(outer),
        });
        let mut bases = Vec::new();
        if let Some(sup) = def.child_by_field_id(self.f.superclasses) {
            // Keyword arguments (`metaclass=...`) are not bases.
            self.each_named(sup, |l, c| {
                if c.kind() != "keyword_argument" {
                    bases.push(l.expr(c));
                }
            });
        }
        let mut methods = Vec::new();
        let mut body = Vec::new();
        let mut fields = Vec::new();
        let outer_self_fields = self.self_fields.len();
        if let Some(block) = def.child_by_field_id(self.f.body) {
            self.each_named(block, |l, c| match c.kind() {
                "expression_statement" => {
                    if let Some(field) = l.typed_field(c) {
                        fields.push(field);
                    }
                    l.stmt(c, &mut body);
                }
                "function_definition" => methods.push(l.function(c, c, Some(idx), Vec::new())),
                "decorated_definition" => match l.decorated(c, Some(idx)) {
                    Def::Func(i) => methods.push(i),
                    Def::Class(i) => body.push(Stmt {
                        kind: StmtKind::ClassDef(i),
                        span: span(c),
                    }),
                    Def::None => {}
                },
                _ => l.stmt(c, &mut body),
            });
        }
        fields.extend(self.self_fields.drain(outer_self_fields..));
        if let Some(class) = self.m.classes.get_mut(idx) {
            class.bases = bases;
            class.methods = methods;
            class.body = body;
            class.fields = fields;
        }
        idx
    }

    /// `self.name: T = v`: the field `name` of the receiver's class is declared a `T`.
    fn typed_self_field(&self, a: Node<'t>) -> Option<Param> {
        let ty = a.child_by_field_name("type")?;
        let target = a
            .child_by_field_id(self.f.left)
            .filter(|t| t.kind() == "attribute")?;
        let object = target.child_by_field_id(self.f.object)?;
        let attr = target.child_by_field_id(self.f.attribute)?;
        (self.text(object) == "self").then(|| Param {
            name: self.text(attr).into(),
            annotation: Some(self.text(ty).into()),
            default: None,
            splat: Splat::None,
            span: span(a),
            pattern: None,
        })
    }

    /// `name: T` or `name: T = v` in a class body.
    fn typed_field(&self, stmt: Node<'t>) -> Option<Param> {
        let a = stmt.named_child(0).filter(|a| a.kind() == "assignment")?;
        let name = a
            .child_by_field_id(self.f.left)
            .filter(|n| n.kind() == "identifier")?;
        let ty = a.child_by_field_name("type")?;
        Some(Param {
            name: self.text(name).into(),
            annotation: Some(self.text(ty).into()),
            default: None,
            splat: Splat::None,
            span: span(a),
            pattern: None,
        })
    }

    fn decorated(&mut self, n: Node<'t>, class: Option<usize>) -> Def {
        let mut decorators = Vec::new();
        self.each_named(n, |l, c| {
            if c.kind() == "decorator" {
                decorators.push(l.inner_expr(c));
            }
        });
        match n.child_by_field_id(self.f.definition) {
            Some(d) if d.kind() == "function_definition" => {
                Def::Func(self.function(d, n, class, decorators))
            }
            Some(d) if d.kind() == "class_definition" => Def::Class(self.class(d, n, decorators)),
            _ => Def::None,
        }
    }

    // ---- imports ----

    fn import(&mut self, n: Node<'t>) {
        let f = self.f;
        let module = if n.kind() == "import_from_statement" {
            let Some(m) = n.child_by_field_id(f.module_name) else {
                return;
            };
            let module = self.dotted(m);
            if module == "__future__" {
                return;
            }
            Some(module)
        } else {
            None
        };
        self.each_child(n, |l, c, fid| {
            if fid != f.name {
                return;
            }
            let (local, path) = match c.kind() {
                "aliased_import" => {
                    let Some(alias) = c.child_by_field_id(f.alias) else {
                        return;
                    };
                    let path = c.child_by_field_id(f.name).map(|p| l.dotted(p));
                    (Box::from(l.text(alias)), path.unwrap_or_default())
                }
                "dotted_name" => {
                    let path = l.dotted(c);
                    if module.is_some() {
                        // `from x import y` binds `y`.
                        (Box::from(path.as_str()), path)
                    } else {
                        // `import a.b` binds `a` -> `a`.
                        let first = path.split('.').next().unwrap_or("").to_string();
                        (Box::from(first.as_str()), first)
                    }
                }
                _ => return,
            };
            let qualified = match &module {
                Some(m) if m.ends_with('.') => format!("{m}{path}"),
                Some(m) => format!("{m}.{path}"),
                None => path,
            };
            l.m.imports.push(Import {
                local,
                qualified: qualified.into(),
                span: span(c),
            });
        });
    }

    /// The spelling of a `dotted_name` or `relative_import` without whitespace or comments.
    fn dotted(&mut self, n: Node<'t>) -> String {
        let mut out = String::new();
        self.each_named(n, |l, c| match c.kind() {
            "identifier" => {
                if !out.is_empty() && !out.ends_with('.') {
                    out.push('.');
                }
                out.push_str(l.text(c));
            }
            "import_prefix" => out.push_str(l.text(c).trim()),
            "dotted_name" => {
                let inner = l.dotted(c);
                out.push_str(&inner);
            }
            _ => {}
        });
        out
    }

    // ---- expressions ----

    fn field_expr(&mut self, n: Node<'t>, field: u16) -> Expr {
        match n.child_by_field_id(field) {
            Some(c) => self.expr(c),
            None => empty(span(n)),
        }
    }

    /// The first named child, lowered (parentheses, decorators, splats, wrappers).
    fn inner_expr(&mut self, n: Node<'t>) -> Expr {
        match self.first_named(n) {
            Some(c) => self.expr(c),
            None => empty(span(n)),
        }
    }

    fn named_exprs(&mut self, n: Node<'t>) -> Vec<Expr> {
        let mut out = Vec::new();
        self.each_named(n, |l, c| out.push(l.expr(c)));
        out
    }

    fn expr(&mut self, n: Node<'t>) -> Expr {
        if self.depth >= MAX_DEPTH {
            return empty(span(n));
        }
        self.depth += 1;
        let e = self.expr_inner(n);
        self.depth -= 1;
        e
    }

    fn expr_inner(&mut self, n: Node<'t>) -> Expr {
        let f = self.f;
        let kind = match n.kind() {
            "identifier" => ExprKind::Name(self.text(n).into()),
            "attribute" => ExprKind::Attribute {
                value: Box::new(self.field_expr(n, f.object)),
                attr: n
                    .child_by_field_id(f.attribute)
                    .map_or("", |a| self.text(a))
                    .into(),
            },
            "subscript" => self.subscript(n),
            "call" => self.call(n),
            "string" | "concatenated_string" => {
                let mut b = StrBuilder::default();
                self.string_into(n, &mut b);
                b.finish()
            }
            "integer" | "float" => ExprKind::Number(self.text(n).into()),
            "true" => ExprKind::Bool(true),
            "false" => ExprKind::Bool(false),
            "none" => ExprKind::Null,
            "dictionary" => self.dict(n),
            "list" | "tuple" | "set" | "expression_list" | "pattern_list" | "tuple_pattern"
            | "list_pattern" => ExprKind::List(self.named_exprs(n)),
            "list_splat"
            | "dictionary_splat"
            | "list_splat_pattern"
            | "dictionary_splat_pattern"
            | "splat_pattern" => ExprKind::Spread(Box::new(self.inner_expr(n))),
            // `case _:` has no named child: the wildcard is kept as a name.
            "case_pattern" if self.first_named(n).is_none() => ExprKind::Name(self.text(n).into()),
            "parenthesized_expression"
            | "parenthesized_list_splat"
            | "case_pattern"
            | "type"
            | "decorator"
            | "as_pattern_target"
            | "if_clause" => return self.inner_expr(n),
            // `(x := v)`: the value, binding `x` (see `ExprKind::Compare`).
            "named_expression" => {
                let value = self.field_expr(n, f.value);
                match n.child_by_field_id(f.name) {
                    Some(target) => ExprKind::Compare {
                        op: ":=".into(),
                        left: Box::new(self.expr(target)),
                        right: Box::new(value),
                    },
                    None => return value,
                }
            }
            "binary_operator" => return self.binary(n),
            "await" | "yield" => match self.first_named(n) {
                Some(c) => ExprKind::Await(Box::new(self.expr(c))),
                None => ExprKind::Other(Vec::new()),
            },
            // `a if c else b`: the branches are the value; the test is kept (for the rules that
            // look inside it) as a comparison, which carries no value.
            "conditional_expression" => {
                let mut items = self.named_exprs(n);
                if items.len() == 3 {
                    let test = items.remove(1);
                    let s = test.span;
                    items.push(Expr::new(
                        ExprKind::Compare {
                            op: "if".into(),
                            left: Box::new(test),
                            right: Box::new(empty(s)),
                        },
                        s,
                    ));
                }
                ExprKind::Choice(items)
            }
            "boolean_operator" => self.boolean(n),
            "union_pattern" => ExprKind::Choice(self.named_exprs(n)),
            "comparison_operator" => self.compare(n),
            "unary_operator" => {
                let arg = self.field_expr(n, f.argument);
                let minus = n.child_by_field_id(f.operator).map(|o| o.kind()) == Some("-");
                match arg.kind {
                    ExprKind::Number(_) if minus => ExprKind::Number(self.text(n).into()),
                    _ => ExprKind::Other(vec![arg]),
                }
            }
            "lambda" => self.lambda(n),
            "dotted_name" => return self.dotted_expr(n),
            "list_comprehension"
            | "set_comprehension"
            | "dictionary_comprehension"
            | "generator_expression" => self.comprehension(n),
            _ => ExprKind::Other(self.named_exprs(n)),
        };
        Expr::new(kind, span(n))
    }

    fn subscript(&mut self, n: Node<'t>) -> ExprKind {
        let f = self.f;
        let value = self.field_expr(n, f.value);
        let mut indices = Vec::new();
        self.each_child(n, |l, c, fid| {
            if fid != f.subscript {
                return;
            }
            if c.kind() == "slice" {
                let bounds = l.named_exprs(c);
                indices.push(Expr::new(ExprKind::Other(bounds), span(c)));
            } else {
                indices.push(l.expr(c));
            }
        });
        let index = match indices.len() {
            0 | 1 => indices.pop().unwrap_or_else(|| empty(span(n))),
            _ => {
                let s = Span::new(
                    indices.first().map_or(0, |e| e.span.start as usize),
                    indices.last().map_or(0, |e| e.span.end as usize),
                );
                Expr::new(ExprKind::List(indices), s)
            }
        };
        ExprKind::Index {
            value: Box::new(value),
            index: Box::new(index),
        }
    }

    fn call(&mut self, n: Node<'t>) -> ExprKind {
        let f = self.f;
        let args_node = n.child_by_field_id(f.arguments);
        let callee = match n.child_by_field_id(f.function) {
            Some(func) if func.kind() == "attribute" => {
                let object = self.field_expr(func, f.object);
                let attr = func
                    .child_by_field_id(f.attribute)
                    .map_or("", |a| self.text(a));
                // `"...".format(a, k=b)` and `"sep".join(xs)` build strings from their arguments.
                if let ExprKind::Str(s) = &object.kind {
                    // `"\n".join(rows)`: the rows, joined by a separator that says nothing; a
                    // list written out (`"\n".join([RULES, text])`) is built from its items.
                    if attr == "join" && !s.chars().any(char::is_alphanumeric) {
                        let mut args = self.args(args_node);
                        if let [arg] = &mut args[..] {
                            let value = std::mem::replace(&mut arg.value, empty(span(n)));
                            return match value.kind {
                                ExprKind::List(items) => {
                                    let mut b = StrBuilder::default();
                                    for (i, item) in items.into_iter().enumerate() {
                                        if i > 0 {
                                            b.push_lit(s);
                                        }
                                        match &item.kind {
                                            ExprKind::Str(lit) => b.push_lit(lit),
                                            _ => b.push_expr(item),
                                        }
                                    }
                                    b.finish()
                                }
                                kind => kind,
                            };
                        }
                    }
                    if attr == "format" || attr == "join" {
                        let mut b = StrBuilder::default();
                        b.push_lit(s);
                        for arg in self.args(args_node) {
                            b.push_expr(arg.value);
                        }
                        return b.finish();
                    }
                }
                Expr::new(
                    ExprKind::Attribute {
                        value: Box::new(object),
                        attr: attr.into(),
                    },
                    span(func),
                )
            }
            Some(func) => self.expr(func),
            None => empty(span(n)),
        };
        let args = self.args(args_node);
        ExprKind::Call(Box::new(Call {
            callee,
            args,
            is_new: false,
            qualified: None,
        }))
    }

    fn args(&mut self, node: Option<Node<'t>>) -> Vec<Arg> {
        let Some(node) = node else {
            return Vec::new();
        };
        if node.kind() == "generator_expression" {
            // `f(x for x in xs)`
            return vec![Arg {
                name: None,
                value: self.expr(node),
                splat: Splat::None,
                span: span(node),
            }];
        }
        let f = self.f;
        let mut args = Vec::new();
        self.each_named(node, |l, c| {
            let (name, value, splat) = match c.kind() {
                "keyword_argument" => (
                    c.child_by_field_id(f.name).map(|k| Box::from(l.text(k))),
                    l.field_expr(c, f.value),
                    Splat::None,
                ),
                "list_splat" => (None, l.inner_expr(c), Splat::Star),
                "dictionary_splat" => (None, l.inner_expr(c), Splat::DoubleStar),
                _ => (None, l.expr(c), Splat::None),
            };
            args.push(Arg {
                name,
                value,
                splat,
                span: span(c),
            });
        });
        args
    }

    fn dict(&mut self, n: Node<'t>) -> ExprKind {
        let f = self.f;
        let mut entries = Vec::new();
        self.each_named(n, |l, c| match c.kind() {
            "pair" => {
                let key = l.field_expr(c, f.key);
                let value = l.field_expr(c, f.value);
                entries.push((Some(key), value));
            }
            "dictionary_splat" => entries.push((None, l.inner_expr(c))),
            _ => entries.push((None, l.expr(c))),
        });
        ExprKind::Dict(entries)
    }

    /// `[elt for t in xs if c]` -> `Other([Compare{for: t, xs}, c, elt])`: each `for` clause
    /// as a binding of its target to its iterable, then the conditions, then the element (or key
    /// and value), so a reader evaluating in order sees the names bound before they are used.
    fn comprehension(&mut self, n: Node<'t>) -> ExprKind {
        let f = self.f;
        let mut clauses = Vec::new();
        let mut element = Vec::new();
        self.each_named(n, |l, c| match c.kind() {
            "for_in_clause" => {
                let (Some(t), Some(it)) =
                    (c.child_by_field_id(f.left), c.child_by_field_id(f.right))
                else {
                    l.each_named(c, |l, k| clauses.push(l.expr(k)));
                    return;
                };
                let (left, right) = (l.expr(t), l.expr(it));
                clauses.push(Expr::new(
                    ExprKind::Compare {
                        op: "for".into(),
                        left: Box::new(left),
                        right: Box::new(right),
                    },
                    span(c),
                ));
            }
            "if_clause" => l.each_named(c, |l, k| clauses.push(l.expr(k))),
            "pair" => {
                element.push(l.field_expr(c, f.key));
                element.push(l.field_expr(c, f.value));
            }
            _ => element.push(l.expr(c)),
        });
        clauses.append(&mut element);
        ExprKind::Other(clauses)
    }

    /// `a or b and c`: the left-nested chain is walked iteratively into one flat `Choice`.
    fn boolean(&mut self, n: Node<'t>) -> ExprKind {
        let f = self.f;
        let mut operands = Vec::new();
        let mut cur = n;
        loop {
            if let Some(r) = cur.child_by_field_id(f.right) {
                operands.push(r);
            }
            match cur.child_by_field_id(f.left) {
                Some(l) if l.kind() == "boolean_operator" => cur = l,
                Some(l) => {
                    operands.push(l);
                    break;
                }
                None => break,
            }
        }
        ExprKind::Choice(operands.into_iter().rev().map(|c| self.expr(c)).collect())
    }

    /// `a < b < c` is one node: `Compare{a < b}` with the further operands in an `Other` right.
    fn compare(&mut self, n: Node<'t>) -> ExprKind {
        let f = self.f;
        let mut operands = Vec::new();
        let mut op = None;
        self.each_child(n, |l, c, fid| {
            if fid == f.operators {
                // `not in` / `is not` are single tokens; their kind is the normalised spelling.
                op.get_or_insert(c.kind());
            } else if c.is_named() && !c.is_extra() && !c.is_missing() {
                operands.push(l.expr(c));
            }
        });
        let (Some(op), true) = (op, operands.len() >= 2) else {
            return ExprKind::Other(operands);
        };
        let mut it = operands.into_iter();
        let (Some(left), Some(mut right)) = (it.next(), it.next()) else {
            return ExprKind::Other(Vec::new());
        };
        let rest: Vec<Expr> = it.collect();
        if let Some(last) = rest.last() {
            let s = Span::new(right.span.start as usize, last.span.end as usize);
            let mut all = Vec::with_capacity(rest.len() + 1);
            all.push(right);
            all.extend(rest);
            right = Expr::new(ExprKind::Other(all), s);
        }
        ExprKind::Compare {
            op: op.into(),
            left: Box::new(left),
            right: Box::new(right),
        }
    }

    /// Binary operators nest to the left (`a + b + c` is `(a + b) + c`); the chain is walked
    /// iteratively and folded: `+` with a string side and `"lit" % x` build strings, anything else
    /// becomes one flat `Other` of the operands.
    fn binary(&mut self, n: Node<'t>) -> Expr {
        let f = self.f;
        let mut ops: Vec<(&'t str, Node<'t>)> = Vec::new();
        let mut cur = n;
        let first = loop {
            let (Some(l), Some(op), Some(r)) = (
                cur.child_by_field_id(f.left),
                cur.child_by_field_id(f.operator),
                cur.child_by_field_id(f.right),
            ) else {
                // Broken operator: keep what is there.
                break Expr::new(ExprKind::Other(self.named_exprs(cur)), span(cur));
            };
            ops.push((op.kind(), r));
            if l.kind() == "binary_operator" {
                cur = l;
            } else {
                break self.expr(l);
            }
        };
        let mut acc = first;
        // True while `acc` is an `Other` this fold built, so further operands join it flat.
        let mut acc_flat = false;
        while let Some((op, r)) = ops.pop() {
            let right = self.expr(r);
            let s = Span::new(acc.span.start as usize, r.end_byte());
            let stringy = |e: &Expr| matches!(e.kind, ExprKind::Str(_) | ExprKind::StringBuild(_));
            if op == "+" && (stringy(&acc) || stringy(&right)) {
                let mut b = StrBuilder::from_expr(acc);
                b.absorb(right);
                acc = Expr::new(b.finish(), s);
                acc_flat = false;
            } else if op == "%" && matches!(acc.kind, ExprKind::Str(_)) {
                let mut b = StrBuilder::from_expr(acc);
                match right.kind {
                    ExprKind::List(items) if r.kind() == "tuple" => {
                        items.into_iter().for_each(|e| b.push_expr(e))
                    }
                    _ => b.push_expr(right),
                }
                acc = Expr::new(b.finish(), s);
                acc_flat = false;
            } else if let (true, ExprKind::Other(items)) = (acc_flat, &mut acc.kind) {
                items.push(right);
                acc.span = s;
            } else {
                acc = Expr::new(ExprKind::Other(vec![acc, right]), s);
                acc_flat = true;
            }
        }
        acc
    }

    fn lambda(&mut self, n: Node<'t>) -> ExprKind {
        let idx = self.m.functions.len();
        self.m.functions.push(Function {
            name: "".into(),
            class: None,
            params: Vec::new(),
            decorators: Vec::new(),
            body: Vec::new(),
            is_async: false,
            is_lambda: true,
            exported: false,
            span: span(n),
        });
        let params = match n.child_by_field_id(self.f.parameters) {
            Some(p) => self.params(p),
            None => Vec::new(),
        };
        let value = self.field_expr(n, self.f.body);
        let ret = Stmt {
            span: value.span,
            kind: StmtKind::Return(Some(value)),
        };
        if let Some(func) = self.m.functions.get_mut(idx) {
            func.params = params;
            func.body = vec![ret];
        }
        ExprKind::Function(idx)
    }

    /// `a.b.c` in a match pattern, as an attribute chain.
    fn dotted_expr(&mut self, n: Node<'t>) -> Expr {
        let mut acc: Option<Expr> = None;
        self.each_named(n, |l, c| {
            let name = l.text(c);
            acc = Some(match acc.take() {
                None => Expr::new(ExprKind::Name(name.into()), span(c)),
                Some(value) => {
                    let s = Span::new(value.span.start as usize, c.end_byte());
                    Expr::new(
                        ExprKind::Attribute {
                            value: Box::new(value),
                            attr: name.into(),
                        },
                        s,
                    )
                }
            });
        });
        acc.unwrap_or_else(|| empty(span(n)))
    }

    /// Appends a `string` (or each string of a `concatenated_string`) to `b`.
    fn string_into(&mut self, n: Node<'t>, b: &mut StrBuilder) {
        if n.kind() == "concatenated_string" {
            self.each_named(n, |l, c| l.string_into(c, b));
            return;
        }
        let f = self.f;
        let mut raw = false;
        let mut fmt = false;
        self.each_child(n, |l, c, _| match c.kind() {
            "string_start" => {
                for ch in l.text(c).bytes() {
                    match ch {
                        b'r' | b'R' => raw = true,
                        b'f' | b'F' | b't' | b'T' => fmt = true,
                        _ => {}
                    }
                }
            }
            "string_content" => decode(l.text(c), raw, fmt, &mut b.lit),
            "interpolation" => {
                // Conversions (`!r`) and format specs are dropped.
                if let Some(e) = c.child_by_field_id(f.expression) {
                    let e = l.expr(e);
                    b.push_expr(e);
                }
            }
            _ => {}
        });
    }
}

/// Collects the parts of a string being built, merging adjacent literal text.
#[derive(Default)]
struct StrBuilder {
    parts: Vec<StrPart>,
    lit: String,
}

impl StrBuilder {
    fn push_lit(&mut self, s: &str) {
        self.lit.push_str(s);
    }

    fn push_expr(&mut self, e: Expr) {
        if !self.lit.is_empty() {
            self.parts
                .push(StrPart::Lit(std::mem::take(&mut self.lit).into()));
        }
        self.parts.push(StrPart::Expr(e));
    }

    /// Starts from a string operand, taking over a built string's parts so a long `+` chain
    /// stays linear.
    fn from_expr(e: Expr) -> Self {
        match e.kind {
            ExprKind::StringBuild(mut parts) => {
                let lit = match parts.pop() {
                    Some(StrPart::Lit(s)) => s.into(),
                    Some(p) => {
                        parts.push(p);
                        String::new()
                    }
                    None => String::new(),
                };
                StrBuilder { parts, lit }
            }
            kind => {
                let mut b = StrBuilder::default();
                b.absorb(Expr::new(kind, e.span));
                b
            }
        }
    }

    /// Adds a string operand: literals and built strings are flattened, anything else is a part.
    fn absorb(&mut self, e: Expr) {
        match e.kind {
            ExprKind::Str(s) => self.push_lit(&s),
            ExprKind::StringBuild(parts) => {
                for p in parts {
                    match p {
                        StrPart::Lit(s) => self.push_lit(&s),
                        StrPart::Expr(e) => self.push_expr(e),
                    }
                }
            }
            _ => self.push_expr(e),
        }
    }

    /// `Str` when every part was literal, else `StringBuild`.
    fn finish(mut self) -> ExprKind {
        if self.parts.is_empty() {
            return ExprKind::Str(self.lit.into());
        }
        if !self.lit.is_empty() {
            self.parts.push(StrPart::Lit(self.lit.into()));
        }
        ExprKind::StringBuild(self.parts)
    }
}

/// Appends the value of a string literal's raw content: escapes decoded unless `raw`, `{{`/`}}`
/// unescaped in f-strings. Unknown or malformed escapes are kept as written.
fn decode(src: &str, raw: bool, fmt: bool, out: &mut String) {
    if (raw || !src.contains('\\')) && (!fmt || !src.contains(['{', '}'])) {
        out.push_str(src);
        return;
    }
    let mut it = src.chars();
    while let Some(c) = it.next() {
        match c {
            '{' | '}' if fmt => {
                out.push(c);
                // `{{` is one brace.
                let mut peek = it.clone();
                if peek.next() == Some(c) {
                    it = peek;
                }
            }
            '\\' if !raw => decode_escape(&mut it, out),
            _ => out.push(c),
        }
    }
}

fn decode_escape(it: &mut std::str::Chars, out: &mut String) {
    let Some(e) = it.next() else {
        out.push('\\');
        return;
    };
    let simple = match e {
        'n' => Some('\n'),
        't' => Some('\t'),
        'r' => Some('\r'),
        'a' => Some('\x07'),
        'b' => Some('\x08'),
        'f' => Some('\x0c'),
        'v' => Some('\x0b'),
        '\\' | '\'' | '"' => Some(e),
        _ => None,
    };
    if let Some(c) = simple {
        out.push(c);
        return;
    }
    let code = match e {
        // Line continuation inside the string.
        '\n' => return,
        '\r' => {
            let mut peek = it.clone();
            if peek.next() == Some('\n') {
                *it = peek;
            }
            return;
        }
        '0'..='7' => {
            let mut v = e.to_digit(8).unwrap_or(0);
            for _ in 0..2 {
                let mut peek = it.clone();
                match peek.next().and_then(|d| d.to_digit(8)) {
                    Some(d) => {
                        v = v * 8 + d;
                        *it = peek;
                    }
                    None => break,
                }
            }
            Some(v)
        }
        'x' => take_hex(it, 2),
        'u' => take_hex(it, 4),
        'U' => take_hex(it, 8),
        _ => None,
    };
    match code.and_then(char::from_u32) {
        Some(c) => out.push(c),
        None => {
            // `\N{...}`, unknown escapes and bad code points stay as written.
            out.push('\\');
            out.push(e);
        }
    }
}

/// Reads exactly `n` hex digits, consuming them only on success.
fn take_hex(it: &mut std::str::Chars, n: usize) -> Option<u32> {
    let mut peek = it.clone();
    let mut v = 0u32;
    for _ in 0..n {
        v = v * 16 + peek.next()?.to_digit(16)?;
    }
    *it = peek;
    Some(v)
}

#[cfg(test)]
mod tests;
