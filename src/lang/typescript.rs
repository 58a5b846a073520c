//! TypeScript, TSX and JavaScript front end: tree-sitter-typescript / -javascript -> IR.
//!
//! One parser per language per thread, built once. Node kinds and field names are resolved to
//! integer ids once per grammar ([`Grammar`]), so lowering compares integers, never strings.
//! Lowering recurses, bounded by [`MAX_DEPTH`]; left-nested `+` / `||` / `??` / `&&` chains and
//! `a = b = c` chains are walked iteratively so long concatenations are not cut off.
//!
//! Choices the IR leaves open:
//! - `a = b = c` is one `Assign` with targets `[a, b]`; an assignment nested inside another
//!   expression (`while ((m = re.exec(s)))`) lowers to `Other([target, value])`.
//! - A template literal without substitutions is a plain `Str`; a tagged template always passes
//!   a `StringBuild` argument.
//! - Class fields, static ones included, assign to `this.<name>` in `Class::body`.
//! - `for (init; test; update)` emits `init` before the `Loop` and appends `update` to its body.
//! - Every arrow function has `is_lambda` set; an expression body becomes one `Return`.
//! - A class expression registers its class and lowers to an empty `Other`.
//! - `c ? a : b` keeps only the branches (`Choice([a, b])`), as the IR's `Choice` means "one of
//!   these is the value"; calls inside the condition are not in the IR.
//! - `require("m").default` and `{ default as X }` bind the module itself, like a default import.
//! - TS-only declarations (interface, type alias, enum, `declare ...`, overload signatures) are
//!   skipped; `namespace N { ... }` lowers to `Other { body }`.

use std::cell::RefCell;

use tree_sitter::{Node, Parser, TreeCursor};

use crate::ir::{
    Arg, Call, Class, Expr, ExprKind, Function, Handler, Import, Module, Param, Span, Splat, Stmt,
    StmtKind, StrPart,
};
use crate::lang::{is_str, push_part, MAX_DEPTH};
use crate::source::Language;
use crate::timings::{self, Phase};

/// The node kinds lowering distinguishes; several grammar kinds may share one.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum K {
    Unknown,
    /// Lowered to nothing in statement position and to an empty `Other` as an expression.
    Skip,
    /// Type syntax: never lowered.
    Type,
    Error,
    // Anonymous tokens.
    AsyncKw,
    TypeKw,
    // Statements.
    ImportStatement,
    ImportClause,
    NamespaceImport,
    NamedImports,
    ImportSpecifier,
    ImportRequireClause,
    ExportStatement,
    Declaration,
    VariableDeclarator,
    ExpressionStatement,
    FunctionDeclaration,
    ClassDeclaration,
    Return,
    Throw,
    /// `break`, `continue`.
    Jump,
    If,
    Block,
    For,
    ForIn,
    While,
    DoWhile,
    Try,
    Switch,
    SwitchCase,
    SwitchDefault,
    Labeled,
    With,
    Namespace,
    // Classes and functions.
    ClassHeritage,
    ExtendsClause,
    Decorator,
    Method,
    Field,
    /// `private`, `public`, `protected`, `readonly`, `override` before a constructor parameter.
    Modifier,
    StaticBlock,
    ClassExpr,
    FunctionExpr,
    Arrow,
    TsParam,
    // Expressions.
    Name,
    This,
    Number,
    String,
    Template,
    Substitution,
    True,
    False,
    Null,
    Member,
    Subscript,
    Call,
    New,
    Spread,
    Object,
    Pair,
    Computed,
    Array,
    Await,
    Ternary,
    Binary,
    Paren,
    Unwrap,
    Assign,
    AugAssign,
    Sequence,
    // Patterns.
    ObjectPattern,
    ArrayPattern,
    AssignPattern,
    PairPattern,
    Rest,
    // JSX.
    JsxElement,
    JsxSelfClosing,
    JsxTag,
    JsxAttribute,
    JsxExpression,
}

fn classify(name: &str, named: bool) -> K {
    if !named {
        return match name {
            "async" => K::AsyncKw,
            "type" | "typeof" => K::TypeKw,
            "readonly" => K::Modifier,
            _ => K::Unknown,
        };
    }
    match name {
        "ERROR" => K::Error,
        "import_statement" => K::ImportStatement,
        "import_clause" => K::ImportClause,
        "namespace_import" => K::NamespaceImport,
        "named_imports" => K::NamedImports,
        "import_specifier" => K::ImportSpecifier,
        "import_require_clause" => K::ImportRequireClause,
        "export_statement" => K::ExportStatement,
        "lexical_declaration" | "variable_declaration" => K::Declaration,
        "variable_declarator" => K::VariableDeclarator,
        "expression_statement" => K::ExpressionStatement,
        "function_declaration" | "generator_function_declaration" => K::FunctionDeclaration,
        // An interface is a class whose methods are all declared (`implements` names it).
        "class_declaration" | "abstract_class_declaration" | "interface_declaration" => {
            K::ClassDeclaration
        }
        "return_statement" => K::Return,
        "throw_statement" => K::Throw,
        "if_statement" => K::If,
        "statement_block" | "else_clause" => K::Block,
        "for_statement" => K::For,
        "for_in_statement" => K::ForIn,
        "while_statement" => K::While,
        "do_statement" => K::DoWhile,
        "try_statement" => K::Try,
        "switch_statement" => K::Switch,
        "switch_case" => K::SwitchCase,
        "switch_default" => K::SwitchDefault,
        "labeled_statement" => K::Labeled,
        "with_statement" => K::With,
        "internal_module" | "module" => K::Namespace,
        "break_statement" | "continue_statement" => K::Jump,
        "empty_statement"
        | "debugger_statement"
        | "type_alias_declaration"
        | "enum_declaration"
        | "function_signature"
        | "ambient_declaration"
        | "method_signature"
        | "abstract_method_signature"
        | "index_signature"
        | "export_clause"
        | "namespace_export"
        | "import_alias"
        | "implements_clause"
        | "comment"
        | "html_comment"
        | "hash_bang_line"
        | "regex"
        | "jsx_text"
        | "html_character_reference" => K::Skip,
        "class_heritage" => K::ClassHeritage,
        "extends_clause" => K::ExtendsClause,
        "decorator" => K::Decorator,
        "method_definition" => K::Method,
        "public_field_definition" | "field_definition" => K::Field,
        "accessibility_modifier" | "override_modifier" => K::Modifier,
        "class_static_block" => K::StaticBlock,
        "class" => K::ClassExpr,
        "function_expression" | "function" | "generator_function" => K::FunctionExpr,
        "arrow_function" => K::Arrow,
        "required_parameter" | "optional_parameter" => K::TsParam,
        "identifier"
        | "super"
        | "property_identifier"
        | "private_property_identifier"
        | "shorthand_property_identifier"
        | "shorthand_property_identifier_pattern"
        | "statement_identifier"
        | "import"
        | "meta_property"
        | "jsx_namespace_name"
        | "nested_identifier" => K::Name,
        "this" => K::This,
        "number" => K::Number,
        "string" => K::String,
        "template_string" => K::Template,
        "template_substitution" => K::Substitution,
        "true" => K::True,
        "false" => K::False,
        "null" | "undefined" => K::Null,
        "member_expression" => K::Member,
        "subscript_expression" => K::Subscript,
        "call_expression" => K::Call,
        "new_expression" => K::New,
        "spread_element" => K::Spread,
        "object" => K::Object,
        "pair" => K::Pair,
        "computed_property_name" => K::Computed,
        "array" => K::Array,
        "await_expression" | "yield_expression" => K::Await,
        "ternary_expression" => K::Ternary,
        "binary_expression" => K::Binary,
        "parenthesized_expression" => K::Paren,
        "as_expression"
        | "satisfies_expression"
        | "non_null_expression"
        | "type_assertion"
        | "instantiation_expression" => K::Unwrap,
        "assignment_expression" => K::Assign,
        "augmented_assignment_expression" => K::AugAssign,
        "sequence_expression" => K::Sequence,
        "object_pattern" => K::ObjectPattern,
        "array_pattern" => K::ArrayPattern,
        "assignment_pattern" | "object_assignment_pattern" => K::AssignPattern,
        "pair_pattern" => K::PairPattern,
        "rest_pattern" => K::Rest,
        "jsx_element" | "jsx_fragment" => K::JsxElement,
        "jsx_self_closing_element" => K::JsxSelfClosing,
        "jsx_opening_element" | "jsx_closing_element" => K::JsxTag,
        "jsx_attribute" => K::JsxAttribute,
        "jsx_expression" => K::JsxExpression,
        n if n.ends_with("_type")
            || n.starts_with("type_")
            || n.ends_with("type_annotation")
            || n.ends_with("type_identifier")
            || n.starts_with("asserts") =>
        {
            K::Type
        }
        _ => K::Unknown,
    }
}

