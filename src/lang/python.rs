//! Python front end: tree-sitter-python -> IR.

use crate::ir::Module;

/// Lower Python source text into the IR.
pub fn lower(_text: &str) -> Module {
    Module::default()
}
