//! Sources that require other kinds (`requires_kinds`): the command line and the console are the
//! operator's input, attacker input only in a file that also serves requests, that is, where a
//! source of a required kind (a route's request, a bot's message) applies too. Decided per file,
//! where the input is read: a script that only imports the app's modules serves nothing, and data
//! a serving file passes to other files' functions goes on as usual. Sinks that require kinds
//! (`print` as a server's log) apply in the serving file and in the functions of a file whose
//! functions a serving file calls with its request (what they print goes to the server's log).

use super::*;
use crate::spec::flow::Source;

impl Engine<'_, '_> {
    /// Whether `source` applies in this file: the imports it needs, and the kinds it requires.
    pub(super) fn source_applies(&self, source: &Source) -> bool {
        self.imports_ok(&source.imports) && self.serves_as_required(source)
    }

    /// Whether a source of a kind `source` requires applies in the file (none required: true).
    pub(super) fn serves_as_required(&self, source: &Source) -> bool {
        source.requires_kinds == 0 || self.served & source.requires_kinds != 0
    }

    /// Whether a sink that requires `kinds` (`print` as a server's log) applies in `function`.
    pub(super) fn sink_served(&self, kinds: KindSet, function: Option<usize>) -> bool {
        kinds == 0
            || self.served & kinds != 0
            || function.is_some() && self.served_by_callers & kinds != 0
    }

    /// Source `sid` applies in the file: a source that requires its kind may apply too.
    pub(super) fn note_served(&mut self, sid: usize) {
        let source = &self.spec.sources[sid];
        if source.requires_kinds == 0 {
            self.served |= 1 << source.kind;
        }
    }

    /// Seed the parameter sources that require kinds the file's other sources give. Run after
    /// `seed_param_sources` and `prescan`, which find those. Returns whether any applies.
    pub fn seed_local_param_sources(&mut self) -> bool {
        let sids: Vec<u32> = self
            .ix
            .param_sources
            .iter()
            .copied()
            .filter(|&sid| {
                let source = &self.spec.sources[sid as usize];
                source.requires_kinds != 0 && self.serves_as_required(source)
            })
            .collect();
        self.seed_param_sources_of(&sids)
    }
}