/// Field ids of one grammar (0 when the grammar lacks the field, which matches nothing).
struct Fields {
    alias: u16,
    alternative: u16,
    arguments: u16,
    body: u16,
    condition: u16,
    consequence: u16,
    constructor: u16,
    declaration: u16,
    finalizer: u16,
    function: u16,
    handler: u16,
    increment: u16,
    index: u16,
    initializer: u16,
    key: u16,
    left: u16,
    name: u16,
    object: u16,
    open_tag: u16,
    operator: u16,
    parameter: u16,
    parameters: u16,
    pattern: u16,
    property: u16,
    right: u16,
    source: u16,
    type_: u16,
    value: u16,
}

/// A grammar's node kinds (indexed by kind id) and field ids, resolved once.
struct Grammar {
    kinds: Vec<K>,
    f: Fields,
}

impl Grammar {
    fn new(lang: &tree_sitter::Language) -> Self {
        let count = lang.node_kind_count().min(usize::from(u16::MAX));
        let kinds = (0..count as u16)
            .map(|id| match lang.node_kind_for_id(id) {
                Some(name) => classify(name, lang.node_kind_is_named(id)),
                None => K::Unknown,
            })
            .collect();
        let id = |name: &str| lang.field_id_for_name(name).map_or(0, |f| f.get());
        Grammar {
            kinds,
            f: Fields {
                alias: id("alias"),
                alternative: id("alternative"),
                arguments: id("arguments"),
                body: id("body"),
                condition: id("condition"),
                consequence: id("consequence"),
                constructor: id("constructor"),
                declaration: id("declaration"),
                finalizer: id("finalizer"),
                function: id("function"),
                handler: id("handler"),
                increment: id("increment"),
                index: id("index"),
                initializer: id("initializer"),
                key: id("key"),
                left: id("left"),
                name: id("name"),
                object: id("object"),
                open_tag: id("open_tag"),
                operator: id("operator"),
                parameter: id("parameter"),
                parameters: id("parameters"),
                pattern: id("pattern"),
                property: id("property"),
                right: id("right"),
                source: id("source"),
                type_: id("type"),
                value: id("value"),
            },
        }
    }
}

struct Front {
    parser: Parser,
    grammar: Grammar,
}

thread_local! {
    /// TypeScript, TSX, JavaScript; each built on first use in this thread.
    static FRONTS: RefCell<[Option<Front>; 3]> = const { RefCell::new([None, None, None]) };
}

/// Lower TS/TSX/JS source text into the IR.
pub fn lower(text: &str, language: Language) -> Module {
    let (slot, ts_lang): (usize, tree_sitter::Language) = match language {
        Language::TypeScript => (0, tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into()),
        Language::Tsx => (1, tree_sitter_typescript::LANGUAGE_TSX.into()),
        Language::JavaScript => (2, tree_sitter_javascript::LANGUAGE.into()),
        _ => return Module::default(),
    };
    let failed = Module {
        language,
        has_errors: true,
        unparsed: true,
        ..Module::default()
    };
    FRONTS.with(|fronts| {
        let mut fronts = fronts.borrow_mut();
        let Some(entry) = fronts.get_mut(slot) else {
            return failed;
        };
        if entry.is_none() {
            let mut parser = Parser::new();
            if parser.set_language(&ts_lang).is_err() {
                return failed;
            }
            let grammar = Grammar::new(&ts_lang);
            *entry = Some(Front { parser, grammar });
        }
        let Some(front) = entry.as_mut() else {
            return failed;
        };
        let Some(tree) = timings::time(Phase::Parse, || front.parser.parse(text, None)) else {
            return failed;
        };
        let root = tree.root_node();
        let mut lw = Lower {
            text,
            g: &front.grammar,
            depth: 0,
            imports: Vec::new(),
            functions: Vec::new(),
            classes: Vec::new(),
        };
        let mut body = Vec::new();
        for child in named(root) {
            lw.stmt(child, &mut body);
        }
        Module {
            language,
            dialect: Default::default(),
            imports: lw.imports,
            functions: lw.functions,
            body,
            classes: lw.classes,
            has_errors: root.has_error(),
            error_line: super::first_error_line(root),
            unparsed: false,
            test_spans: Vec::new(),
            alternatives: Default::default(),
            method_refs: Default::default(),
        }
    })
}

/// A node's named children, comments excluded, walked with one cursor.
struct Named<'t> {
    cursor: TreeCursor<'t>,
    started: bool,
    done: bool,
}

fn named(node: Node<'_>) -> Named<'_> {
    Named {
        cursor: node.walk(),
        started: false,
        done: false,
    }
}

impl<'t> Iterator for Named<'t> {
    type Item = Node<'t>;
    fn next(&mut self) -> Option<Node<'t>> {
        while !self.done {
            let moved = if self.started {
                self.cursor.goto_next_sibling()
            } else {
                self.started = true;
                self.cursor.goto_first_child()
            };
            if !moved {
                // Stop for good: a cursor still on the parent must not wander to its siblings.
                self.done = true;
                return None;
            }
            let node = self.cursor.node();
            // Recovered ERROR nodes can be marked extra; comments are the extras to skip.
            if node.is_named() && (!node.is_extra() || node.is_error()) {
                return Some(node);
            }
        }
        None
    }
}

fn span(n: Node<'_>) -> Span {
    Span::new(n.start_byte(), n.end_byte())
}

fn other(sp: Span) -> Expr {
    Expr::new(ExprKind::Other(Vec::new()), sp)
}

/// `node:fs` is the same module as `fs`.
fn module_name(spec: &str) -> &str {
    spec.strip_prefix("node:").unwrap_or(spec)
}

/// `module.attr`; `default` is the module itself, as `import X from "m"` binds `X` to `m`.
fn join(module: &str, attr: &str) -> Box<str> {
    if attr == "default" {
        return module.into();
    }
    let mut s = String::with_capacity(module.len() + 1 + attr.len());
    s.push_str(module);
    s.push('.');
    s.push_str(attr);
    s.into()
}

/// Decodes JS string escapes in `s` into `out`; malformed escapes keep their letter.
fn decode_escapes(mut s: &str, out: &mut String) {
    while let Some(i) = s.find('\\') {
        out.push_str(&s[..i]);
        let esc = &s[i + 1..];
        let Some(c) = esc.chars().next() else {
            out.push('\\');
            return;
        };
        let mut used = c.len_utf8();
        match c {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'v' => out.push('\u{b}'),
            '0' if !esc[1..].starts_with(|d: char| d.is_ascii_digit()) => out.push('\0'),
            'x' => match hex(esc.get(1..3)) {
                Some(v) => {
                    out.push(char::from_u32(v).unwrap_or('\u{fffd}'));
                    used = 3;
                }
                None => out.push('x'),
            },
            'u' => match unicode_escape(esc) {
                Some((ch, n)) => {
                    out.push(ch);
                    used = n;
                }
                None => out.push('u'),
            },
            // Line continuations contribute nothing.
            '\r' => {
                if esc[1..].starts_with('\n') {
                    used = 2;
                }
            }
            '\n' | '\u{2028}' | '\u{2029}' => {}
            other => out.push(other),
        }
        s = &esc[used..];
    }
    out.push_str(s);
}

fn hex(digits: Option<&str>) -> Option<u32> {
    let d = digits?;
    if d.is_empty() || !d.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(d, 16).ok()
}

