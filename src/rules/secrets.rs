//! Text rules: secrets (AIG101-AIG103) in any text file, code or config.

use super::{Hit, Registry};
use crate::ir::Module;
use crate::source::Source;
use std::collections::BTreeSet;

/// Run the secret detectors over a source. For notebooks, saved outputs are in `source.raw`:
/// hits there set `Hit::in_raw`.
pub fn run(
    _source: &Source,
    _module: &Module,
    _registry: &Registry,
    _enabled: &BTreeSet<&'static str>,
    _out: &mut Vec<Hit>,
) {
}
