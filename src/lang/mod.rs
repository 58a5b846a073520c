//! Language front ends: parse (tree-sitter for Python and TS/JS, syn for Rust) and lower to the IR. One parser per thread;
//! grammars are static.

pub mod notebook;
pub mod python;
pub mod rust;
pub mod sfc;
pub mod typescript;

use crate::ir::Dialect;
use crate::ir::{Expr, ExprKind, Module, StrPart};
use crate::source::{Family, Language, Source};

/// Parse and lower a source. Text files (and languages without a front end yet) give an empty
/// module. Never panics on bad input; `Module::has_errors` is set when the parse had errors.
/// The 1-based line of the first error or missing node of a tree-sitter tree. Only subtrees
/// that hold an error are entered, so a clean tree costs one check.
pub(crate) fn first_error_line(root: tree_sitter::Node<'_>) -> Option<u32> {
    if !root.has_error() {
        return None;
    }
    let mut node = root;
    'down: loop {
        if node.is_error() || node.is_missing() {
            return Some(node.start_position().row as u32 + 1);
        }
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            if child.has_error() {
                node = child;
                continue 'down;
            }
        }
        // has_error() with no erroring child: the node itself is where it went wrong.
        return Some(node.start_position().row as u32 + 1);
    }
}

/// Larger sources are not parsed: a syntax tree and its IR take some 25 to 50 bytes per source
/// byte, and a file this big (raised `--max-filesize`) is generated code. Their text is still
/// searched for secrets, so memory stays bounded whatever the file.
pub const MAX_PARSE_BYTES: usize = 8 << 20;

pub fn parse(source: &Source) -> Module {
    if source.text.len() > MAX_PARSE_BYTES && source.language != Language::Text {
        return Module {
            language: source.language,
            dialect: dialect(source.language),
            has_errors: true,
            unparsed: true,
            ..Module::default()
        };
    }
    let mut module = match source.language {
        Language::Python | Language::Notebook => python::lower(&source.text),
        Language::TypeScript | Language::Tsx | Language::JavaScript => {
            typescript::lower(&source.text, source.language)
        }
        Language::Rust => rust::lower(&source.text),
        Language::Vue | Language::Svelte => sfc::lower(&source.text),
        Language::Html => sfc::lower_page(&source.text),
        Language::Text => Module::default(),
    };
    module.language = source.language;
    module.dialect = dialect(source.language);
    module
}

/// What the rules need to know about a language, so they never ask which one a file is in.
fn dialect(language: Language) -> Dialect {
    let python = language.family() == Family::Python;
    let rust = language.family() == Family::Rust;
    Dialect {
        first_param_receiver: python,
        self_param_receiver: rust,
        capwords_construct: python,
        options_objects: !python,
        builder_setters: rust,
        constructor: match language.family() {
            Family::Python => Some("__init__"),
            Family::Rust => None,
            _ => Some("constructor"),
        },
        jsx_children: (!python && !rust).then_some("children"),
        copy_functions: match language.family() {
            Family::Python => &["dict"],
            Family::Rust => &[],
            _ => &["structuredClone"],
        },
        copy_methods: if python { &["copy"] } else { &[] },
        pairs_methods: if python { &["items"] } else { &[] },
        counting_functions: if python { &["enumerate"] } else { &[] },
        platform_types: match language.family() {
            Family::Python => PYTHON_PLATFORM,
            Family::Rust => &[],
            _ => JS_PLATFORM,
        },
        platform_fields: match language.family() {
            Family::Rust => &[],
            _ => &["stdin", "stdout", "stderr"],
        },
        receiverless_decorators: if python { &["staticmethod"] } else { &[] },
    }
}

/// Python's built-in classes and functions whose results have methods (`open(p).write`).
const PYTHON_PLATFORM: &[&str] = &[
    "open",
    "dict",
    "list",
    "set",
    "frozenset",
    "str",
    "bytes",
    "bytearray",
    "tuple",
];

/// JavaScript's global classes and objects (also Node's and the browser's). The Fetch API's
/// `Request` and `Response` are not listed: frameworks hand them to handlers, and their sources
/// and sinks are the packs'.
const JS_PLATFORM: &[&str] = &[
    "Map",
    "Set",
    "WeakMap",
    "WeakSet",
    "URL",
    "URLSearchParams",
    "Headers",
    "FormData",
    "Array",
    "Object",
    "String",
    "Number",
    "Promise",
    "Date",
    "RegExp",
    "JSON",
    "Math",
    "Buffer",
    "fetch",
    "process",
    "console",
    "Blob",
    "TextEncoder",
    "TextDecoder",
    "AbortController",
    "Intl",
    "Reflect",
    "Symbol",
    "Error",
    "window",
    "document",
    "navigator",
    "localStorage",
    "sessionStorage",
];

pub use crate::ir::MAX_DEPTH;

// String building, shared by the lowerings that build strings from parts.

pub(crate) fn is_str(e: &Expr) -> bool {
    matches!(e.kind, ExprKind::Str(_) | ExprKind::StringBuild(_))
}

/// Appends `e` to string-build parts, merging literal runs and nested builds.
pub(crate) fn push_part(parts: &mut Vec<StrPart>, e: Expr) {
    match e.kind {
        ExprKind::Str(s) => push_lit(parts, &s),
        ExprKind::StringBuild(inner) => {
            for p in inner {
                match p {
                    StrPart::Lit(s) => push_lit(parts, &s),
                    StrPart::Expr(e) => parts.push(StrPart::Expr(e)),
                }
            }
        }
        _ => parts.push(StrPart::Expr(e)),
    }
}

pub(crate) fn push_lit(parts: &mut Vec<StrPart>, s: &str) {
    if s.is_empty() {
        return;
    }
    if let Some(StrPart::Lit(prev)) = parts.last_mut() {
        let mut joined = String::with_capacity(prev.len() + s.len());
        joined.push_str(prev);
        joined.push_str(s);
        *prev = joined.into();
    } else {
        parts.push(StrPart::Lit(s.into()));
    }
}