/// `esc` starts at the `u` of `\u....`; returns the char and the bytes used after the backslash.
fn unicode_escape(esc: &str) -> Option<(char, usize)> {
    if esc[1..].starts_with('{') {
        let close = esc.find('}')?;
        let v = hex(esc.get(2..close).filter(|d| d.len() <= 6))?;
        return Some((char::from_u32(v).unwrap_or('\u{fffd}'), close + 1));
    }
    let v = hex(esc.get(1..5))?;
    if (0xD800..0xDC00).contains(&v) && esc[5..].starts_with("\\u") {
        if let Some(lo) = hex(esc.get(7..11)).filter(|lo| (0xDC00..0xE000).contains(lo)) {
            let c = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
            return Some((char::from_u32(c).unwrap_or('\u{fffd}'), 11));
        }
    }
    Some((char::from_u32(v).unwrap_or('\u{fffd}'), 5))
}

struct Lower<'a> {
    text: &'a str,
    g: &'a Grammar,
    depth: usize,
    imports: Vec<Import>,
    functions: Vec<Function>,
    classes: Vec<Class>,
}

impl<'a> Lower<'a> {
    /// Field ids, borrowed from the grammar rather than from `self`.
    fn fields(&self) -> &'a Fields {
        &self.g.f
    }

    fn k(&self, n: Node<'_>) -> K {
        self.g
            .kinds
            .get(usize::from(n.kind_id()))
            .copied()
            // ERROR nodes carry the reserved id u16::MAX, outside the table.
            .unwrap_or(if n.is_error() { K::Error } else { K::Unknown })
    }

    fn src(&self, n: Node<'_>) -> &'a str {
        self.text.get(n.byte_range()).unwrap_or("")
    }

    /// The named child in field `id`.
    fn field<'t>(&self, n: Node<'t>, id: u16) -> Option<Node<'t>> {
        n.child_by_field_id(id).filter(|c| c.is_named())
    }

    fn has_token(&self, n: Node<'_>, kind: K) -> bool {
        let mut cursor = n.walk();
        let found = n.children(&mut cursor).any(|c| self.k(c) == kind);
        found
    }

    /// The text between a string literal's quotes.
    fn string_content(&self, n: Node<'_>) -> &'a str {
        let s = self.src(n);
        let mut chars = s.chars();
        match chars.next() {
            Some(q @ ('"' | '\'')) => {
                let inner = chars.as_str();
                inner.strip_suffix(q).unwrap_or(inner)
            }
            _ => s,
        }
    }

    fn string_value(&self, n: Node<'_>) -> Box<str> {
        let raw = self.string_content(n);
        if !raw.contains('\\') {
            return raw.into();
        }
        let mut out = String::with_capacity(raw.len());
        decode_escapes(raw, &mut out);
        out.into()
    }

    fn name_expr(&self, n: Node<'_>) -> Expr {
        Expr::new(ExprKind::Name(self.src(n).into()), span(n))
    }

    // ----- statements -----

    /// Lowers one statement node into `out` (blocks are inlined, some nodes give nothing).
    fn stmt(&mut self, n: Node<'_>, out: &mut Vec<Stmt>) {
        if self.depth >= MAX_DEPTH {
            return;
        }
        self.depth += 1;
        self.stmt_inner(n, out);
        self.depth -= 1;
    }

    fn block(&mut self, n: Option<Node<'_>>) -> Vec<Stmt> {
        let mut out = Vec::new();
        if let Some(n) = n {
            self.stmt(n, &mut out);
        }
        out
    }

    /// Only dispatches (compound cases have their own functions) to keep this frame, which sits
    /// on the stack once per nesting level, small.
    fn stmt_inner(&mut self, n: Node<'_>, out: &mut Vec<Stmt>) {
        let kind = match self.k(n) {
            K::Skip | K::Type => return,
            K::Block | K::Error => return self.stmts(n, out),
            K::ExpressionStatement => {
                for c in named(n) {
                    self.expr_stmt(c, span(n), out);
                }
                return;
            }
            K::Declaration => return self.declaration(n, out),
            K::ImportStatement => return self.import(n),
            K::ExportStatement => return self.export(n, out),
            K::Labeled => return self.labeled(n, out),
            K::For => return self.for_loop(n, out),
            K::FunctionDeclaration => StmtKind::FunctionDef(self.function(n, None, Vec::new())),
            K::ClassDeclaration => StmtKind::ClassDef(self.class(n, Vec::new())),
            K::Return => StmtKind::Return(self.first_expr(n)),
            K::Throw => StmtKind::Raise(self.first_expr(n)),
            K::Jump => StmtKind::Jump,
            K::If => self.if_stmt(n),
            K::ForIn => self.for_in(n),
            K::While | K::DoWhile => self.while_loop(n),
            K::Try => self.try_stmt(n),
            K::Switch => self.switch(n),
            K::With => self.with(n),
            K::Namespace => StmtKind::Other {
                exprs: Vec::new(),
                body: self.field_block(n),
            },
            // Expressions in statement position (inside ERROR nodes, `for` initialisers).
            _ => return self.expr_stmt(n, span(n), out),
        };
        out.push(Stmt {
            kind,
            span: span(n),
        });
    }

    /// Each named child as a statement (blocks are inlined).
    fn stmts(&mut self, n: Node<'_>, out: &mut Vec<Stmt>) {
        for c in named(n) {
            self.stmt(c, out);
        }
    }

    /// The statements of the node's `body` field.
    fn field_block(&mut self, n: Node<'_>) -> Vec<Stmt> {
        let body = self.field(n, self.fields().body);
        self.block(body)
    }

    fn first_expr(&mut self, n: Node<'_>) -> Option<Expr> {
        let c = named(n).next()?;
        Some(self.expr(c))
    }

    fn labeled(&mut self, n: Node<'_>, out: &mut Vec<Stmt>) {
        if let Some(b) = self.field(n, self.fields().body) {
            self.stmt(b, out);
        }
    }

    fn if_stmt(&mut self, n: Node<'_>) -> StmtKind {
        let f = self.fields();
        let (test, cons, alt) = (
            self.field(n, f.condition),
            self.field(n, f.consequence),
            self.field(n, f.alternative),
        );
        StmtKind::If {
            test: self.opt_expr(test, span(n)),
            body: self.block(cons),
            orelse: self.block(alt),
        }
    }

    fn for_in(&mut self, n: Node<'_>) -> StmtKind {
        let f = self.fields();
        let (left, right) = (self.field(n, f.left), self.field(n, f.right));
        StmtKind::Loop {
            target: left.map(|l| self.pattern(l)),
            iter: right.map(|r| self.expr(r)),
            test: None,
            body: self.field_block(n),
            orelse: Vec::new(),
        }
    }

    fn while_loop(&mut self, n: Node<'_>) -> StmtKind {
        let cond = self.field(n, self.fields().condition);
        StmtKind::Loop {
            target: None,
            iter: None,
            test: cond.map(|c| self.expr(c)),
            body: self.field_block(n),
            orelse: Vec::new(),
        }
    }

    fn with(&mut self, n: Node<'_>) -> StmtKind {
        let obj = self.field(n, self.fields().object);
        StmtKind::With {
            items: obj.map(|o| (self.expr(o), None)).into_iter().collect(),
            body: self.field_block(n),
        }
    }

    /// An expression statement: assignments become `Assign`, sequences split into statements.
    fn expr_stmt(&mut self, mut n: Node<'_>, sp: Span, out: &mut Vec<Stmt>) {
        let f = self.fields();
        // `({ a, b } = o);` — the parentheses are only there for the parser.
        while self.k(n) == K::Paren {
            match named(n).next() {
                Some(inner) => n = inner,
                None => return,
            }
        }
        let kind = match self.k(n) {
            K::Assign => {
                let mut targets = Vec::new();
                let mut cur = n;
                let value = loop {
                    if let Some(l) = self.field(cur, f.left) {
                        targets.push(self.pattern(l));
                    }
                    match self.field(cur, f.right) {
                        Some(r) if self.k(r) == K::Assign => cur = r,
                        r => break self.opt_expr(r, span(cur)),
                    }
                };
                StmtKind::Assign {
                    targets,
                    value,
                    augmented: false,
                }
            }
            K::AugAssign => {
                let (l, r) = (self.field(n, f.left), self.field(n, f.right));
                StmtKind::Assign {
                    targets: l.map(|l| self.pattern(l)).into_iter().collect(),
                    value: self.opt_expr(r, sp),
                    augmented: true,
                }
            }
            K::Sequence => {
                for c in named(n) {
                    self.stmt(c, out);
                }
                return;
            }
            // `namespace N {}` parses as an expression statement in TypeScript.
            K::Namespace | K::Skip | K::Type => return self.stmt(n, out),
            _ => StmtKind::Expr(self.expr(n)),
        };
        out.push(Stmt { kind, span: sp });
    }

    fn declaration(&mut self, n: Node<'_>, out: &mut Vec<Stmt>) {
        let f = self.fields();
        for d in named(n) {
            if self.k(d) != K::VariableDeclarator {
                continue;
            }
            let (Some(name), Some(value)) = (self.field(d, f.name), self.field(d, f.value)) else {
                continue;
            };
            self.require_imports(name, value, span(d));
            let target = self.pattern(name);
            let value = self.expr(value);
            // `const handler = async (req) => {...}`: the function is named after its variable,
            // as JavaScript names it, so other files' calls of `handler` find it.
            if let (ExprKind::Function(fi), ExprKind::Name(n)) = (&value.kind, &target.kind) {
                if let Some(f) = self.functions.get_mut(*fi).filter(|f| f.name.is_empty()) {
                    f.name = n.clone();
                }
            }
            out.push(Stmt {
                kind: StmtKind::Assign {
                    targets: vec![target],
                    value,
                    augmented: false,
                },
                span: span(d),
            });
        }
    }

    fn for_loop(&mut self, n: Node<'_>, out: &mut Vec<Stmt>) {
        let f = self.fields();
        if let Some(init) = self.field(n, f.initializer) {
            self.stmt(init, out);
        }
        let mut test = self.field(n, f.condition);
        // Older grammars wrap the condition in an expression statement.
        if let Some(t) = test.filter(|t| self.k(*t) == K::ExpressionStatement) {
            test = named(t).next();
        }
        let test = test.filter(|t| self.k(*t) != K::Skip).map(|t| self.expr(t));
        let mut body = self.block(self.field(n, f.body));
        if let Some(inc) = self.field(n, f.increment) {
            self.expr_stmt(inc, span(inc), &mut body);
        }
        out.push(Stmt {
            kind: StmtKind::Loop {
                target: None,
                iter: None,
                test,
                body,
                orelse: Vec::new(),
            },
            span: span(n),
        });
    }

    fn try_stmt(&mut self, n: Node<'_>) -> StmtKind {
        let f = self.fields();
        let body = self.block(self.field(n, f.body));
        let mut handlers = Vec::new();
        if let Some(h) = self.field(n, f.handler) {
            let name = self
                .field(h, f.parameter)
                .filter(|p| self.k(*p) == K::Name)
                .map(|p| self.src(p).into());
            let hbody = self.block(self.field(h, f.body));
            handlers.push(Handler {
                kind: None,
                name,
                body: hbody,
                span: span(h),
            });
        }
        let finally = match self.field(n, f.finalizer) {
            Some(fin) => self.block(self.field(fin, f.body)),
            None => Vec::new(),
        };
        StmtKind::Try {
            body,
            handlers,
            orelse: Vec::new(),
            finally,
        }
    }

    fn switch(&mut self, n: Node<'_>) -> StmtKind {
        let f = self.fields();
        let subject = self.opt_expr(self.field(n, f.value), span(n));
        let mut cases = Vec::new();
        if let Some(body) = self.field(n, f.body) {
            for case in named(body) {
                let k = self.k(case);
                if k != K::SwitchCase && k != K::SwitchDefault {
                    continue;
                }
                let value = self.field(case, f.value);
                let pats: Vec<Expr> = value.map(|v| self.expr(v)).into_iter().collect();
                let mut stmts = Vec::new();
                for c in named(case) {
                    if Some(c.id()) != value.map(|v| v.id()) {
                        self.stmt(c, &mut stmts);
                    }
                }
                cases.push((pats, stmts));
            }
        }
        StmtKind::Match { subject, cases }
    }

    fn export(&mut self, n: Node<'_>, out: &mut Vec<Stmt>) {
        let f = self.fields();
        let mut decorators = Vec::new();
        for c in named(n) {
            if self.k(c) == K::Decorator {
                decorators.push(self.decorator(c));
            }
        }
        if let Some(decl) = self.field(n, f.declaration) {
            if self.k(decl) == K::ClassDeclaration {
                let idx = self.class(decl, decorators);
                out.push(Stmt {
                    kind: StmtKind::ClassDef(idx),
                    span: span(decl),
                });
            } else {
                let from = out.len();
                self.stmt(decl, out);
                // `export function f`, `export const f = () => ...`: the module exports them.
                for s in &out[from..] {
                    let fi = match &s.kind {
                        StmtKind::FunctionDef(fi) => Some(*fi),
                        StmtKind::Assign { value, .. } => match value.kind {
                            ExprKind::Function(fi) => Some(fi),
                            _ => None,
                        },
                        _ => None,
                    };
                    if let Some(f) = fi.and_then(|fi| self.functions.get_mut(fi)) {
                        f.exported = true;
                    }
                }
            }
        } else if let Some(value) = self.field(n, f.value) {
            let e = self.expr(value);
            out.push(Stmt {
                kind: StmtKind::Expr(e),
                span: span(n),
            });
        } else if self.field(n, f.source).is_none() {
            // TypeScript `export = x;`.
            for c in named(n) {
                if !matches!(self.k(c), K::Decorator | K::Skip | K::Type) {
                    let e = self.expr(c);
                    out.push(Stmt {
                        kind: StmtKind::Expr(e),
                        span: span(n),
                    });
                }
            }
        }
    }

    // ----- imports -----

    fn push_import(&mut self, local: Node<'_>, qualified: Box<str>, sp: Span) {
        self.imports.push(Import {
            local: self.src(local).into(),
            qualified,
            span: sp,
        });
    }

    fn import(&mut self, n: Node<'_>) {
        let f = self.fields();
        if self.has_token(n, K::TypeKw) {
            return; // `import type ...` binds nothing at run time
        }
        let sp = span(n);
        let source = self.field(n, f.source).map(|s| self.string_content(s));
        for clause in named(n) {
            match self.k(clause) {
                K::ImportClause => {
                    let Some(module) = source.map(module_name) else {
                        continue;
                    };
                    for c in named(clause) {
                        match self.k(c) {
                            K::Name => self.push_import(c, module.into(), sp),
                            K::NamespaceImport => {
                                if let Some(id) = named(c).find(|i| self.k(*i) == K::Name) {
                                    self.push_import(id, module.into(), sp);
                                }
                            }
                            K::NamedImports => self.named_imports(c, module, sp),
                            _ => {}
                        }
                    }
                }
                K::ImportRequireClause => {
                    let src = source
                        .or_else(|| self.field(clause, f.source).map(|s| self.string_content(s)));
                    let id = named(clause).find(|i| self.k(*i) == K::Name);
                    if let (Some(module), Some(id)) = (src.map(module_name), id) {
                        self.push_import(id, module.into(), sp);
                    }
                }
                _ => {}
            }
        }
    }

    fn named_imports(&mut self, n: Node<'_>, module: &str, sp: Span) {
        let f = self.fields();
        for spec in named(n) {
            if self.k(spec) != K::ImportSpecifier || self.has_token(spec, K::TypeKw) {
                continue;
            }
            // JavaScript's `default` in `{ default as X }` is an anonymous token.
            let Some(name) = spec.child_by_field_id(f.name) else {
                continue;
            };
            let imported = if self.k(name) == K::String {
                self.string_content(name)
            } else {
                self.src(name)
            };
            let local = self.field(spec, f.alias).unwrap_or(name);
            self.push_import(local, join(module, imported), sp);
        }
    }

    /// `require("m")`, `require("m").y`, `await import("m")`: the module and attribute.
    fn required(&self, mut v: Node<'_>) -> Option<(&'a str, Option<&'a str>)> {
        let f = self.fields();
        while matches!(self.k(v), K::Await | K::Paren) {
            v = named(v).next()?;
        }
        let mut attr = None;
        if self.k(v) == K::Member {
            attr = Some(self.src(self.field(v, f.property)?));
            v = self.field(v, f.object)?;
        }
        if self.k(v) != K::Call {
            return None;
        }
        let callee = self.src(self.field(v, f.function)?);
        if callee != "require" && callee != "import" {
            return None;
        }
        let mut args = named(self.field(v, f.arguments)?);
        let spec = args.next().filter(|a| self.k(*a) == K::String)?;
        if args.next().is_some() {
            return None;
        }
        Some((module_name(self.string_content(spec)), attr))
    }

    /// Import bindings for `const <name> = require(...)`.
    fn require_imports(&mut self, name: Node<'_>, value: Node<'_>, sp: Span) {
        let Some((module, attr)) = self.required(value) else {
            return;
        };
        let base: Box<str> = match attr {
            Some(a) => join(module, a),
            None => module.into(),
        };
        let f = self.fields();
        match self.k(name) {
            K::Name => self.push_import(name, base, sp),
            K::ObjectPattern => {
                for c in named(name) {
                    let (key, local) = match self.k(c) {
                        K::Name => (self.src(c), Some(c)),
                        K::AssignPattern => {
                            let l = self.field(c, f.left).filter(|l| self.k(*l) == K::Name);
                            (l.map_or("", |l| self.src(l)), l)
                        }
                        K::PairPattern => {
                            let key = self.field(c, f.key);
                            let key = match key {
                                Some(k) if self.k(k) == K::String => self.string_content(k),
                                Some(k) => self.src(k),
                                None => "",
                            };
                            let mut value = self.field(c, f.value);
                            if let Some(v) = value.filter(|v| self.k(*v) == K::AssignPattern) {
                                value = self.field(v, f.left);
                            }
                            (key, value.filter(|v| self.k(*v) == K::Name))
                        }
                        // `...rest` holds the remaining exports: the module itself.
                        K::Rest => {
                            let id = named(c).next().filter(|i| self.k(*i) == K::Name);
                            if let Some(id) = id {
                                self.push_import(id, base.clone(), sp);
                            }
                            continue;
                        }
                        _ => continue,
                    };
                    if let (Some(local), false) = (local, key.is_empty()) {
                        self.push_import(local, join(&base, key), sp);
                    }
                }
            }
            _ => {}
        }
    }

    // ----- functions and classes -----

    fn decorator(&mut self, n: Node<'_>) -> Expr {
        match named(n).next() {
            Some(e) => self.expr(e),
            None => other(span(n)),
        }
    }

    /// Lowers a function, method or arrow function and returns its index.
    fn function(&mut self, n: Node<'_>, class: Option<usize>, decorators: Vec<Expr>) -> usize {
        // Reserve the slot first so functions are numbered in source order. The parts are built
        // in helpers to keep this frame (on the stack once per nested function) small.
        let idx = self.functions.len();
        self.push_function(n, class, decorators);
        let params = self.function_params(n);
        let body = self.function_body(n);
        if let Some(func) = self.functions.get_mut(idx) {
            func.params = params;
            func.body = body;
        }
        idx
    }

    /// Pushes the function with its name, flags and decorators; params and body come later.
    fn push_function(&mut self, n: Node<'_>, class: Option<usize>, mut decorators: Vec<Expr>) {
        let name: Box<str> = match self.field(n, self.fields().name) {
            Some(nm) if self.k(nm) == K::String => self.string_value(nm),
            Some(nm) => self.src(nm).into(),
            None => "".into(),
        };
        let mut is_async = false;
        let mut cursor = n.walk();
        for c in n.children(&mut cursor) {
            match self.k(c) {
                K::AsyncKw => is_async = true,
                // JavaScript keeps member decorators inside the method node.
                K::Decorator => decorators.push(self.decorator(c)),
                _ => {}
            }
        }
        self.functions.push(Function {
            name,
            class,
            params: Vec::new(),
            decorators,
            body: Vec::new(),
            is_async,
            is_lambda: self.k(n) == K::Arrow,
            exported: false,
            span: span(n),
        });
    }

    fn function_params(&mut self, n: Node<'_>) -> Vec<Param> {
        let f = self.fields();
        let mut params = Vec::new();
        if let Some(p) = self.field(n, f.parameters) {
            self.params(p, &mut params);
        } else if let Some(p) = self.field(n, f.parameter) {
            self.param_pattern(p, None, None, Splat::None, &mut params);
        }
        params
    }

    /// A block body, or an arrow function's expression body as one `Return`.
    fn function_body(&mut self, n: Node<'_>) -> Vec<Stmt> {
        match self.field(n, self.fields().body) {
            Some(b) if self.k(b) == K::Block => self.block(Some(b)),
            Some(b) => {
                let e = self.expr(b);
                vec![Stmt {
                    span: e.span,
                    kind: StmtKind::Return(Some(e)),
                }]
            }
            None => Vec::new(),
        }
    }

    fn params(&mut self, n: Node<'_>, out: &mut Vec<Param>) {
        let f = self.fields();
        for (position, p) in named(n).enumerate() {
            let from = out.len();
            self.param(p, out);
            // Names a pattern binds share the argument's position (`Function::argument_positions`).
            let mut pattern = self.field(p, f.pattern).unwrap_or(p);
            if self.k(pattern) == K::AssignPattern {
                pattern = self.field(pattern, f.left).unwrap_or(pattern);
            }
            if matches!(self.k(pattern), K::ObjectPattern | K::ArrayPattern) {
                for param in &mut out[from..] {
                    let key = param.pattern.take().and_then(|d| d.key);
                    param.pattern = Some(crate::ir::Destructured {
                        position: position as u32,
                        key,
                    });
                }
            }
        }
    }

    /// The parameters one entry of a parameter list binds.
    fn param(&mut self, p: Node<'_>, out: &mut Vec<Param>) {
        let f = self.fields();
        if self.k(p) != K::TsParam {
            self.param_pattern(p, None, None, Splat::None, out);
            return;
        }
        let Some(pattern) = self.field(p, f.pattern) else {
            return;
        };
        let annotation = self.field(p, f.type_).map(|t| {
            let s = self.src(t);
            s.strip_prefix(':').unwrap_or(s).trim().into()
        });
        let default = self.field(p, f.value);
        self.param_pattern(pattern, annotation, default, Splat::None, out);
    }

    /// One `Param` per identifier bound by a parameter pattern. The annotation and default apply
    /// only when the pattern is a plain identifier (or `...rest`), not to destructured names.
    fn param_pattern(
        &mut self,
        n: Node<'_>,
        annotation: Option<Box<str>>,
        default: Option<Node<'_>>,
        splat: Splat,
        out: &mut Vec<Param>,
    ) {
        if self.depth >= MAX_DEPTH {
            return;
        }
        self.depth += 1;
        let f = self.fields();
        match self.k(n) {
            K::Name => {
                let default = default.map(|d| self.expr(d));
                out.push(Param {
                    name: self.src(n).into(),
                    annotation,
                    default,
                    splat,
                    span: span(n),
                    pattern: None,
                });
            }
            K::AssignPattern => {
                if let Some(left) = self.field(n, f.left) {
                    let right = self.field(n, f.right);
                    self.param_pattern(left, annotation, right, splat, out);
                }
            }
            K::Rest => {
                if let Some(inner) = named(n).next() {
                    self.param_pattern(inner, annotation, None, Splat::Star, out);
                }
            }
            K::PairPattern => {
                if let Some(v) = self.field(n, f.value) {
                    self.param_pattern(v, annotation, None, Splat::None, out);
                }
            }
            // `{ request }: ActionFunctionArgs`: each name bound from a typed object is
            // annotated with the type's member, `ActionFunctionArgs.request`, so a source can
            // name one field of an argument type; a nested pattern's names get none.
            K::ObjectPattern => {
                let plain = annotation
                    .as_deref()
                    .filter(|a| crate::resolve::annotation_class(a) == Some(a.trim()));
                let plain: Option<Box<str>> = plain.map(|a| a.trim().into());
                for c in named(n) {
                    let key: Option<Box<str>> = self.pattern_key(c).map(Into::into);
                    let member = plain
                        .as_deref()
                        .zip(key.as_deref())
                        .map(|(a, k)| format!("{a}.{k}").into_boxed_str());
                    let from = out.len();
                    self.param_pattern(c, member, None, Splat::None, out);
                    // The property each name reads, as the entry of the argument it comes from
                    // (a nested pattern's names read inside that property).
                    for param in &mut out[from..] {
                        param.pattern = Some(crate::ir::Destructured {
                            position: 0,
                            key: key.clone(),
                        });
                    }
                }
            }
            K::ArrayPattern => {
                for c in named(n) {
                    self.param_pattern(c, None, None, Splat::None, out);
                }
            }
            // `this: T` in TypeScript is not a parameter; anything else binds nothing.
            _ => {}
        }
        self.depth -= 1;
    }

    /// The property an object pattern's entry reads: `request` in `{ request }`, `{ request:
    /// req }` and `{ request = fallback }`.
    fn pattern_key(&self, n: Node<'_>) -> Option<&str> {
        let f = self.fields();
        match self.k(n) {
            K::Name => Some(self.src(n)),
            K::PairPattern => self
                .field(n, f.key)
                .filter(|k| self.k(*k) == K::Name)
                .map(|k| self.src(k)),
            K::AssignPattern => self
                .field(n, f.left)
                .filter(|l| self.k(*l) == K::Name)
                .map(|l| self.src(l)),
            _ => None,
        }
    }

    fn class(&mut self, n: Node<'_>, mut decorators: Vec<Expr>) -> usize {
        let f = self.fields();
        let idx = self.classes.len();
        self.classes.push(Class {
            name: "".into(),
            bases: Vec::new(),
            decorators: Vec::new(),
            methods: Vec::new(),
            body: Vec::new(),
            fields: Vec::new(),
            span: span(n),
        });
        let name: Box<str> = self
            .field(n, f.name)
            .map_or("".into(), |n| self.src(n).into());
        let mut bases = Vec::new();
        for c in named(n) {
            match self.k(c) {
                K::Decorator => decorators.push(self.decorator(c)),
                K::ClassHeritage => self.heritage(c, &mut bases),
                _ => {}
            }
        }
        let mut methods = Vec::new();
        let mut body = Vec::new();
        let mut fields = Vec::new();
        if let Some(cb) = self.field(n, f.body) {
            // TypeScript puts member decorators before the member, as siblings.
            let mut pending = Vec::new();
            for m in named(cb) {
                match self.k(m) {
                    K::Decorator => {
                        let d = self.decorator(m);
                        pending.push(d);
                    }
                    K::Method => {
                        let decs = std::mem::take(&mut pending);
                        let fi = self.function(m, Some(idx), decs);
                        self.parameter_properties(m, fi, &mut fields);
                        methods.push(fi);
                    }
                    // `abstract chat(p: string): string;`, an interface's `chat(p: string): string`:
                    // a method with no body, which the classes deriving from it define.
                    K::Skip
                        if matches!(m.kind(), "method_signature" | "abstract_method_signature") =>
                    {
                        pending.clear();
                        methods.push(self.function(m, Some(idx), Vec::new()));
                    }
                    K::Field => {
                        pending.clear();
                        self.field_def(m, &mut body, &mut fields);
                    }
                    K::StaticBlock => {
                        pending.clear();
                        let b = self.field(m, f.body);
                        body.extend(self.block(b));
                    }
                    _ => pending.clear(),
                }
            }
        }
        if let Some(class) = self.classes.get_mut(idx) {
            class.name = name;
            class.bases = bases;
            class.decorators = decorators;
            class.methods = methods;
            class.body = body;
            class.fields = fields;
        }
        idx
    }

    /// `constructor(private graph: Neo4jGraph)`: a parameter with a modifier declares the field
    /// `graph` of that type and assigns it, `this.graph = graph`, before the constructor's body.
    fn parameter_properties(&mut self, m: Node<'_>, fi: usize, fields: &mut Vec<Param>) {
        let f = self.fields();
        let Some(ps) = self.field(m, f.parameters) else {
            return;
        };
        let Some(func) = self.functions.get(fi) else {
            return;
        };
        if &*func.name != "constructor" {
            return;
        }
        let mut assigns = Vec::new();
        for p in named(ps) {
            let mut cursor = p.walk();
            let modified = p.children(&mut cursor).any(|c| self.k(c) == K::Modifier);
            let pattern = self.field(p, f.pattern).filter(|n| self.k(*n) == K::Name);
            let (true, Some(name)) = (modified && self.k(p) == K::TsParam, pattern) else {
                continue;
            };
            let nsp = span(name);
            let text: Box<str> = self.src(name).into();
            let annotation = self.field(p, f.type_).map(|t| {
                let s = self.src(t);
                s.strip_prefix(':').unwrap_or(s).trim().into()
            });
            let this = Box::new(Expr::new(ExprKind::Name("this".into()), nsp));
            let target = ExprKind::Attribute {
                value: this,
                attr: text.clone(),
            };
            assigns.push(Stmt {
                kind: StmtKind::Assign {
                    targets: vec![Expr::new(target, nsp)],
                    value: Expr::new(ExprKind::Name(text.clone()), nsp),
                    augmented: false,
                },
                span: span(p),
            });
            fields.push(Param {
                name: text,
                annotation,
                default: None,
                splat: Splat::None,
                span: nsp,
                pattern: None,
            });
        }
        if let Some(func) = self.functions.get_mut(fi) {
            func.body.splice(0..0, assigns);
        }
    }

    fn heritage(&mut self, n: Node<'_>, bases: &mut Vec<Expr>) {
        for c in named(n) {
            match self.k(c) {
                K::ExtendsClause => {
                    for v in named(c) {
                        if self.k(v) != K::Type {
                            bases.push(self.expr(v));
                        }
                    }
                }
                // `implements Chat`: an interface, whose declared methods the class defines.
                K::Skip if c.kind() == "implements_clause" => {
                    for t in named(c) {
                        let name = match t.kind() {
                            "generic_type" => self.field(t, self.fields().name),
                            "type_identifier" => Some(t),
                            _ => None,
                        };
                        if let Some(n) = name.filter(|n| n.kind() == "type_identifier") {
                            let kind = ExprKind::Name(self.src(n).into());
                            bases.push(Expr::new(kind, span(n)));
                        }
                    }
                }
                K::Type | K::Skip => {}
                // JavaScript: `extends <expression>` directly.
                _ => bases.push(self.expr(c)),
            }
        }
    }

    /// `x = v` in a class body: `this.x = v`. `x: T` (with or without a value) declares the
    /// field's type, as a Python class-level annotation does.
    fn field_def(&mut self, m: Node<'_>, body: &mut Vec<Stmt>, fields: &mut Vec<Param>) {
        let f = self.fields();
        let name = self.field(m, f.name).or_else(|| self.field(m, f.property));
        if let (Some(name), Some(t)) = (name, self.field(m, f.type_)) {
            if self.k(name) == K::Name {
                let s = self.src(t);
                fields.push(Param {
                    name: self.src(name).into(),
                    annotation: Some(s.strip_prefix(':').unwrap_or(s).trim().into()),
                    default: None,
                    splat: Splat::None,
                    span: span(name),
                    pattern: None,
                });
            }
        }
        let (Some(name), Some(value)) = (name, self.field(m, f.value)) else {
            return;
        };
        let nsp = span(name);
        let this = Box::new(Expr::new(ExprKind::Name("this".into()), nsp));
        let target = match self.k(name) {
            K::Computed => {
                let key = match named(name).next() {
                    Some(k) => self.expr(k),
                    None => other(nsp),
                };
                ExprKind::Index {
                    value: this,
                    index: Box::new(key),
                }
            }
            K::String => ExprKind::Attribute {
                value: this,
                attr: self.string_value(name),
            },
            _ => ExprKind::Attribute {
                value: this,
                attr: self.src(name).into(),
            },
        };
        let value = self.expr(value);
        body.push(Stmt {
            kind: StmtKind::Assign {
                targets: vec![Expr::new(target, nsp)],
                value,
                augmented: false,
            },
            span: span(m),
        });
    }

    // ----- patterns -----

    /// An assignment or declaration target: names, attribute/index targets, or destructuring
    /// (`Dict` for object patterns, `List` for array patterns).
    fn pattern(&mut self, n: Node<'_>) -> Expr {
        if self.depth >= MAX_DEPTH {
            return other(span(n));
        }
        self.depth += 1;
        let e = self.pattern_inner(n);
        self.depth -= 1;
        e
    }

    fn pattern_inner(&mut self, n: Node<'_>) -> Expr {
        let kind = match self.k(n) {
            K::Name => return self.name_expr(n),
            K::ObjectPattern => self.object_pattern(n),
            K::ArrayPattern => {
                let mut items = Vec::new();
                for c in named(n) {
                    items.push(self.pattern(c));
                }
                ExprKind::List(items)
            }
            K::Rest => match named(n).next() {
                Some(inner) => ExprKind::Spread(Box::new(self.pattern(inner))),
                None => ExprKind::Other(Vec::new()),
            },
            K::AssignPattern => match self.field(n, self.fields().left) {
                Some(l) => return self.pattern(l),
                None => ExprKind::Other(Vec::new()),
            },
            K::Paren | K::Unwrap => match named(n).find(|c| self.k(*c) != K::Type) {
                Some(inner) => return self.pattern(inner),
                None => ExprKind::Other(Vec::new()),
            },
            _ => return self.expr(n),
        };
        Expr::new(kind, span(n))
    }

    /// `{ a, b: c, d = 1, ...r }` -> `Dict` of property name -> bound target (`None` for rest).
    fn object_pattern(&mut self, n: Node<'_>) -> ExprKind {
        let f = self.fields();
        let mut entries = Vec::new();
        for c in named(n) {
            match self.k(c) {
                K::Name => {
                    let key = Expr::new(ExprKind::Str(self.src(c).into()), span(c));
                    entries.push((Some(key), self.name_expr(c)));
                }
                K::PairPattern => {
                    let key = self.field(c, f.key).map(|k| self.prop_key(k));
                    let value = match self.field(c, f.value) {
                        Some(v) => self.pattern(v),
                        None => other(span(c)),
                    };
                    entries.push((key, value));
                }
                K::AssignPattern => {
                    if let Some(l) = self.field(c, f.left) {
                        let value = self.pattern(l);
                        let key = (self.k(l) == K::Name)
                            .then(|| Expr::new(ExprKind::Str(self.src(l).into()), span(l)));
                        entries.push((key, value));
                    }
                }
                K::Rest => {
                    if let Some(inner) = named(c).next() {
                        entries.push((None, self.pattern(inner)));
                    }
                }
                _ => {}
            }
        }
        ExprKind::Dict(entries)
    }

    /// An object key: identifiers and strings are `Str`, computed keys their expression.
    fn prop_key(&mut self, k: Node<'_>) -> Expr {
        let sp = span(k);
        match self.k(k) {
            K::Name => Expr::new(ExprKind::Str(self.src(k).into()), sp),
            K::String => Expr::new(ExprKind::Str(self.string_value(k)), sp),
            K::Number => Expr::new(ExprKind::Number(self.src(k).into()), sp),
            K::Computed => match named(k).next() {
                Some(inner) => self.expr(inner),
                None => other(sp),
            },
            _ => self.expr(k),
        }
    }

    // ----- expressions -----

    fn expr(&mut self, n: Node<'_>) -> Expr {
        if self.depth >= MAX_DEPTH {
            return other(span(n));
        }
        self.depth += 1;
        let e = self.expr_inner(n);
        self.depth -= 1;
        e
    }

    fn opt_expr(&mut self, n: Option<Node<'_>>, fallback: Span) -> Expr {
        match n {
            Some(n) => self.expr(n),
            None => other(fallback),
        }
    }

    fn boxed(&mut self, n: Option<Node<'_>>, fallback: Span) -> Box<Expr> {
        Box::new(self.opt_expr(n, fallback))
    }

    /// Only dispatches: compound cases live in their own functions so this frame, which sits on
    /// the stack once per nesting level, stays small.
    fn expr_inner(&mut self, n: Node<'_>) -> Expr {
        let kind = match self.k(n) {
            K::Name if self.src(n) == "undefined" => ExprKind::Null,
            K::Name | K::This => ExprKind::Name(self.src(n).into()),
            K::Number => ExprKind::Number(self.src(n).into()),
            K::True => ExprKind::Bool(true),
            K::False => ExprKind::Bool(false),
            K::Null => ExprKind::Null,
            K::String => ExprKind::Str(self.string_value(n)),
            K::Template => self.template(n, false),
            K::Member => self.member(n),
            K::Subscript => self.subscript(n),
            K::Call => self.call(n, false),
            K::New => self.call(n, true),
            K::Paren | K::Unwrap => return self.unwrap(n),
            K::Object => self.object(n),
            K::Array => self.array(n),
            K::Spread | K::Await => self.unary(n),
            K::Ternary => self.ternary(n),
            K::Binary => self.binary(n),
            K::FunctionExpr | K::Arrow => ExprKind::Function(self.function(n, None, Vec::new())),
            K::ClassExpr => {
                self.class(n, Vec::new());
                ExprKind::Other(Vec::new())
            }
            K::JsxElement | K::JsxSelfClosing => self.jsx(n),
            K::Assign | K::AugAssign => self.assign_expr(n),
            K::Skip | K::Type => ExprKind::Other(Vec::new()),
            _ => self.children(n),
        };
        Expr::new(kind, span(n))
    }

    /// Parentheses and TS type wrappers (`as`, `satisfies`, `!`, `<T>x`) lower to the inner
    /// expression.
    fn unwrap(&mut self, n: Node<'_>) -> Expr {
        match named(n).find(|c| self.k(*c) != K::Type) {
            Some(inner) => self.expr(inner),
            None => other(span(n)),
        }
    }

    fn member(&mut self, n: Node<'_>) -> ExprKind {
        let f = self.fields();
        let obj = self.field(n, f.object);
        let attr = self.field(n, f.property).map_or("", |p| self.src(p));
        ExprKind::Attribute {
            value: self.boxed(obj, span(n)),
            attr: attr.into(),
        }
    }

    fn subscript(&mut self, n: Node<'_>) -> ExprKind {
        let f = self.fields();
        let (obj, index) = (self.field(n, f.object), self.field(n, f.index));
        ExprKind::Index {
            value: self.boxed(obj, span(n)),
            index: self.boxed(index, span(n)),
        }
    }

    fn array(&mut self, n: Node<'_>) -> ExprKind {
        let mut items = Vec::new();
        for c in named(n) {
            items.push(self.expr(c));
        }
        ExprKind::List(items)
    }

    /// `...x`, `await x`, `yield x` (a bare `yield` is an empty `Other`).
    fn unary(&mut self, n: Node<'_>) -> ExprKind {
        let Some(c) = named(n).next() else {
            return ExprKind::Other(Vec::new());
        };
        let inner = Box::new(self.expr(c));
        if self.k(n) == K::Spread {
            ExprKind::Spread(inner)
        } else {
            ExprKind::Await(inner)
        }
    }

    fn ternary(&mut self, n: Node<'_>) -> ExprKind {
        let f = self.fields();
        let (c, a) = (self.field(n, f.consequence), self.field(n, f.alternative));
        let mut items = Vec::new();
        for b in [c, a].into_iter().flatten() {
            items.push(self.expr(b));
        }
        ExprKind::Choice(items)
    }

    /// An assignment nested in an expression: target and value, kept for flows.
    fn assign_expr(&mut self, n: Node<'_>) -> ExprKind {
        let f = self.fields();
        let (l, r) = (self.field(n, f.left), self.field(n, f.right));
        let mut items = Vec::new();
        if let Some(l) = l {
            items.push(self.pattern(l));
        }
        if let Some(r) = r {
            items.push(self.expr(r));
        }
        ExprKind::Other(items)
    }

    /// Unary, update, sequence, ERROR ...: keep the children so flows pass through.
    fn children(&mut self, n: Node<'_>) -> ExprKind {
        let mut items = Vec::new();
        for c in named(n) {
            if !matches!(self.k(c), K::Skip | K::Type) {
                items.push(self.expr(c));
            }
        }
        ExprKind::Other(items)
    }

    fn call(&mut self, n: Node<'_>, is_new: bool) -> ExprKind {
        let f = self.fields();
        let sp = span(n);
        let callee = self.field(n, if is_new { f.constructor } else { f.function });
        let callee = self.opt_expr(callee, sp);
        let mut args = Vec::new();
        if let Some(a) = self.field(n, f.arguments) {
            if self.k(a) == K::Template {
                // Tagged template: the tag receives the string parts and values.
                let value = Expr::new(self.template(a, true), span(a));
                args.push(Arg {
                    name: None,
                    value,
                    splat: Splat::None,
                    span: span(a),
                });
            } else {
                for c in named(a) {
                    args.push(self.arg(c));
                }
            }
        }
        ExprKind::Call(Box::new(Call {
            callee,
            args,
            is_new,
            qualified: None,
        }))
    }

    fn arg(&mut self, c: Node<'_>) -> Arg {
        let (value, splat) = if self.k(c) == K::Spread {
            (self.opt_expr(named(c).next(), span(c)), Splat::Star)
        } else {
            (self.expr(c), Splat::None)
        };
        Arg {
            name: None,
            value,
            splat,
            span: span(c),
        }
    }

    /// Template literal parts; without substitutions a plain `Str` unless `always_build`.
    fn template(&mut self, n: Node<'_>, always_build: bool) -> ExprKind {
        let mut parts = Vec::new();
        let mut lit = String::new();
        let mut pos = n.start_byte() + 1;
        for c in named(n) {
            if self.k(c) != K::Substitution {
                continue;
            }
            decode_escapes(self.text.get(pos..c.start_byte()).unwrap_or(""), &mut lit);
            if !lit.is_empty() {
                parts.push(StrPart::Lit(std::mem::take(&mut lit).into()));
            }
            let e = self.opt_expr(named(c).next(), span(c));
            parts.push(StrPart::Expr(e));
            pos = c.end_byte();
        }
        let end = n.end_byte();
        // An unterminated template (syntax error) has no closing backtick.
        let end = if self.src(n).ends_with('`') && end > pos {
            end - 1
        } else {
            end
        };
        decode_escapes(self.text.get(pos..end).unwrap_or(""), &mut lit);
        if parts.is_empty() && !always_build {
            return ExprKind::Str(lit.into());
        }
        if !lit.is_empty() {
            parts.push(StrPart::Lit(lit.into()));
        }
        ExprKind::StringBuild(parts)
    }

    fn binary(&mut self, n: Node<'_>) -> ExprKind {
        let f = self.fields();
        let op = self.field_op(n);
        match op {
            "+" | "||" | "&&" | "??" => {
                let is_concat = op == "+";
                // Walk the left-nested chain iteratively: `a + b + c` is ((a + b) + c).
                let mut rev = Vec::new();
                let mut cur = n;
                loop {
                    rev.extend(self.field(cur, f.right));
                    match self.field(cur, f.left) {
                        Some(l) if self.k(l) == K::Binary && self.chains(op, self.field_op(l)) => {
                            cur = l
                        }
                        l => {
                            rev.extend(l);
                            break;
                        }
                    }
                }
                let mut items = Vec::with_capacity(rev.len());
                for o in rev.into_iter().rev() {
                    items.push(self.expr(o));
                }
                if !is_concat {
                    return ExprKind::Choice(items);
                }
                if !items.iter().any(is_str) {
                    return ExprKind::Other(items);
                }
                let mut parts = Vec::new();
                for e in items {
                    push_part(&mut parts, e);
                }
                ExprKind::StringBuild(parts)
            }
            "==" | "===" | "!=" | "!==" | "<" | ">" | "<=" | ">=" | "in" | "instanceof" => {
                let (l, r) = (self.field(n, f.left), self.field(n, f.right));
                let sp = span(n);
                ExprKind::Compare {
                    op: op.into(),
                    left: self.boxed(l, sp),
                    right: self.boxed(r, sp),
                }
            }
            _ => {
                let mut items = Vec::new();
                for side in [self.field(n, f.left), self.field(n, f.right)]
                    .into_iter()
                    .flatten()
                {
                    items.push(self.expr(side));
                }
                ExprKind::Other(items)
            }
        }
    }

    /// Whether a left operand with operator `inner` continues a chain of `outer`.
    fn chains(&self, outer: &str, inner: &str) -> bool {
        match outer {
            "+" => inner == "+",
            _ => matches!(inner, "||" | "&&" | "??"),
        }
    }

    fn field_op<'t>(&self, n: Node<'t>) -> &'t str {
        n.child_by_field_id(self.g.f.operator)
            .map_or("", |o| o.kind())
    }

    fn object(&mut self, n: Node<'_>) -> ExprKind {
        let f = self.fields();
        let mut entries = Vec::new();
        for c in named(n) {
            let sp = span(c);
            match self.k(c) {
                K::Pair => {
                    let key = self.field(c, f.key).map(|k| self.prop_key(k));
                    let value = self.opt_expr(self.field(c, f.value), sp);
                    entries.push((key, value));
                }
                K::Name => {
                    let key = Expr::new(ExprKind::Str(self.src(c).into()), sp);
                    entries.push((Some(key), self.name_expr(c)));
                }
                K::Spread => {
                    let value = self.opt_expr(named(c).next(), sp);
                    entries.push((None, value));
                }
                K::Method => {
                    let key = self.field(c, f.name).map(|k| self.prop_key(k));
                    let idx = self.function(c, None, Vec::new());
                    entries.push((key, Expr::new(ExprKind::Function(idx), sp)));
                }
                _ => {}
            }
        }
        ExprKind::Dict(entries)
    }

    /// JSX lowers like `React.createElement(tag, {attributes}, ...children)`, with the tag as
    /// the callee and a fragment's callee `Fragment`.
    fn jsx(&mut self, n: Node<'_>) -> ExprKind {
        let mut args = Vec::new();
        let callee = self.jsx_open(n, &mut args);
        if self.k(n) != K::JsxSelfClosing {
            for c in named(n) {
                self.jsx_child(c, &mut args);
            }
        }
        ExprKind::Call(Box::new(Call {
            callee,
            args,
            is_new: false,
            qualified: None,
        }))
    }

    /// The tag as callee; pushes the attributes as the first argument.
    fn jsx_open(&mut self, n: Node<'_>, args: &mut Vec<Arg>) -> Expr {
        let f = self.fields();
        let open = if self.k(n) == K::JsxSelfClosing {
            Some(n)
        } else {
            self.field(n, f.open_tag)
        };
        let osp = open.map_or(span(n), span);
        let callee = match open.and_then(|o| self.field(o, f.name)) {
            Some(t) => self.expr(t),
            None => Expr::new(ExprKind::Name("Fragment".into()), osp),
        };
        let mut attrs = Vec::new();
        if let Some(o) = open {
            for a in named(o) {
                self.jsx_attr(a, &mut attrs);
            }
        }
        args.push(Arg {
            name: None,
            value: Expr::new(ExprKind::Dict(attrs), osp),
            splat: Splat::None,
            span: osp,
        });
        callee
    }

    /// `name={value}`, `name="s"`, a bare `name` (true), or `{...spread}` (key `None`).
    fn jsx_attr(&mut self, a: Node<'_>, attrs: &mut Vec<(Option<Expr>, Expr)>) {
        match self.k(a) {
            K::JsxAttribute => {
                let mut parts = named(a);
                let Some(name) = parts.next() else {
                    return;
                };
                let key = Expr::new(ExprKind::Str(self.src(name).into()), span(name));
                let value = match parts.next() {
                    Some(v) if self.k(v) == K::JsxExpression => {
                        self.opt_expr(named(v).next(), span(v))
                    }
                    // JSX attribute strings have no escapes.
                    Some(v) if self.k(v) == K::String => {
                        Expr::new(ExprKind::Str(self.string_content(v).into()), span(v))
                    }
                    Some(v) => self.expr(v),
                    None => Expr::new(ExprKind::Bool(true), span(a)),
                };
                attrs.push((Some(key), value));
            }
            K::JsxExpression => {
                let inner = match named(a).next() {
                    Some(s) if self.k(s) == K::Spread => named(s).next(),
                    s => s,
                };
                let value = self.opt_expr(inner, span(a));
                attrs.push((None, value));
            }
            _ => {}
        }
    }

    /// Element children and `{expression}` children become arguments; text is dropped.
    fn jsx_child(&mut self, c: Node<'_>, args: &mut Vec<Arg>) {
        match self.k(c) {
            K::JsxElement | K::JsxSelfClosing => {
                let value = self.expr(c);
                args.push(Arg {
                    name: None,
                    value,
                    splat: Splat::None,
                    span: span(c),
                });
            }
            K::JsxExpression => {
                if let Some(inner) = named(c).next() {
                    let arg = self.arg(inner);
                    args.push(arg);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests;
