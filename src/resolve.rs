//! Import aliases and simple receiver types -> qualified names on every call.

use crate::ir::Module;

/// Fill `Call::qualified` for every call in the module.
pub fn resolve(_module: &mut Module) {}
