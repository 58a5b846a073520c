//! Language front ends: parse (tree-sitter for Python and TS/JS, syn for Rust) and lower to the IR. One parser per thread;
//! grammars are static.

pub mod notebook;
pub mod python;
pub mod rust;
pub mod typescript;

use crate::ir::Module;
use crate::source::{Language, Source};

/// Parse and lower a source. Text files (and languages without a front end yet) give an empty
/// module. Never panics on bad input; `Module::has_errors` is set when the parse had errors.
pub fn parse(source: &Source) -> Module {
    let mut module = match source.language {
        Language::Python | Language::Notebook => python::lower(&source.text),
        Language::TypeScript | Language::Tsx | Language::JavaScript => {
            typescript::lower(&source.text, source.language)
        }
        Language::Rust => rust::lower(&source.text),
        Language::Text => Module::default(),
    };
    module.language = source.language;
    module
}

/// The deepest syntax nesting lowered into the IR. Deeper subtrees are cut off (kept as an empty
/// `Other`), so neither lowering nor dropping the IR can overflow the stack.
pub const MAX_DEPTH: usize = 200;
